/**
 * The worker's housekeeping (JOBS-1 cron, JOBS-2 retention; schedules in task-list.ts):
 *
 *   outbox.prune     — outbox events older than OUTBOX_RETENTION_DAYS that every consumer relayed
 *                      (app_outbox_prune, drizzle/0012), and the relay's inbox rows and the effect
 *                      ledger entries older than the same window;
 *   cleanup.expired  — expired sessions, verification and auth tokens, spent CAPTCHA solutions,
 *                      invitations that expired (unaccepted) more than 30 days ago, and history past
 *                      its keep: finished mails and webhook deliveries after 30 days (a failed mail
 *                      keeps its body that long for a replay), read notifications after 90.
 *
 * Each deletes in bounded batches (a long backlog never holds one huge transaction).
 */
import { sql } from 'drizzle-orm';
import type { Database, DbOrTx } from '@/server/db/client';
import { withSystem } from '@/server/db/tenant';
import { env } from '@/server/platform/env';
import { defineTask } from '@/server/platform/jobs';
import { outboxConsumers } from '@/server/outbox/outbox-consumers';

declare module '@/server/platform/jobs' {
  interface JobPayloads {
    'outbox.prune': Record<string, never>;
    'cleanup.expired': Record<string, never>;
  }
}

const BATCH = 5_000;
/** Invitations stay listed as "expired" this long before they are deleted. */
const EXPIRED_INVITATION_KEEP_DAYS = 30;
/** Finished mails and webhook deliveries (their logs) are kept this long. */
export const DELIVERY_HISTORY_KEEP_DAYS = 30;
/** Read notifications are kept this long. */
export const READ_NOTIFICATION_KEEP_DAYS = 90;

async function repeatUntilShort(step: () => Promise<number>): Promise<number> {
  let total = 0;
  for (;;) {
    const n = await step();
    total += n;
    if (n < BATCH) return total;
  }
}

/** Prunes what the retention window lets go; answers the outbox events deleted. */
export async function pruneOutbox(database: Database, retentionDays = env().OUTBOX_RETENTION_DAYS): Promise<number> {
  const before = new Date(Date.now() - retentionDays * 86_400_000);
  const names = outboxConsumers().map((c) => c.name);
  const events = await repeatUntilShort(async () => {
    const [row] = await database.execute<{ n: number }>(
      sql`SELECT app_outbox_prune(${before.toISOString()}::timestamptz, ARRAY[${sql.join(names.map((n) => sql`${n}`), sql`, `)}]::text[], ${BATCH}) AS n`,
    );
    return Number(row?.n ?? 0);
  });
  await repeatUntilShort(async () =>
    (await database.execute(sql`DELETE FROM outbox_inbox WHERE ctid IN (SELECT ctid FROM outbox_inbox WHERE handled_at < ${before.toISOString()}::timestamptz LIMIT ${BATCH})`)).count ?? 0,
  );
  await repeatUntilShort(async () =>
    (await database.execute(sql`DELETE FROM job_effects WHERE ctid IN (SELECT ctid FROM job_effects WHERE created_at < ${before.toISOString()}::timestamptz LIMIT ${BATCH})`)).count ?? 0,
  );
  return events;
}

/** Deletes what expired; answers the rows deleted per kind. */
export async function cleanupExpired(database: Database): Promise<Record<string, number>> {
  const deleteWhere = (db: DbOrTx, table: string, condition: string) =>
    repeatUntilShort(async () => (await db.execute(sql.raw(`DELETE FROM ${table} WHERE ctid IN (SELECT ctid FROM ${table} WHERE ${condition} LIMIT ${BATCH})`))).count ?? 0);
  const del = (table: string, condition: string) => deleteWhere(database, table, condition);
  // Tenant tables: in the system scope (their app_is_system() policies).
  const delSystem = (table: string, condition: string) => withSystem(database, null, (tx) => deleteWhere(tx, table, condition));
  const counts: Record<string, number> = {
    sessions: await del('sessions', 'expires < now()'),
    verificationTokens: await del('verification_tokens', 'expires < now()'),
    authTokens: await del('auth_tokens', "expires_at < now() - interval '1 day'"),
    captchaSolutions: await del('captcha_solutions', 'expires_at < now()'),
    mails: await del('mail_messages', `state <> 'queued' AND created_at < now() - interval '${DELIVERY_HISTORY_KEEP_DAYS} days'`),
  };
  counts.webhookDeliveries = await delSystem('webhook_deliveries', `state <> 'pending' AND created_at < now() - interval '${DELIVERY_HISTORY_KEEP_DAYS} days'`);
  counts.readNotifications = await delSystem('notifications', `read_at IS NOT NULL AND read_at < now() - interval '${READ_NOTIFICATION_KEEP_DAYS} days'`);
  counts.invitations = await delSystem('invitations', `accepted_at IS NULL AND expires_at < now() - interval '${EXPIRED_INVITATION_KEEP_DAYS} days'`);
  return counts;
}

export const pruneOutboxTask = defineTask({
  name: 'outbox.prune',
  maxAttempts: 3,
  async handle(_payload, ctx) {
    const pruned = await pruneOutbox(ctx.db);
    if (pruned > 0) ctx.log.info({ pruned }, 'outbox pruned');
  },
});

export const cleanupExpiredTask = defineTask({
  name: 'cleanup.expired',
  maxAttempts: 3,
  async handle(_payload, ctx) {
    const counts = await cleanupExpired(ctx.db);
    if (Object.values(counts).some((n) => n > 0)) ctx.log.info(counts, 'expired rows deleted');
  },
});
