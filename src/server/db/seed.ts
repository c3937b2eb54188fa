/** Idempotent demo data (FND-5): a verified demo user who owns the "Acme" workspace. */
import { eq } from 'drizzle-orm';
import { hashPassword } from '@/server/auth/password';
import type { Database } from './client';
import { users, workspaceMembers, workspaces } from './schema';

export const DEMO_USER = { email: 'demo@kanso.localhost', password: 'kanso-demo-2026', name: 'Demo User' };
export const DEMO_WORKSPACE = { name: 'Acme', slug: 'acme' };

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
    let [workspace] = await tx.select({ id: workspaces.id }).from(workspaces).where(eq(workspaces.slug, DEMO_WORKSPACE.slug));
    if (!workspace) {
      [workspace] = await tx.insert(workspaces).values(DEMO_WORKSPACE).returning({ id: workspaces.id });
    }
    if (user && workspace) {
      await tx
        .insert(workspaceMembers)
        .values({ workspaceId: workspace.id, userId: user.id, role: 'owner' })
        .onConflictDoNothing();
    }
  });
}
