/**
 * The workspace-scoped data path (TEN-4). Tenant tables have row-level security keyed on two
 * transaction-local settings; this is the one place that sets them. Everything that reads or
 * writes tenant rows runs inside `withTenant` — a query outside it sees no tenant rows at all.
 */
import { sql } from 'drizzle-orm';
import type { DbOrTx, Tx } from './client';

export interface TenantScope {
  /** The workspace the transaction acts in (null: none — e.g. listing one's own memberships). */
  workspaceId?: string | null;
  /** The signed-in user, if any. */
  userId?: string | null;
}

/** Runs `fn` in a transaction (a savepoint when already in one) scoped to `scope`. */
export function withTenant<T>(database: DbOrTx, scope: TenantScope, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return database.transaction(async (tx) => {
    await setTenant(tx, scope);
    return fn(tx);
  });
}

/** Re-scopes the current transaction (e.g. after resolving a workspace from a token). */
export async function setTenant(tx: Tx, scope: TenantScope): Promise<void> {
  await tx.execute(
    sql`SELECT set_config('app.workspace_id', ${scope.workspaceId ?? ''}, true), set_config('app.user_id', ${scope.userId ?? ''}, true)`,
  );
}
