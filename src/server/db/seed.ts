/** Idempotent demo data (FND-5): a verified demo user who owns the "Acme" workspace. */
import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { hashPassword } from '@/server/auth/password';
import type { Database } from './client';
import { setTenant } from './tenant';
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
  });
}
