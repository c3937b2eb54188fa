/**
 * The nonce CSP (SEC-1) breaks nothing: every main page — landing, the auth pages, workspace, board,
 * task dialog, settings tabs, project settings, account — loads, hydrates and runs with zero
 * `securitypolicyviolation` events and zero console errors (hydration errors included), in light and
 * dark mode; each page's policy carries a fresh nonce and no unsafe-inline / unsafe-eval for scripts.
 */
import { expect, test, type Page } from '@playwright/test';
import { openOwnersBoard } from './support/board';
import { whenHydrated } from './support/flows';

interface Watch {
  violations: string[];
  errors: string[];
}

/** Records CSP violations (from the page itself) and console errors / uncaught exceptions. */
async function watch(page: Page): Promise<Watch> {
  const seen: Watch = { violations: [], errors: [] };
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      (window as unknown as { __csp: string[] }).__csp ??= [];
      (window as unknown as { __csp: string[] }).__csp.push(`${event.effectiveDirective} ${event.blockedURI} ${event.sourceFile}:${event.lineNumber}`);
    });
  });
  page.on('console', (message) => {
    if (message.type() === 'error') seen.errors.push(`${page.url()}: ${message.text()}`);
  });
  page.on('pageerror', (error) => seen.errors.push(`${page.url()}: ${error.message}`));
  return seen;
}

async function visit(page: Page, path: string, seen: Watch): Promise<string> {
  const response = await page.goto(path);
  expect(response?.status(), path).toBeLessThan(400);
  await whenHydrated(page.locator('body'));
  await page.waitForLoadState('networkidle');
  const violations = await page.evaluate(() => (window as unknown as { __csp?: string[] }).__csp ?? []);
  seen.violations.push(...violations.map((v) => `${path}: ${v}`));
  return response!.headers()['content-security-policy'] ?? '';
}

function expectStrictScripts(policy: string): string {
  const script = policy.split(';').map((d) => d.trim()).find((d) => d.startsWith('script-src '));
  expect(script).toMatch(/^script-src 'self' 'nonce-[A-Za-z0-9+/=]{22,}' 'strict-dynamic'$/);
  expect(policy).toContain("frame-ancestors 'none'");
  expect(policy).toContain("object-src 'none'");
  return /'nonce-([^']+)'/.exec(script!)![1]!;
}

test('every main page runs under the nonce CSP with no violation and no console error', async ({ browser }) => {
  test.setTimeout(120_000);
  const anonymous = await browser.newContext();
  const page = await anonymous.newPage();
  const seen = await watch(page);
  const nonces = new Set<string>();
  for (const path of ['/en', '/de', '/en/sign-in', '/en/sign-up', '/en/forgot-password']) nonces.add(expectStrictScripts(await visit(page, path, seen)));
  // A fresh nonce per response.
  expect(nonces.size).toBe(5);
  await anonymous.close();

  const { workspace, project, context, board } = await openOwnersBoard(browser);
  const signedIn = board.page;
  const seenIn = await watch(signedIn);
  await board.quickAdd('todo', 'Check the policy');
  const card = board.cardTitled('Check the policy');
  await expect(card).toBeVisible();
  await board.expectSaved();
  const taskId = await card.getAttribute('data-task-id');
  for (const dark of [false, true]) {
    await context.addCookies([{ name: 'kanso-theme', value: dark ? 'dark' : 'light', url: signedIn.url() }]);
    for (const path of [
      `/en/w/${workspace.slug}`,
      `/en/w/${workspace.slug}/p/${project.id}`,
      `/en/w/${workspace.slug}/p/${project.id}/settings`,
      `/en/w/${workspace.slug}/settings`,
      `/en/w/${workspace.slug}/settings/members`,
      `/en/w/${workspace.slug}/settings/invitations`,
      `/en/w/${workspace.slug}/settings/audit`,
      '/en/account/security',
    ]) {
      expectStrictScripts(await visit(signedIn, path, seenIn));
    }
    // The task dialog (a lazily loaded chunk) on the board.
    await visit(signedIn, `/en/w/${workspace.slug}/p/${project.id}`, seenIn);
    await board.openTask(taskId!);
    await board.closeTask();
    seenIn.violations.push(...(await signedIn.evaluate(() => (window as unknown as { __csp?: string[] }).__csp ?? [])));
  }
  await context.close();

  expect([...seen.violations, ...seenIn.violations]).toEqual([]);
  expect([...seen.errors, ...seenIn.errors]).toEqual([]);
});
