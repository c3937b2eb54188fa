/**
 * The job commands of the operator CLI (JOBS-5; docs/jobs.md), `npm run cli -- <command>`:
 *
 *   jobs:list [--task <name>] [--state dead|retried|purged]   dead letters, newest first
 *   jobs:show <id>                                            one dead letter in full (JSON)
 *   jobs:retry <id>                                           re-queue it with fresh attempts (audited)
 *   jobs:purge <id> | --task <name> | --all                   purge dead letters (audited)
 *   jobs:lag                                                  queue depth and each outbox consumer's lag
 *   jobs:probe [count]                                        enqueue probe jobs (does the worker run?)
 *
 * Retries and purges are audit entries in the operations chain, naming the operator ($USER).
 */
import { cliLog as log, flag, operator, withDatabase, type CliCommand as Command } from './cli-support';

export const jobCommands: Record<string, Command> = {
  'jobs:list': async ({ appUrl }, args) => {
    const { listDeadJobs } = await import('../../src/server/jobs/dead-letters');
    const state = (flag(args, '--state') ?? 'dead') as 'dead' | 'retried' | 'purged';
    if (!['dead', 'retried', 'purged'].includes(state)) throw new Error('usage: jobs:list [--task <name>] [--state dead|retried|purged]');
    const rows = await withDatabase(appUrl, (db) => listDeadJobs(db, { task: flag(args, '--task'), state, limit: 200 }));
    if (rows.length === 0) return log(`no ${state} jobs`);
    for (const r of rows) {
      console.log(`${r.id}  ${r.diedAt.toISOString()}  ${r.task.padEnd(22)} attempts ${r.attempts}/${r.maxAttempts}  ${r.lastError}`);
    }
    log(`${rows.length} ${state} job(s)`);
  },
  'jobs:show': async ({ appUrl }, [id]) => {
    if (!id) throw new Error('usage: jobs:show <id>');
    const { getDeadJob } = await import('../../src/server/jobs/dead-letters');
    const row = await withDatabase(appUrl, (db) => getDeadJob(db, id));
    if (!row) throw new Error(`no dead job ${id}`);
    console.log(JSON.stringify(row, null, 2));
  },
  'jobs:retry': async ({ appUrl }, [id]) => {
    if (!id) throw new Error('usage: jobs:retry <id>');
    const { retryDeadJob } = await import('../../src/server/jobs/dead-letters');
    const jobId = await withDatabase(appUrl, (db) => retryDeadJob(db, id, operator()));
    if (jobId === null) throw new Error(`no dead job ${id} (already retried or purged?)`);
    log(`dead job ${id} re-queued as job ${jobId}`);
  },
  'jobs:purge': async ({ appUrl }, args) => {
    const { purgeDeadJobs } = await import('../../src/server/jobs/dead-letters');
    const task = flag(args, '--task');
    const all = args.includes('--all');
    const id = !task && !all ? args[0] : undefined;
    if (!id && !task && !all) throw new Error('usage: jobs:purge <id> | --task <name> | --all');
    const n = await withDatabase(appUrl, (db) => purgeDeadJobs(db, { id, task }, operator()));
    log(`${n} dead job(s) purged`);
  },
  'jobs:lag': async ({ appUrl }) => {
    const { queueDepth } = await import('../../src/server/jobs/queue-stats');
    const { outboxLag } = await import('../../src/server/outbox/outbox-relay');
    const { registerConsumers } = await import('../../src/server/jobs/task-list');
    registerConsumers();
    await withDatabase(appUrl, async (db) => {
      const depth = await queueDepth(db);
      log(`queue: ${depth.due} due, ${depth.running} running, ${depth.scheduled} scheduled later, ${depth.dead} dead letters`);
      for (const lag of await outboxLag(db)) {
        log(`outbox consumer ${lag.consumer}: ${lag.pendingEvents} event(s) behind, oldest ${lag.oldestPendingSeconds.toFixed(1)} s`);
      }
    });
  },
  'jobs:probe': async ({ appUrl }, [count]) => {
    const n = Math.max(1, Math.min(10_000, Number(count ?? 1) || 1));
    const { enqueueJob } = await import('../../src/server/platform/jobs');
    const prefix = `cli-${Date.now()}`;
    await withDatabase(appUrl, (db) =>
      db.transaction(async (tx) => {
        for (let i = 0; i < n; i += 1) await enqueueJob(tx, 'jobs.probe', { key: `${prefix}-${i}` });
      }),
    );
    log(`${n} probe job(s) enqueued (keys ${prefix}-*); each writes one job_probe_runs row when the worker runs it`);
  },
};
