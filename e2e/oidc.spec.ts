/**
 * OIDC sign-in against a real local provider (e2e/support/oidc-server.ts): the provider button →
 * the issuer's /authorize → back with a code → signed in (AUTH-1, Auth.js provider 'oidc').
 */
import { expect, test } from '@playwright/test';
import { en } from './support/messages';
import { loginAs } from './support/oidc';
import { createFirstWorkspace, inApp, SignInPage, signOut, uniqueEmail, workspaceName } from './support/flows';
import { OIDC_ISSUER, OIDC_NAME } from './support/stack';

test('signing in with the OIDC provider creates the account and signs it in again later', async ({ page }) => {
  const email = uniqueEmail('oidc');
  await loginAs(page, { email, name: 'Olivia OIDC', email_verified: true });

  const signIn = new SignInPage(page);
  await signIn.open();
  const authorize = page.waitForRequest((req) => req.url().startsWith(`${OIDC_ISSUER}/authorize`));
  await signIn.oauthButton(OIDC_NAME).click();
  const request = await authorize;
  expect(new URL(request.url()).searchParams.get('code_challenge_method')).toBe('S256');

  await expect(page).toHaveURL(inApp());
  const name = workspaceName('Sso');
  const workspacePath = await createFirstWorkspace(page, name);
  await page.getByTestId('user-menu').click();
  await expect(page.getByText(email, { exact: true })).toBeVisible();
  await page.keyboard.press('Escape');

  await signOut(page);
  await signIn.oauthButton(OIDC_NAME).click();
  await expect(page).toHaveURL(new RegExp(`${workspacePath}$`));
});

test('a new account is refused when the provider does not vouch for the email address', async ({ page }) => {
  const email = uniqueEmail('oidc-unverified');
  await loginAs(page, { email, email_verified: false });

  const signIn = new SignInPage(page);
  await signIn.open();
  await signIn.oauthButton(OIDC_NAME).click();

  await expect(page.getByTestId('auth-error')).toHaveText(en('auth.signIn.errors.OAuthEmailNotVerified'));
  await signIn.expectShown();
  await page.goto('/en/w');
  await signIn.expectShown();
});
