/**
 * Concurrent edits of one task in two task dialogs:
 *  - different fields (A the priority, B the title from a dialog opened earlier) are merged: both
 *    changes survive on both pages;
 *  - the same field (both start editing the title from the same version): the later save wins on
 *    both pages and the person whose change was overwritten is told so (a toast).
 */
import { expect, test } from '@playwright/test';
import { BoardPage } from './support/board';
import { en } from './support/messages';
import { createProject, createTask, createTeam, signInAs } from './support/team';

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

test('two dialogs on one task: different fields merge, the same field is last-writer-wins with a notice', async ({ browser }) => {
  test.setTimeout(120_000);
  const { workspace, users } = await createTeam(['owner', 'member']);
  const [alice, bob] = users as [(typeof users)[0], (typeof users)[0]];
  const aliceContext = await browser.newContext();
  const bobContext = await browser.newContext();
  await signInAs(aliceContext, alice);
  await signInAs(bobContext, bob);
  const project = await createProject(aliceContext, workspace.slug);
  const taskId = await createTask(aliceContext, workspace.slug, project.id, 'Plan the offsite');

  const a = new BoardPage(await aliceContext.newPage(), workspace.slug, project.id);
  const b = new BoardPage(await bobContext.newPage(), workspace.slug, project.id);
  await a.open();
  await b.open();
  await expect(a.presence(bob.id)).toBeVisible();

  // ── Different fields. B opens the dialog first and starts editing the title …
  await b.openTask(taskId);
  await a.openTask(taskId);
  await b.titleInput.click();
  await b.titleInput.fill('Plan the spring offsite');

  // … meanwhile A sets the priority (saved at once) …
  const aPriority = a.dialog.getByLabel(en('board.fields.priority'), { exact: true });
  await aPriority.selectOption('high');
  await a.expectSaved();
  await expect(b.card(taskId)).toContainText(en('board.priority.high'));
  await expect(b.titleInput).toHaveValue('Plan the spring offsite'); // B's draft survives the live update

  // … then B saves the title, based on the version from before A's change.
  await b.titleInput.press('Enter');
  await b.expectSaved();
  for (const board of [a, b]) {
    await expect(board.titleInput).toHaveValue('Plan the spring offsite');
    await expect(board.dialog.getByLabel(en('board.fields.priority'), { exact: true })).toHaveValue('high');
    await expect(board.titleOf(taskId)).toHaveText('Plan the spring offsite');
    await expect(board.card(taskId)).toContainText(en('board.priority.high'));
  }
  await expect(a.page.getByTestId('toast')).toHaveCount(0);

  // ── Same field: both start editing the title from the same version.
  await a.titleInput.click();
  await b.titleInput.click();
  await a.titleInput.fill('Plan the offsite in Lisbon');
  await a.titleInput.press('Enter');
  await a.expectSaved();
  await expect(b.titleOf(taskId)).toHaveText('Plan the offsite in Lisbon');

  await b.titleInput.fill('Plan the offsite in Porto');
  await b.titleInput.press('Enter');
  await b.expectSaved();

  // The later save wins on both pages …
  for (const board of [a, b]) {
    await expect(board.titleInput).toHaveValue('Plan the offsite in Porto');
    await expect(board.titleOf(taskId)).toHaveText('Plan the offsite in Porto');
  }
  // … and A is told that their title was overwritten (by B).
  // "Your change to Title of “…” was overwritten by …": the part up to the task's title is stable.
  const prefix = en('board.notice.overwritten', { field: en('board.fields.title'), title: '\u0000', by: '' }).split('\u0000')[0]!;
  const overwritten = new RegExp(escapeRegExp(prefix));
  const toast = a.page.getByTestId('toast').filter({ hasText: overwritten });
  await expect(toast).toBeVisible();
  await expect(toast).toContainText(bob.name);
  // B, whose change won, gets no such notice.
  await expect(b.page.getByTestId('toast').filter({ hasText: overwritten })).toHaveCount(0);

  await aliceContext.close();
  await bobContext.close();
});
