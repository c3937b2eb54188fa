/**
 * `cleanup.expired` (JOBS-1 cron) against PostgreSQL: what expired or passed its keep is deleted,
 * what is still live or within its keep stays — in plain tables and, through the system scope, in
 * tenant tables under row-level security.
 */
import { describe, expect, it } from 'vitest';
import { cleanupExpired } from '@/server/jobs/maintenance-tasks';
import { superSql, testDb } from '../support/db';
import { makeUser, makeWorkspace } from '../support/trpc';

describe('cleanup.expired', () => {
  it('deletes expired sessions, finished mails past 30 days and long-expired invitations; keeps the rest', async () => {
    const user = await makeUser();
    const ws = await makeWorkspace([{ userId: user.id, role: 'owner' }]);
    await superSql()`INSERT INTO sessions (token_hash, user_id, expires) VALUES ('old-session', ${user.id}, now() - interval '1 day'), ('live-session', ${user.id}, now() + interval '1 day')`;
    await superSql()`INSERT INTO mail_messages (kind, "to", subject, state, created_at) VALUES
      ('verify_email', 'a@example.test', 's', 'sent', now() - interval '31 days'),
      ('verify_email', 'b@example.test', 's', 'sent', now() - interval '29 days'),
      ('verify_email', 'c@example.test', 's', 'queued', now() - interval '40 days')`;
    await superSql()`INSERT INTO invitations (workspace_id, email, role, token_hash, invited_by, expires_at) VALUES
      (${ws.id}, 'gone@example.test', 'member', 'h1', ${user.id}, now() - interval '31 days'),
      (${ws.id}, 'recent@example.test', 'member', 'h2', ${user.id}, now() - interval '2 days')`;

    const counts = await cleanupExpired(testDb());
    expect(counts).toMatchObject({ mails: 1, invitations: 1, webhookDeliveries: 0, readNotifications: 0 });
    expect(counts.sessions).toBeGreaterThanOrEqual(1);
    expect((await superSql()`SELECT token_hash FROM sessions WHERE token_hash IN ('old-session', 'live-session')`).map((r) => r.token_hash)).toEqual(['live-session']);
    expect((await superSql()`SELECT "to" FROM mail_messages ORDER BY "to"`).map((r) => r.to)).toEqual(['b@example.test', 'c@example.test']);
    expect((await superSql()`SELECT email FROM invitations WHERE workspace_id = ${ws.id}`).map((r) => r.email)).toEqual(['recent@example.test']);
  });
});
