/**
 * How the realtime sidecar process is started — by the launcher, the benches and the tests alike
 * (`npm run start:realtime` and docs/deploy.md spell the same):
 *   - `react-server`: modules marked `import 'server-only'` load in this server process;
 *   - `--min-semi-space-size=16`: its young generation starts at the size V8 grows it to under load
 *     anyway (2 × 16 MB), so its memory does not step up and down with the allocation rate (ADR 0023).
 */
export const SIDECAR_NODE_OPTIONS = ['--conditions=react-server', '--min-semi-space-size=16'];
export const SIDECAR_ENTRY = ['--import', 'tsx', 'sidecar/realtime-sidecar.ts'];

/**
 * The job worker (worker/job-worker.ts): NOT under the react-server condition — it renders mail with
 * React Email, and react-dom/server refuses to load under it (ADR 0031). `server-only` resolves to its
 * empty module through the same hooks the web process's direct API path uses. Default heap settings.
 */
export const WORKER_NODE_OPTIONS = ['--import', './scripts/lib/server-only-register.mjs'];
export const WORKER_ENTRY = ['--import', 'tsx', 'worker/job-worker.ts'];
