/** Account preferences of the signed-in user. */
import { eq } from 'drizzle-orm';
import type { Locale } from '@/i18n/routing';
import type { DbOrTx } from '@/server/db/client';
import { users } from '@/server/db/schema';

export async function setUserLocale(database: DbOrTx, userId: string, locale: Locale): Promise<void> {
  await database.update(users).set({ locale, updatedAt: new Date() }).where(eq(users.id, userId));
}

/** Makes `email` a platform admin, creating a verified password-less account if needed (idempotent). */
export async function ensurePlatformAdmin(database: DbOrTx, email: string): Promise<'created' | 'promoted' | 'unchanged'> {
  const normalised = email.trim().toLowerCase();
  const [existing] = await database
    .select({ id: users.id, isPlatformAdmin: users.isPlatformAdmin })
    .from(users)
    .where(eq(users.email, normalised));
  if (existing?.isPlatformAdmin) return 'unchanged';
  if (existing) {
    await database.update(users).set({ isPlatformAdmin: true, updatedAt: new Date() }).where(eq(users.id, existing.id));
    return 'promoted';
  }
  await database.insert(users).values({ email: normalised, emailVerified: new Date(), isPlatformAdmin: true });
  return 'created';
}
