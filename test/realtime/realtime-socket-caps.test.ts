/**
 * Sockets per session, user and workspace are capped in the sidecar (SEC-2; found when one session
 * held 2,000 authenticated sockets in one room): over a cap the new socket is closed with 4429, the
 * ones already open keep working, and a closed socket frees its place.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REALTIME_CLOSE } from '@/lib/realtime-close-codes';
import { createSession } from '@/server/auth/session';
import { signTicket } from '@/server/realtime/ticket';
import { testDb } from '../support/db';
import { connectClient, startSidecar, type Sidecar, type TestClient } from '../support/realtime';
import { makeUser, makeWorkspace } from '../support/trpc';

const SECRET = process.env.AUTH_SECRET!;

describe('socket caps in the sidecar', () => {
  let sidecar: Sidecar;
  let workspaceId: string;
  let alice: { id: string; sessions: string[] };
  let bob: { id: string; session: string };
  const open: TestClient[] = [];

  function socket(userId: string, sessionId: string): TestClient {
    const { ticket } = signTicket(SECRET, { userId, sessionId, workspaceId });
    const client = connectClient(sidecar.port, `?ticket=${encodeURIComponent(ticket)}`);
    open.push(client);
    return client;
  }

  beforeAll(async () => {
    const [a, b] = [await makeUser(), await makeUser()];
    workspaceId = (await makeWorkspace([{ userId: a.id, role: 'owner' }, { userId: b.id, role: 'member' }])).id;
    alice = { id: a.id, sessions: [] };
    for (let i = 0; i < 2; i++) alice.sessions.push((await createSession(testDb(), a.id, {})).sessionId);
    bob = { id: b.id, session: (await createSession(testDb(), b.id, {})).sessionId };
    sidecar = await startSidecar({ REALTIME_MAX_SOCKETS_PER_SESSION: '2', REALTIME_MAX_SOCKETS_PER_USER: '3', REALTIME_MAX_SOCKETS_PER_WORKSPACE: '4' });
  }, 60_000);

  afterAll(async () => {
    for (const c of open) c.ws.terminate();
    await sidecar?.stop();
  });

  it('closes the socket over a session’s, a user’s and a workspace’s cap with 4429, and frees a place on close', async () => {
    const [s1, s2] = alice.sessions as [string, string];
    const first = socket(alice.id, s1);
    const second = socket(alice.id, s1);
    await first.next('ready');
    await second.next('ready');
    // A third tab of the same session.
    const third = socket(alice.id, s1);
    expect(await third.closed).toEqual({ code: REALTIME_CLOSE.tooManySockets, reason: 'too many connections for this session' });

    // Another session of the same user: one more fits under the user's cap of 3, then no more.
    const fourth = socket(alice.id, s2);
    await fourth.next('ready');
    const fifth = socket(alice.id, s2);
    expect(await fifth.closed).toEqual({ code: REALTIME_CLOSE.tooManySockets, reason: 'too many connections for this user' });

    // The workspace holds 3; a fourth from someone else fits, a fifth does not.
    const bobs = socket(bob.id, bob.session);
    await bobs.next('ready');
    const bobsSecond = socket(bob.id, bob.session);
    expect(await bobsSecond.closed).toEqual({ code: REALTIME_CLOSE.tooManySockets, reason: 'too many connections for this workspace' });

    // The open ones still work, and a closed socket frees its place.
    expect(first.ws.readyState).toBe(first.ws.OPEN);
    first.ws.close();
    await first.closed;
    const again = socket(bob.id, bob.session);
    await again.next('ready', () => true, 5000);
  });
});
