/**
 * TEN-3 acceptance: an invite link with a domain allow-list refuses an address outside the domain
 * (on the page and at the server) and admits one inside it.
 */
import { randomBytes } from 'node:crypto';
import { expect, test } from '@playwright/test';
import { createFirstWorkspace, expectWorkspace, signUpVerified, workspaceName } from './support/flows';
import { InvitationsSettingsPage, InviteLandingPage, messagePattern, trpcError, trpcMutation } from './support/invitations';
import { en } from './support/messages';

const ALLOWED = 'allowed.test';
const address = (tag: string, domain: string) => `e2e-${tag}-${Date.now()}-${randomBytes(4).toString('hex')}@${domain}`;

test('an invite link limited to a domain refuses an address outside it and admits one inside', async ({ browser, page: admin }) => {
  test.setTimeout(180_000);

  const { email: adminEmail } = await signUpVerified(admin);
  const name = workspaceName('Links');
  const workspacePath = await createFirstWorkspace(admin, name);

  const settings = new InvitationsSettingsPage(admin, workspacePath);
  await settings.open();
  const url = await settings.createLink('member', ` @${ALLOWED.toUpperCase()} `);
  await expect(admin.getByTestId('invite-link-row').first()).toContainText(en('invitations.links.onlyDomains', { domains: ALLOWED }));

  // ── Someone at another domain opens the link signed out, creates an account from it …
  const outsiderContext = await browser.newContext();
  const outsider = await outsiderContext.newPage();
  await outsider.goto(url);
  await expect(outsider).toHaveURL(/\/en\/join\//);
  const outsiderLanding = new InviteLandingPage(outsider);
  await outsiderLanding.expectInvitation(name);
  await expect(outsider.getByText(en('invite.linkBody', { inviter: adminEmail, workspace: name, role: en('workspace.roles.member') }))).toBeVisible();
  await expect(outsider.getByText(en('invite.onlyDomains', { domains: ALLOWED }))).toBeVisible();
  const outsiderEmail = address('outsider', 'elsewhere.test');
  await outsiderLanding.signUpFromHere(outsiderEmail, { prefilled: false });

  // … and is refused: a clear page without an accept button …
  const refused = outsider.getByTestId('invite-domain-refused');
  await expect(refused).toContainText(en('invite.domainTitle'));
  await expect(refused).toContainText(en('invite.domainBody', { domains: ALLOWED, email: outsiderEmail, workspace: name }));
  await expect(outsiderLanding.acceptButton()).toHaveCount(0);
  // … and by the server, which decides regardless of the page.
  const token = new URL(url).pathname.split('/').at(-1)!;
  expect(await trpcError(await trpcMutation(outsider, 'invitation.acceptLink', { token }))).toEqual({
    status: 403,
    code: 'FORBIDDEN',
    message: en('errors.invitation.domainNotAllowed', { domains: ALLOWED }),
  });
  await outsider.goto(workspacePath);
  await expect(outsider.getByTestId('no-access')).toBeVisible();
  await outsiderContext.close();

  // ── An address at the allowed domain joins through the same link.
  const insiderContext = await browser.newContext();
  const insider = await insiderContext.newPage();
  await insider.goto(url);
  const insiderLanding = new InviteLandingPage(insider);
  await insiderLanding.expectInvitation(name);
  await insiderLanding.signUpFromHere(address('insider', ALLOWED), { prefilled: false });
  await insiderLanding.accept(workspacePath);
  await expectWorkspace(insider, name);
  await expect(insider.getByText(en('workspace.yourRole', { role: en('workspace.roles.member') }))).toBeVisible();
  await insiderContext.close();

  // The admin sees one use; revoking the link turns it off.
  await settings.open();
  const linkRow = admin.getByTestId('invite-link-row').first();
  await expect(linkRow).toContainText(en('invitations.links.uses', { count: 1 }));
  await linkRow.getByRole('button', { name: messagePattern('invitations.links.revokeLabel') }).click();
  await expect(admin.getByText(en('invitations.links.revoked'))).toBeVisible();
  const late = await browser.newPage();
  await late.goto(url);
  await expect(late.getByRole('heading', { name: en('invite.states.linkRevokedTitle') })).toBeVisible();
  await late.close();
});

/**
 * Regression (src/proxy.ts `config.matcher`): the matcher used to skip every path ending in
 * `.<letters and digits>` as a static file, so an invite link `/join/<uuid>.<43 base64url characters>`
 * whose signature had no '-' or '_' (about 1 in 4) got no locale redirect and a 404. Deterministic:
 * two well-formed links that differ only in that respect.
 */
test('a join link is routed to the localised join page whatever characters its signature has', async ({ request }) => {
  const id = '00000000-0000-4000-8000-000000000000';
  for (const signature of ['abc-def_ghi'.padEnd(43, 'x'), 'A'.repeat(43)]) {
    const response = await request.get(`/join/${id}.${signature}`, { maxRedirects: 0 });
    expect([301, 302, 303, 307, 308], `redirect status for /join/<id>.${signature}`).toContain(response.status());
    expect(response.headers().location ?? '', `/join/<id>.${signature}`).toMatch(new RegExp(`/en/join/${id}\\.${signature}$`));
  }
});
