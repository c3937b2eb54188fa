/**
 * A throttled sign-in explains itself (SEC-2): once one account's sign-in budget is spent, the form
 * says, in the page's language, how many seconds to wait — and the right password is refused too.
 */
import { expect, test } from '@playwright/test';
import { RATE_LIMIT_POLICIES } from '../src/server/platform/rate-limit-policies';
import { APP_ENV, APP_URL } from './support/stack';
import { SignInPage, signUpVerified } from './support/flows';

test('a sign-in refused by the rate limit says how long to wait, in German', async ({ page, browser }) => {
  const { email, password } = await signUpVerified(page);
  const attempts = RATE_LIMIT_POLICIES['sign-in-account'].points * Number(APP_ENV.RATE_LIMIT_SCALE ?? 1);
  // Spend the account's budget from outside the browser, as a guessing script would.
  const guesser = await browser.newContext();
  for (let i = 0; i < attempts; i++) {
    const response = await guesser.request.post(`${APP_URL}/api/trpc/auth.signIn`, {
      data: { email, password: `guess number ${i}` },
      headers: { 'content-type': 'application/json', origin: APP_URL },
    });
    // The account lockout (AUTH-4, 5 failures; src/server/auth/lockout.ts) answers 429 from the 5th on;
    // the sign-in-account policy still counts every call.
    expect(response.status()).toBe(i < 4 ? 401 : 429);
  }
  await guesser.close();

  const fresh = await browser.newContext({ locale: 'de-DE' });
  const signInPage = new SignInPage(await fresh.newPage(), 'de');
  await signInPage.open();
  await signInPage.signIn(email, password);
  await expect(signInPage.form.getByTestId('form-error')).toHaveText(/^Zu viele Versuche\. Bitte versuchen Sie es in \d+ Sekunden erneut\.$/);
  await expect(signInPage.page).toHaveURL(/\/de\/sign-in/);
  await fresh.close();
});
