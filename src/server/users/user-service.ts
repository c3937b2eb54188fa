/** Account preferences of the signed-in user. */
import { eq } from 'drizzle-orm';
import type { Locale } from '@/i18n/routing';
import type { DbOrTx } from '@/server/db/client';
import { users } from '@/server/db/schema';

export async function setUserLocale(database: DbOrTx, userId: string, locale: Locale): Promise<void> {
  await database.update(users).set({ locale, updatedAt: new Date() }).where(eq(users.id, userId));
}
