/** What every bench script shares: `--name=value` arguments and percentiles of sorted samples. */

/** `--clients=200 --dry` → `{ clients: '200', dry: 'true' }`. */
export function benchArgs(argv: readonly string[] = process.argv.slice(2)): Record<string, string | undefined> {
  return Object.fromEntries(
    argv.map((a) => {
      const [k, v] = a.replace(/^--/, '').split('=');
      return [k, v ?? 'true'];
    }),
  ) as Record<string, string | undefined>;
}

/** The p-th percentile (nearest rank) of ascending `sorted`; NaN when empty. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}
