/** `npm run cli -- webhooks:*` as real processes against this file's database (JOBS-3, JOBS-5). */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { OPERATIONS_CHAIN_ID } from '@/server/audit/audit-service';
import { sealSecret, newSigningSecret } from '@/server/webhooks/secret-box';
import { runCli } from '../test/support/cli';
import { superSql } from '../test/support/db';
import { makeUser, makeWorkspace } from '../test/support/trpc';


describe('cli webhooks:*', () => {
  it('lists, shows, retries and purges dead deliveries — hosts only, each retry and purge audited', { timeout: 120_000 }, async () => {
    const user = await makeUser();
    const ws = await makeWorkspace([{ userId: user.id, role: 'owner' }]);
    const endpointId = randomUUID();
    await superSql()`INSERT INTO webhook_endpoints (id, workspace_id, url, event_types, secret_encrypted)
      VALUES (${endpointId}, ${ws.id}, 'https://hooks.example.com/in?token=very-secret', ARRAY['task.created'], ${sealSecret(newSigningSecret(), endpointId)})`;
    const [dead] = await superSql()<{ id: string }[]>`INSERT INTO webhook_deliveries (workspace_id, endpoint_id, event_id, event_type, payload, state, attempts, last_status_code)
      VALUES (${ws.id}, ${endpointId}, 7, 'task.created', '{"type":"task.created","data":{"object":{"title":"private title"}}}', 'dead', 8, 500) RETURNING id`;
    await superSql()`INSERT INTO webhook_attempts (workspace_id, delivery_id, attempt_number, status_code, latency_ms, error_kind) VALUES (${ws.id}, ${dead!.id}, 1, 500, 12, 'http_status')`;

    const list = runCli('webhooks:list');
    expect(list.status).toBe(0);
    expect(list.output).toContain(dead!.id);
    expect(list.output).toContain('hooks.example.com');
    expect(list.output).toContain('1 dead webhook delivery');
    const show = runCli('webhooks:show', dead!.id);
    expect(show.output).toContain('#1');
    expect(show.output).toContain('status 500');
    for (const output of [list.output, show.output]) {
      expect(output).not.toContain('very-secret');
      expect(output).not.toContain('private title');
    }

    const retry = runCli('webhooks:retry', dead!.id);
    expect(retry.status).toBe(0);
    const [queued] = await superSql()<{ n: number }[]>`SELECT count(*)::int AS n FROM graphile_worker._private_jobs WHERE key = ${`webhook.replay:${dead!.id}`}`;
    expect(queued!.n).toBe(1);
    expect(runCli('webhooks:retry', randomUUID()).status).toBe(1);
    expect(runCli('webhooks:show', 'not-an-id').status).toBe(1);

    // No worker ran: it is still dead, and purged.
    expect(runCli('webhooks:purge').output).toContain('1 dead webhook delivery purged');
    expect(runCli('webhooks:list').output).toContain('no dead webhook deliveries');
    const audit = await superSql()<{ action: string; operator: string }[]>`
      SELECT action, data->>'operator' AS operator FROM audit_log WHERE chain_id = ${OPERATIONS_CHAIN_ID} ORDER BY seq`;
    expect(audit).toEqual([
      { action: 'webhooks.delivery_retried', operator: 'ops-cli' },
      { action: 'webhooks.dead_deliveries_purged', operator: 'ops-cli' },
    ]);
  });
});
