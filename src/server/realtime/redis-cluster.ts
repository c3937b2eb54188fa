/**
 * The Redis adapter for several realtime sidecar instances (`REDIS_URL`), see ./cluster.ts.
 *
 *  - Ticket nonces: `SET kanso:realtime:nonce:<nonce> 1 PX <until exp> NX` — the first instance wins,
 *    a replay on any instance is refused (4401). If Redis is unreachable the claim fails and the
 *    connection is closed (fail closed), never opened unchecked.
 *  - Presence: each instance publishes its users' per-room aggregates on `kanso:realtime:presence`
 *    (JSON `{ i: <instance id>, t:'presence', workspaceId, projectId, upsert, left }`, one message per
 *    room per flush window — ADR 0015) and merges the others' (./presence.ts). A starting instance
 *    asks for a full state (`sync`); every instance says `hello` every `heartbeatMs`, and the users of
 *    one not heard from for 3 heartbeats (crashed) leave its rooms; a stopping instance says `bye`.
 *  - Only presence travels here. Events come from PostgreSQL LISTEN in every instance, and access is
 *    checked locally; a remote presence entry reaches only local sockets already in that room.
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import type { Logger } from '@/server/platform/logger';
import type { Cluster, ClusterHooks, PresenceWire } from './cluster';

export const PRESENCE_CHANNEL = 'kanso:realtime:presence';
const NONCE_PREFIX = 'kanso:realtime:nonce:';

type Wire =
  | ({ i: string; t: 'presence' } & PresenceWire)
  | { i: string; t: 'hello' }
  | { i: string; t: 'sync' }
  | { i: string; t: 'bye' };

export interface RedisClusterOptions {
  url: string;
  log: Logger;
  /** How often this instance says it is alive (default 5000 ms); silent for 3× that = gone. */
  heartbeatMs?: number;
}

export function createRedisCluster(options: RedisClusterOptions): Cluster {
  const { log } = options;
  const heartbeatMs = options.heartbeatMs ?? 5000;
  const instanceId = randomUUID();
  const redisOptions = { lazyConnect: true, maxRetriesPerRequest: 2, enableOfflineQueue: true } as const;
  const command = new Redis(options.url, redisOptions);
  const subscriber = new Redis(options.url, redisOptions);
  command.on('error', (err) => log.warn({ err }, 'redis (commands) error'));
  subscriber.on('error', (err) => log.warn({ err }, 'redis (pub/sub) error'));

  let hooks: ClusterHooks | null = null;
  let heartbeat: NodeJS.Timeout | null = null;
  /** Remote instance → when last heard. */
  const remotes = new Map<string, number>();

  function send(wire: Wire): void {
    command.publish(PRESENCE_CHANNEL, JSON.stringify(wire)).catch((err: unknown) => log.warn({ err }, 'redis publish failed'));
  }

  function remote(id: string): void {
    remotes.set(id, Date.now());
  }

  function forget(id: string): void {
    if (!remotes.delete(id)) return;
    hooks?.onRemoteGone(id);
  }

  function onMessage(channel: string, raw: string): void {
    if (channel !== PRESENCE_CHANNEL || !hooks) return;
    let wire: Wire;
    try {
      wire = JSON.parse(raw) as Wire;
    } catch {
      return;
    }
    if (!wire || typeof wire.i !== 'string' || wire.i === instanceId) return;
    switch (wire.t) {
      case 'hello':
        remote(wire.i);
        return;
      case 'sync':
        remote(wire.i);
        hooks.onSyncRequest();
        return;
      case 'bye':
        forget(wire.i);
        return;
      case 'presence': {
        remote(wire.i);
        if (!Array.isArray(wire.upsert) || !Array.isArray(wire.left)) return;
        hooks.onRemotePresence(wire.i, { workspaceId: wire.workspaceId, projectId: wire.projectId, upsert: wire.upsert, left: wire.left });
        return;
      }
    }
  }

  return {
    shared: true,
    async claimNonce(nonce, exp) {
      const ttl = Math.max(1, exp - Date.now());
      return (await command.set(`${NONCE_PREFIX}${nonce}`, '1', 'PX', ttl, 'NX')) === 'OK';
    },
    publish(change) {
      send({ i: instanceId, t: 'presence', ...change });
    },
    async start(h) {
      hooks = h;
      await Promise.all([command.connect(), subscriber.connect()]);
      subscriber.on('message', onMessage);
      await subscriber.subscribe(PRESENCE_CHANNEL);
      send({ i: instanceId, t: 'sync' });
      heartbeat = setInterval(() => send({ i: instanceId, t: 'hello' }), heartbeatMs);
      log.info({ instanceId, channel: PRESENCE_CHANNEL }, 'redis adapter up');
    },
    async stop() {
      if (heartbeat) clearInterval(heartbeat);
      await command.publish(PRESENCE_CHANNEL, JSON.stringify({ i: instanceId, t: 'bye' } satisfies Wire)).catch(() => 0);
      hooks = null;
      subscriber.disconnect();
      await command.quit().catch(() => command.disconnect());
    },
    sweep(now) {
      for (const [id, seen] of remotes) if (now - seen > 3 * heartbeatMs) forget(id);
    },
  };
}
