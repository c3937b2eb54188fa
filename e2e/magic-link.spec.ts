/**
 * "Email me a link" on the sign-in page → the mailed link signs the user in (AUTH-1, Auth.js email provider).
 */
import { expect, test } from '@playwright/test';
import { lastMailId, linkMatching, waitForMail } from './support/mailbox';
import { en } from './support/messages';
import { createFirstWorkspace, inApp, SignInPage, signOut, subjects, uniqueEmail, workspaceName } from './support/flows';

test('a magic link signs in a new address and, later, the same account again', async ({ page }) => {
  const email = uniqueEmail('magic');
  const signIn = new SignInPage(page);
  await signIn.open();

  const before = await lastMailId(email);
  await signIn.requestMagicLink(email);
  await expect(page.getByTestId('magic-link-sent')).toContainText(email);

  const mail = await waitForMail(email, { after: before, subject: subjects.magicLink() });
  const link = linkMatching(mail, /^\/api\/auth\/callback\//);
  await page.goto(link);
  await expect(page).toHaveURL(inApp());

  // A first sign-in has no workspace yet: onboarding; the account is usable like any other.
  const name = workspaceName('Magic');
  const workspacePath = await createFirstWorkspace(page, name);
  await signOut(page);

  // The used link does not sign in a second time.
  await page.goto(link);
  await expect(page).not.toHaveURL(inApp());
  await expect(page.getByTestId('auth-error')).toHaveText(en('auth.signIn.errors.Verification'));

  // A fresh link brings the same account back to its workspace.
  const again = await lastMailId(email);
  await signIn.open();
  await signIn.requestMagicLink(email);
  const second = await waitForMail(email, { after: again, subject: subjects.magicLink() });
  await page.goto(linkMatching(second, /^\/api\/auth\/callback\//));
  await expect(page).toHaveURL(new RegExp(`${workspacePath}$`));
});
