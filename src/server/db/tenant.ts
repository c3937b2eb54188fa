/**
 * The workspace-scoped data path (TEN-4). Tenant tables have row-level security keyed on two
 * transaction-local settings; this is the one place that sets them. Everything that reads or
 * writes tenant rows runs inside `withTenant` (or a workspace procedure's `enterWorkspace`) — a
 * query outside it sees no tenant rows at all.
 *
 * Each is ONE prepared statement (docs/decisions/0014-database-round-trips.md): both settings in
 * one SELECT, and entering a workspace by slug (user setting, membership lookup, workspace
 * setting) in one call of `app_enter_workspace` (drizzle/0007_workspace_entry.sql).
 */
import { sql } from 'drizzle-orm';
import type { Role } from '@/lib/permissions';
import type { DbOrTx, Tx } from './client';
import { statement } from './prepared';

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
  await setTenantSettings(tx, { workspaceId: scope.workspaceId ?? '', userId: scope.userId ?? '' });
}

const setTenantSettings = statement<{ workspaceId: string; userId: string }>(
  () => sql`SELECT set_config('app.workspace_id', ${sql.placeholder('workspaceId')}, true), set_config('app.user_id', ${sql.placeholder('userId')}, true)`,
);

/**
 * Runs `fn` in a transaction in the worker's system scope (ADR 0030): `app.system = 'on'` lets it
 * read every workspace's outbox events (the relay, the retention), and the tables of the worker's
 * consumers that grant it (`app_is_system()` policies); with `workspaceId`, it also acts in that
 * workspace as tenant code does. Only background work (src/server/jobs, consumers) uses it; never
 * a request path.
 */
export function withSystem<T>(database: DbOrTx, workspaceId: string | null, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return database.transaction(async (tx) => {
    await setSystemSettings(tx, { workspaceId: workspaceId ?? '' });
    return fn(tx);
  });
}

const setSystemSettings = statement<{ workspaceId: string }>(
  () =>
    sql`SELECT set_config('app.system', 'on', true), set_config('app.workspace_id', ${sql.placeholder('workspaceId')}, true), set_config('app.user_id', '', true)`,
);

/** A membership as a workspace procedure sees it. */
export interface WorkspaceEntry {
  id: string;
  slug: string;
  name: string;
  role: Role;
}

const enterWorkspaceRow = statement<{ userId: string; slug: string }, WorkspaceEntry>(
  () => sql`SELECT id, slug, name, role FROM app_enter_workspace(${sql.placeholder('userId')}, ${sql.placeholder('slug')})`,
);

/**
 * Scopes the transaction to `userId` and, when they are a member of the workspace `slug`, to that
 * workspace too; answers the membership (null: no such workspace, or not a member — then the
 * transaction is scoped to the user alone). The lookup runs under row-level security as the user.
 */
export async function enterWorkspace(tx: Tx, userId: string, slug: string): Promise<WorkspaceEntry | null> {
  const [row] = await enterWorkspaceRow(tx, { userId, slug });
  return row ?? null;
}
