/**
 * JOBS-3 acceptance: an admin adds a webhook endpoint pointing at a receiver this spec runs (on
 * 127.0.0.1: the E2E stack allows loopback receivers with WEBHOOK_ALLOW_LOOPBACK + KANSO_TEST_STACK,
 * e2e/support/stack.ts), sees the signing secret once, sends a test event, and sees the delivery with
 * its 200 in the delivery log. The receiver verifies the signature with the `standardwebhooks`
 * library and the secret the page showed.
 *
 * With WEBHOOK_SCREENS_DIR set it also saves screenshots of the page (light, dark, 390 px wide).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { Webhook } from 'standardwebhooks';
import { createFirstWorkspace, signUpVerified, whenHydrated, workspaceName } from './support/flows';
import { en } from './support/messages';

interface Received {
  headers: Record<string, string>;
  body: string;
}

async function startReceiver(): Promise<{ url: string; received: Received[]; close: () => Promise<void> }> {
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers[k] = v;
      received.push({ headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('received by the e2e receiver');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/kanso-hook`, received, close: () => new Promise((r) => server.close(() => r())) };
}

async function screenshots(page: Page, dir: string) {
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: path.join(dir, 'webhooks-light.png'), fullPage: true });
  await page.evaluate(() => document.documentElement.classList.add('dark'));
  await page.screenshot({ path: path.join(dir, 'webhooks-dark.png'), fullPage: true });
  await page.evaluate(() => document.documentElement.classList.remove('dark'));
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: path.join(dir, 'webhooks-390.png'), fullPage: true });
  await page.setViewportSize({ width: 1280, height: 800 });
}

test('an admin adds an endpoint, sees its secret once, test-fires it and sees the 200 in the delivery log', async ({ page }) => {
  test.setTimeout(120_000);
  const receiver = await startReceiver();
  try {
    await signUpVerified(page);
    const workspacePath = await createFirstWorkspace(page, workspaceName('Hooks'));

    // Settings → Webhooks (the nav shows it to the owner).
    await page.goto(`${workspacePath}/settings`);
    await page.getByRole('link', { name: en('settingsNav.webhooks') }).click();
    await expect(page).toHaveURL(new RegExp(`${workspacePath}/settings/webhooks$`));
    await expect(page.getByRole('heading', { level: 1, name: en('webhooks.title') })).toBeVisible();
    await expect(page.getByText(en('webhooks.empty'))).toBeVisible();

    // A saved private address is refused with the localised message.
    const form = page.getByTestId('webhook-form-create');
    const url = form.getByLabel(en('webhooks.form.url'));
    await whenHydrated(url);
    await url.fill('http://10.0.0.1/hook');
    await form.getByRole('button', { name: en('webhooks.form.create') }).click();
    await expect(form.getByText(en('errors.webhook.urlNotPublic'))).toBeVisible();

    // The receiver's URL (loopback, allowed on this test stack), task events preselected, plus comments.
    await url.fill(receiver.url);
    await form.getByLabel(en('webhooks.form.description')).fill('E2E receiver');
    await form.getByLabel(en('webhooks.eventTypes.comment.created')).check();
    await form.getByRole('button', { name: en('webhooks.form.create') }).click();

    // The secret, once.
    const dialog = page.getByTestId('webhook-secret-dialog');
    await expect(dialog.getByRole('heading', { name: en('webhooks.secret.createdTitle') })).toBeVisible();
    const secret = await dialog.getByLabel(en('webhooks.secret.label')).inputValue();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/=]{40,}$/);
    await dialog.getByRole('button', { name: en('webhooks.secret.done') }).click();
    await expect(dialog).toBeHidden();

    const endpoint = page.getByTestId('webhook-endpoint').filter({ hasText: receiver.url });
    await expect(endpoint).toBeVisible();
    await expect(endpoint.getByTestId('webhook-status')).toHaveText(en('webhooks.status.enabled'));

    // Never again: not after a reload either.
    await page.reload();
    await expect(endpoint).toBeVisible();
    expect(await page.content()).not.toContain(secret);

    // Test-fire → the receiver gets a delivery signed with that secret → the log shows the 200.
    await whenHydrated(endpoint.getByTestId('webhook-test'));
    await endpoint.getByTestId('webhook-test').click();
    await expect(endpoint.getByText(en('webhooks.actions.testSent'))).toBeVisible();
    await expect.poll(() => receiver.received.length, { timeout: 20_000 }).toBe(1);
    const delivery = receiver.received[0]!;
    const payload = new Webhook(secret).verify(delivery.body, delivery.headers) as { type: string; version: string };
    expect(payload).toMatchObject({ type: 'webhook.test', version: '2026-12-01' });

    const log = endpoint.getByTestId('webhook-deliveries');
    const row = log.getByTestId('webhook-delivery').first();
    await expect(row.getByTestId('webhook-delivery-state')).toHaveText(en('webhooks.deliveries.state.succeeded'), { timeout: 15_000 });
    await expect(row).toContainText(en('webhooks.eventTypes.webhook.test'));
    await expect(row.getByTestId('webhook-attempt-status')).toHaveText('200');
    await expect(row).toContainText('received by the e2e receiver');
    await expect(row).toContainText(en('webhooks.deliveries.attempt', { number: 1 }));

    if (process.env.WEBHOOK_SCREENS_DIR) await screenshots(page, process.env.WEBHOOK_SCREENS_DIR);
  } finally {
    await receiver.close();
  }
});
