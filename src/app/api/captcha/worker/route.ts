/**
 * The ALTCHA proof-of-work worker for SHA-* challenges (AUTH-4), served from our origin as one
 * self-contained classic script (altcha's own `dist/workers/sha.js`, ≈ 5 KB). Not bundled: a
 * bundler's worker loads its chunks with importScripts, which the `default-src 'none'` policy of
 * static files and API answers refuses inside the worker; this file loads nothing, it only hashes.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';

export const dynamic = 'force-static';

let source: Promise<string> | undefined;

export async function GET(): Promise<Response> {
  source ??= readFile(path.join(process.cwd(), 'node_modules', 'altcha', 'dist', 'workers', 'sha.js'), 'utf8');
  return new Response(await source, {
    headers: { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'public, max-age=3600' },
  });
}
