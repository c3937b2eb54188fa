/**
 * A stand-in for a launcher that crashes: starts an embedded cluster, prints
 * `{"ready":true,"pid":<postmaster pid>}` and waits to be killed. Used by
 * scripts/lib/embedded-postgres.test.ts (run with `node --import tsx`).
 *
 *   node --import tsx test/support/cluster-child.ts <dataDir> <port>
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { startEmbeddedPostgres } from '../../scripts/lib/embedded-postgres';

const [dataDir, port] = process.argv.slice(2);
if (!dataDir || !port) throw new Error('usage: cluster-child.ts <dataDir> <port>');

await startEmbeddedPostgres({ dataDir, port: Number(port) });
const pid = Number(readFileSync(path.join(dataDir, 'pg', 'postmaster.pid'), 'utf8').split('\n')[0]);
process.stdout.write(`${JSON.stringify({ ready: true, pid })}\n`);
setInterval(() => {}, 60_000);
