import { randomBytes } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import { users } from '@/server/db/schema';
import { withRequestContext } from '@/server/platform/request-context';
import { adminSql, resetTables, testDb } from '../../../test/support/db';
import {
  SESSION_MAX_AGE_SECONDS,
  createSession,
  deleteSessionByToken,
  deleteUserSessions,
  hashToken,
  lookupSession,
  validateSessionToken,
} from './session';

async function createUser(name = 'Ada Lovelace') {
  const [user] = await testDb()
    .insert(users)
    .values({ email: `user-${randomBytes(4).toString('hex')}@example.com`, name })
    .returning();
  if (!user) throw new Error('no user row');
  return user;
}

async function sessionRows(userId: string) {
  return adminSql()<{ id: string }[]>`SELECT id FROM sessions WHERE user_id = ${userId} ORDER BY id`;
}

beforeEach(async () => {
  await resetTables();
});

describe('sessions', () => {
  it('createSession returns a token that validateSessionToken resolves to the user', async () => {
    const user = await createUser();
    const { token, sessionId, expires } = await createSession(testDb(), user.id, { userAgent: 'vitest', ip: '127.0.0.1' });

    const current = await validateSessionToken(testDb(), token);
    expect(current).not.toBeNull();
    expect(current?.sessionId).toBe(sessionId);
    expect(current?.user).toMatchObject({ id: user.id, email: user.email, name: 'Ada Lovelace', locale: 'en', isPlatformAdmin: false });
    const lifetime = expires.getTime() - Date.now();
    expect(lifetime).toBeGreaterThan((SESSION_MAX_AGE_SECONDS - 60) * 1000);
    expect(lifetime).toBeLessThanOrEqual(SESSION_MAX_AGE_SECONDS * 1000);
  });

  it('stores the SHA-256 hash of the token, never the token itself', async () => {
    const user = await createUser();
    const { token, sessionId } = await createSession(testDb(), user.id, { userAgent: 'vitest', ip: '10.0.0.1' });

    const [row] = await adminSql()`SELECT * FROM sessions WHERE id = ${sessionId}`;
    expect(row).toBeDefined();
    expect(row?.token_hash).toBe(hashToken(token));
    expect(row?.token_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(row)).not.toContain(token);
    expect(row?.user_agent).toBe('vitest');
    expect(row?.ip).toBe('10.0.0.1');
  });

  it('rejects an unknown token', async () => {
    const user = await createUser();
    await createSession(testDb(), user.id, {});
    expect(await validateSessionToken(testDb(), randomBytes(32).toString('base64url'))).toBeNull();
  });

  it('deleteSessionByToken revokes the session', async () => {
    const user = await createUser();
    const { token } = await createSession(testDb(), user.id, {});
    expect(await validateSessionToken(testDb(), token)).not.toBeNull();

    await deleteSessionByToken(testDb(), token);

    expect(await validateSessionToken(testDb(), token)).toBeNull();
    expect(await sessionRows(user.id)).toHaveLength(0);
  });

  it('an expired session does not validate', async () => {
    const user = await createUser();
    const { token, sessionId } = await createSession(testDb(), user.id, {});
    await adminSql()`UPDATE sessions SET expires = now() - interval '1 second' WHERE id = ${sessionId}`;

    expect(await validateSessionToken(testDb(), token)).toBeNull();
  });

  it('refreshes last-seen and slides the expiry when the session was idle a while', async () => {
    const user = await createUser();
    const { token, sessionId } = await createSession(testDb(), user.id, {});
    await adminSql()`
      UPDATE sessions SET last_seen_at = now() - interval '10 minutes', expires = now() + interval '1 day'
      WHERE id = ${sessionId}`;

    expect(await validateSessionToken(testDb(), token)).not.toBeNull();

    const [row] = await adminSql()<{ idle: number; remaining: number }[]>`
      SELECT extract(epoch FROM now() - last_seen_at)::float AS idle,
             extract(epoch FROM expires - now())::float AS remaining
      FROM sessions WHERE id = ${sessionId}`;
    expect(row?.idle).toBeLessThan(60);
    expect(row?.remaining).toBeGreaterThan(SESSION_MAX_AGE_SECONDS - 60);
  });

  it('deleteUserSessions revokes every other session of the user and keeps the one given', async () => {
    const user = await createUser();
    const other = await createUser('Grace Hopper');
    const kept = await createSession(testDb(), user.id, { userAgent: 'laptop' });
    const phone = await createSession(testDb(), user.id, { userAgent: 'phone' });
    const tablet = await createSession(testDb(), user.id, { userAgent: 'tablet' });
    const othersSession = await createSession(testDb(), other.id, {});

    await deleteUserSessions(testDb(), user.id, kept.sessionId);

    expect((await sessionRows(user.id)).map((r) => r.id)).toEqual([kept.sessionId]);
    expect((await validateSessionToken(testDb(), kept.token))?.user.id).toBe(user.id);
    expect(await validateSessionToken(testDb(), phone.token)).toBeNull();
    expect(await validateSessionToken(testDb(), tablet.token)).toBeNull();
    expect((await validateSessionToken(testDb(), othersSession.token))?.user.id).toBe(other.id);
  });

  it('deleteUserSessions without a session to keep revokes them all', async () => {
    const user = await createUser();
    await createSession(testDb(), user.id, {});
    await createSession(testDb(), user.id, {});

    await deleteUserSessions(testDb(), user.id);

    expect(await sessionRows(user.id)).toHaveLength(0);
  });

  it('does not touch last-seen again while it is recent (at most once per interval)', async () => {
    const user = await createUser();
    const { token, sessionId } = await createSession(testDb(), user.id, {});
    await adminSql()`UPDATE sessions SET last_seen_at = now() - interval '1 minute' WHERE id = ${sessionId}`;
    const [before] = await adminSql()<{ seen: string; expires: string }[]>`SELECT last_seen_at::text AS seen, expires::text AS expires FROM sessions WHERE id = ${sessionId}`;

    expect(await validateSessionToken(testDb(), token)).not.toBeNull();
    expect(await validateSessionToken(testDb(), token)).not.toBeNull();

    const [after] = await adminSql()<{ seen: string; expires: string }[]>`SELECT last_seen_at::text AS seen, expires::text AS expires FROM sessions WHERE id = ${sessionId}`;
    expect(after).toEqual(before);
  });

  it('looks a token up once per request; the next request asks again, so a revocation takes effect there', async () => {
    const user = await createUser();
    const { token, sessionId } = await createSession(testDb(), user.id, {});
    const request = (fn: () => Promise<unknown>) => withRequestContext({ requestId: `req-${Math.random()}` }, fn);

    await request(async () => {
      expect((await lookupSession(testDb(), token))?.sessionId).toBe(sessionId);
      // Signed out everywhere by another request meanwhile: this request keeps its answer (no second lookup) …
      await adminSql()`DELETE FROM sessions WHERE id = ${sessionId}`;
      expect((await lookupSession(testDb(), token))?.sessionId).toBe(sessionId);
    });
    // … and the next request is refused.
    await request(async () => {
      expect(await lookupSession(testDb(), token)).toBeNull();
    });
  });

  it('forgets the request’s lookups when the request itself ends sessions', async () => {
    const user = await createUser();
    const first = await createSession(testDb(), user.id, {});
    const second = await createSession(testDb(), user.id, {});
    await withRequestContext({ requestId: 'req-sign-out' }, async () => {
      expect(await lookupSession(testDb(), first.token)).not.toBeNull();
      await deleteSessionByToken(testDb(), first.token);
      expect(await lookupSession(testDb(), first.token)).toBeNull();
      expect(await lookupSession(testDb(), second.token)).not.toBeNull();
      await deleteUserSessions(testDb(), user.id);
      expect(await lookupSession(testDb(), second.token)).toBeNull();
    });
  });
});
