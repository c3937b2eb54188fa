import { describe, expect, it } from 'vitest';
import { POST } from '@/app/api/trpc/[trpc]/route';
import { callerAs, errorOf, makeUser, makeWorkspace } from '../../../../test/support/trpc';

describe('workspace router', () => {
  it('refuses signed-out callers with UNAUTHORIZED', async () => {
    const { caller } = await callerAs(null);
    expect((await errorOf(caller.workspace.list())).code).toBe('UNAUTHORIZED');
  });

  it('creates and lists for the signed-in user', async () => {
    const user = await makeUser();
    const { caller } = await callerAs(user.id);
    const created = await caller.workspace.create({ name: 'Launch Crew' });
    expect(created.slug).toBe('launch-crew');
    expect(await caller.workspace.list()).toEqual([created]);
  });

  it('answers bad input over HTTP with localised field errors and writes nothing', async () => {
    const user = await makeUser();
    const { jar } = await callerAs(user.id);
    const cookie = [...jar.values].map(([k, v]) => `${k}=${v}`).join('; ');
    const post = (locale: string, name: string) =>
      POST(
        new Request('http://localhost/api/trpc/workspace.create', {
          method: 'POST',
          headers: { 'content-type': 'application/json', cookie, 'x-kanso-locale': locale },
          body: JSON.stringify({ name }),
        }),
      );
    const de = await post('de', 'a');
    expect(de.status).toBe(400);
    const body = (await de.json()) as { error: { message: string; data: { appCode: string; fieldErrors: Record<string, string> } } };
    expect(body.error.data.appCode).toBe('BAD_REQUEST');
    expect(body.error.message).toBe('Bitte korrigieren Sie die markierten Felder.');
    expect(body.error.data.fieldErrors.name).toBe('Mindestens 2 Zeichen.');
    const en = (await (await post('en', '!!!')).json()) as typeof body;
    expect(en.error.data.fieldErrors.name).toBe('Use letters or numbers in the name.');
    const { caller } = await callerAs(user.id);
    expect(await caller.workspace.list()).toEqual([]);
  });

  it('hides a workspace from outsiders (NOT_FOUND) and refuses members without permission (FORBIDDEN)', async () => {
    const owner = await makeUser();
    const viewer = await makeUser();
    const outsider = await makeUser();
    const ws = await makeWorkspace([
      { userId: owner.id, role: 'owner' },
      { userId: viewer.id, role: 'viewer' },
    ]);
    const { caller: asOutsider } = await callerAs(outsider.id);
    expect((await errorOf(asOutsider.workspace.get({ workspaceSlug: ws.slug }))).code).toBe('NOT_FOUND');
    expect((await errorOf(asOutsider.workspace.rename({ workspaceSlug: ws.slug, name: 'Hacked' }))).code).toBe('NOT_FOUND');

    const { caller: asViewer } = await callerAs(viewer.id);
    expect((await asViewer.workspace.get({ workspaceSlug: ws.slug })).role).toBe('viewer');
    expect((await errorOf(asViewer.workspace.rename({ workspaceSlug: ws.slug, name: 'Hacked' }))).code).toBe('FORBIDDEN');
    expect((await errorOf(asViewer.workspace.delete({ workspaceSlug: ws.slug, confirmation: ws.name }))).code).toBe('FORBIDDEN');

    const { caller: asOwner } = await callerAs(owner.id);
    expect((await asOwner.workspace.get({ workspaceSlug: ws.slug })).name).toBe(ws.name);
  });

  it('persists the locale choice on the account', async () => {
    const user = await makeUser();
    const { caller } = await callerAs(user.id);
    await caller.user.setLocale({ locale: 'de' });
    const { caller: again } = await callerAs(user.id);
    expect((await again.user.me())?.locale).toBe('de');
  });
});
