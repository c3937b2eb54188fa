/**
 * Micro-batching for the sidecar's admission checks (ADR 0015). `batched(run)` returns a function
 * that queues its argument and resolves with `run`'s answer for it. A request made while the
 * sidecar is idle goes out on the next turn of the event loop (alone, or with whatever arrived in the
 * same turn); requests made while `parallel` batches are in flight wait and go out together in the
 * next one (at most `max` per batch). So a quiet sidecar adds no delay, and 10,000 sockets opening at
 * once (a big room filling, a reconnect storm) cost tens of statements, not tens of thousands.
 */
export function batched<K, V>(run: (items: K[]) => Promise<V[]>, options: { max?: number; parallel?: number } = {}): (item: K) => Promise<V> {
  const max = options.max ?? 1000;
  const parallel = options.parallel ?? 2;
  let queue: Array<{ item: K; resolve: (v: V) => void; reject: (e: unknown) => void }> = [];
  let running = 0;
  let scheduled = false;

  function pump(): void {
    scheduled = false;
    while (running < parallel && queue.length > 0) {
      const batch = queue.slice(0, max);
      queue = queue.slice(max);
      running += 1;
      run(batch.map((b) => b.item))
        .then(
          (values) => batch.forEach((b, i) => b.resolve(values[i] as V)),
          (error: unknown) => batch.forEach((b) => b.reject(error)),
        )
        .finally(() => {
          running -= 1;
          schedule();
        });
    }
  }

  function schedule(): void {
    if (scheduled || queue.length === 0 || running >= parallel) return;
    scheduled = true;
    setImmediate(pump);
  }

  return (item: K) =>
    new Promise<V>((resolve, reject) => {
      queue.push({ item, resolve, reject });
      schedule();
    });
}
