/**
 * bench:jobs part 2 — outbox → webhook delivery latency. Needs the webhooks consumer (JOBS-3);
 * until it is registered this part reports that it cannot run.
 */
export interface WebhookBenchOptions {
  events: number;
  rate: number;
  startWorker: (env: Record<string, string>) => Promise<{ stop: () => Promise<void> }>;
  log: (line: string) => void;
  id: () => string;
}

/** Latencies (ms) from each event's commit to the receiver reading its delivery. */
export async function benchWebhookLatency(options: WebhookBenchOptions): Promise<number[]> {
  options.log('outbox → webhook: the webhooks consumer is not built yet; skipped');
  return [];
}
