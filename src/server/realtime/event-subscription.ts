/**
 * The realtime sidecar's LISTEN on the outbox channel, supervised (COLLAB-3, REL-2, ADR 0011).
 *
 * postgres.js re-LISTENs by itself when its LISTEN connection closes (and calls `onlisten` again),
 * but a NOTIFY sent meanwhile is gone, a failed re-listen is swallowed and retried with a backoff
 * that grows to 20 s, and nothing tells the caller the subscription was down. So:
 *
 *  - the subscription owns its postgres.js client (`connect()`; one LISTEN connection plus one for
 *    probes) so it can throw it away and start afresh;
 *  - every `probeMs` it NOTIFYs `probe:<instance>:<n>` on the SAME channel and waits up to
 *    `probeTimeoutMs` for it to come back through the LISTEN connection: only a probe that made the
 *    round trip proves events would arrive. A probe that does not come back marks it down
 *    (`listening()` false: the sidecar's /health answers 503);
 *  - down for `resubscribeMs`, the client is ended and a new one LISTENs (a fresh client has no
 *    backoff left over);
 *  - whenever it is up again after being (possibly) down — postgres.js's own re-listen (`onlisten`
 *    after the first), our re-subscription, or a probe succeeding after one failed — `onRestored`
 *    runs: NOTIFYs of the gap are lost, and the caller tells its clients to resync.
 *
 * Other instances' probes arrive too (same channel) and are ignored; so are callbacks of a client
 * that was already replaced.
 */
import { randomUUID } from 'node:crypto';
import type postgres from 'postgres';
import type { Logger } from '@/server/platform/logger';

/** Why the subscription is known to work again after a (possible) gap. */
export type RestoreReason = 'relisten' | 'resubscribed' | 'probe';

export interface EventSubscriptionOptions {
  /** A new postgres.js client for LISTEN and probes; called again for every re-subscription. */
  connect: () => postgres.Sql;
  channel: string;
  /** A notification that is not a probe, in arrival (= commit) order. */
  onNotify: (payload: string) => void;
  /** LISTEN works again after it was or may have been down: the notifications of the gap are lost. */
  onRestored: (reason: RestoreReason) => void;
  log: Logger;
  /** Period of the round-trip probe (default 1000 ms). */
  probeMs?: number;
  /** A probe not back within this is a failure (default 2000 ms). */
  probeTimeoutMs?: number;
  /** Down this long without a successful probe → a new client (default 3000 ms). */
  resubscribeMs?: number;
}

export interface SubscriptionState {
  /** LISTEN is known to work: subscribed, and no probe failed since the last one that came back. */
  listening: boolean;
  /** It has been up at least once (false: still starting). */
  started: boolean;
  /** Times it came back after a gap (each told the clients to resync). */
  restores: number;
  /** Clients created (1 + re-subscriptions). */
  generation: number;
}

const PROBE_PREFIX = 'probe:';

export function createEventSubscription(options: EventSubscriptionOptions) {
  const { channel, log } = options;
  const probeMs = options.probeMs ?? 1000;
  const probeTimeoutMs = options.probeTimeoutMs ?? 2000;
  const resubscribeMs = options.resubscribeMs ?? 3000;
  const instance = randomUUID().slice(0, 8);

  let current: { sql: postgres.Sql; generation: number } | null = null;
  let generation = 0;
  let listening = false;
  let started = false;
  /** Down (or possibly down) since the last time it was known to work: the next "up" is a restore. */
  let gap = false;
  let restores = 0;
  /** When it last was known to work (or was (re)subscribed): the clock of `resubscribeMs`. */
  let lastGood = Date.now();
  let probe: { payload: string; timer: NodeJS.Timeout } | null = null;
  let probeSeq = 0;
  let ticker: NodeJS.Timeout | null = null;
  let stopped = false;

  /** Forgets the probe in flight: one sent before a (re-)LISTEN took effect never comes back. */
  function dropProbe(): void {
    if (probe) clearTimeout(probe.timer);
    probe = null;
  }

  function up(reason: RestoreReason | null): void {
    lastGood = Date.now();
    if (!listening) log.info({ channel, reason }, 'listening for events');
    listening = true;
    started = true;
    if (gap || reason) {
      gap = false;
      restores += 1;
      log.warn({ channel, reason, restores }, 'LISTEN restored; notifications of the gap are lost: clients resync');
      options.onRestored(reason ?? 'probe');
    }
  }

  function down(why: string, err?: unknown): void {
    if (listening) log.warn({ channel, why, err }, 'LISTEN not known to work');
    listening = false;
    gap = true;
    if (!stopped && Date.now() - lastGood >= resubscribeMs) resubscribe();
  }

  function subscribe(): void {
    const mine = ++generation;
    dropProbe();
    const sql = options.connect();
    current = { sql, generation: mine };
    lastGood = Date.now();
    let listenedBefore = false;
    sql
      .listen(
        channel,
        (payload) => {
          if (mine === generation) onPayload(payload);
        },
        () => {
          if (mine !== generation || stopped) return;
          // After the first: postgres.js re-listened on a new connection (the old one dropped).
          const reason: RestoreReason | null = listenedBefore ? 'relisten' : mine > 1 ? 'resubscribed' : null;
          listenedBefore = true;
          dropProbe();
          up(reason);
        },
      )
      .catch((err: unknown) => {
        // postgres.js keeps retrying in the background; the probes decide when to start afresh.
        if (mine === generation && !stopped) down('LISTEN failed', err);
      });
  }

  function resubscribe(): void {
    const old = current;
    log.warn({ channel, generation: generation + 1 }, 're-creating the LISTEN connection');
    subscribe();
    void old?.sql.end({ timeout: 0 }).catch(() => {});
  }

  function onPayload(payload: string): void {
    if (!payload.startsWith(PROBE_PREFIX)) return options.onNotify(payload);
    if (probe && payload === probe.payload) {
      dropProbe();
      up(null);
    }
  }

  function sendProbe(): void {
    if (stopped || probe || !current) return;
    const { sql, generation: mine } = current;
    const payload = `${PROBE_PREFIX}${instance}:${++probeSeq}`;
    const fail = (why: string, err?: unknown) => {
      if (probe?.payload !== payload) return;
      dropProbe();
      if (mine === generation) down(why, err);
    };
    probe = { payload, timer: setTimeout(() => fail('probe did not come back in time'), probeTimeoutMs) };
    sql`select pg_notify(${channel}, ${payload})`.catch((err: unknown) => fail('probe failed', err));
  }

  return {
    /** Subscribes and starts probing; `listening()` turns true once LISTEN is up. */
    start(): void {
      stopped = false;
      subscribe();
      ticker = setInterval(sendProbe, probeMs);
    },

    async stop(): Promise<void> {
      stopped = true;
      listening = false;
      if (ticker) clearInterval(ticker);
      dropProbe();
      const sql = current?.sql;
      current = null;
      await sql?.end({ timeout: 1 }).catch(() => {});
    },

    listening: (): boolean => listening,

    state: (): SubscriptionState => ({ listening, started, restores, generation }),
  };
}

export type EventSubscription = ReturnType<typeof createEventSubscription>;
