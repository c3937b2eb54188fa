/**
 * A database outage as the browser sees it (REL-2): every API call answers 503 with `Retry-After`
 * (the shape src/app/api/trpc answers while PostgreSQL is unreachable — the server side is proven
 * against a real outage in src/server/api/trpc/outage.test.ts and the chaos suite) and readiness is
 * 503. The page says "Kanso is reconnecting…", a task added meanwhile stays queued ("Reconnecting —
 * 1 change waiting", not failed), and once the API answers again the notice goes by itself, the
 * queue is sent, and the task is there after a reload.
 */
import { expect, test, type Route } from '@playwright/test';
import { enPlural, openOwnersBoard } from './support/board';
import { en } from './support/messages';

/** What the tRPC route answers for each call of a (batched) request while the database is down. */
async function answerUnavailable(route: Route): Promise<void> {
  const url = new URL(route.request().url());
  const calls = url.pathname.replace(/^\/api\/trpc\//, '').split(',');
  const error = (path: string) => ({
    error: {
      message: en('errors.generic.databaseUnavailable'),
      code: -32603,
      data: { code: 'SERVICE_UNAVAILABLE', httpStatus: 503, path, appCode: 'UNAVAILABLE', requestId: `e2e-${Date.now()}`, retryAfter: 1 },
    },
  });
  const body = url.searchParams.get('batch') ? calls.map(error) : error(calls[0] ?? '');
  await route.fulfill({ status: 503, headers: { 'content-type': 'application/json', 'retry-after': '1' }, body: JSON.stringify(body) });
}

test('while the API answers 503 the page says it is reconnecting, keeps the write queued and sends it when the API is back', async ({ browser }) => {
  test.setTimeout(90_000);
  const { context, board } = await openOwnersBoard(browser);
  const notice = board.page.getByTestId('connection-notice');
  await expect(notice).toHaveCount(0);

  // ── The database goes away: every API call and the readiness probe answer 503.
  await board.page.route('**/api/trpc/**', answerUnavailable);
  await board.page.route('**/api/health/ready', (route) =>
    route.fulfill({ status: 503, headers: { 'content-type': 'application/json', 'retry-after': '1' }, body: JSON.stringify({ status: 'not_ready', checks: { database: { ok: false, cause: 'unreachable' } } }) }),
  );
  await board.quickAdd('todo', 'Written during the outage');
  await expect(notice).toBeVisible();
  await expect(notice).toContainText(en('connection.reconnecting'));
  await expect(board.page.getByRole('status').filter({ has: notice })).toHaveAttribute('aria-live', 'polite');
  await expect(board.syncStatus).toHaveAttribute('data-state', 'reconnecting');
  await expect(board.syncStatus).toHaveText(enPlural('board.sync.reconnectingPending', 1));
  const card = board.cardTitled('Written during the outage');
  await expect(card).toHaveAttribute('data-pending', 'true');

  // ── The database is back: no click needed — the notice goes, the queue is sent.
  await board.page.unroute('**/api/trpc/**');
  await board.page.unroute('**/api/health/ready');
  await expect(notice).toHaveCount(0, { timeout: 20_000 });
  await board.expectSaved(20_000);
  await board.page.reload();
  await expect(board.cardTitled('Written during the outage')).toBeVisible();
  await expect(board.cardTitled('Written during the outage')).not.toHaveAttribute('data-pending', 'true');
  await context.close();
});
