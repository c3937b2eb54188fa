/**
 * What several realtime sidecar instances share (COLLAB-3). Events need nothing here: every
 * instance LISTENs on the same PostgreSQL. Without `REDIS_URL` the sidecar uses `localCluster()`
 * (presence and ticket nonces per instance); with it, `createRedisCluster()` (./redis-cluster.ts):
 * ticket nonces are single-use across instances and presence is shared over Redis pub/sub.
 */
import type { PresenceState } from './presence';

/**
 * Presence changes of one instance in one room, coalesced (one message per room per flush window,
 * ADR 0015): users whose aggregate on that instance appeared or changed, and users who left it.
 */
export interface PresenceWire {
  workspaceId: string;
  projectId: string;
  upsert: PresenceState[];
  left: string[];
}

export interface ClusterHooks {
  /** Another instance's users joined, changed in or left a room. */
  onRemotePresence(instanceId: string, change: PresenceWire): void;
  /** Another instance went away (said bye, or fell silent): all its users leave. */
  onRemoteGone(instanceId: string): void;
  /** Another instance asks for the full presence state (it just started): publish every local aggregate. */
  onSyncRequest(): void;
}

export interface Cluster {
  /** True when `nonce` was not claimed before (by any instance); it stays claimed until `exp` (epoch ms). */
  claimNonce(nonce: string, exp: number): Promise<boolean>;
  /** Tells the other instances about local presence changes of one room (fire and forget). */
  publish(change: PresenceWire): void;
  /** Starts receiving the other instances' presence (`hooks`); resolves once subscribed. */
  start(hooks: ClusterHooks): Promise<void>;
  stop(): Promise<void>;
  /** Periodic housekeeping (expired nonces, silent instances); called by the re-check timer. */
  sweep(now: number): void;
  readonly shared: boolean;
}

/** One instance: nonces in memory, no presence sharing. */
export function localCluster(): Cluster {
  const used = new Map<string, number>();
  return {
    shared: false,
    claimNonce(nonce, exp) {
      if (used.has(nonce)) return Promise.resolve(false);
      used.set(nonce, exp);
      return Promise.resolve(true);
    },
    publish() {},
    start: () => Promise.resolve(),
    stop: () => Promise.resolve(),
    sweep(now) {
      for (const [nonce, exp] of used) if (exp <= now) used.delete(nonce);
    },
  };
}
