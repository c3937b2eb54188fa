/**
 * Mail in tests (ADR 0031): mail is queued and sent by the job worker. `deliverQueuedMail()` runs a
 * real worker runtime on the file's database (started on first use, stopped after the file) and
 * waits until no job is due — every queued mail has then been sent, suppressed or is waiting for
 * a retry.
 *
 *   await caller.auth.requestPasswordReset({ email });
 *   await deliverQueuedMail();
 *   … read dev_mails or the test's SMTP server …
 */
import { afterAll } from 'vitest';
import type { WorkerRuntime } from '@/server/jobs/worker-runtime';
import { startTestWorker, waitForJobsIdle } from './jobs';

let worker: Promise<WorkerRuntime> | undefined;

afterAll(async () => {
  await stopMailWorker();
});

export async function deliverQueuedMail(): Promise<void> {
  await (worker ??= startTestWorker());
  await waitForJobsIdle();
}

export async function stopMailWorker(): Promise<void> {
  const running = worker;
  worker = undefined;
  await (await running)?.stop();
}
