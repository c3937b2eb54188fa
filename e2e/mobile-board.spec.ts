/**
 * The board on a phone (Pixel 7: touch, 412 px wide): the page fits the width; a swipe over the
 * cards scrolls the page and moves nothing; a long press (≥ 200 ms, @dnd-kit TouchSensor) picks a card up and a drag drops it in
 * another column, which a teammate on a laptop sees live; a tap opens the task, and the list view
 * scrolls in its own box. Touches are real CDP touch events.
 */
import { devices, expect, test, type CDPSession, type Locator, type Page } from '@playwright/test';
import { BoardPage } from './support/board';
import { en } from './support/messages';
import { createProject, createTask, createTeam, signInAs } from './support/team';

/** One finger: down at `from`, optionally held, moved to `to` in steps, lifted. */
async function touchDrag(cdp: CDPSession, from: { x: number; y: number }, to: { x: number; y: number }, holdMs: number): Promise<void> {
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [{ x: from.x, y: from.y }] });
  if (holdMs > 0) await new Promise((resolve) => setTimeout(resolve, holdMs));
  const steps = 12;
  for (let i = 1; i <= steps; i++) {
    const x = from.x + ((to.x - from.x) * i) / steps;
    const y = from.y + ((to.y - from.y) * i) / steps;
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: [{ x, y }] });
    await new Promise((resolve) => setTimeout(resolve, 16));
  }
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
}

/** Waits until the page stops scrolling (a swipe flings on after the finger lifts). */
async function scrollSettled(page: Page): Promise<void> {
  let last = -1;
  await expect
    .poll(async () => {
      const now = await page.evaluate(() => window.scrollY);
      const still = now === last;
      last = now;
      return still;
    }, { intervals: [150] })
    .toBe(true);
}

async function centreOf(locator: Locator): Promise<{ x: number; y: number }> {
  const box = await locator.boundingBox();
  if (!box) throw new Error(`${String(locator)} is not visible`);
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
}

test('on a phone a swipe scrolls and a long press drags a card to another column, live for the laptop', async ({ browser }) => {
  test.setTimeout(90_000);
  const { workspace, users } = await createTeam(['owner', 'member']);
  const [alice, bob] = users as [(typeof users)[0], (typeof users)[0]];
  const { defaultBrowserType: _browser, ...pixel } = devices['Pixel 7'];
  const phoneContext = await browser.newContext({ ...pixel, locale: 'en-US' });
  const laptopContext = await browser.newContext();
  await signInAs(phoneContext, alice);
  await signInAs(laptopContext, bob);
  const project = await createProject(phoneContext, workspace.slug);
  const tasks: string[] = [];
  for (const title of ['Pack the tent', 'Charge the lamps', 'Buy the tickets', 'Print the map', 'Call the station']) {
    tasks.push(await createTask(phoneContext, workspace.slug, project.id, title));
  }
  const moved = tasks[1]!;

  const phone = new BoardPage(await phoneContext.newPage(), workspace.slug, project.id);
  const laptop = new BoardPage(await laptopContext.newPage(), workspace.slug, project.id);
  await phone.open();
  await laptop.open();
  await expect(laptop.presence(alice.id)).toBeVisible();
  // Fits the phone: nothing sticks out sideways, the project's name is not cut short.
  const fitsWidth = async () => expect(await phone.page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(pixel.viewport.width);
  await fitsWidth();
  const name = phone.page.getByTestId('project-name').locator('span').first();
  expect(await name.evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);
  const cdp = await phoneContext.newCDPSession(phone.page);

  // A quick upward swipe starting on a card: the page scrolls, no card moves.
  const card = phone.card(moved);
  const start = await centreOf(card);
  await touchDrag(cdp, start, { x: start.x, y: start.y - 200 }, 0);
  await expect.poll(() => phone.page.evaluate(() => window.scrollY)).toBeGreaterThan(50);
  await expect(phone.cardIn('todo', moved)).toBeVisible();
  await scrollSettled(phone.page);

  // Long press, then drag into "In progress" — centred on screen, away from the edges where
  // dragging scrolls the page (the drop would land further down).
  await phone.column('in_progress').evaluate((el) => el.scrollIntoView({ block: 'center' }));
  await scrollSettled(phone.page);
  const from = await centreOf(card);
  const to = await centreOf(phone.column('in_progress'));
  await touchDrag(cdp, from, to, 350);
  await expect(phone.cardIn('in_progress', moved)).toBeVisible();
  await phone.expectSaved();
  await expect(laptop.cardIn('in_progress', moved)).toBeVisible();

  // A tap opens the task as a sheet; the list view scrolls inside its own box, not the page.
  await card.tap();
  await expect(phone.dialog).toBeVisible();
  await expect(phone.titleInput).toHaveValue('Charge the lamps');
  await fitsWidth();
  await phone.closeTask();
  await phone.page.getByRole('button', { name: en('board.views.list') }).tap();
  await expect(phone.page.getByRole('table')).toBeVisible();
  await fitsWidth();
});
