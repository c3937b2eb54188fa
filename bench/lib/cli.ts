/** What every bench script shares: `--name=value` arguments and percentiles of sorted samples. */

/** `--clients=200 --dry` (or `--clients 200 --dry`) → `{ clients: '200', dry: 'true' }`. */
export function benchArgs(argv: readonly string[] = process.argv.slice(2)): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (let i = 0; i < argv.length; i += 1) {
    const [key, value] = (argv[i] as string).replace(/^--/, '').split('=') as [string, string | undefined];
    const next = argv[i + 1];
    if (value !== undefined) out[key] = value;
    else if (next !== undefined && !next.startsWith('--')) {
      out[key] = next;
      i += 1;
    } else out[key] = 'true';
  }
  return out;
}

/** The p-th percentile (nearest rank) of ascending `sorted`; NaN when empty. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}
