import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { users } from '@/server/db/schema';
import { testDb } from '../../../test/support/db';
import { makeUser } from '../../../test/support/trpc';
import { ensurePlatformAdmin } from './user-service';

describe('ensurePlatformAdmin', () => {
  it('creates, then leaves unchanged (idempotent)', async () => {
    expect(await ensurePlatformAdmin(testDb(), ' Ops@Example.test ')).toBe('created');
    expect(await ensurePlatformAdmin(testDb(), 'ops@example.test')).toBe('unchanged');
    const rows = await testDb().select().from(users).where(eq(users.email, 'ops@example.test'));
    expect(rows).toHaveLength(1);
    expect(rows[0]?.isPlatformAdmin).toBe(true);
  });

  it('promotes an existing user', async () => {
    const user = await makeUser();
    expect(await ensurePlatformAdmin(testDb(), user.email)).toBe('promoted');
    const [row] = await testDb().select().from(users).where(eq(users.id, user.id));
    expect(row?.isPlatformAdmin).toBe(true);
  });
});
