/**
 * Forgot password → reset mail → new password → the new one signs in, the old one no longer does (AUTH-1).
 */
import { expect, test } from '@playwright/test';
import { lastMailId, linkMatching, waitForMail } from './support/mailbox';
import { en } from './support/messages';
import { inApp, pathIs, SignInPage, signUpVerified, strongPassword, subjects, whenHydrated } from './support/flows';

test('a user resets a forgotten password from the mailed link', async ({ page }) => {
  const { email, password: oldPassword } = await signUpVerified(page);
  await page.context().clearCookies();

  const signIn = new SignInPage(page);
  await signIn.open();
  await page.getByRole('link', { name: en('auth.signIn.forgot') }).click();
  await expect(page).toHaveURL(pathIs('en', '/forgot-password'));
  await expect(page.getByRole('heading', { name: en('auth.forgot.title') })).toBeVisible();

  const before = await lastMailId(email);
  const form = page.getByTestId('forgot-password-form');
  await whenHydrated(form);
  await form.getByLabel(en('auth.fields.email'), { exact: true }).fill(email);
  await form.getByRole('button', { name: en('auth.forgot.submit') }).click();
  await expect(page.getByTestId('reset-requested')).toHaveText(en('auth.forgot.sent', { email }));

  const mail = await waitForMail(email, { after: before, subject: subjects.reset() });
  await page.goto(linkMatching(mail, /\/reset-password$/));
  await expect(page.getByRole('heading', { name: en('auth.reset.title') })).toBeVisible();

  const newPassword = strongPassword();
  const resetForm = page.getByTestId('reset-password-form');
  await whenHydrated(resetForm);
  await resetForm.getByLabel(en('auth.fields.newPassword'), { exact: true }).fill(newPassword);
  await resetForm.getByRole('button', { name: en('auth.reset.submit') }).click();
  await expect(page.getByTestId('password-reset-done')).toHaveText(en('auth.reset.success'));

  // The link is single-use.
  await page.goto(linkMatching(mail, /\/reset-password$/));
  await expect(page.getByRole('heading', { name: en('auth.reset.invalidTitle') })).toBeVisible();

  // The old password fails …
  await signIn.open();
  await signIn.signIn(email, oldPassword);
  await signIn.expectRejected();

  // … the new one works.
  await signIn.signIn(email, newPassword);
  await expect(page).toHaveURL(inApp());
  await expect(page).toHaveURL(pathIs('en', '/onboarding'));
});
