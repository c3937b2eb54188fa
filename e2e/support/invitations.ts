/**
 * Page objects for invitations (TEN-3): the settings page an admin uses, the invite/join page an
 * invitee lands on, and the tRPC calls a spec makes directly to prove the server refuses what the
 * interface hides.
 */
import { expect, type APIResponse, type Locator, type Page } from '@playwright/test';
import { pathIs, SignUpPage, strongPassword, whenHydrated, APP_NAME, subjects } from './flows';
import { lastMailId, linkMatching, waitForMail, type Mail } from './mailbox';
import { en, t, type Locale } from './messages';
import { APP_URL } from './stack';

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The subject of the invitation mail, exactly. */
export function invitationSubject(inviter: string, workspace: string, locale: Locale = 'en'): RegExp {
  return new RegExp(`^${escapeRegExp(t(locale, 'email.invitation.subject', { inviter, workspace, appName: APP_NAME }))}$`);
}

/** Workspace settings → Invitations. */
export class InvitationsSettingsPage {
  readonly inviteForm: Locator;
  readonly linkForm: Locator;

  constructor(
    readonly page: Page,
    readonly workspacePath: string,
  ) {
    this.inviteForm = page.getByTestId('invite-form');
    this.linkForm = page.getByTestId('invite-link-form');
  }

  async open(): Promise<void> {
    await this.page.goto(`${this.workspacePath}/settings/invitations`);
    await expect(this.page.getByRole('heading', { level: 1, name: en('invitations.title') })).toBeVisible();
  }

  /** Invites `email` with `role` and waits for the confirmation and the pending row. */
  async invite(email: string, role: 'admin' | 'member' | 'viewer'): Promise<void> {
    await whenHydrated(this.inviteForm);
    await this.inviteForm.getByLabel(en('invitations.form.email'), { exact: true }).fill(email);
    await this.inviteForm.getByLabel(en('invitations.form.role'), { exact: true }).selectOption(role);
    await this.inviteForm.getByRole('button', { name: en('invitations.form.submit') }).click();
    await expect(this.page.getByTestId('invite-sent')).toHaveText(en('invitations.form.sent', { email }));
    await expect(this.page.getByTestId('invitation-row').filter({ hasText: email })).toBeVisible();
  }

  /** Creates an invite link and returns its URL (shown only this once). */
  async createLink(role: 'admin' | 'member' | 'viewer', domains: string): Promise<string> {
    await whenHydrated(this.linkForm);
    await this.linkForm.getByLabel(en('invitations.links.role'), { exact: true }).selectOption(role);
    await this.linkForm.getByLabel(en('invitations.links.domains'), { exact: true }).fill(domains);
    await this.linkForm.getByRole('button', { name: en('invitations.links.create') }).click();
    const shown = this.page.getByTestId('new-invite-link');
    await expect(shown).toContainText(en('invitations.links.created'));
    const url = await shown.getByLabel(en('invitations.links.url'), { exact: true }).inputValue();
    expect(url).toMatch(new RegExp(`^${escapeRegExp(APP_URL)}/join/[0-9a-f-]{36}\\.[A-Za-z0-9_-]{43}$`));
    return url;
  }
}

/** The invite (/invite/<token>) or join (/join/<token>) page. */
export class InviteLandingPage {
  constructor(
    readonly page: Page,
    readonly locale: Locale = 'en',
  ) {}

  async expectInvitation(workspace: string): Promise<void> {
    await expect(this.page.getByTestId('invite-card')).toBeVisible();
    await expect(this.page.getByRole('heading', { name: t(this.locale, 'invite.title', { workspace }) })).toBeVisible();
  }

  /** Signed out: "Create an account" → sign-up (address prefilled for an email invitation) → confirmation mail → back here. */
  async signUpFromHere(email: string, options: { prefilled: boolean }): Promise<{ password: string }> {
    const back = new URL(this.page.url()).pathname;
    await this.page.getByRole('link', { name: t(this.locale, 'invite.createAccount') }).click();
    const signUp = new SignUpPage(this.page, this.locale);
    await expect(this.page).toHaveURL(pathIs(this.locale, '/sign-up'));
    await whenHydrated(signUp.form);
    if (options.prefilled) await expect(signUp.email).toHaveValue(email);
    const password = strongPassword();
    const before = await lastMailId(email);
    await signUp.fill(email, password);
    await signUp.expectCheckInbox(email);
    const mail: Mail = await waitForMail(email, { after: before, subject: subjects.verify(this.locale) });
    const link = linkMatching(mail, /\/verify-email$/);
    expect(new URL(link).searchParams.get('callbackUrl')).toBe(back);
    await this.page.goto(link);
    // The confirmation signs the new user in and returns to the invitation.
    await expect(this.page).toHaveURL(new RegExp(`${escapeRegExp(back)}$`), { timeout: 20_000 });
    return { password };
  }

  acceptButton(): Locator {
    return this.page.getByTestId('accept-invite');
  }

  /** Signed in: "Accept and join" → the workspace. */
  async accept(workspacePath: string): Promise<void> {
    const button = this.acceptButton();
    await expect(button).toHaveText(t(this.locale, 'invite.accept'));
    await whenHydrated(button);
    await button.click();
    await expect(this.page).toHaveURL(new RegExp(`${escapeRegExp(workspacePath)}$`), { timeout: 20_000 });
  }
}

/**
 * Calls a tRPC mutation with the page's cookies, as the browser would (same origin), and returns
 * the raw response — for proving that the server refuses what the interface does not offer.
 */
export async function trpcMutation(page: Page, path: string, input: unknown): Promise<APIResponse> {
  return page.request.post(`${APP_URL}/api/trpc/${path}`, {
    data: input,
    headers: { 'content-type': 'application/json', origin: APP_URL, 'x-kanso-locale': 'en' },
  });
}

/** The tRPC error code and localised message of a refused call. */
export async function trpcError(response: APIResponse): Promise<{ status: number; code: string; message: string }> {
  const body = (await response.json()) as { error?: { message?: string; data?: { code?: string } } };
  return { status: response.status(), code: body.error?.data?.code ?? 'none', message: body.error?.message ?? '' };
}

/** A RegExp for a message with placeholders: each `{arg}` matches any text. */
export function messagePattern(key: string, locale: Locale = 'en'): RegExp {
  const text = t(locale, key);
  return new RegExp(`^${text.split(/\{\w+\}/).map(escapeRegExp).join('.+')}$`);
}
