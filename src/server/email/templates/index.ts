/**
 * The mails Kanso sends (./catalog.ts), each rendered in the recipient's locale (HTML + plain
 * text). The renderer (./render-mail.ts, React Email) loads on the first mail, not when a process
 * starts — in practice in the worker, which renders queued mails (src/server/email/mail-queue.ts).
 */
import type { MailData, MailKind } from './catalog';
import type { RenderedMail } from './render-mail';

export type { MailData, MailKind } from './catalog';
export type { RenderedMail } from './render-mail';

let loading: Promise<typeof import('./render-mail')> | undefined;

/** Renders the mail `kind` from its data. */
export async function renderMail<K extends MailKind>(kind: K, data: MailData[K]): Promise<RenderedMail> {
  const renderer = await (loading ??= import('./render-mail'));
  return renderer.renderMail(kind, data);
}

/** One renderer per mail, by the props each takes (tests and previews). */
export const emails = {
  verifyEmail: (data: MailData['verify_email']) => renderMail('verify_email', data),
  passwordReset: (data: MailData['reset_password']) => renderMail('reset_password', data),
  magicLink: (data: MailData['magic_link']) => renderMail('magic_link', data),
  passwordChanged: (data: MailData['password_changed']) => renderMail('password_changed', data),
  signUpAttempt: (data: MailData['sign_up_attempt']) => renderMail('sign_up_attempt', data),
  roleChanged: (data: MailData['role_changed']) => renderMail('role_changed', data),
  memberRemoved: (data: MailData['member_removed']) => renderMail('member_removed', data),
  invitation: (data: MailData['invitation']) => renderMail('invitation', data),
  accountLocked: (data: MailData['account_locked']) => renderMail('account_locked', data),
};
