// Event-loop delay of a process, measured inside it and read from outside (bench/soak.ts).
//
// Preloaded through NODE_OPTIONS="--import <this file>" into every node process a bench stack runs
// (the launcher passes its environment to the web server, the sidecar and, later, the worker); the
// app's code is not changed. Inert unless KANSO_LOOP_PROBE_DIR is set. Every
// KANSO_LOOP_PROBE_INTERVAL_MS (default 10 s) it writes the window's event-loop delay (ms: mean,
// p50, p99, max, from perf_hooks.monitorEventLoopDelay at 10 ms resolution) and the V8 heap at that
// moment (MB: used, total, and the young generation's size — V8 grows and shrinks it with the
// allocation rate, which moves RSS without being a leak) to <dir>/<pid>.json and starts a new window.
// Its own cost: one histogram and one timer.
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { getHeapSpaceStatistics } from 'node:v8';

const dir = process.env.KANSO_LOOP_PROBE_DIR;
if (dir) {
  const intervalMs = Number(process.env.KANSO_LOOP_PROBE_INTERVAL_MS ?? 10_000);
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${process.pid}.json`);
  let window = 0;
  const ms = (ns) => Math.round((ns / 1e6) * 100) / 100;
  const mb = (bytes) => Math.round((bytes / 1048576) * 10) / 10;
  const memory = () => {
    const { heapUsed, heapTotal } = process.memoryUsage();
    return { heapUsedMb: mb(heapUsed), heapTotalMb: mb(heapTotal) };
  };
  const timer = setInterval(() => {
    window += 1;
    const sample = {
      pid: process.pid,
      window,
      at: Date.now(),
      intervalMs,
      meanMs: ms(histogram.mean),
      p50Ms: ms(histogram.percentile(50)),
      p99Ms: ms(histogram.percentile(99)),
      maxMs: ms(histogram.max),
      ...memory(),
      youngGenMb: mb(getHeapSpaceStatistics().find((space) => space.space_name === 'new_space')?.space_size ?? 0),
      argv: process.argv.slice(1, 3),
    };
    histogram.reset();
    try {
      writeFileSync(`${file}.tmp`, JSON.stringify(sample));
      renameSync(`${file}.tmp`, file);
    } catch {
      // the bench's data dir is gone (it is stopping): nothing to report to
    }
  }, intervalMs);
  timer.unref();
}
