/**
 * The realtime sidecar as a real process in tests: `startSidecar()` spawns
 * the sidecar as the launcher starts it (scripts/lib/sidecar-command.ts) on a free port against
 * this file's database; `connectClient()` is a `ws` client that records every message and its close.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import WebSocket from 'ws';
import type { ServerMessage } from '@/lib/realtime-protocol';
import { applyPresenceDelta, EMPTY_PRESENCE, presenceFromJoined, type RoomPresence } from '@/lib/realtime/room-presence';
import { freePort } from '../../scripts/lib/embedded-postgres';
import { SIDECAR_ENTRY, SIDECAR_NODE_OPTIONS } from '../../scripts/lib/sidecar-command';
import { testDatabase } from './db';
import { callerAs } from './trpc';

export interface Sidecar {
  port: number;
  process: ChildProcess;
  output: () => string;
  stop: () => Promise<void>;
}

export async function startSidecar(extraEnv: Record<string, string> = {}): Promise<Sidecar> {
  const port = await freePort();
  let output = '';
  const child = spawn(process.execPath, [...SIDECAR_NODE_OPTIONS, ...SIDECAR_ENTRY], {
    env: {
      ...process.env,
      DATABASE_URL: testDatabase().appUrl,
      AUTH_SECRET: process.env.AUTH_SECRET!,
      REALTIME_PORT: String(port),
      REALTIME_HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      NODE_ENV: 'test',
      ...extraEnv,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d: Buffer) => void (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => void (output += d.toString()));
  const deadline = Date.now() + 20_000;
  for (;;) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/health`);
      if (res.status === 200) break;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error(`sidecar did not become healthy:\n${output}`);
    if (child.exitCode !== null) throw new Error(`sidecar exited (${child.exitCode}):\n${output}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    port,
    process: child,
    output: () => output,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

export type TestClient = ReturnType<typeof connectClient>;

/** A client socket that records every message and how it closed. */
export function connectClient(port: number, query = '') {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/${query}`);
  const messages: ServerMessage[] = [];
  const waiters: Array<() => void> = [];
  let closedAt: number | null = null;
  ws.on('message', (data) => {
    messages.push(JSON.parse(String(data)) as ServerMessage);
    for (const w of waiters.splice(0)) w();
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.on('close', (code, reason) => {
      closedAt = Date.now();
      resolve({ code, reason: reason.toString() });
      for (const w of waiters.splice(0)) w();
    }),
  );
  ws.on('error', () => {});
  const opened = new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  /** The first message matching `pred` (already received or arriving within `ms`). */
  async function next<T extends ServerMessage['type']>(type: T, pred: (m: Extract<ServerMessage, { type: T }>) => boolean = () => true, ms = 3000) {
    const deadline = Date.now() + ms;
    for (;;) {
      const found = messages.find((m): m is Extract<ServerMessage, { type: T }> => m.type === type && pred(m as Extract<ServerMessage, { type: T }>));
      if (found) return found;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no '${type}' message within ${ms} ms; got ${JSON.stringify(messages)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }
  /** Event frames received so far (optionally of one project). */
  const events = (projectId?: string) =>
    messages.flatMap((m) => (m.type === 'event' && (projectId === undefined || m.event.projectId === projectId) ? [m.event] : []));
  const send = (message: unknown) => ws.send(JSON.stringify(message));
  /** The room's presence as a browser would hold it: the last `joined`, then every `presence_delta` after it. */
  const presence = (projectId: string): RoomPresence => {
    let room: RoomPresence = EMPTY_PRESENCE;
    for (const m of messages) {
      if (m.type === 'joined' && m.projectId === projectId) room = presenceFromJoined(m);
      else if (m.type === 'presence_delta' && m.projectId === projectId) room = applyPresenceDelta(room, m);
    }
    return room;
  };
  /** Waits until the room's presence (as `presence()` computes it) satisfies `pred`. */
  async function presenceUntil(projectId: string, pred: (room: RoomPresence) => boolean, ms = 3000): Promise<RoomPresence> {
    const deadline = Date.now() + ms;
    for (;;) {
      const room = presence(projectId);
      if (pred(room)) return room;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`presence of ${projectId} not as expected within ${ms} ms; have ${JSON.stringify(room)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }
  const presenceFrames = (projectId: string) => messages.filter((m) => m.type === 'presence_delta' && m.projectId === projectId).length;
  return { ws, messages, closed, opened, closedAt: () => closedAt, next, send, events, presence, presenceUntil, presenceFrames };
}

/** A socket of `userId` that received `ready` (ticket from the real `realtime.ticket` procedure). */
export async function readyClient(port: number, userId: string, workspaceSlug: string, projectId?: string): Promise<TestClient> {
  const { caller } = await callerAs(userId);
  const { ticket } = await caller.realtime.ticket({ workspaceSlug, projectId });
  const client = connectClient(port, `?ticket=${encodeURIComponent(ticket)}`);
  await client.next('ready');
  return client;
}

/** Lets the sidecar deliver whatever is in flight (a bound for "nothing arrived", not a timing assertion). */
export const settle = (ms = 1500) => new Promise((r) => setTimeout(r, ms));
