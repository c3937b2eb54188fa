/**
 * The webhook commands of the operator CLI (JOBS-3, JOBS-5; docs/webhooks.md), `npm run cli -- <command>`:
 *
 *   webhooks:list            dead deliveries, newest first (id, time, type, host, attempts, last status, workspace)
 *   webhooks:show <id>       one delivery (any state) with every attempt — no payload, the receiver's host only
 *   webhooks:retry <id>      deliver a dead delivery once more (audited in the operations chain)
 *   webhooks:purge [days]    delete dead deliveries: all, or those dead for more than <days> (audited)
 *
 * Retries and purges name the operator ($KANSO_OPERATOR, else $USER).
 */
import { cliLog as log, operator, withDatabase, type CliCommand as Command } from './cli-support';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const webhookCommands: Record<string, Command> = {
  'webhooks:list': async ({ appUrl }) => {
    const { listDeadDeliveries } = await import('../../src/server/webhooks/webhook-operations');
    const rows = await withDatabase(appUrl, (db) => listDeadDeliveries(db, { limit: 200 }));
    if (rows.length === 0) return log('no dead webhook deliveries');
    for (const r of rows) {
      console.log(`${r.id}  ${r.updatedAt.toISOString()}  ${r.eventType.padEnd(16)} ${r.host}  attempts ${r.attempts}  last ${r.lastStatusCode ?? '-'}  workspace ${r.workspaceId}`);
    }
    log(`${rows.length} dead webhook deliver${rows.length === 1 ? 'y' : 'ies'}`);
  },
  'webhooks:show': async ({ appUrl }, [id]) => {
    if (!id || !UUID.test(id)) throw new Error('usage: webhooks:show <delivery id>');
    const { showDelivery } = await import('../../src/server/webhooks/webhook-operations');
    const d = await withDatabase(appUrl, (db) => showDelivery(db, id));
    if (!d) throw new Error(`no webhook delivery ${id}`);
    console.log(`${d.id}  ${d.state}  ${d.eventType}${d.eventId === null ? ' (test-fire)' : `  event ${d.eventId}`}  ${d.host}  workspace ${d.workspaceId}  endpoint ${d.endpointId}`);
    console.log(`created ${d.createdAt.toISOString()}, updated ${d.updatedAt.toISOString()}, ${d.attempts} attempt(s)`);
    for (const a of d.attemptLog) {
      console.log(`  #${a.attemptNumber}${a.replay ? ' (replay)' : ''}  ${a.createdAt.toISOString()}  status ${a.statusCode ?? '-'}  ${a.latencyMs} ms${a.errorKind ? `  ${a.errorKind}` : ''}`);
    }
  },
  'webhooks:retry': async ({ appUrl }, [id]) => {
    if (!id || !UUID.test(id)) throw new Error('usage: webhooks:retry <delivery id>');
    const { retryDeadDelivery } = await import('../../src/server/webhooks/webhook-operations');
    if (!(await withDatabase(appUrl, (db) => retryDeadDelivery(db, id, operator())))) throw new Error(`no dead webhook delivery ${id}`);
    log(`delivery ${id} queued for one more attempt (the worker sends it)`);
  },
  'webhooks:purge': async ({ appUrl }, [days]) => {
    if (days !== undefined && !/^\d+$/.test(days)) throw new Error('usage: webhooks:purge [older-than-days]');
    const { purgeDeadDeliveries } = await import('../../src/server/webhooks/webhook-operations');
    const n = await withDatabase(appUrl, (db) => purgeDeadDeliveries(db, operator(), { olderThanDays: days === undefined ? undefined : Number(days) }));
    log(`${n} dead webhook deliver${n === 1 ? 'y' : 'ies'} purged`);
  },
};
