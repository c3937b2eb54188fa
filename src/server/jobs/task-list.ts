/**
 * Every task the worker runs and every schedule it keeps (JOBS-1; docs/jobs.md). A domain adds its
 * task here (declared with `defineTask` next to the code it serves) and, when it consumes the
 * outbox, registers its consumer in `registerConsumers` below.
 *
 * Schedules are graphile-worker crontab lines (UTC); a schedule missed while no worker ran is not
 * caught up (backfill 0) — each of these jobs does everything pending when it runs.
 */
import type { TaskDefinition, TaskName } from '@/server/platform/jobs';
import { cleanupExpiredTask, pruneOutboxTask } from './maintenance-tasks';
import { reconcileTask, registerReconciler } from './reconcile-task';
import { probeTask } from './probe-task';
import { relayTask, sweepTask } from '@/server/outbox/outbox-relay';
import { sendMailTask } from '@/server/email/mail-send-task';
import { registerOutboxConsumer } from '@/server/outbox/outbox-consumers';
import { deliverWebhookTask, requeueStuckDeliveries, webhookConsumer } from '@/server/webhooks/webhook-delivery';
import { notificationsConsumer } from '@/server/notifications/notification-consumer';
import { digestSweepTask, digestTask } from '@/server/notifications/digest';

/** Registers the outbox consumers (called once by the worker before it starts, and by tests). */
export function registerConsumers(): void {
  // Each domain's consumer (see outbox-consumers.ts), and its reconciler of effects stuck half-way.
  registerOutboxConsumer(webhookConsumer);
  registerReconciler('webhooks', requeueStuckDeliveries);
  registerOutboxConsumer(notificationsConsumer);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const TASKS: ReadonlyArray<TaskDefinition<any>> = [
  relayTask,
  sweepTask,
  pruneOutboxTask,
  cleanupExpiredTask,
  reconcileTask,
  probeTask,
  sendMailTask,
  deliverWebhookTask,
  digestTask,
  digestSweepTask,
];

export interface Schedule {
  task: TaskName;
  /** crontab: minute hour day-of-month month day-of-week (UTC). */
  cron: string;
}

export const SCHEDULES: readonly Schedule[] = [
  // Events written while no worker was listening (and a safety net for lost NOTIFYs).
  { task: 'outbox.sweep', cron: '* * * * *' },
  { task: 'jobs.reconcile', cron: '*/5 * * * *' },
  { task: 'outbox.prune', cron: '17 * * * *' },
  { task: 'cleanup.expired', cron: '41 3 * * *' },
  // Digests whose job was lost or dead-lettered (COLLAB-7): anyone with overdue unread, emailable notifications.
  { task: 'notifications.digest-sweep', cron: '23 6 * * *' },
];
