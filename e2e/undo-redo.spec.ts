/**
 * Undo/redo on the board: a move (drag and drop, and a keyboard move) is undone with Ctrl+Z when no
 * text field has the focus — the card returns to its column and its place — redone with
 * Ctrl+Shift+Z, and the Undo/Redo buttons do the same. The result is saved (the board opened afresh shows it).
 */
import { expect, type Page, test } from '@playwright/test';
import { BoardPage } from './support/board';
import { en } from './support/messages';
import { createProject, createTask, createTeam, signInAs } from './support/team';

/** Clicks an empty, non-focusable spot (the project's name) so the page body has the focus. */
async function focusBody(page: Page): Promise<void> {
  await page.getByTestId('project-name').click();
  await expect.poll(() => page.evaluate(() => document.activeElement?.tagName)).toBe('BODY');
}

test('a move is undone and redone with the keyboard shortcuts and the buttons', async ({ browser }) => {
  test.setTimeout(120_000);
  const { workspace, users } = await createTeam(['owner']);
  const context = await browser.newContext();
  await signInAs(context, users[0]!);
  const project = await createProject(context, workspace.slug);
  const first = await createTask(context, workspace.slug, project.id, 'Sketch the logo');
  const second = await createTask(context, workspace.slug, project.id, 'Pick the colours');

  const board = new BoardPage(await context.newPage(), workspace.slug, project.id);
  const { page } = board;
  await board.open();
  const todoIds = () => board.column('todo').getByTestId('task-card').evaluateAll((cards) => cards.map((c) => c.getAttribute('data-task-id')));
  await expect.poll(todoIds).toEqual([first, second]);
  const undoButton = page.getByRole('button', { name: en('board.undo'), exact: true });
  const redoButton = page.getByRole('button', { name: en('board.redo'), exact: true });
  await expect(undoButton).toBeDisabled();

  // ── Drag the first card to Done.
  await board.drag(first, { column: 'done' });
  await expect(board.cardIn('done', first)).toBeVisible();
  await board.expectSaved();
  await expect(undoButton).toBeEnabled();

  // Ctrl+Z with the focus on the page: back in To do, in its old place.
  await focusBody(page);
  await page.keyboard.press('Control+z');
  await expect(board.cardIn('todo', first)).toBeVisible();
  await expect(board.column('done').getByTestId('task-card')).toHaveCount(0);
  await expect.poll(todoIds).toEqual([first, second]);
  await board.expectSaved();
  await expect(redoButton).toBeEnabled();

  // Ctrl+Shift+Z: moved again.
  await page.keyboard.press('Control+Shift+z');
  await expect(board.cardIn('done', first)).toBeVisible();
  await expect.poll(todoIds).toEqual([second]);
  await board.expectSaved();

  // ── The buttons: Undo puts it back, Redo moves it again.
  await undoButton.click();
  await expect(board.cardIn('todo', first)).toBeVisible();
  await expect.poll(todoIds).toEqual([first, second]);
  await board.expectSaved();
  await redoButton.click();
  await expect(board.cardIn('done', first)).toBeVisible();
  await board.expectSaved();

  // ── A keyboard move (Alt+→) is undone the same way.
  await board.moveRightWithKeyboard(second);
  await expect(board.cardIn('in_progress', second)).toBeVisible();
  await board.expectSaved();
  await page.keyboard.press('Escape');
  await focusBody(page);
  await page.keyboard.press('Control+z');
  await expect(board.cardIn('todo', second)).toBeVisible();
  await board.expectSaved();

  // ── Saved, not only shown: opened afresh, the cards are where the last undo/redo left them.
  await board.open();
  await expect(board.cardIn('done', first)).toBeVisible();
  await expect(board.cardIn('todo', second)).toBeVisible();
  await expect(board.column('in_progress').getByTestId('task-card')).toHaveCount(0);

  await context.close();
});
