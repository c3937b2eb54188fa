/**
 * member.* through the real appRouter (sessions, guards, localised errors, mail after commit).
 * The rules themselves are covered in src/server/members/member-service.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { deliverQueuedMail } from '../../../../test/support/mail';
import type { Role } from '@/lib/permissions';
import { localiseError } from '@/server/api/errors';
import { adminSql, superSql } from '../../../../test/support/db';
import { callerAs, errorOf, makeUser, makeWorkspace } from '../../../../test/support/trpc';

type Seat = Awaited<ReturnType<typeof makeUser>>;

async function setup(roles: Role[], name?: string, locales: Record<number, string> = {}) {
  const users: Seat[] = [];
  for (const [i] of roles.entries()) users.push(await makeUser(locales[i] ? { locale: locales[i] } : {}));
  const ws = await makeWorkspace(
    roles.map((role, i) => ({ userId: users[i]!.id, role })),
    name,
  );
  return { ws, users };
}

async function snapshot(workspaceId: string) {
  const [members, audit, mails] = await Promise.all([
    superSql()<{ user_id: string; role: string }[]>`SELECT user_id, role FROM workspace_members WHERE workspace_id = ${workspaceId} ORDER BY user_id`,
    superSql()<{ seq: number }[]>`SELECT seq FROM audit_log WHERE workspace_id = ${workspaceId} ORDER BY seq`,
    superSql()<{ n: number }[]>`SELECT count(*)::int AS n FROM mail_messages`,
  ]);
  return { members, audit, mails: mails[0]?.n };
}

async function mailsTo(email: string) {
  await deliverQueuedMail();
  return adminSql()<{ subject: string; text: string }[]>`SELECT subject, text FROM dev_mails WHERE "to" = ${email} ORDER BY created_at, id`;
}

describe('member router', () => {
  it('lets every member (a viewer too) list the members, and hides the workspace from outsiders', async () => {
    const { ws, users } = await setup(['owner', 'viewer']);
    const outsider = await makeUser();
    const { caller: asViewer } = await callerAs(users[1]!.id);
    const page = await asViewer.member.list({ workspaceSlug: ws.slug });
    expect(page.items.map((m) => m.userId).sort()).toEqual(users.map((u) => u.id).sort());
    expect(page.items[0]).toEqual({
      userId: expect.any(String),
      name: expect.any(String),
      email: expect.stringContaining('@'),
      role: expect.any(String),
      // ISO-8601 on the wire (ADR 0013).
      joinedAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
    });
    const { caller: asOutsider } = await callerAs(outsider.id);
    expect((await errorOf(asOutsider.member.list({ workspaceSlug: ws.slug }))).code).toBe('NOT_FOUND');
    expect((await errorOf(asOutsider.member.remove({ workspaceSlug: ws.slug, userId: users[1]!.id }))).code).toBe('NOT_FOUND');
  });

  it('refuses a viewer and a member who try to change roles or remove (FORBIDDEN), writing nothing', async () => {
    const { ws, users } = await setup(['owner', 'member', 'viewer']);
    const [owner, member, viewer] = users as [Seat, Seat, Seat];
    const before = await snapshot(ws.id);
    const { caller: asViewer } = await callerAs(viewer.id);
    const { caller: asMember } = await callerAs(member.id);
    expect((await errorOf(asViewer.member.changeRole({ workspaceSlug: ws.slug, userId: member.id, role: 'viewer' }))).code).toBe('FORBIDDEN');
    expect((await errorOf(asViewer.member.changeRole({ workspaceSlug: ws.slug, userId: viewer.id, role: 'admin' }))).code).toBe('FORBIDDEN');
    expect((await errorOf(asMember.member.changeRole({ workspaceSlug: ws.slug, userId: viewer.id, role: 'member' }))).code).toBe('FORBIDDEN');
    expect((await errorOf(asMember.member.remove({ workspaceSlug: ws.slug, userId: viewer.id }))).code).toBe('FORBIDDEN');
    expect((await errorOf(asMember.member.transferOwnership({ workspaceSlug: ws.slug, userId: member.id, confirmation: ws.name }))).code).toBe(
      'FORBIDDEN',
    );
    expect((await errorOf(asViewer.member.remove({ workspaceSlug: ws.slug, userId: owner.id }))).code).toBe('FORBIDDEN');
    expect(await snapshot(ws.id)).toEqual(before);
  });

  it('refuses an admin who demotes an owner, with a message in the caller’s language, writing and mailing nothing', async () => {
    const { ws, users } = await setup(['owner', 'admin']);
    const [owner, admin] = users as [Seat, Seat];
    const before = await snapshot(ws.id);
    const { caller } = await callerAs(admin.id);
    const error = await errorOf(caller.member.changeRole({ workspaceSlug: ws.slug, userId: owner.id, role: 'member' }));
    expect(error.code).toBe('FORBIDDEN');
    expect(localiseError(error, 'de').message).toBe('Nur ein Inhaber kann einen Inhaber ändern oder entfernen.');
    expect(localiseError(error, 'en').message).toBe('Only an owner can change or remove an owner.');
    const transfer = await errorOf(caller.member.transferOwnership({ workspaceSlug: ws.slug, userId: admin.id, confirmation: ws.name }));
    expect(transfer.code).toBe('FORBIDDEN');
    expect(await snapshot(ws.id)).toEqual(before);
    expect(await mailsTo(owner.email)).toEqual([]);
  });

  it('answers the last owner’s demotion and leave with CONFLICT, localised over HTTP', async () => {
    const { ws, users } = await setup(['owner', 'member']);
    const [owner] = users as [Seat, Seat];
    const before = await snapshot(ws.id);
    const { POST } = await import('@/app/api/trpc/[trpc]/route');
    const { jar } = await callerAs(owner.id);
    const cookie = [...jar.values].map(([k, v]) => `${k}=${v}`).join('; ');
    const post = async (path: string, locale: string, json: unknown) => {
      const response = await POST(
        new Request(`http://localhost/api/trpc/${path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', cookie, 'x-kanso-locale': locale },
          body: JSON.stringify(json),
        }),
      );
      const body = (await response.json()) as { error: { message: string; data: { appCode: string } } };
      return { status: response.status, message: body.error.message, appCode: body.error.data.appCode };
    };
    expect(await post('member.changeRole', 'en', { workspaceSlug: ws.slug, userId: owner.id, role: 'admin' })).toEqual({
      status: 409,
      appCode: 'CONFLICT',
      message: 'The last owner cannot be demoted. Transfer ownership first.',
    });
    expect(await post('member.leave', 'de', { workspaceSlug: ws.slug })).toEqual({
      status: 409,
      appCode: 'CONFLICT',
      message: 'Sie sind der letzte Inhaber. Übertragen Sie die Inhaberschaft an ein anderes Mitglied, bevor Sie gehen.',
    });
    const invalid = await post('member.changeRole', 'en', { workspaceSlug: ws.slug, userId: 'not-a-uuid', role: 'superuser' });
    expect(invalid).toMatchObject({ status: 400, appCode: 'BAD_REQUEST' });
    expect(await snapshot(ws.id)).toEqual(before);
  });

  it('changes a role, audits it, and mails the member after commit in their saved language', async () => {
    const { ws, users } = await setup(['owner', 'member'], 'Rakete', { 1: 'de' });
    const [owner, member] = users as [Seat, Seat];
    const { caller } = await callerAs(owner.id);
    expect(await caller.member.changeRole({ workspaceSlug: ws.slug, userId: member.id, role: 'viewer' })).toEqual({
      userId: member.id,
      from: 'member',
      to: 'viewer',
      changed: true,
    });
    const mails = await mailsTo(member.email);
    expect(mails.map((m) => m.subject)).toEqual(['Ihre Rolle in Rakete wurde geändert']);
    expect(mails[0]?.text).toContain('Betrachter');
    expect(mails[0]?.text).toContain(`/de/w/${ws.slug}`);
    const [entry] = await superSql()<{ action: string; actor_id: string; data: Record<string, unknown>; request_id: string | null }[]>`
      SELECT action, actor_id, data, request_id FROM audit_log WHERE workspace_id = ${ws.id}`;
    expect(entry).toMatchObject({ action: 'member.role_changed', actor_id: owner.id, data: { from: 'member', to: 'viewer' } });
    expect(entry?.request_id).toBeTruthy();
  });

  it('removes a member, who is refused on their very next call and gets a mail', async () => {
    const { ws, users } = await setup(['owner', 'admin', 'member'], 'Acme');
    const [, admin, member] = users as [Seat, Seat, Seat];
    const { caller: asMember } = await callerAs(member.id);
    expect((await asMember.member.list({ workspaceSlug: ws.slug })).total).toBe(3);
    expect((await asMember.workspace.list()).map((w) => w.id)).toContain(ws.id);

    const { caller: asAdmin } = await callerAs(admin.id);
    expect(await asAdmin.member.remove({ workspaceSlug: ws.slug, userId: member.id })).toEqual({ userId: member.id, role: 'member' });

    // Same session, next request: the membership is re-checked and gone.
    expect((await errorOf(asMember.member.list({ workspaceSlug: ws.slug }))).code).toBe('NOT_FOUND');
    expect((await errorOf(asMember.workspace.get({ workspaceSlug: ws.slug }))).code).toBe('NOT_FOUND');
    expect((await asMember.workspace.list()).map((w) => w.id)).not.toContain(ws.id);

    const mails = await mailsTo(member.email);
    expect(mails.map((m) => m.subject)).toEqual(['You were removed from Acme']);
    expect(mails[0]?.text).toContain(admin.name ?? admin.email);
  });

  it('lets a viewer leave; the workspace disappears from their list', async () => {
    const { ws, users } = await setup(['owner', 'viewer']);
    const { caller } = await callerAs(users[1]!.id);
    expect(await caller.member.leave({ workspaceSlug: ws.slug })).toEqual({ left: true, role: 'viewer' });
    expect(await caller.workspace.list()).toEqual([]);
    expect((await errorOf(caller.member.list({ workspaceSlug: ws.slug }))).code).toBe('NOT_FOUND');
  });

  it('transfers ownership with the typed confirmation: the new owner is mailed, the old one becomes admin', async () => {
    const { ws, users } = await setup(['owner', 'member'], 'Baton');
    const [owner, member] = users as [Seat, Seat];
    const { caller } = await callerAs(owner.id);
    const wrong = await errorOf(caller.member.transferOwnership({ workspaceSlug: ws.slug, userId: member.id, confirmation: 'baton' }));
    expect(wrong.code).toBe('BAD_REQUEST');
    expect(await mailsTo(member.email)).toEqual([]);

    expect(await caller.member.transferOwnership({ workspaceSlug: ws.slug, userId: member.id, confirmation: 'Baton' })).toEqual({
      userId: member.id,
      previousRole: 'member',
    });
    expect((await caller.workspace.get({ workspaceSlug: ws.slug })).role).toBe('admin');
    const { caller: asNewOwner } = await callerAs(member.id);
    expect((await asNewOwner.workspace.get({ workspaceSlug: ws.slug })).role).toBe('owner');
    expect((await mailsTo(member.email)).map((m) => m.subject)).toEqual(['Your role in Baton changed']);
    // The former owner, now an admin, can no longer transfer.
    expect((await errorOf(caller.member.transferOwnership({ workspaceSlug: ws.slug, userId: owner.id, confirmation: 'Baton' }))).code).toBe(
      'FORBIDDEN',
    );
  });
});
