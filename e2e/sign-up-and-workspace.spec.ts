/**
 * Sign-up → email confirmation → first workspace → sign-out → password sign-in (AUTH-1, workspaces).
 */
import { expect, test } from '@playwright/test';
import { lastMailId, messagesTo, waitForMail } from './support/mailbox';
import { en } from './support/messages';
import {
  confirmEmailFromMail,
  createFirstWorkspace,
  expectWorkspace,
  inApp,
  pathIs,
  SignInPage,
  signOut,
  SignUpPage,
  signUpVerified,
  strongPassword,
  subjects,
  uniqueEmail,
  workspaceName,
} from './support/flows';

test('sign-up shows field errors for a malformed email and a too-short password', async ({ page }) => {
  const signUp = new SignUpPage(page);
  await signUp.open();

  await signUp.fill('not-an-email', strongPassword());
  await expect(signUp.email).toHaveAttribute('aria-invalid', 'true');
  await expect(signUp.email).toHaveAccessibleDescription(en('errors.validation.email'));
  await expect(signUp.email).toBeFocused();
  await expect(page).toHaveURL(pathIs('en', '/sign-up'));

  await signUp.fill(uniqueEmail('short'), 'abc12');
  await expect(signUp.password).toHaveAttribute('aria-invalid', 'true');
  await expect(signUp.password).toHaveAccessibleDescription(en('errors.validation.tooShort', { min: 10 }));
  await expect(signUp.email).not.toHaveAttribute('aria-invalid', 'true');
  await expect(page).toHaveURL(pathIs('en', '/sign-up'));
});

test('a new user confirms the email, creates a workspace, signs out and signs in again', async ({ page }) => {
  const email = uniqueEmail('signup');
  const password = strongPassword();
  const name = workspaceName('Acme');

  const signUp = new SignUpPage(page);
  await signUp.open();
  const before = await lastMailId(email);
  await signUp.fill(email, password);
  await signUp.expectCheckInbox(email);

  // Not signed in before the address is confirmed: the app sends the visitor to sign-in.
  await page.goto('/en/w');
  await new SignInPage(page).expectShown();

  await confirmEmailFromMail(page, email, before);
  await expect(page).toHaveURL(pathIs('en', '/onboarding'));
  const workspacePath = await createFirstWorkspace(page, name);

  await signOut(page);
  await page.goto(workspacePath);
  await new SignInPage(page).expectShown();

  const signIn = new SignInPage(page);
  await signIn.signIn(email, password);
  await expect(page).toHaveURL(new RegExp(`${workspacePath}$`));
  await expectWorkspace(page, name);
});

test('signing up again with a taken address gives the same neutral answer and no second account', async ({ page }) => {
  const { email } = await signUpVerified(page);
  await page.context().clearCookies();

  const signUp = new SignUpPage(page);
  await signUp.open();
  const before = await lastMailId(email);
  const otherPassword = strongPassword();
  await signUp.fill(email, otherPassword);
  await signUp.expectCheckInbox(email);

  // The owner is told someone tried; no confirmation link is sent for the taken address.
  const notice = await waitForMail(email, { after: before, subject: subjects.signUpAttempt() });
  expect(notice.text).not.toContain('/verify-email');
  const since = (await messagesTo(email)).filter((m) => m.id > before);
  expect(since.map((m) => m.subject)).toEqual([notice.subject]);

  // The second password did not take over the account.
  const signIn = new SignInPage(page);
  await signIn.open();
  await signIn.signIn(email, otherPassword);
  await signIn.expectRejected();
  await expect(page).not.toHaveURL(inApp());
});
