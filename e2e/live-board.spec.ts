/**
 * Live boards: two people on the same board see each other (presence) and each other's changes
 * without reloading — a title edited in the task dialog, a card dragged to another column, a card
 * moved with the keyboard.
 */
import { expect, test } from '@playwright/test';
import { BoardPage, boardPath, recordRealtime } from './support/board';
import { createProject, createTask, createTeam, signInAs } from './support/team';

test('two people on one board: presence, a title edit, a drag and a keyboard move are live for the other', async ({ browser }) => {
  test.setTimeout(120_000);
  const { workspace, users } = await createTeam(['owner', 'member']);
  const [alice, bob] = users as [(typeof users)[0], (typeof users)[0]];

  const aliceContext = await browser.newContext();
  const bobContext = await browser.newContext();
  await signInAs(aliceContext, alice);
  await signInAs(bobContext, bob);
  const project = await createProject(aliceContext, workspace.slug);
  const first = await createTask(aliceContext, workspace.slug, project.id, 'Write the brief');
  const second = await createTask(aliceContext, workspace.slug, project.id, 'Book the venue');

  const a = new BoardPage(await aliceContext.newPage(), workspace.slug, project.id);
  const b = new BoardPage(await bobContext.newPage(), workspace.slug, project.id);
  recordRealtime(a.page, 'alice');
  recordRealtime(b.page, 'bob');
  await a.open();
  await b.open();

  // ── Presence: both avatars on both pages.
  for (const board of [a, b]) {
    await expect(board.presence(alice.id)).toBeVisible();
    await expect(board.presence(bob.id)).toBeVisible();
  }
  await expect(a.cardIn('todo', first)).toBeVisible();
  await expect(b.cardIn('todo', second)).toBeVisible();

  // ── A renames a task in the dialog; once A's write is saved, B has it within a second.
  await a.openTask(first);
  await a.renameInDialog('Write the final brief');
  await a.expectSaved();
  await expect(b.titleOf(first)).toHaveText('Write the final brief', {
    timeout: 1_000,
  });
  await a.closeTask();
  await expect(a.titleOf(first)).toHaveText('Write the final brief');

  // ── B drags a card from To do to In progress; A sees it there.
  await b.drag(second, { column: 'in_progress' });
  await expect(b.cardIn('in_progress', second)).toBeVisible();
  await b.expectSaved();
  await expect(a.cardIn('in_progress', second)).toBeVisible({ timeout: 2_000 });
  await expect(a.cardIn('todo', second)).toHaveCount(0);

  // ── A moves a card with the keyboard (Alt+ArrowRight); B sees it one column to the right.
  await a.moveRightWithKeyboard(first);
  await expect(a.cardIn('in_progress', first)).toBeVisible();
  await expect(a.card(first)).toBeFocused();
  await a.expectSaved();
  await expect(b.cardIn('in_progress', first)).toBeVisible({ timeout: 2_000 });
  await expect(b.column('todo').getByTestId('task-card')).toHaveCount(0);

  // Nothing of this needed a reload: the pages are the ones opened at the start.
  await aliceContext.close();
  await bobContext.close();
});

/**
 * Regression (sidecar, src/server/realtime/realtime-server.ts `recheck` + `applyVerdict`, fixed in
 * ac786ea): the re-check took its list of projects from `conn.rooms` before awaiting
 * `checkAccess`, then kicked every room of the *current* `conn.rooms` missing from the verdict — a
 * room joined while a re-check was in flight (the one right after a socket authenticates) was
 * `kicked` although the user may see the project: "You no longer have access" on a board opened by
 * its URL, about 1 in 10 opens under load. Four people open the board by URL at once, four times.
 */
test('a board opened by its URL keeps its room (no kick from a re-check racing the join)', async ({ browser }) => {
  test.setTimeout(180_000);
  // Four people opening the board at once: each new socket triggers a re-check of the workspace
  // while the others' joins are under way.
  const { workspace, users } = await createTeam(['owner', 'member', 'member', 'member']);
  const contexts = await Promise.all(
    users.map(async (user) => {
      const context = await browser.newContext();
      await signInAs(context, user);
      return context;
    }),
  );
  const project = await createProject(contexts[0]!, workspace.slug);
  for (let attempt = 0; attempt < 4; attempt++) {
    const opened = await Promise.all(
      contexts.map(async (context, index) => {
        const page = await context.newPage();
        const frames = recordRealtime(page, `user ${index} open ${attempt}`);
        const board = new BoardPage(page, workspace.slug, project.id);
        await page.goto(boardPath(workspace.slug, project.id));
        // The board, or (the bug) "You no longer have access".
        // Four boards loading at once on a small machine: a generous wait.
        await expect(board.column('todo').or(page.getByTestId('project-revoked'))).toBeVisible({ timeout: 30_000 });
        return { page, frames };
      }),
    );
    // The re-check runs every second; give it two rounds to (wrongly) kick.
    await opened[0]!.page.waitForTimeout(2_000);
    for (const { page, frames } of opened) {
      expect(
        frames.frames.filter((f) => f.message.type === 'kicked' || f.message.type === 'project_hidden').map((f) => f.message),
        `attempt ${attempt + 1}`,
      ).toEqual([]);
      await expect(page.getByTestId('project-revoked')).toHaveCount(0);
      await page.close();
    }
  }
  for (const context of contexts) await context.close();
});
