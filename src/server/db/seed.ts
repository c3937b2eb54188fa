/** Idempotent demo data (FND-5): a verified demo user who owns the "Acme" workspace, with a demo board. */
import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { keysBetween } from '@/lib/fractional-index';
import { hashPassword } from '@/server/auth/password';
import type { Database } from './client';
import { setTenant } from './tenant';
import { projects, tasks, users, workspaceMembers, workspaces } from './schema';

export const DEMO_USER = { email: 'demo@kanso.localhost', password: 'kanso-demo-2026', name: 'Demo User' };
export const DEMO_WORKSPACE = { name: 'Acme', slug: 'acme' };

export const DEMO_PROJECT = { name: 'Website launch', description: 'Everything for the **new website**: copy, design, and the launch checklist.' };

const DEMO_TASKS: { title: string; status: 'todo' | 'in_progress' | 'done'; priority?: 'low' | 'medium' | 'high' | 'urgent'; labels?: string[]; dueInDays?: number; description?: string }[] = [
  { title: 'Write the launch announcement', status: 'todo', priority: 'high', labels: ['copy'], dueInDays: 5, description: 'Blog post + newsletter. Keep it **short**; link the changelog.' },
  { title: 'Pick the hero illustration', status: 'todo', labels: ['design'] },
  { title: 'Set up redirects from the old URLs', status: 'todo', priority: 'medium', labels: ['backend'], dueInDays: 9 },
  { title: 'Pricing page copy', status: 'in_progress', priority: 'medium', labels: ['copy'], dueInDays: 2 },
  { title: 'Responsive navigation', status: 'in_progress', priority: 'urgent', labels: ['design', 'frontend'], dueInDays: -1 },
  { title: 'Choose the domain', status: 'done', labels: ['ops'] },
  { title: 'Create the repository', status: 'done' },
];

function dayFromToday(days: number): string {
  const date = new Date();
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

export async function seedDemoData(database: Database): Promise<void> {
  await database.transaction(async (tx) => {
    let [user] = await tx.select({ id: users.id }).from(users).where(eq(users.email, DEMO_USER.email));
    if (!user) {
      [user] = await tx
        .insert(users)
        .values({
          email: DEMO_USER.email,
          name: DEMO_USER.name,
          emailVerified: new Date(),
          passwordHash: await hashPassword(DEMO_USER.password),
        })
        .returning({ id: users.id });
    }
    if (!user) throw new Error('demo user missing');
    // The demo user's memberships are visible once the transaction is scoped to them.
    await setTenant(tx, { userId: user.id });
    const [existing] = await tx.select({ id: workspaces.id }).from(workspaces).where(eq(workspaces.slug, DEMO_WORKSPACE.slug));
    if (!existing) {
      const id = randomUUID();
      await setTenant(tx, { workspaceId: id, userId: user.id });
      await tx.insert(workspaces).values({ id, ...DEMO_WORKSPACE });
      await tx.insert(workspaceMembers).values({ workspaceId: id, userId: user.id, role: 'owner' });
    }
    const workspaceId = existing?.id ?? (await tx.select({ id: workspaces.id }).from(workspaces).where(eq(workspaces.slug, DEMO_WORKSPACE.slug)))[0]?.id;
    if (!workspaceId) throw new Error('demo workspace missing');
    await setTenant(tx, { workspaceId, userId: user.id });
    const [project] = await tx.select({ id: projects.id }).from(projects).where(and(eq(projects.workspaceId, workspaceId), eq(projects.name, DEMO_PROJECT.name)));
    if (!project) {
      const projectId = randomUUID();
      await tx.insert(projects).values({ id: projectId, workspaceId, ...DEMO_PROJECT, createdBy: user.id });
      const positions = keysBetween(null, null, DEMO_TASKS.length);
      await tx.insert(tasks).values(
        DEMO_TASKS.map((task, i): typeof tasks.$inferInsert => ({
          id: randomUUID(),
          workspaceId,
          projectId,
          title: task.title,
          description: task.description ?? '',
          status: task.status,
          priority: task.priority ?? 'none',
          labels: task.labels ?? [],
          dueDate: task.dueInDays === undefined ? null : dayFromToday(task.dueInDays),
          assigneeId: i % 2 === 0 ? user.id : null,
          position: positions[i] as string,
          createdBy: user.id,
        })),
      );
    }
  });
}
