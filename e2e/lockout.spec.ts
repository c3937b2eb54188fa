/**
 * Account lockout (AUTH-4) as a person meets it: sign up through the ALTCHA widget (solved in the
 * browser, under the nonce CSP), five wrong passwords lock the account with a message that says when
 * to try again, the right one is refused too, the owner's notice mail carries a one-time unlock
 * link, and after unlocking the right password signs in at once. No CSP violation on the way.
 */
import { expect, test, type Page } from '@playwright/test';
import { lastMailId, linkMatching, waitForMail } from './support/mailbox';
import { en } from './support/messages';
import { APP_NAME, inApp, SignInPage, signUpVerified, whenHydrated } from './support/flows';

function watchCsp(page: Page) {
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' && /Content Security Policy|Refused to/i.test(message.text())) errors.push(message.text());
  });
  return errors;
}

test('five wrong passwords lock the account; the mailed link unlocks it', async ({ page }) => {
  const cspErrors = watchCsp(page);
  // The sign-up form waits for its CAPTCHA to be solved before it sends.
  const { email, password } = await signUpVerified(page);
  await page.context().clearCookies();

  const signIn = new SignInPage(page);
  await signIn.open();
  const before = await lastMailId(email);
  const error = signIn.form.getByTestId('form-error');
  /** One sign-in through the form, waiting for the server's answer (the message on screen is then that answer's). */
  const attempt = async (attemptPassword: string) => {
    const answered = page.waitForResponse((response) => response.url().includes('/api/trpc/auth.signIn'));
    await signIn.signIn(email, attemptPassword);
    await answered;
  };
  for (let i = 0; i < 4; i++) {
    await attempt(`not my password ${i}`);
    await expect(error).toHaveText(en('errors.auth.invalidCredentials'));
  }
  const locked = /^Too many failed sign-ins\. This account is locked; try again in 1 minute\./;
  await attempt('not my password 4');
  await expect(error).toHaveText(locked);
  // The right password is refused while locked.
  await attempt(password);
  await expect(error).toHaveText(locked);
  await expect(page).toHaveURL(/\/en\/sign-in/);

  // One notice, with the unlock link.
  const mail = await waitForMail(email, { after: before, subject: new RegExp(`^${en('email.accountLocked.subject', { appName: APP_NAME })}$`) });
  await page.goto(linkMatching(mail, /\/unlock$/));
  await expect(page.getByRole('heading', { name: en('auth.unlock.title') })).toBeVisible();
  const form = page.getByTestId('unlock-form');
  await whenHydrated(form);
  await form.getByRole('button', { name: en('auth.unlock.submit') }).click();
  await expect(page.getByTestId('account-unlocked')).toHaveText(en('auth.unlock.success'));
  await page.getByRole('link', { name: en('auth.unlock.signIn') }).click();

  await signIn.expectShown();
  await signIn.signIn(email, password);
  await expect(page).toHaveURL(inApp());

  // The link worked once.
  await page.goto(linkMatching(mail, /\/unlock$/));
  await expect(page.getByRole('heading', { name: en('auth.unlock.invalidTitle') })).toBeVisible();
  expect(cspErrors).toEqual([]);
});
