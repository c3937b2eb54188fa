/**
 * The realtime sidecar process (COLLAB-3): `tsx sidecar/realtime-sidecar.ts` (the launcher starts
 * it next to the web app). WebSocket rooms per project on REALTIME_HOST:REALTIME_PORT, `GET /health`,
 * events from the outbox via LISTEN `kanso_events` (supervised: /health is 503 while it is not known
 * to work; clients are told to resync when it is back). See src/server/realtime/realtime-server.ts
 * and docs/realtime.md.
 *
 * It imports src/server (never the reverse). Run with `--conditions=react-server` so modules marked
 * `import 'server-only'` load (this is a server process); the launcher and the tests do.
 *
 * With REDIS_URL, presence and ticket nonces are shared with the other instances (redis-cluster.ts).
 *
 * SIGTERM / SIGINT: sockets are closed with 1001, LISTEN ends, the pool closes, exit 0.
 */
import postgres from 'postgres';
import { closeDb, db } from '@/server/db/client';
import { env } from '@/server/platform/env';
import { createLogger } from '@/server/platform/logger';
import { createRealtimeServer } from '@/server/realtime/realtime-server';
import { createRedisCluster } from '@/server/realtime/redis-cluster';

const config = env();
const log = createLogger({ service: 'kanso-realtime', level: config.LOG_LEVEL });

const server = createRealtimeServer({
  db: db(),
  // Its own client for LISTEN + probes (2 connections), replaced when LISTEN is lost for good.
  // Reconnects back off 0.2 → 1 s (postgres.js's default grows to 20 s: after a PostgreSQL restart
  // the re-LISTEN and the probes would wait that long). The application_name lets an operator
  // (and the tests) find these backends.
  listenClient: () =>
    postgres(config.DATABASE_URL, {
      max: 1,
      connect_timeout: 3,
      backoff: (retries) => Math.min(1, 0.1 * 2 ** retries),
      onnotice: () => {},
      connection: { application_name: 'kanso-realtime-listen' },
    }),
  authSecret: config.AUTH_SECRET,
  host: config.REALTIME_HOST,
  port: config.REALTIME_PORT,
  recheckMs: config.REALTIME_RECHECK_MS,
  presenceFlushMs: config.REALTIME_PRESENCE_FLUSH_MS,
  socketLimits: {
    perSession: config.REALTIME_MAX_SOCKETS_PER_SESSION,
    perUser: config.REALTIME_MAX_SOCKETS_PER_USER,
    perWorkspace: config.REALTIME_MAX_SOCKETS_PER_WORKSPACE,
  },
  // Several instances: presence and ticket nonces shared over Redis (docs/realtime.md).
  cluster: config.REDIS_URL ? createRedisCluster({ url: config.REDIS_URL, log }) : undefined,
  log,
});

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  log.info({ signal }, 'realtime sidecar stopping');
  const force = setTimeout(() => {
    log.error('shutdown took longer than 10 s; exiting');
    process.exit(1);
  }, 10_000);
  force.unref();
  try {
    await server.stop();
    await closeDb();
    log.info('realtime sidecar stopped');
    process.exit(0);
  } catch (err) {
    log.error({ err }, 'shutdown failed');
    process.exit(1);
  }
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));

try {
  const address = await server.start();
  log.info({ host: address.address, port: address.port }, 'realtime sidecar listening');
} catch (err) {
  log.fatal({ err }, 'realtime sidecar failed to start');
  process.exit(1);
}
