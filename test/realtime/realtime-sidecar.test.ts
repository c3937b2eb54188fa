/**
 * The realtime sidecar as a real process (COLLAB-3): `node --conditions=react-server --import tsx
 * sidecar/realtime-sidecar.ts` on a free port against this file's database, driven with a `ws` client.
 * Tickets come from the real `realtime.ticket` procedure (or are signed directly with the test
 * AUTH_SECRET to forge the cases the procedure would never mint).
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSession } from '@/server/auth/session';
import { workspaceMembers } from '@/server/db/schema';
import { withTenant } from '@/server/db/tenant';
import { addProjectMember, createProject, removeProjectMember } from '@/server/projects/project-service';
import { appendEvent } from '@/server/realtime-events/outbox';
import { signTicket } from '@/server/realtime/ticket';
import { testDb } from '../support/db';
import { connectClient, settle, startSidecar, type Sidecar } from '../support/realtime';
import { callerAs, makeUser, makeWorkspace } from '../support/trpc';

const SECRET = process.env.AUTH_SECRET!;

let sidecar: Sidecar;
let port = 0;
const issued: string[] = [];
const connect = (query = '') => connectClient(port, query);

async function ticketFor(userId: string, workspaceSlug: string, projectId?: string): Promise<string> {
  const { caller } = await callerAs(userId);
  const { ticket, url, expiresAt } = await caller.realtime.ticket({ workspaceSlug, projectId });
  expect(url).toMatch(/^wss?:\/\//);
  expect(Date.parse(expiresAt) - Date.now()).toBeLessThanOrEqual(60_000);
  issued.push(ticket);
  return ticket;
}

async function ready(userId: string, workspaceSlug: string) {
  const client = connect(`?ticket=${encodeURIComponent(await ticketFor(userId, workspaceSlug))}`);
  await client.next('ready');
  return client;
}

describe('realtime sidecar (real process)', () => {
  let owner: { id: string };
  let member: { id: string };
  let outsider: { id: string };
  let workspace: { id: string; slug: string };
  let publicProject = '';
  let privateProject = '';
  const actor = (userId: string, role: 'owner' | 'member') => ({ userId, role, requestId: 'test', ip: '127.0.0.1' });

  beforeAll(async () => {
    owner = await makeUser();
    member = await makeUser();
    outsider = await makeUser();
    workspace = await makeWorkspace([
      { userId: owner.id, role: 'owner' },
      { userId: member.id, role: 'member' },
    ]);
    await makeWorkspace([{ userId: outsider.id, role: 'owner' }]);
    publicProject = randomUUID();
    privateProject = randomUUID();
    await withTenant(testDb(), { workspaceId: workspace.id, userId: owner.id }, async (tx) => {
      await createProject(tx, actor(owner.id, 'owner'), { workspaceId: workspace.id }, { id: publicProject, name: 'Public' });
      await createProject(tx, actor(owner.id, 'owner'), { workspaceId: workspace.id }, { id: privateProject, name: 'Secret', visibility: 'private' });
    });

    sidecar = await startSidecar();
    port = sidecar.port;
  }, 30_000);

  afterAll(async () => {
    await sidecar?.stop();
  });

  it('GET /health answers 200 with JSON', async () => {
    const res = await fetch(`http://127.0.0.1:${port}/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ok', service: 'kanso-realtime', listening: true });
  });

  it('refuses a bad ticket with 4401', async () => {
    const forged = signTicket('x'.repeat(40), { userId: owner.id, sessionId: randomUUID(), workspaceId: workspace.id }).ticket;
    expect(await connect(`?ticket=${forged}`).closed).toEqual({ code: 4401, reason: 'invalid ticket' });
    expect(await connect('?ticket=garbage').closed).toEqual({ code: 4401, reason: 'invalid ticket' });
  });

  it('refuses an expired ticket with 4401', async () => {
    const stale = signTicket(SECRET, { userId: owner.id, sessionId: randomUUID(), workspaceId: workspace.id }, Date.now() - 61_000).ticket;
    expect(await connect(`?ticket=${stale}`).closed).toEqual({ code: 4401, reason: 'ticket expired' });
  });

  it('refuses a ticket used twice with 4401', async () => {
    const ticket = await ticketFor(owner.id, workspace.slug);
    const first = connect(`?ticket=${ticket}`);
    await first.next('ready');
    expect(await connect(`?ticket=${ticket}`).closed).toEqual({ code: 4401, reason: 'ticket already used' });
    first.ws.close();
  });

  it('refuses a ticket for a workspace the user is not in with 4403', async () => {
    const { sessionId } = await createSession(testDb(), outsider.id, {});
    const foreign = signTicket(SECRET, { userId: outsider.id, sessionId, workspaceId: workspace.id }).ticket;
    expect(await connect(`?ticket=${foreign}`).closed).toEqual({ code: 4403, reason: 'not a member of this workspace' });
  });

  it('the ticket procedure refuses an outsider and a project the caller cannot see', async () => {
    const { caller: outsiderCaller } = await callerAs(outsider.id);
    await expect(outsiderCaller.realtime.ticket({ workspaceSlug: workspace.slug })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const { caller: memberCaller } = await callerAs(member.id);
    await expect(memberCaller.realtime.ticket({ workspaceSlug: workspace.slug, projectId: privateProject })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('accepts the ticket as a first message too', async () => {
    const client = connect();
    await client.opened;
    client.send({ type: 'auth', ticket: await ticketFor(member.id, workspace.slug) });
    expect(await client.next('ready')).toMatchObject({ userId: member.id, workspaceId: workspace.id });
    client.ws.close();
  });

  it('refuses a join to a project the user cannot see, accepts one they can', async () => {
    const client = await ready(member.id, workspace.slug);
    client.send({ type: 'join', projectId: privateProject });
    expect(await client.next('join_refused')).toMatchObject({ projectId: privateProject, code: 4403 });
    client.send({ type: 'join', projectId: randomUUID() });
    await client.next('join_refused', (m) => m.projectId !== privateProject);
    client.send({ type: 'join', projectId: publicProject });
    const joined = await client.next('joined');
    expect(joined.presence.map((p) => p.userId)).toContain(member.id);
    client.ws.close();
  });

  it('delivers an event committed after join, never one rolled back; presence reaches the room', async () => {
    const a = await ready(owner.id, workspace.slug);
    const b = await ready(member.id, workspace.slug);
    a.send({ type: 'join', projectId: publicProject });
    await a.next('joined');
    b.send({ type: 'join', projectId: publicProject });
    expect((await b.next('joined')).presence.map((p) => p.userId).sort()).toEqual([owner.id, member.id].sort());
    await a.next('presence', (m) => m.entry.userId === member.id);
    const taskId = randomUUID();
    a.send({ type: 'presence', projectId: publicProject, editingTaskId: taskId });
    await b.next('presence', (m) => m.entry.userId === owner.id && m.entry.editingTaskId === taskId);

    const event = (title: string) => ({
      workspaceId: workspace.id,
      projectId: publicProject,
      type: 'task.updated' as const,
      payload: { id: taskId, title, version: 2 },
      actorId: owner.id,
      requestId: 'test',
    });
    await withTenant(testDb(), { workspaceId: workspace.id, userId: owner.id }, async (tx) => {
      await appendEvent(tx, event('rolled back'));
      throw new Error('rollback');
    }).catch(() => {});
    await withTenant(testDb(), { workspaceId: workspace.id, userId: owner.id }, (tx) => appendEvent(tx, event('committed')));

    const received = await b.next('event');
    expect(received.event).toMatchObject({ type: 'task.updated', projectId: publicProject, payload: { id: taskId, title: 'committed', version: 2 } });
    await new Promise((r) => setTimeout(r, 300));
    const titles = b.messages.flatMap((m) => (m.type === 'event' ? [m.event.payload.title] : []));
    expect(titles).toEqual(['committed']);
    b.ws.close();
    await a.next('presence_left', (m) => m.projectId === publicProject);
    a.ws.close();
  });

  it('a private project: a member added sees its events; removed, they are kicked and get no more', async () => {
    await withTenant(testDb(), { workspaceId: workspace.id, userId: owner.id }, (tx) =>
      addProjectMember(tx, actor(owner.id, 'owner'), { workspaceId: workspace.id }, { projectId: privateProject, userId: member.id }),
    );
    const b = await ready(member.id, workspace.slug);
    b.send({ type: 'join', projectId: privateProject });
    await b.next('joined');
    const secretEvent = (title: string) => ({
      workspaceId: workspace.id,
      projectId: privateProject,
      type: 'task.created' as const,
      payload: { id: randomUUID(), title },
      actorId: owner.id,
      requestId: 'test',
    });
    await withTenant(testDb(), { workspaceId: workspace.id, userId: owner.id }, (tx) => appendEvent(tx, secretEvent('while a member')));
    expect((await b.next('event', (m) => m.event.projectId === privateProject)).event.payload).toMatchObject({ title: 'while a member' });
    await withTenant(testDb(), { workspaceId: workspace.id, userId: owner.id }, (tx) =>
      removeProjectMember(tx, actor(owner.id, 'owner'), { workspaceId: workspace.id }, { projectId: privateProject, userId: member.id }),
    );
    expect(await b.next('kicked', (m) => m.projectId === privateProject, 1500)).toMatchObject({ reason: 'access revoked' });
    await withTenant(testDb(), { workspaceId: workspace.id, userId: owner.id }, (tx) =>
      appendEvent(tx, secretEvent('after removal')),
    );
    await new Promise((r) => setTimeout(r, 500));
    const seen = b.messages.flatMap((m) => (m.type === 'event' && m.event.type === 'task.created' ? [m.event.payload.title] : []));
    expect(seen).toEqual(['while a member']);
    b.ws.close();
  });

  it('closes the sockets of a user removed from the workspace within ~1 s (4403)', async () => {
    const victim = await makeUser();
    await withTenant(testDb(), { workspaceId: workspace.id }, (tx) =>
      tx.insert(workspaceMembers).values({ workspaceId: workspace.id, userId: victim.id, role: 'member' }),
    );
    const client = await ready(victim.id, workspace.slug);
    client.send({ type: 'join', projectId: publicProject });
    await client.next('joined');
    const { caller } = await callerAs(owner.id);
    const removedAt = Date.now();
    await caller.member.remove({ workspaceSlug: workspace.slug, userId: victim.id });
    const closed = await client.closed;
    expect(closed).toEqual({ code: 4403, reason: 'removed from the workspace' });
    expect(Date.now() - removedAt).toBeLessThan(2500);
  });

  it('closes the sockets of a session that ended (revoked, signed out everywhere) with 4410; the same user\'s other session stays', async () => {
    const traveller = await makeUser();
    await withTenant(testDb(), { workspaceId: workspace.id }, (tx) =>
      tx.insert(workspaceMembers).values({ workspaceId: workspace.id, userId: traveller.id, role: 'member' }),
    );
    const laptop = await callerAs(traveller.id);
    const phone = await callerAs(traveller.id);
    const socketOf = async (api: typeof laptop) => {
      const client = connect(`?ticket=${encodeURIComponent((await api.caller.realtime.ticket({ workspaceSlug: workspace.slug })).ticket)}`);
      await client.next('ready');
      return client;
    };
    const onLaptop = await socketOf(laptop);
    const onPhone = await socketOf(phone);
    const spare = (await laptop.caller.realtime.ticket({ workspaceSlug: workspace.slug })).ticket;

    // The phone revokes the laptop's session (account settings → sessions).
    await phone.caller.auth.revokeSession({ sessionId: laptop.ctx.session!.sessionId });
    expect(await onLaptop.closed).toEqual({ code: 4410, reason: 'session ended' });
    // A ticket minted before the revocation is no good after it.
    expect(await connect(`?ticket=${encodeURIComponent(spare)}`).closed).toEqual({ code: 4410, reason: 'session ended' });
    await settle();
    expect(onPhone.closedAt()).toBeNull();

    await phone.caller.auth.signOutEverywhere();
    expect(await onPhone.closed).toEqual({ code: 4410, reason: 'session ended' });
  });

  it('closes a socket that floods it with messages (1008)', async () => {
    const client = await ready(member.id, workspace.slug);
    for (let i = 0; i < 200; i++) client.send({ type: 'ping' });
    expect(await client.closed).toEqual({ code: 1008, reason: 'too many messages' });
  });

  it('SIGTERM: sockets closed with 1001, process exits 0', async () => {
    const client = await ready(owner.id, workspace.slug);
    const exited = new Promise<number | null>((r) => sidecar.process.once('exit', (code) => r(code)));
    sidecar.process.kill('SIGTERM');
    expect(await client.closed).toEqual({ code: 1001, reason: 'server shutting down' });
    expect(await exited).toBe(0);
    const output = sidecar.output();
    expect(output).not.toContain(SECRET);
    // Logs are JSON lines with connection ids, and never carry a ticket.
    expect(output).toContain('"connectionId"');
    expect(issued.length).toBeGreaterThan(5);
    expect(issued.filter((t) => output.includes(t) || output.includes(t.split('.')[1]!))).toEqual([]);
  });
});
