/**
 * OWASP checks in a real browser (SEC-7): stored XSS through every text a member can write (task
 * title, markdown description with `javascript:` links and raw HTML, labels, comments, workspace and
 * project names) and reflected XSS through query parameters is harmless — shown as text, no script
 * element, no event handler, no `javascript:` link, nothing executed; and no `callbackUrl` /
 * `redirectTo` leaves the site (absolute, protocol-relative, backslash, encoded).
 */
import { randomUUID } from 'node:crypto';
import { expect, test, type Page } from '@playwright/test';
import { BoardPage } from './support/board';
import { SignInPage, signUpVerified } from './support/flows';
import { APP_URL } from './support/stack';
import { createProject, createTeam, signInAs, trpc } from './support/team';

/** Names are at most 64 characters. */
const SHORT_NAME = `<img src=x onerror="window.__pwned='name'">`;
const PAYLOAD = `<img src=x onerror="window.__pwned='img'"><script>window.__pwned='script'</script>"'><svg onload="window.__pwned='svg'">`;

/** Nothing ran and nothing dangerous is in the DOM. */
async function expectHarmless(page: Page): Promise<void> {
  expect(await page.evaluate(() => (window as unknown as { __pwned?: string }).__pwned)).toBeUndefined();
  expect(await page.locator('main img[src="x"], main svg[onload], main [onerror], main script').count()).toBe(0);
  expect(await page.locator('a[href^="javascript:" i], a[href^="data:" i], a[href^="vbscript:" i]').count()).toBe(0);
}

test('stored XSS in titles, markdown, labels, comments and names is rendered as text and never runs', async ({ browser }) => {
  const { workspace, users } = await createTeam(['owner']);
  const context = await browser.newContext();
  await signInAs(context, users[0]!);
  await trpc(context, 'workspace.rename', { workspaceSlug: workspace.slug, name: SHORT_NAME });
  const dialogs: string[] = [];
  const project = await createProject(context, workspace.slug, { name: `Board ${SHORT_NAME}` });
  const taskId = randomUUID();
  const created = (await trpc(context, 'task.create', { workspaceSlug: workspace.slug, id: taskId, projectId: project.id, title: `Title ${PAYLOAD}`, status: 'todo' })) as { version: number };
  await trpc(context, 'task.update', {
    workspaceSlug: workspace.slug,
    taskId,
    expectedVersion: created.version,
    description: `[click me](javascript:window.__pwned='link') [data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)\n\n<div onmouseover="window.__pwned='div'">raw html</div>\n\n${PAYLOAD}`,
    labels: ['<b onclick=alert(1)>x</b>'],
  });
  await trpc(context, 'comment.create', { workspaceSlug: workspace.slug, id: randomUUID(), taskId, body: `Comment ${PAYLOAD} [js](javascript:alert(1))` });

  const page = await context.newPage();
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  await page.goto(`/en/w/${workspace.slug}`);
  await expect(page.getByText(SHORT_NAME).first()).toBeVisible();
  await expectHarmless(page);

  const board = new BoardPage(page, workspace.slug, project.id);
  await board.openDirectly();
  await expect(board.titleOf(taskId)).toHaveText(`Title ${PAYLOAD}`);
  await board.openTask(taskId);
  // Raw HTML in markdown is dropped, not rendered (react-markdown without rehype-raw).
  await expect(board.dialog.locator('[onmouseover]')).toHaveCount(0);
  await expect(board.dialog.getByTestId('comment').first()).toContainText('Comment');
  // The javascript: and data: links are not links.
  await expect(board.dialog.getByText('click me')).toBeVisible();
  await board.dialog.getByText('click me').click();
  await board.page.mouse.move(5, 5);
  await expectHarmless(page);
  expect(dialogs).toEqual([]);
  await context.close();
});

test('reflected XSS through query parameters is harmless', async ({ page }) => {
  const dialogs: string[] = [];
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  const q = encodeURIComponent(PAYLOAD);
  for (const path of [`/en/sign-in?error=${q}&callbackUrl=${q}`, `/en/sign-up?callbackUrl=${q}`, `/en/verify-email?email=${q}`, `/en/reset-password?token=${q}`, `/en/sign-in/check-email?email=${q}`]) {
    const response = await page.goto(path);
    expect(response?.status(), path).toBeLessThan(500);
    await expectHarmless(page);
  }
  expect(dialogs).toEqual([]);
});

const EVIL = ['https://evil.example/x', '//evil.example/x', '/\\evil.example/x', '\\\\evil.example', '%2F%2Fevil.example', 'https:%2F%2Fevil.example', '/%09/evil.example', 'javascript:alert(1)'];

test('no callbackUrl or redirectTo leads off the site', async ({ page, request }) => {
  // The continue route (where every Auth.js flow ends) keeps only same-origin paths.
  for (const target of EVIL) {
    const response = await request.get(`${APP_URL}/en/continue?callbackUrl=${encodeURIComponent(target)}`, { maxRedirects: 0 });
    const location = response.headers()['location'] ?? '';
    expect(new URL(location, APP_URL).origin, target).toBe(new URL(APP_URL).origin);
  }
  // Password sign-in with a hostile callbackUrl lands in the app.
  const { email, password } = await signUpVerified(page);
  await page.context().clearCookies();
  for (const target of EVIL.slice(0, 4)) {
    const signIn = new SignInPage(page, 'en');
    await page.goto(`/en/sign-in?callbackUrl=${encodeURIComponent(target)}`);
    await signIn.expectShown();
    await signIn.signIn(email, password);
    await expect(page).toHaveURL(/^http:\/\/localhost:\d+\/en\/(?:w|onboarding)/);
    await page.context().clearCookies();
  }
});
