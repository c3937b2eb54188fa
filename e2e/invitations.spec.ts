/**
 * TEN-3 acceptance: an admin invites a new person by email → the invitee signs up from the mailbox
 * link and lands in the workspace → appears in Members → is made a viewer → cannot create or edit
 * (the controls are hidden AND the server refuses) → is removed → the next navigation shows
 * "no access", not data.
 */
import { expect, test } from '@playwright/test';
import { createFirstWorkspace, expectWorkspace, signUpVerified, uniqueEmail, whenHydrated, workspaceName } from './support/flows';
import { InvitationsSettingsPage, InviteLandingPage, invitationSubject, messagePattern, trpcError, trpcMutation } from './support/invitations';
import { lastMailId, linkMatching, waitForMail } from './support/mailbox';
import { en } from './support/messages';

test('an invited person signs up from the mail, joins, is made a viewer, is read-only, is removed and loses access', async ({ browser, page: admin }) => {
  test.setTimeout(180_000);

  // ── The admin (an owner) creates a workspace and invites a new address as a member.
  const { email: adminEmail } = await signUpVerified(admin);
  const name = workspaceName('Invite');
  const workspacePath = await createFirstWorkspace(admin, name);
  const slug = workspacePath.split('/').at(-1)!;
  const inviteeEmail = uniqueEmail('invitee');

  const settings = new InvitationsSettingsPage(admin, workspacePath);
  await settings.open();
  const before = await lastMailId(inviteeEmail);
  await settings.invite(inviteeEmail, 'member');

  // ── The invitee, in a browser of their own, opens the link from the mail.
  // An account without a name is shown by its address (inviter name = the admin's email).
  const mail = await waitForMail(inviteeEmail, { after: before, subject: invitationSubject(adminEmail, name) });
  const inviteLink = linkMatching(mail, /^\/en\/invite\/[0-9a-f-]{36}\.[A-Za-z0-9_-]{43}$/);
  const inviteeContext = await browser.newContext();
  const invitee = await inviteeContext.newPage();
  await invitee.goto(inviteLink);
  const landing = new InviteLandingPage(invitee);
  await landing.expectInvitation(name);
  await expect(invitee.getByText(en('invite.forEmail', { email: inviteeEmail }))).toBeVisible();
  await expect(invitee.getByRole('link', { name: en('invite.signIn') })).toBeVisible();

  // Brand-new account: sign-up (address prefilled) → confirmation mail → back to the invitation → accept.
  await landing.signUpFromHere(inviteeEmail, { prefilled: true });
  await landing.expectInvitation(name);
  await landing.accept(workspacePath);
  await expectWorkspace(invitee, name);
  await expect(invitee.getByText(en('workspace.yourRole', { role: en('workspace.roles.member') }))).toBeVisible();

  // The invitation is no longer pending; the link is used up.
  await settings.open();
  await expect(admin.getByTestId('invitation-row').filter({ hasText: inviteeEmail })).toHaveCount(0);

  // ── The admin sees the new member in Members and makes them a viewer.
  await admin.goto(`${workspacePath}/settings/members`);
  await expect(admin.getByRole('heading', { level: 1, name: en('members.title') })).toBeVisible();
  const row = admin.getByTestId('member-row').filter({ hasText: inviteeEmail });
  await expect(row).toBeVisible();
  await expect(row).toContainText(en('workspace.roles.member'));
  const roleSelect = row.getByLabel(en('members.roleLabel', { name: inviteeEmail }), { exact: true });
  await whenHydrated(roleSelect);
  await roleSelect.selectOption('viewer');
  await row.getByRole('button', { name: en('members.applyRoleLabel', { name: inviteeEmail }) }).click();
  await expect(admin.getByText(en('members.roleChanged', { name: inviteeEmail, role: en('workspace.roles.viewer') }))).toBeVisible();

  // ── The viewer: read-only everywhere, in the interface …
  await invitee.goto(workspacePath);
  await expect(invitee.getByText(en('workspace.yourRole', { role: en('workspace.roles.viewer') }))).toBeVisible();
  await invitee.goto(`${workspacePath}/settings/members`);
  await expect(invitee.getByTestId('members-table')).toBeVisible();
  await expect(invitee.getByText(en('members.readOnly'))).toBeVisible();
  await expect(invitee.getByTestId('member-role-select')).toHaveCount(0);
  await expect(invitee.getByRole('button', { name: messagePattern('members.removeLabel') })).toHaveCount(0);
  // The settings tabs offer neither Invitations nor the Audit log.
  await expect(invitee.getByRole('link', { name: en('settingsNav.invitations'), exact: true })).toHaveCount(0);
  await invitee.goto(`${workspacePath}/settings/invitations`);
  await expect(invitee.getByTestId('invitations-no-permission')).toHaveText(en('invitations.noPermission'));
  await expect(invitee.getByTestId('invite-form')).toHaveCount(0);
  await invitee.goto(`${workspacePath}/settings`);
  await expect(invitee.getByText(en('workspace.settings.noPermission'))).toBeVisible();
  await expect(invitee.getByRole('button', { name: en('workspace.settings.deleteButton') })).toHaveCount(0);

  // … and at the server, whatever the interface shows.
  const refusals = await Promise.all([
    trpcMutation(invitee, 'workspace.rename', { workspaceSlug: slug, name: 'Taken over' }),
    trpcMutation(invitee, 'invitation.create', { workspaceSlug: slug, email: uniqueEmail('sneaky'), role: 'viewer' }),
    trpcMutation(invitee, 'invitation.createLink', { workspaceSlug: slug, role: 'viewer', allowedDomains: [] }),
  ]);
  for (const response of refusals) {
    expect(await trpcError(response)).toEqual({ status: 403, code: 'FORBIDDEN', message: en('errors.generic.forbidden') });
  }
  await invitee.goto(workspacePath);
  await expectWorkspace(invitee, name);

  // ── The admin removes the viewer.
  await admin.goto(`${workspacePath}/settings/members`);
  const viewerRow = admin.getByTestId('member-row').filter({ hasText: inviteeEmail });
  const removeButton = viewerRow.getByRole('button', { name: en('members.removeLabel', { name: inviteeEmail }) });
  await whenHydrated(removeButton);
  await removeButton.click();
  await expect(viewerRow.getByText(en('members.removeConfirm', { name: inviteeEmail, workspace: name }))).toBeVisible();
  await viewerRow.getByRole('button', { name: en('members.removeConfirmButton') }).click();
  await expect(admin.getByText(en('members.removed', { name: inviteeEmail }))).toBeVisible();
  await expect(admin.getByTestId('member-row').filter({ hasText: inviteeEmail })).toHaveCount(0);

  // ── The removed person's very next navigation: "no access", no data.
  await invitee.goto(workspacePath);
  await expect(invitee.getByTestId('no-access')).toBeVisible();
  await expect(invitee.getByRole('heading', { name: en('workspace.noAccessTitle') })).toBeVisible();
  await expect(invitee.getByTestId('workspace-title')).toHaveCount(0);
  await expect(invitee.getByText(name)).toHaveCount(0);
  // The used invitation does not bring them back.
  await invitee.goto(inviteLink);
  await expect(invitee.getByTestId('invite-state')).toHaveAttribute('data-state', 'used');
  await expect(invitee.getByRole('heading', { name: en('invite.states.usedTitle') })).toBeVisible();
  const again = await trpcError(await trpcMutation(invitee, 'invitation.accept', { token: inviteLink.split('/').at(-1) }));
  expect(again).toMatchObject({ status: 409, code: 'CONFLICT', message: en('errors.invitation.used') });

  await inviteeContext.close();
});
