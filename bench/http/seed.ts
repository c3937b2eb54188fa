/**
 * The data a bench stack is seeded with: one workspace, a board (project) of `tasks` tasks created
 * through the app's own tRPC API, `members` workspace members (role `member`, the common case:
 * the project-visibility check is evaluated for them) each with a server-side session, and
 * `signers` users with a password for the sign-in scenario.
 *
 * Users, memberships and sessions are written directly as the application role, with the app's
 * own functions: `createSession` inserts exactly the row a sign-in creates (token hash, expiry,
 * device), so the per-request session check the bench exercises is the app's, unchanged.
 */
import { randomUUID } from 'node:crypto';
import { callOk, type Wire } from './wire';

export const BENCH_PASSWORD = 'correct horse battery staple';

export interface SeedOptions {
  baseUrl: string;
  wire: Wire;
  /** kanso_app's URL (the role the web process connects as). */
  databaseUrl: string;
  members: number;
  signers: number;
  tasks: number;
}

export interface Member {
  userId: string;
  /** `kanso.session=<token>` */
  cookie: string;
  sessionId: string;
}

export interface Seed {
  workspaceId: string;
  slug: string;
  projectId: string;
  members: Member[];
  /** Tasks in creation order, with the version each was created with. */
  tasks: Array<{ id: string; version: number }>;
  signerEmails: string[];
}

export async function seedStack(options: SeedOptions, log: (line: string) => void): Promise<Seed> {
  const { createDatabase } = await import('../../src/server/db/client');
  const { users, workspaces, workspaceMembers } = await import('../../src/server/db/schema');
  const { withTenant } = await import('../../src/server/db/tenant');
  const { createSession, sessionCookieName } = await import('../../src/server/auth/session');
  const { hashPassword } = await import('../../src/server/auth/password');
  const database = createDatabase(options.databaseUrl, 4);
  try {
    const stamp = `${Date.now()}-${randomUUID().slice(0, 6)}`;
    const people = await database
      .insert(users)
      .values(Array.from({ length: options.members + 1 }, (_, i) => ({ email: `bench-${stamp}-${i}@example.test`, name: `Bench ${i}`, emailVerified: new Date() })))
      .returning({ id: users.id });
    const [owner, ...rest] = people as [{ id: string }, ...Array<{ id: string }>];
    const workspaceId = randomUUID();
    const slug = `bench-${stamp}`;
    await withTenant(database, { workspaceId }, async (tx) => {
      await tx.insert(workspaces).values({ id: workspaceId, name: 'Bench', slug });
      await tx.insert(workspaceMembers).values(people.map((p, i) => ({ workspaceId, userId: p.id, role: i === 0 ? ('owner' as const) : ('member' as const) })));
    });
    const cookieOf = (token: string) => `${sessionCookieName(false)}=${encodeURIComponent(token)}`;
    const meta = { userAgent: 'Mozilla/5.0 (X11; Linux x86_64) kanso-bench', ip: '127.0.0.1' };
    const ownerSession = await createSession(database, owner.id, meta);
    const members: Member[] = [];
    for (const person of rest) {
      const session = await createSession(database, person.id, meta);
      members.push({ userId: person.id, cookie: cookieOf(session.token), sessionId: session.sessionId });
    }

    const passwordHash = await hashPassword(BENCH_PASSWORD);
    const signerEmails = Array.from({ length: options.signers }, (_, i) => `bench-signer-${i}-${stamp}@example.test`);
    if (signerEmails.length > 0) {
      await database.insert(users).values(signerEmails.map((email, i) => ({ email, name: `Signer ${i}`, emailVerified: new Date(), passwordHash })));
    }

    // The board, through the app (as its owner would create it).
    const cookie = cookieOf(ownerSession.token);
    const projectId = randomUUID();
    await callOk(options.baseUrl, options.wire, 'mutation', 'project.create', { workspaceSlug: slug, id: projectId, name: 'Bench board' }, { cookie });
    const tasks: Seed['tasks'] = [];
    for (let i = 0; i < options.tasks; i += 1) {
      const task = await callOk<{ id: string; version: number }>(
        options.baseUrl,
        options.wire,
        'mutation',
        'task.create',
        { workspaceSlug: slug, id: randomUUID(), projectId, title: `Task ${i}`, description: `Seeded task number ${i} of the bench board.`, labels: i % 3 === 0 ? ['bench'] : [] },
        { cookie },
      );
      tasks.push({ id: task.id, version: task.version });
    }
    log(`seeded: workspace ${slug}, ${tasks.length} tasks, ${members.length} member sessions, ${signerEmails.length} signers`);
    return { workspaceId, slug, projectId, members, tasks, signerEmails };
  } finally {
    await database.$client.end({ timeout: 5 });
  }
}
