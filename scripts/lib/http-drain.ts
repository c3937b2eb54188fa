/**
 * Draining a node:http server on shutdown (REL-1, docs/decisions/0010-process-model.md).
 *
 * `server.close()` alone stops accepting but leaves keep-alive connections open: a busy client
 * keeps sending requests on them forever. `drain()`:
 *   1. stops accepting new connections (`server.close()`);
 *   2. answers every request from then on with `Connection: close`, and puts it on every response
 *      in flight whose headers are not sent yet, so each connection ends after its current response;
 *   3. closes connections that sit idle between requests once the client no longer reuses them:
 *      after `idleCloseMs` without a request, by default the server's `keepAliveTimeout` (the
 *      `Keep-Alive: timeout=5` every response advertised; clients such as undici stop reusing a
 *      connection before that). Closing sooner races the client: a connection idle for 500 ms was
 *      the one it picked next once its busy ones were closed (measured with a fast API path: 2 of
 *      575 keep-alive reads reset). A request on such a connection is answered, with `close`;
 *   4. after `graceMs`, destroys whatever is left (requests still running are cut) and resolves.
 *
 * Node's own `server.close()` closes "idle" connections at once, including busy ones whose next
 * request is not parsed yet (measured: every request of a 10-connection load then failed with a
 * reset); http-terminator keeps accepting connections until its grace period ends. Hence this.
 */
import type { Server, IncomingMessage, ServerResponse } from 'node:http';
import { Server as NetServer, type Socket } from 'node:net';

export interface DrainResult {
  /** Requests that were running when the drain began and finished within the grace period. */
  completed: number;
  /** Requests cut at the deadline (their connections destroyed). */
  cut: number;
  /** Requests that arrived on open connections during the drain and were answered. */
  lateServed: number;
  /** Milliseconds the drain took. */
  ms: number;
}

export interface Drainable {
  drain(graceMs: number): Promise<DrainResult>;
  /** Requests currently in flight. */
  inFlight(): number;
  /** Open connections. */
  connections(): number;
}

interface Connection {
  active: Set<ServerResponse>;
  idleSince: number;
}

export function makeDrainable(server: Server, options: { idleCloseMs?: number; tickMs?: number } = {}): Drainable {
  const idleCloseMs = options.idleCloseMs ?? server.keepAliveTimeout;
  const tickMs = options.tickMs ?? 50;
  const connections = new Map<Socket, Connection>();
  let draining = false;
  let runningAtStart = new Set<ServerResponse>();
  let completed = 0;
  let lateServed = 0;

  server.on('connection', (socket: Socket) => {
    connections.set(socket, { active: new Set(), idleSince: Date.now() });
    socket.once('close', () => connections.delete(socket));
  });

  // Ahead of the application's handler, so the header is set before anything is written.
  server.prependListener('request', (req: IncomingMessage, res: ServerResponse) => {
    const connection = connections.get(req.socket);
    if (!connection) return;
    connection.active.add(res);
    if (draining && !res.headersSent) res.setHeader('connection', 'close');
    res.once('close', () => {
      connection.active.delete(res);
      connection.idleSince = Date.now();
      if (!draining) return;
      if (runningAtStart.delete(res)) completed++;
      else lateServed++;
      // A response whose headers went out before the drain said keep-alive: its client may already
      // be sending the next request on it. Ending the connection now would reset that request (seen:
      // 2 of 10 keep-alive clients cut); it is answered with `Connection: close` instead, or the
      // connection is closed once idle (below).
    });
  });

  return {
    connections: () => connections.size,
    inFlight: () => [...connections.values()].reduce((n, c) => n + c.active.size, 0),
    drain(graceMs) {
      const started = Date.now();
      draining = true;
      runningAtStart = new Set([...connections.values()].flatMap((c) => [...c.active]));
      for (const res of runningAtStart) if (!res.headersSent) res.setHeader('connection', 'close');
      // http.Server#close() also runs closeIdleConnections(), whose "idle" includes a busy
      // keep-alive connection whose next request is not parsed yet: that request would be reset.
      // net.Server#close() only stops accepting; idle connections are closed below, after a pause.
      NetServer.prototype.close.call(server);
      return new Promise<DrainResult>((resolve) => {
        const finish = (cut: number) => {
          clearInterval(timer);
          resolve({ completed, cut, lateServed, ms: Date.now() - started });
        };
        const tick = () => {
          const now = Date.now();
          for (const [socket, c] of connections) {
            if (c.active.size === 0 && now - c.idleSince >= idleCloseMs) socket.destroy();
          }
          if (connections.size === 0) return finish(0);
          if (now - started >= graceMs) {
            let cut = 0;
            for (const [socket, c] of connections) {
              cut += c.active.size;
              socket.destroy();
            }
            finish(cut);
          }
        };
        const timer = setInterval(tick, tickMs);
        tick();
      });
    },
  };
}
