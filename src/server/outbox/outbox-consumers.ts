/**
 * Who the outbox relay delivers events to (JOBS-2; docs/jobs.md). Each consumer has its own cursor
 * per workspace and its own inbox (an event is handled once per consumer), so adding one here makes
 * it receive every event kept in the outbox from then on — starting with those still retained.
 *
 * `handle` runs inside the relay's transaction, in the system scope of the event's workspace
 * (withSystem): its writes (rows, `enqueueJob`) commit together with the consumer's cursor and inbox
 * entry — or not at all. Keep it quick (write rows, enqueue jobs); slow work belongs in a job.
 */
import type { Logger } from 'pino';
import type { Tx } from '@/server/db/client';
import type { OutboxEvent } from '@/server/realtime-events/outbox';

export interface OutboxConsumer {
  /** Stable: it keys the consumer's cursor and inbox rows. */
  name: string;
  handle(tx: Tx, event: OutboxEvent, log: Logger): Promise<void>;
}

const consumers: OutboxConsumer[] = [];

/** Registers a consumer (each domain's consumer module calls this once; see src/server/jobs/task-list.ts). */
export function registerOutboxConsumer(consumer: OutboxConsumer): void {
  if (consumers.some((c) => c.name === consumer.name)) return;
  consumers.push(consumer);
}

/** The registered consumers, in registration order. */
export function outboxConsumers(): readonly OutboxConsumer[] {
  return consumers;
}
