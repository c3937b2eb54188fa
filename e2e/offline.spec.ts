/**
 * Offline writes: while A's browser is offline, A's edits and new tasks are queued (sync status
 * "Offline: 3 changes will sync", the cards marked pending) and B sees none of them; back online,
 * the queue replays in order, B gets all three live and A's status returns to "All changes saved".
 */
import { expect, test } from '@playwright/test';
import { BoardPage, enPlural } from './support/board';
import { en } from './support/messages';
import { createProject, createTask, createTeam, signInAs } from './support/team';

test('changes made offline are queued, invisible to others, and synced when back online', async ({ browser }) => {
  test.setTimeout(120_000);
  const { workspace, users } = await createTeam(['owner', 'member']);
  const [alice, bob] = users as [(typeof users)[0], (typeof users)[0]];
  const aliceContext = await browser.newContext();
  const bobContext = await browser.newContext();
  await signInAs(aliceContext, alice);
  await signInAs(bobContext, bob);
  const project = await createProject(aliceContext, workspace.slug);
  const first = await createTask(aliceContext, workspace.slug, project.id, 'Order the banners');
  const second = await createTask(aliceContext, workspace.slug, project.id, 'Print the flyers');

  const a = new BoardPage(await aliceContext.newPage(), workspace.slug, project.id);
  const b = new BoardPage(await bobContext.newPage(), workspace.slug, project.id);
  await a.open();
  await b.open();
  await expect(a.presence(bob.id)).toBeVisible();
  await expect(b.presence(alice.id)).toBeVisible();
  await a.expectSaved();

  // ── A goes offline and keeps working: two renames and one new task.
  await aliceContext.setOffline(true);
  await expect(a.syncStatus).toHaveAttribute('data-state', 'offline');
  await expect(a.syncStatus).toHaveText(en('board.sync.offline'));

  await a.rename(first, 'Order the big banners');
  await a.rename(second, 'Print the glossy flyers');
  await a.quickAdd('todo', 'Call the printer');

  await expect(a.syncStatus).toHaveAttribute('data-state', 'offline');
  await expect(a.syncStatus).toHaveAttribute('data-pending', '3');
  await expect(a.syncStatus).toHaveText(enPlural('board.sync.offlinePending', 3));
  await expect(a.titleOf(first)).toHaveText('Order the big banners');
  await expect(a.titleOf(second)).toHaveText('Print the glossy flyers');
  const created = a.cardTitled('Call the printer');
  await expect(created).toHaveAttribute('data-pending', 'true');
  await expect(a.card(first)).toHaveAttribute('data-pending', 'true');

  // B sees none of it (bounded wait: asserting that something does not happen).
  await b.page.waitForTimeout(1_500);
  await expect(b.titleOf(first)).toHaveText('Order the banners');
  await expect(b.titleOf(second)).toHaveText('Print the flyers');
  await expect(b.cardTitled('Call the printer')).toHaveCount(0);

  // ── Back online: the queue replays, B gets all three changes live, A is saved again.
  await aliceContext.setOffline(false);
  await a.expectSaved(20_000);
  await expect(b.titleOf(first)).toHaveText('Order the big banners');
  await expect(b.titleOf(second)).toHaveText('Print the glossy flyers');
  await expect(b.column('todo').locator(b.cardTitled('Call the printer'))).toBeVisible();
  await expect(a.page.locator('[data-testid="task-card"][data-pending]')).toHaveCount(0);
  // The new task has one id on both pages (created once, not duplicated by the replay).
  const createdId = await created.getAttribute('data-task-id');
  await expect(b.card(createdId!)).toBeVisible();
  await expect(b.cardTitled('Call the printer')).toHaveCount(1);

  await aliceContext.close();
  await bobContext.close();
});
