/**
 * Fast test setup for the board specs: verified users, one workspace with given roles and a live
 * session per user, written straight into the E2E database (the embedded PostgreSQL started by
 * playwright.config.ts). Sign-up, verification and sign-in themselves are covered by their own
 * specs; here they would cost ~20 s per user.
 *
 * Only plain SQL against the schema (src/server/db/schema/*.ts) — nothing from src/server, whose
 * modules are `server-only`. The superuser bypasses row-level security.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { BrowserContext } from '@playwright/test';
import postgres from 'postgres';
import { APP_URL, E2E_DATA_DIR, PG_PORT } from './stack';

export type WorkspaceRole = 'owner' | 'admin' | 'member' | 'viewer';

export interface TeamUser {
  id: string;
  email: string;
  name: string;
  role: WorkspaceRole;
  /** The raw session token: the value of the `kanso.session` cookie. */
  sessionToken: string;
}

export interface Team {
  workspace: { id: string; name: string; slug: string; /** `/en/w/<slug>` */ path: string };
  users: TeamUser[];
}

/** The app's database name in the embedded cluster (scripts/lib/database-urls.ts). */
const DATABASE = 'kanso';
/** Plain http: no `__Secure-` prefix (src/server/auth/session.ts). */
export const SESSION_COOKIE = 'kanso.session';

let sql: postgres.Sql | undefined;

/** A superuser connection to the E2E cluster (password from .data/e2e/credentials.json). */
export function e2eDatabase(): postgres.Sql {
  if (!sql) {
    const credentials = JSON.parse(readFileSync(path.resolve(E2E_DATA_DIR, 'credentials.json'), 'utf8')) as { superuser: string };
    sql = postgres({ host: '127.0.0.1', port: PG_PORT, user: 'postgres', password: credentials.superuser, database: DATABASE, max: 2, onnotice: () => {} });
  }
  return sql;
}

const suffix = () => randomBytes(4).toString('hex');

/**
 * Creates one verified user per role (the first should be the owner) and a workspace they all
 * belong to, each with a fresh 30-day session. Names: `<Role> <suffix>` unless given.
 */
export async function createTeam(members: TeamMember[], workspaceName = `Board ${suffix()}`): Promise<Team> {
  return insertTeam(e2eDatabase(), members, workspaceName);
}

export type TeamMember = { role: WorkspaceRole; name?: string } | WorkspaceRole;

/** `createTeam` on any Kanso database (`db` connected as its superuser or owner); the chaos suite uses it too. */
export async function insertTeam(db: postgres.Sql, members: TeamMember[], workspaceName = `Board ${suffix()}`): Promise<Team> {
  const slug = `${workspaceName.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '')}-${suffix()}`;
  return db.begin(async (tx) => {
    const [workspace] = await tx<{ id: string }[]>`insert into workspaces (name, slug) values (${workspaceName}, ${slug}) returning id`;
    if (!workspace) throw new Error('workspace insert returned no row');
    const users: TeamUser[] = [];
    for (const member of members) {
      const { role, name: given } = typeof member === 'string' ? { role: member, name: undefined } : member;
      const tag = suffix();
      const name = given ?? `${role[0]!.toUpperCase()}${role.slice(1)} ${tag}`;
      const email = `e2e-${role}-${Date.now()}-${tag}@example.test`;
      const [user] = await tx<{ id: string }[]>`insert into users (email, name, email_verified) values (${email}, ${name}, now()) returning id`;
      if (!user) throw new Error('user insert returned no row');
      await tx`insert into workspace_members (workspace_id, user_id, role) values (${workspace.id}, ${user.id}, ${role})`;
      const sessionToken = randomBytes(32).toString('base64url');
      const tokenHash = createHash('sha256').update(sessionToken).digest('hex');
      await tx`insert into sessions (token_hash, user_id, expires, user_agent) values (${tokenHash}, ${user.id}, now() + interval '30 days', 'e2e team helper')`;
      users.push({ id: user.id, email, name, role, sessionToken });
    }
    return { workspace: { id: workspace.id, name: workspaceName, slug, path: `/en/w/${slug}` }, users };
  });
}

/** Signs a browser context in as `user` (its session cookie for the app's origin). */
export async function signInAs(context: BrowserContext, user: TeamUser): Promise<void> {
  await context.addCookies([{ name: SESSION_COOKIE, value: user.sessionToken, url: APP_URL, httpOnly: true, sameSite: 'Lax' }]);
}

/** A project created through the app's API as `context`'s user; returns its id. */
export async function createProject(
  context: BrowserContext,
  workspaceSlug: string,
  options: { name?: string; visibility?: 'workspace' | 'private' } = {},
): Promise<{ id: string; name: string }> {
  const id = randomUUID();
  const name = options.name ?? `Project ${suffix()}`;
  await trpc(context, 'project.create', { workspaceSlug, id, name, visibility: options.visibility ?? 'workspace' });
  return { id, name };
}

/** A task created through the app's API (end of its column); returns its id. */
export async function createTask(
  context: BrowserContext,
  workspaceSlug: string,
  projectId: string,
  title: string,
  status: 'todo' | 'in_progress' | 'done' = 'todo',
): Promise<string> {
  const id = randomUUID();
  await trpc(context, 'task.create', { workspaceSlug, id, projectId, title, status });
  return id;
}

/** A tRPC mutation with the context's cookies; throws with the response body when refused. */
export async function trpc(context: BrowserContext, procedure: string, input: unknown): Promise<unknown> {
  const response = await context.request.post(`${APP_URL}/api/trpc/${procedure}`, {
    data: input,
    headers: { 'content-type': 'application/json', origin: APP_URL, 'x-kanso-locale': 'en' },
  });
  const body = (await response.json()) as { result?: { data?: unknown } };
  if (!response.ok()) throw new Error(`${procedure} failed (${response.status()}): ${JSON.stringify(body)}`);
  return body.result?.data;
}
