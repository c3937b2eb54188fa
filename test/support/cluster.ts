/**
 * What the global setup hands to every test worker (Vitest `project.provide` → `inject`).
 * The URLs carry generated passwords; they only ever point at 127.0.0.1.
 */
export const TEMPLATE_DB = 'kanso_template';

export interface TestCluster {
  port: number;
  /** The run directory in `.data/test/` (removed at teardown). */
  runDir: string;
  /** Superuser URL of the `postgres` database: creates and drops per-file databases. */
  superuserUrl: string;
  /** `postgres://kanso_owner:…@127.0.0.1:<port>/` — append a database name. */
  ownerBaseUrl: string;
  /** `postgres://kanso_app:…@127.0.0.1:<port>/` — append a database name. */
  appBaseUrl: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    kansoCluster: TestCluster;
  }
}
