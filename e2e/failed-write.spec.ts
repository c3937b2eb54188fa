/**
 * A write the server refuses for good (COLLAB-5): it is rolled back from the board and kept as
 * failed; the sync status says so and opens the list of failed writes (a chunk of its own, PERF-3)
 * with retry and discard. Retried while the refusal lasts, it fails again; discarded, it is gone and
 * the board says everything is saved. The refusal is a 400 in the shape the tRPC route answers
 * (validation), from `page.route`: nothing in the app can be made to refuse one particular create.
 */
import { expect, test, type Route } from '@playwright/test';
import { enPlural, openOwnersBoard } from './support/board';
import { en } from './support/messages';

async function refuseCreate(route: Route): Promise<void> {
  const path = new URL(route.request().url()).pathname.replace(/^\/api\/trpc\//, '');
  if (path !== 'task.create') return route.fallback();
  const body = { error: { message: 'Title refused by a test', code: -32600, data: { code: 'BAD_REQUEST', httpStatus: 400, path, requestId: `e2e-${Date.now()}` } } };
  await route.fulfill({ status: 400, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

test('a write the server refuses is listed as failed, with retry and discard', async ({ browser }) => {
  test.setTimeout(60_000);
  const { context, board } = await openOwnersBoard(browser);

  await board.page.route('**/api/trpc/**', refuseCreate);
  await board.quickAdd('todo', 'Refused by the server');
  await expect(board.syncStatus).toHaveAttribute('data-state', 'failed');
  await expect(board.syncStatus).toHaveText(enPlural('board.sync.failed', 1));
  await expect(board.cardTitled('Refused by the server')).toHaveCount(0);

  // The list opens from the status (its chunk loads on demand if the idle warm-up has not run).
  await board.syncStatus.click();
  const list = board.page.getByTestId('failed-writes');
  await expect(list).toBeVisible();
  await expect(list).toContainText(en('board.sync.op.create', { title: 'Refused by the server' }));
  await expect(list).toContainText('Title refused by a test');

  // Retried while the server still refuses: failed again.
  await list.getByRole('button', { name: en('board.sync.retry') }).click();
  await expect(board.syncStatus).toHaveAttribute('data-state', 'failed');

  // Discarded: gone, and nothing is waiting.
  await board.syncStatus.click();
  await board.page.getByTestId('failed-writes').getByRole('button', { name: en('board.sync.discard') }).click();
  await board.expectSaved();
  await board.page.reload();
  await board.expectSaved();
  await expect(board.cardTitled('Refused by the server')).toHaveCount(0);
  await context.close();
});
