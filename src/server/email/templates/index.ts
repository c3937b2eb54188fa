/** Renders a localised mail (HTML + plain text) ready for `sendMail`. */
import { render } from '@react-email/render';
import { createElement, type ReactElement } from 'react';
import { MagicLink, magicLinkSubject, type MagicLinkProps } from './magic-link';
import { PasswordChanged, passwordChangedSubject, type PasswordChangedProps } from './password-changed';
import { PasswordReset, passwordResetSubject, type PasswordResetProps } from './password-reset';
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

export const emails = {
  verifyEmail: (props: VerifyEmailProps) => renderMail(verifyEmailSubject(props), createElement(VerifyEmail, props)),
  passwordReset: (props: PasswordResetProps) => renderMail(passwordResetSubject(props), createElement(PasswordReset, props)),
  magicLink: (props: MagicLinkProps) => renderMail(magicLinkSubject(props), createElement(MagicLink, props)),
  passwordChanged: (props: PasswordChangedProps) => renderMail(passwordChangedSubject(props), createElement(PasswordChanged, props)),
  signUpAttempt: (props: SignUpAttemptProps) => renderMail(signUpAttemptSubject(props), createElement(SignUpAttempt, props)),
};
