/**
 * What the realtime sidecar asks PostgreSQL (COLLAB-3). Every read runs under row-level security
 * as the user it is for: membership in `withTenant({ userId })`, project visibility and outbox rows
 * in `withTenant({ workspaceId, userId })` — so the sidecar cannot hand a user a row the API would
 * not show them, even if its own bookkeeping were wrong.
 */
import { and, eq, gt, inArray, sql } from 'drizzle-orm';
import type { Role } from '@/lib/permissions';
import type { RealtimeEvent } from '@/lib/realtime-protocol';
import type { DbOrTx } from '@/server/db/client';
import { projects, sessions, users, workspaceMembers } from '@/server/db/schema';
import { setTenant, withTenant } from '@/server/db/tenant';
import { canViewProject } from '@/server/projects/access';
import { readEvents, toRealtimeEvent } from '@/server/realtime-events/outbox';

export interface AccessVerdict {
  /** The user's role in the workspace; null: not (or no longer) a member. */
  role: Role | null;
  /** Those of the asked projects the user may see (empty when not a member). */
  visible: Set<string>;
}

/** One transaction: the user's membership of `workspaceId`, then `canViewProject` for each project. */
export function checkAccess(db: DbOrTx, userId: string, workspaceId: string, projectIds: Iterable<string> = []): Promise<AccessVerdict> {
  return withTenant(db, { userId }, async (tx) => {
    const [member] = await tx
      .select({ role: workspaceMembers.role })
      .from(workspaceMembers)
      .where(and(eq(workspaceMembers.workspaceId, workspaceId), eq(workspaceMembers.userId, userId)));
    const visible = new Set<string>();
    if (!member) return { role: null, visible };
    await setTenant(tx, { workspaceId, userId });
    for (const projectId of new Set(projectIds)) {
      if (await canViewProject(tx, { userId, role: member.role }, projectId)) visible.add(projectId);
    }
    return { role: member.role, visible };
  });
}

/** Users asked about in one call of `checkAccessMany` (bounds one statement's work). */
const ACCESS_BATCH = 1000;

/**
 * `checkAccess` for many users of one workspace, in one statement per ACCESS_BATCH users
 * (`app_realtime_access`, drizzle/0008_realtime_access.sql): each user is checked AS THAT USER —
 * the function sets the tenant settings per user before reading, so row-level security applies
 * per user exactly as in `checkAccess`'s transaction. Answers a verdict for every asked user.
 */
export async function checkAccessMany(db: DbOrTx, workspaceId: string, asks: ReadonlyMap<string, Iterable<string>>): Promise<Map<string, AccessVerdict>> {
  const verdicts = new Map<string, AccessVerdict>();
  const all = [...asks.entries()].map(([u, projects]) => ({ u, p: [...new Set(projects)] }));
  for (let from = 0; from < all.length; from += ACCESS_BATCH) {
    const chunk = all.slice(from, from + ACCESS_BATCH);
    const rows = await withTenant(db, {}, (tx) =>
      tx.execute<{ user_id: string; role: Role | null; visible: string[] | null }>(
        sql`SELECT user_id, role, visible FROM app_realtime_access(${workspaceId}::uuid, ${JSON.stringify(chunk)}::jsonb)`,
      ),
    );
    for (const row of rows) verdicts.set(row.user_id, { role: row.role, visible: new Set(row.role ? (row.visible ?? []) : []) });
  }
  for (const { u } of all) if (!verdicts.has(u)) verdicts.set(u, { role: null, visible: new Set() });
  return verdicts;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** One `uuid[]` parameter (not one placeholder per id: 10,000 sockets' sessions are one short statement). */
const uuidArray = (ids: Iterable<string>) => `{${[...ids].filter((id) => UUID.test(id)).join(',')}}`;

/**
 * Which of `sessionIds` are still live sessions of their user (not signed out, revoked or expired).
 * Sessions are not a tenant table; `userId` pairs each id with the user its ticket named.
 */
export async function liveSessions(db: DbOrTx, sessionIds: ReadonlyMap<string, string>): Promise<Set<string>> {
  if (sessionIds.size === 0) return new Set();
  const rows = await db
    .select({ id: sessions.id, userId: sessions.userId })
    .from(sessions)
    .where(and(sql`${sessions.id} = ANY(${uuidArray(sessionIds.keys())}::uuid[])`, gt(sessions.expires, new Date())));
  return new Set(rows.filter((row) => sessionIds.get(row.id) === row.userId).map((row) => row.id));
}

/**
 * Sockets' admission, many in one statement: for each `{sessionId, userId}`, the name and avatar
 * shown in presence when the session is a live session of that user (not signed out, revoked or
 * expired); null otherwise.
 */
export async function liveSessionProfiles(
  db: DbOrTx,
  asks: ReadonlyArray<{ sessionId: string; userId: string }>,
): Promise<Array<{ name: string | null; image: string | null } | null>> {
  if (asks.length === 0) return [];
  const rows = await db
    .select({ id: sessions.id, userId: sessions.userId, name: users.name, image: users.image })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(and(sql`${sessions.id} = ANY(${uuidArray(asks.map((a) => a.sessionId))}::uuid[])`, gt(sessions.expires, new Date())));
  const byId = new Map(rows.map((r) => [r.id, r]));
  return asks.map((a) => {
    const row = byId.get(a.sessionId);
    return row && row.userId === a.userId ? { name: row.name, image: row.image } : null;
  });
}

/** Outbox row `id` as `readerId` sees it (null: absent, or invisible to that user under RLS). */
export function readOutboxEvent(db: DbOrTx, workspaceId: string, readerId: string, id: number): Promise<RealtimeEvent | null> {
  return withTenant(db, { workspaceId, userId: readerId }, async (tx) => {
    // The first event after id-1 this user may see; it is ours only if it has our id.
    const [row] = await readEvents(tx, workspaceId, id - 1, undefined, 1);
    if (!row || row.id !== id) return null;
    return toRealtimeEvent(row);
  });
}

/**
 * Outbox row `id` as an owner/admin of the workspace reads it (null: absent). For the sidecar's
 * "a project left your view" notices when no connected user may read the row any more (a private
 * project deleted, or its last connected member removed): it derives `project_hidden` from it and
 * never sends the row itself.
 */
export async function readOutboxEventAsAdmin(db: DbOrTx, workspaceId: string, id: number): Promise<RealtimeEvent | null> {
  const [admin] = await withTenant(db, { workspaceId }, (tx) =>
    tx
      .select({ userId: workspaceMembers.userId })
      .from(workspaceMembers)
      .where(and(eq(workspaceMembers.workspaceId, workspaceId), inArray(workspaceMembers.role, ['owner', 'admin'])))
      .orderBy(workspaceMembers.role, workspaceMembers.userId)
      .limit(1),
  );
  return admin ? readOutboxEvent(db, workspaceId, admin.userId, id) : null;
}

/**
 * Whether `userId` could see project `projectId` before it was soft-deleted: its row is visible to
 * them under RLS (the policy ignores `deleted_at`). Decides who is told a deleted project is gone,
 * so a private project's id is not announced to people who never saw it.
 */
export function couldSeeProject(db: DbOrTx, userId: string, workspaceId: string, projectId: string): Promise<boolean> {
  return withTenant(db, { workspaceId, userId }, async (tx) => {
    const [row] = await tx.select({ id: projects.id }).from(projects).where(eq(projects.id, projectId));
    return row !== undefined;
  });
}

/**
 * A digest of everything that decides who sees what in a workspace: its members and roles, the
 * private-project member lists, and the set of live workspace-visible projects. One cheap query per
 * workspace; the periodic re-check runs the per-user checks only when it changes (or every so often).
 */
export async function accessFingerprint(db: DbOrTx, workspaceId: string): Promise<string> {
  return withTenant(db, { workspaceId }, async (tx) => {
    const rows = await tx.execute<{ fp: string }>(sql`
      SELECT md5(
        coalesce((SELECT string_agg(m.user_id::text || ':' || m.role::text, ',' ORDER BY m.user_id)
                    FROM workspace_members m WHERE m.workspace_id = ${workspaceId}), '') || '|' ||
        coalesce((SELECT string_agg(pm.project_id::text || ':' || pm.user_id::text, ',' ORDER BY pm.project_id, pm.user_id)
                    FROM project_members pm WHERE pm.workspace_id = ${workspaceId}), '') || '|' ||
        coalesce((SELECT string_agg(p.id::text, ',' ORDER BY p.id)
                    FROM projects p WHERE p.workspace_id = ${workspaceId} AND p.visibility = 'workspace' AND p.deleted_at IS NULL), '')
      ) AS fp`);
    return rows[0]?.fp ?? '';
  });
}
