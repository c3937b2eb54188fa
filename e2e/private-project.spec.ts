/**
 * Private projects: only the people added see them. The owner creates a private project in the UI;
 * a workspace member does not see it → is added in the project settings → the project appears on
 * their workspace home live → they work on its board → are removed → the board says "no access"
 * and their realtime socket receives nothing more of that project (checked frame by frame).
 */
import { expect, test } from '@playwright/test';
import { BoardPage, recordRealtime } from './support/board';
import { whenHydrated } from './support/flows';
import { en } from './support/messages';
import { createTask, createTeam, signInAs } from './support/team';

test('a private project is visible only to added members, live, and a removed member stops receiving its events', async ({ browser }) => {
  test.setTimeout(150_000);
  const { workspace, users } = await createTeam(['owner', 'member']);
  const [owner, member] = users as [(typeof users)[0], (typeof users)[0]];
  const ownerContext = await browser.newContext();
  const memberContext = await browser.newContext();
  await signInAs(ownerContext, owner);
  await signInAs(memberContext, member);
  const ownerPage = await ownerContext.newPage();
  const memberPage = await memberContext.newPage();
  const ownerFrames = recordRealtime(ownerPage);
  const memberFrames = recordRealtime(memberPage);

  // ── The owner creates a private project through the dialog on the workspace home.
  await ownerPage.goto(workspace.path);
  const newProject = ownerPage.getByTestId('new-project');
  await whenHydrated(newProject);
  await newProject.click();
  const form = ownerPage.getByTestId('create-project-form');
  const projectName = `Secret plan ${Date.now().toString(36)}`;
  await form.getByLabel(en('projects.nameLabel'), { exact: true }).fill(projectName);
  await form.getByRole('radio', { name: new RegExp(`^${en('projects.visibility.private')}\\b`) }).check();
  await form.getByRole('button', { name: en('projects.create') }).click();
  await expect(ownerPage).toHaveURL(new RegExp(`${workspace.path}/p/[0-9a-f-]{36}$`));
  const projectId = new URL(ownerPage.url()).pathname.split('/').at(-1)!;
  const ownerBoard = new BoardPage(ownerPage, workspace.slug, projectId);
  await expect(ownerPage.getByTestId('project-name')).toContainText(projectName);
  const taskId = await createTask(ownerContext, workspace.slug, projectId, 'Draft the announcement');

  // ── The member, on the workspace home (connected live), does not see it.
  await memberPage.goto(workspace.path);
  // The only project of this fresh workspace is the private one: the member's list is empty.
  await expect(memberPage.getByTestId('projects-empty')).toBeVisible();
  await expect.poll(() => memberFrames.frames.some((f) => f.message.type === 'ready'), { message: 'member socket ready' }).toBe(true);
  const memberCard = memberPage.locator(`[data-testid="project-card"][data-project-id="${projectId}"]`);
  await expect(memberCard).toHaveCount(0);
  await expect(memberPage.getByText(projectName)).toHaveCount(0);

  // ── The owner adds the member in the project settings.
  await ownerPage.goto(`${workspace.path}/p/${projectId}/settings`);
  const add = ownerPage.getByTestId('project-member-add');
  await whenHydrated(add);
  await add.selectOption(member.id);
  await ownerPage.getByRole('button', { name: en('projects.members.add'), exact: true }).click();
  await expect(ownerPage.getByText(en('projects.members.added', { name: member.name }))).toBeVisible();
  const memberRow = ownerPage.locator(`[data-testid="project-member-row"][data-user-id="${member.id}"]`);
  await expect(memberRow).toBeVisible();

  // … and the project appears on the member's home without a reload.
  await expect(memberCard).toBeVisible();
  await expect(memberCard).toContainText(projectName);

  // ── The member opens the board and sees the task.
  await memberCard.getByRole('link').first().click();
  await expect(memberPage).toHaveURL(new RegExp(`/p/${projectId}$`));
  const memberBoard = new BoardPage(memberPage, workspace.slug, projectId);
  await expect(memberBoard.cardIn('todo', taskId)).toBeVisible();
  await expect.poll(() => memberFrames.frames.some((f) => f.message.type === 'joined' && f.message.projectId === projectId), { message: 'member joined the room' }).toBe(true);

  // ── The owner removes the member.
  await whenHydrated(memberRow.getByRole('button'));
  await memberRow.getByRole('button').click();
  await expect(ownerPage.getByText(en('projects.members.removed', { name: member.name }))).toBeVisible();
  await expect(memberRow).toHaveCount(0);

  // The member's board says so, and the socket was told (kicked / project_hidden).
  await expect(memberPage.getByTestId('project-revoked')).toBeVisible();
  await expect(memberPage.getByRole('heading', { name: en('board.revokedTitle') })).toBeVisible();
  await expect(memberBoard.card(taskId)).toHaveCount(0);
  const revokedAt = memberFrames.frames.findIndex((f) => (f.message.type === 'kicked' || f.message.type === 'project_hidden') && f.message.projectId === projectId);
  expect(revokedAt, 'a kicked or project_hidden frame for the project').toBeGreaterThanOrEqual(0);

  // ── The owner keeps working on the project: the owner's socket gets the event, the member's does not.
  await ownerBoard.open();
  await ownerBoard.rename(taskId, 'Draft the press release');
  await ownerBoard.expectSaved();
  await expect
    .poll(() => ownerFrames.frames.some((f) => f.message.type === 'event' && (f.message.event as { type: string; projectId: string }).projectId === projectId && (f.message.event as { type: string }).type === 'task.updated'), {
      message: 'the owner receives the task.updated event',
    })
    .toBe(true);
  await memberPage.waitForTimeout(1_500);
  const leaked = memberFrames.frames.slice(revokedAt).filter((f) => JSON.stringify(f.message).includes(projectId) && f.message.type === 'event');
  expect(leaked, 'events of the project after the revocation').toEqual([]);
  // Not even the new title leaks through another message type.
  expect(memberFrames.frames.slice(revokedAt).filter((f) => JSON.stringify(f.message).includes('Draft the press release'))).toEqual([]);

  // ── Back on the workspace home the project is gone for the member.
  await memberPage.getByRole('link', { name: en('projects.settings.backToProjects') }).click();
  await expect(memberPage).toHaveURL(new RegExp(`${workspace.path}$`));
  await expect(memberPage.getByTestId('projects-empty')).toBeVisible();
  await expect(memberCard).toHaveCount(0);

  await ownerContext.close();
  await memberContext.close();
});
