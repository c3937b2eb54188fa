/**
 * Renders a localised mail (HTML + plain text) ready for `sendMail`. Loaded on the first mail sent
 * (./index.ts): React Email and its components take ≈ 0.3 s to load, which every web start paid.
 */
import { render } from '@react-email/render';
import { createElement, type ReactElement } from 'react';
import { AccountLocked, accountLockedSubject, type AccountLockedProps } from './account-locked';
import { Invitation, invitationSubject, type InvitationProps } from './invitation';
import { MagicLink, magicLinkSubject, type MagicLinkProps } from './magic-link';
import { MemberRemoved, memberRemovedSubject, type MemberRemovedProps } from './member-removed';
import { PasswordChanged, passwordChangedSubject, type PasswordChangedProps } from './password-changed';
import { PasswordReset, passwordResetSubject, type PasswordResetProps } from './password-reset';
import { RoleChanged, roleChangedSubject, type RoleChangedProps } from './role-changed';
import { SignUpAttempt, signUpAttemptSubject, type SignUpAttemptProps } from './sign-up-attempt';
import { VerifyEmail, verifyEmailSubject, type VerifyEmailProps } from './verify-email';

export interface RenderedMail {
  subject: string;
  html: string;
  text: string;
}

async function renderMail(subject: string, element: ReactElement): Promise<RenderedMail> {
  const [html, text] = await Promise.all([render(element), render(element, { plainText: true })]);
  return { subject, html, text };
}

export const renderers = {
  verifyEmail: (props: VerifyEmailProps) => renderMail(verifyEmailSubject(props), createElement(VerifyEmail, props)),
  passwordReset: (props: PasswordResetProps) => renderMail(passwordResetSubject(props), createElement(PasswordReset, props)),
  magicLink: (props: MagicLinkProps) => renderMail(magicLinkSubject(props), createElement(MagicLink, props)),
  passwordChanged: (props: PasswordChangedProps) => renderMail(passwordChangedSubject(props), createElement(PasswordChanged, props)),
  signUpAttempt: (props: SignUpAttemptProps) => renderMail(signUpAttemptSubject(props), createElement(SignUpAttempt, props)),
  roleChanged: (props: RoleChangedProps) => renderMail(roleChangedSubject(props), createElement(RoleChanged, props)),
  memberRemoved: (props: MemberRemovedProps) => renderMail(memberRemovedSubject(props), createElement(MemberRemoved, props)),
  invitation: (props: InvitationProps) => renderMail(invitationSubject(props), createElement(Invitation, props)),
  accountLocked: (props: AccountLockedProps) => renderMail(accountLockedSubject(props), createElement(AccountLocked, props)),
};
