/**
 * Language: a signed-in user switches to Deutsch; the choice survives a reload and is saved on the
 * account, so the next sign-in (from the English page, with no cookies left) lands in /de/ (I18N).
 */
import { expect, test } from '@playwright/test';
import { de, en } from './support/messages';
import { createFirstWorkspace, expectWorkspace, SignInPage, signOut, signUpVerified, whenHydrated, workspaceName } from './support/flows';

test('a signed-in user switches to German, keeps it after reload and after signing in again', async ({ page }) => {
  const { email, password } = await signUpVerified(page);
  const name = workspaceName('Sprache');
  const workspacePath = await createFirstWorkspace(page, name);
  const slugPath = workspacePath.replace(/^\/en/, '');

  const switcher = page.getByTestId('locale-switcher');
  await expect(switcher).toHaveValue('en');
  await whenHydrated(switcher);
  await switcher.selectOption({ label: de('locales.de') });

  await expect(page).toHaveURL(new RegExp(`/de${slugPath}$`));
  await expect(page.locator('html')).toHaveAttribute('lang', 'de');
  await expectWorkspace(page, name, 'de');
  await expect(page.getByRole('heading', { name: de('workspace.emptyTitle') })).toBeVisible();
  await expect(page.getByText(en('workspace.emptyTitle'), { exact: true })).toHaveCount(0);

  await page.reload();
  await expect(page).toHaveURL(new RegExp(`/de${slugPath}$`));
  await expectWorkspace(page, name, 'de');
  await expect(page.getByTestId('locale-switcher')).toHaveValue('de');

  await signOut(page, 'de');
  await page.context().clearCookies();

  // Signing in from the English page: the account's saved language decides where it lands.
  const signIn = new SignInPage(page, 'en');
  await signIn.open();
  await signIn.signIn(email, password);
  await expect(page).toHaveURL(new RegExp(`/de${slugPath}$`));
  await expectWorkspace(page, name, 'de');
});
