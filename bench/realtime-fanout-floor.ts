/**
 * The floor under a big room's fan-out (PERF-2, ADR 0015): what it costs this machine to write one
 * frame to N loopback TCP sockets from one Node process, with nothing else — no WebSocket library,
 * no JSON, no database. The sidecar's edit → receive latency in a 10,000-socket room
 * (`bench:realtime -- --room-sockets=10000`) is read against it: a probe waits, on average, for half
 * of the room's writes before its own.
 *
 *   node --import tsx bench/realtime-fanout-floor.ts [--sockets=10000] [--bytes=600] [--rounds=10]
 *
 * The sockets' far ends live in a child process of this file (like the realtime bench's bulk
 * sockets), which counts bytes and says when a round has fully arrived. Printed per round: the write
 * loop's duration (and per socket), and the time until the last socket had the frame; then medians.
 * Loopback only, bounded (rounds × 300 ms plus connecting); exits by itself.
 */
import { fork } from 'node:child_process';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import { benchArgs, percentile } from './lib/cli';

const args = benchArgs();
const SOCKETS = Math.max(1, Number(args.sockets ?? 10_000));
const BYTES = Math.max(2, Number(args.bytes ?? 600));
const ROUNDS = Math.max(1, Number(args.rounds ?? 10));
const now = () => performance.timeOrigin + performance.now();

async function child(): Promise<void> {
  const port = Number(process.env.KANSO_FANOUT_PORT);
  let connected = 0;
  let received = 0;
  let round = 0;
  for (let i = 0; i < SOCKETS; i += 1) {
    const socket = net.connect(port, '127.0.0.1');
    socket.on('connect', () => {
      connected += 1;
      if (connected === SOCKETS) process.send!({ type: 'ready' });
    });
    socket.on('data', (chunk) => {
      received += chunk.length;
      while (received >= (round + 1) * SOCKETS * BYTES) {
        round += 1;
        process.send!({ type: 'round', round, at: now() });
      }
    });
    socket.on('error', () => process.exit(1));
    if (i % 200 === 199) await new Promise((r) => setImmediate(r));
  }
}

async function main(): Promise<void> {
  const sockets: net.Socket[] = [];
  const server = net.createServer((socket) => {
    socket.setNoDelay(true); // as the ws library sets it
    sockets.push(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  const far = fork(fileURLToPath(import.meta.url), process.argv.slice(2), { env: { ...process.env, KANSO_FANOUT_CHILD: '1', KANSO_FANOUT_PORT: String(port) }, execArgv: ['--import', 'tsx'] });
  const arrived = new Map<number, number>();
  let ready = false;
  far.on('message', (m: { type: string; round?: number; at?: number }) => {
    if (m.type === 'ready') ready = true;
    if (m.type === 'round') arrived.set(m.round!, m.at!);
  });
  const deadline = Date.now() + 120_000;
  while ((!ready || sockets.length < SOCKETS) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  if (!ready) throw new Error(`only ${sockets.length} of ${SOCKETS} sockets connected within 120 s`);
  console.log(`[fanout-floor] ${SOCKETS} loopback sockets open; writing ${ROUNDS} rounds of one ${BYTES}-byte frame to each`);
  const frame = Buffer.alloc(BYTES, 0x61);
  const loops: number[] = [];
  const lasts: number[] = [];
  for (let round = 1; round <= ROUNDS; round += 1) {
    const started = now();
    for (const socket of sockets) socket.write(frame);
    const loop = now() - started;
    const waitUntil = Date.now() + 10_000;
    while (!arrived.has(round) && Date.now() < waitUntil) await new Promise((r) => setTimeout(r, 5));
    const last = (arrived.get(round) ?? Number.NaN) - started;
    loops.push(loop);
    lasts.push(last);
    console.log(`  round ${String(round).padStart(2)}: write loop ${loop.toFixed(1).padStart(6)} ms (${((loop * 1000) / SOCKETS).toFixed(1)} µs per socket), last socket had it after ${last.toFixed(1)} ms`);
    await new Promise((r) => setTimeout(r, 300));
  }
  const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
  console.log(`  median: write loop ${percentile(sorted(loops), 50).toFixed(1)} ms, last socket ${percentile(sorted(lasts), 50).toFixed(1)} ms (max ${Math.max(...lasts).toFixed(1)} ms) for ${SOCKETS} sockets`);
  far.kill();
  server.close();
  for (const socket of sockets) socket.destroy();
}

if (process.env.KANSO_FANOUT_CHILD === '1') await child();
else
  await main().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(`[fanout-floor] ${error instanceof Error ? error.message : String(error)}`);
      process.exit(1);
    },
  );
