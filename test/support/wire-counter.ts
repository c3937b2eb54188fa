/**
 * Counts what a PostgreSQL client sends, at the wire (PERF-1, issue 10): a loopback TCP proxy in
 * front of the test cluster that parses the frontend protocol messages passing through it.
 *
 *   statements   Execute ('E') and simple Query ('Q') messages: statements the server ran
 *   roundTrips   Sync ('S'), Flush ('H') and Query ('Q') messages: each makes the client wait for
 *                the server's answer (postgres.js sends a Flush after a Describe it must see before
 *                it can bind the parameters — the "describe first" of an unprepared statement)
 *   describes    Describe-statement messages (Parse + Describe 'S': a statement the client had to
 *                ask the server about before running it)
 *   parses       Parse ('P') messages (a prepared statement already known to the connection needs none)
 *
 * Connection start-up (startup message, password) is not counted: warm the pool up first.
 */
import net from 'node:net';

export interface WireCounts {
  statements: number;
  roundTrips: number;
  describes: number;
  parses: number;
}

export interface WireCounter {
  /** The proxy's port on 127.0.0.1. */
  port: number;
  /** A URL like `url` but through the proxy. */
  urlFor(url: string): string;
  counts(): WireCounts;
  reset(): void;
  /** The statements' SQL text since the last reset (Parse and simple Query messages), for diagnostics. */
  texts(): string[];
  close(): Promise<void>;
}

const zero = (): WireCounts => ({ statements: 0, roundTrips: 0, describes: 0, parses: 0 });

/** Parses one direction (client → server) of a connection; calls `onMessage(type, body)` per message. */
function frontendParser(onMessage: (type: string, body: Buffer) => void): (chunk: Buffer) => void {
  let buffered = Buffer.alloc(0);
  let startup = true;
  return (chunk) => {
    buffered = Buffer.concat([buffered, chunk]);
    for (;;) {
      if (startup) {
        if (buffered.length < 8) return;
        const length = buffered.readInt32BE(0);
        if (buffered.length < length) return;
        const code = buffered.readInt32BE(4);
        buffered = buffered.subarray(length);
        // SSLRequest / GSSENCRequest are followed by the real startup message.
        if (code !== 80877103 && code !== 80877104) startup = false;
        continue;
      }
      if (buffered.length < 5) return;
      const length = buffered.readInt32BE(1);
      if (buffered.length < length + 1) return;
      onMessage(String.fromCharCode(buffered[0] as number), buffered.subarray(5, length + 1));
      buffered = buffered.subarray(length + 1);
    }
  };
}

/** Starts a counting proxy to PostgreSQL on `targetPort` (127.0.0.1). */
export async function startWireCounter(targetPort: number): Promise<WireCounter> {
  let counts = zero();
  let texts: string[] = [];
  const sockets = new Set<net.Socket>();
  const count = (type: string, body: Buffer) => {
    switch (type) {
      case 'Q':
        counts.statements += 1;
        counts.roundTrips += 1;
        texts.push(body.toString('utf8', 0, Math.max(0, body.indexOf(0))));
        break;
      case 'E':
        counts.statements += 1;
        break;
      case 'S':
      case 'H':
        counts.roundTrips += 1;
        break;
      case 'P': {
        counts.parses += 1;
        // Parse: statement name \0 query \0 …
        const nameEnd = body.indexOf(0);
        const queryEnd = body.indexOf(0, nameEnd + 1);
        texts.push(body.toString('utf8', nameEnd + 1, queryEnd));
        break;
      }
      case 'D':
        if (body[0] === 0x53 /* 'S' */) counts.describes += 1;
        break;
      default:
        break;
    }
  };
  const server = net.createServer((client) => {
    const upstream = net.connect({ host: '127.0.0.1', port: targetPort });
    sockets.add(client);
    sockets.add(upstream);
    const parse = frontendParser(count);
    client.on('data', (chunk: Buffer) => {
      parse(chunk);
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => client.write(chunk));
    const end = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('close', end);
    upstream.on('close', end);
    client.on('error', end);
    upstream.on('error', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    urlFor(url) {
      const u = new URL(url);
      u.hostname = '127.0.0.1';
      u.port = String(port);
      return u.toString();
    },
    counts: () => ({ ...counts }),
    reset() {
      counts = zero();
      texts = [];
    },
    texts: () => [...texts],
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
