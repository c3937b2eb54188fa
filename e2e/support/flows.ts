/**
 * Page objects for the account and workspace flows: each step acts like a person (labels, roles and
 * the app's own texts from messages/*.json; data-testid where the page provides one) and asserts
 * the visible outcome before it returns.
 */
import { randomBytes } from 'node:crypto';
import { expect, type Locator, type Page } from '@playwright/test';
import { lastMailId, linkMatching, waitForMail, type Mail } from './mailbox';
import { t, type Locale } from './messages';

/**
 * Waits until React has hydrated `locator` (its props are attached to the DOM node). Acting
 * earlier races hydration: a click submits the bare HTML form (a GET with the fields in the URL)
 * and a controlled input typed into is reset to its initial state.
 */
export async function whenHydrated(locator: Locator): Promise<void> {
  await expect
    .poll(() => locator.evaluate((el) => Object.keys(el).some((key) => key.startsWith('__reactProps$'))), {
      message: 'waiting for React to hydrate the element',
      timeout: 15_000,
    })
    .toBe(true);
}

/** A unique address per test (per retry too): e2e-<time>-<random>@example.test */
export function uniqueEmail(tag = 'user'): string {
  return `e2e-${tag}-${Date.now()}-${randomBytes(4).toString('hex')}@example.test`;
}

/** A password that passes the policy (≥ 10 characters, not a common one), different each call. */
export function strongPassword(): string {
  return `Kanso-${randomBytes(9).toString('base64url')}-e2e`;
}

export const APP_NAME = 'Kanso';

export const subjects = {
  verify: (locale: Locale = 'en') => exactly(t(locale, 'email.verify.subject', { appName: APP_NAME })),
  reset: (locale: Locale = 'en') => exactly(t(locale, 'email.reset.subject', { appName: APP_NAME })),
  magicLink: (locale: Locale = 'en') => exactly(t(locale, 'email.magicLink.subject', { appName: APP_NAME })),
  signUpAttempt: (locale: Locale = 'en') => exactly(t(locale, 'email.signUpAttempt.subject', { appName: APP_NAME })),
};

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function exactly(text: string): RegExp {
  return new RegExp(`^${escapeRegExp(text)}$`);
}

/** `/en/w`, `/de/onboarding`, …: a URL matcher for an app path in a locale. */
export function pathIs(locale: Locale, path: string): RegExp {
  return new RegExp(`^[^?#]*/${locale}${escapeRegExp(path)}(?:[?#].*)?$`);
}

/** Signed in and inside the app: the workspaces area or onboarding of a locale. */
export function inApp(locale: Locale = 'en'): RegExp {
  return new RegExp(`/${locale}/(?:w(?:/[^/?#]+)?|onboarding)(?:[?#].*)?$`);
}

// ─── Sign-up ───────────────────────────────────────────────────────────────────────────────────

export class SignUpPage {
  readonly form: Locator;
  readonly email: Locator;
  readonly password: Locator;
  readonly submit: Locator;

  constructor(
    readonly page: Page,
    readonly locale: Locale = 'en',
  ) {
    this.form = page.getByTestId('sign-up-form');
    this.email = this.form.getByLabel(t(locale, 'auth.fields.email'), { exact: true });
    this.password = this.form.getByLabel(t(locale, 'auth.fields.password'), { exact: true });
    this.submit = this.form.getByRole('button', { name: t(locale, 'auth.signUp.submit') });
  }

  async open(): Promise<void> {
    await this.page.goto(`/${this.locale}/sign-up`);
    await expect(this.page.getByRole('heading', { name: t(this.locale, 'auth.signUp.title') })).toBeVisible();
    await whenHydrated(this.form);
  }

  async fill(email: string, password: string): Promise<void> {
    await this.email.fill(email);
    await this.password.fill(password);
    await this.submit.click();
  }

  /** "Check your inbox" for `email` — the answer for a new address and for a taken one alike. */
  async expectCheckInbox(email: string): Promise<void> {
    await expect(this.page).toHaveURL(pathIs(this.locale, '/verify-email'));
    await expect(this.page.getByRole('heading', { name: t(this.locale, 'auth.verify.checkTitle') })).toBeVisible();
    await expect(this.page.getByText(t(this.locale, 'auth.verify.checkBody', { email }))).toBeVisible();
  }
}

/** Opens the confirmation link of the newest verification mail (newer than `after`) and waits to be in the app. */
export async function confirmEmailFromMail(page: Page, email: string, after: number, locale: Locale = 'en'): Promise<Mail> {
  const mail = await waitForMail(email, { after, subject: subjects.verify(locale) });
  await page.goto(linkMatching(mail, /\/verify-email$/));
  await expect(page).toHaveURL(inApp(locale), { timeout: 20_000 });
  return mail;
}

/** Sign-up through the UI plus the confirmation link: a verified, signed-in user on onboarding. */
export async function signUpVerified(page: Page, options: { email?: string; password?: string; locale?: Locale } = {}) {
  const locale = options.locale ?? 'en';
  const email = options.email ?? uniqueEmail();
  const password = options.password ?? strongPassword();
  const signUp = new SignUpPage(page, locale);
  await signUp.open();
  const before = await lastMailId(email);
  await signUp.fill(email, password);
  await signUp.expectCheckInbox(email);
  await confirmEmailFromMail(page, email, before, locale);
  await expect(page).toHaveURL(pathIs(locale, '/onboarding'));
  return { email, password };
}

// ─── Sign-in / sign-out ────────────────────────────────────────────────────────────────────────

export class SignInPage {
  readonly form: Locator;
  readonly email: Locator;
  readonly password: Locator;
  readonly submit: Locator;
  readonly magicLinkForm: Locator;

  constructor(
    readonly page: Page,
    readonly locale: Locale = 'en',
  ) {
    this.form = page.getByTestId('sign-in-form');
    this.email = this.form.getByLabel(t(locale, 'auth.fields.email'), { exact: true });
    this.password = this.form.getByLabel(t(locale, 'auth.fields.password'), { exact: true });
    this.submit = this.form.getByRole('button', { name: t(locale, 'auth.signIn.submit') });
    this.magicLinkForm = page.getByTestId('magic-link-form');
  }

  async open(): Promise<void> {
    await this.page.goto(`/${this.locale}/sign-in`);
    await this.expectShown();
  }

  async expectShown(): Promise<void> {
    await expect(this.page).toHaveURL(pathIs(this.locale, '/sign-in'));
    await expect(this.page.getByRole('heading', { name: t(this.locale, 'auth.signIn.title') })).toBeVisible();
    await whenHydrated(this.form);
  }

  async signIn(email: string, password: string): Promise<void> {
    await this.email.fill(email);
    await this.password.fill(password);
    await this.submit.click();
  }

  /** The neutral "invalid email or password" answer; the page stays on sign-in. */
  async expectRejected(): Promise<void> {
    await expect(this.form.getByTestId('form-error')).toHaveText(t(this.locale, 'errors.auth.invalidCredentials'));
    await expect(this.page).toHaveURL(pathIs(this.locale, '/sign-in'));
  }

  async requestMagicLink(email: string): Promise<void> {
    await whenHydrated(this.magicLinkForm);
    await this.magicLinkForm.getByLabel(t(this.locale, 'auth.fields.email'), { exact: true }).fill(email);
    await this.magicLinkForm.getByRole('button', { name: t(this.locale, 'auth.signIn.magicLinkSubmit') }).click();
  }

  oauthButton(providerName: string): Locator {
    return this.page.getByRole('button', { name: t(this.locale, 'auth.signIn.oauthContinue', { provider: providerName }) });
  }
}

/** Signs in with a password from the sign-in page and waits to be inside the app. */
export async function signInWithPassword(page: Page, email: string, password: string, locale: Locale = 'en'): Promise<void> {
  const signIn = new SignInPage(page, locale);
  await signIn.open();
  await signIn.signIn(email, password);
}

/** Signs out through the user menu of the workspace header; lands on the sign-in page. */
export async function signOut(page: Page, locale: Locale = 'en'): Promise<void> {
  const menu = page.getByTestId('user-menu');
  await whenHydrated(menu);
  await menu.click();
  const item = page.getByTestId('sign-out');
  await expect(item).toHaveText(t(locale, 'nav.signOut'));
  await item.click();
  await new SignInPage(page, locale).expectShown();
}

// ─── Workspaces ────────────────────────────────────────────────────────────────────────────────

/** From onboarding: creates a workspace and waits for its page; returns its URL path. */
export async function createFirstWorkspace(page: Page, name: string, locale: Locale = 'en'): Promise<string> {
  await expect(page).toHaveURL(pathIs(locale, '/onboarding'));
  await expect(page.getByText(t(locale, 'workspace.createTitle'), { exact: true })).toBeVisible();
  const input = page.getByLabel(t(locale, 'workspace.nameLabel'), { exact: true });
  await whenHydrated(input);
  // The form's own state shows the name took: it previews the address (/w/<slug>) as you type.
  const hint = escapeRegExp(t(locale, 'workspace.slugHint', { slug: '\u0000' })).replace('\u0000', '[a-z0-9-]+');
  const preview = page.getByText(new RegExp(`^${hint}$`));
  await expect(async () => {
    await input.fill(name);
    await expect(preview).toBeVisible({ timeout: 1_000 });
  }).toPass({ timeout: 10_000 });
  await page.getByRole('button', { name: t(locale, 'workspace.create') }).click();
  await expect(page).toHaveURL(new RegExp(`/${locale}/w/[a-z0-9-]+$`));
  await expectWorkspace(page, name, locale);
  return new URL(page.url()).pathname;
}

export async function expectWorkspace(page: Page, name: string, locale: Locale = 'en'): Promise<void> {
  await expect(page.getByTestId('workspace-title')).toHaveText(t(locale, 'workspace.welcome', { name }));
}

/** A unique, human-looking workspace name. */
export function workspaceName(prefix = 'Acme'): string {
  return `${prefix} ${randomBytes(3).toString('hex')}`;
}
