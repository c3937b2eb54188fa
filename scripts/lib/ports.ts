/**
 * Ports for harness-started stacks (chaos, check:bundle, the benches). Each harness has its own
 * default range so they can run side by side; a variable set by the caller is used as given. When a
 * default is already taken on this machine (another checkout's stack, a developer's own run), the
 * harness moves to a free loopback port instead of failing on start-up with "Address already in use".
 */
import { freePort, portInUse } from './embedded-postgres';

export async function harnessPort(variable: string, preferred: number, log: (line: string) => void = () => {}): Promise<number> {
  const given = Number(process.env[variable]);
  if (Number.isInteger(given) && given > 0) return given;
  if (!(await portInUse(preferred))) return preferred;
  const port = await freePort();
  log(`port ${preferred} is in use; using ${port} (set ${variable} to choose)`);
  return port;
}

/** `harnessPort` for several at once, keyed by name; no two of them share a port. */
export async function harnessPorts<K extends string>(
  wanted: Record<K, [variable: string, preferred: number]>,
  log?: (line: string) => void,
): Promise<Record<K, number>> {
  const out = {} as Record<K, number>;
  const taken = new Set<number>();
  for (const key of Object.keys(wanted) as K[]) {
    const [variable, preferred] = wanted[key];
    let port = await harnessPort(variable, preferred, log);
    while (taken.has(port)) port = await freePort();
    taken.add(port);
    out[key] = port;
  }
  return out;
}
