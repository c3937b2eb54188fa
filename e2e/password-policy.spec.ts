/**
 * The password policy on sign-up (AUTH-3): the strength meter explains a weak password as it is
 * typed, the server refuses it under the field all the same, and a strong one goes through. The
 * meter's dictionaries arrive only once the password field is used, not with the page.
 */
import { expect, test, type Response } from '@playwright/test';
import { en } from './support/messages';
import { SignUpPage, signUpVerified, strongPassword, uniqueEmail, whenHydrated } from './support/flows';

/** The estimator's chunk: megabytes of dictionaries (decoded) in one script. */
const DICTIONARY_CHUNK_BYTES = 500_000;

test('a weak password is explained by the meter and refused by the server; a strong one proceeds', async ({ page }) => {
  const bigScripts: string[] = [];
  const onResponse = async (response: Response) => {
    if (response.request().resourceType() !== 'script') return;
    const body = await response.body().catch(() => null);
    if (body && body.length > DICTIONARY_CHUNK_BYTES) bigScripts.push(response.url());
  };
  page.on('response', onResponse);

  const signUp = new SignUpPage(page);
  await signUp.open();
  const meter = page.getByTestId('password-strength');
  // Nothing of the estimator with the page.
  expect(bigScripts).toEqual([]);

  const email = uniqueEmail('policy');
  await signUp.email.fill(email);
  await signUp.password.focus();
  await expect.poll(() => bigScripts.length, { message: 'the dictionaries load once the field is focused' }).toBeGreaterThan(0);

  // A common password: the meter says why, in words, politely announced.
  await signUp.password.fill('password123');
  await expect(meter.getByTestId('password-strength-reason')).toHaveText(en('errors.auth.passwordWeak.common'));
  await expect(meter.locator('[aria-live="polite"]')).toContainText(en('auth.passwordStrength.score0'));

  // Made of the address: the meter reads the email field too.
  const local = email.split('@')[0] ?? '';
  await signUp.password.fill(`${local}`);
  await expect(meter.getByTestId('password-strength-reason')).toHaveText(en('errors.auth.passwordWeak.personal'));

  // The meter is advisory: submitting anyway gets the server's refusal under the field.
  await signUp.password.fill('kanso2026kanso');
  await signUp.submit.click();
  await expect(signUp.password).toHaveAttribute('aria-invalid', 'true');
  await expect(signUp.password).toHaveAccessibleDescription(en('errors.auth.passwordWeak.personal'));
  await expect(page.getByTestId('form-error')).toContainText(en('errors.auth.passwordWeak.personal'));
  await expect(page).toHaveURL(/\/en\/sign-up/);
  // The meter keeps the level but does not repeat the field's error word for word.
  await expect(meter).toContainText(en('auth.passwordStrength.label'));
  await expect(meter.getByTestId('password-strength-reason')).toHaveCount(0);

  // A strong one: the meter agrees, and the sign-up goes through.
  const password = strongPassword();
  await signUp.password.fill(password);
  await expect(meter.getByTestId('password-strength-reason')).toHaveText(en('auth.passwordStrength.ok'));
  await expect(meter).toHaveAttribute('data-score', /^[34]$/);
  await signUp.submit.click();
  await signUp.expectCheckInbox(email);
  page.off('response', onResponse);
});

test('changing the password: the meter knows the signed-in user, the server refuses their name as a password', async ({ page }) => {
  const email = uniqueEmail('change');
  const { password } = await signUpVerified(page, { email });
  await page.goto('/en/account/security');
  const form = page.getByTestId('change-password-form');
  await whenHydrated(form);
  const newPassword = form.getByLabel(en('auth.fields.newPassword'), { exact: true });
  const meter = form.getByTestId('password-strength');

  await form.getByLabel(en('auth.fields.currentPassword'), { exact: true }).fill(password);
  const local = email.split('@')[0] ?? '';
  await newPassword.fill(`${local}!`);
  await expect(meter.getByTestId('password-strength-reason')).toHaveText(en('errors.auth.passwordWeak.personal'));
  await form.getByRole('button', { name: en('account.security.password.submit') }).click();
  await expect(newPassword).toHaveAttribute('aria-invalid', 'true');
  await expect(newPassword).toHaveAccessibleDescription(en('errors.auth.passwordWeak.personal'));

  await newPassword.fill(strongPassword());
  await expect(meter.getByTestId('password-strength-reason')).toHaveText(en('auth.passwordStrength.ok'));
  await form.getByRole('button', { name: en('account.security.password.submit') }).click();
  await expect(form.getByText(en('account.security.password.success'))).toBeVisible();
});
