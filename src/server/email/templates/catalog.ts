/**
 * Every mail Kanso sends, as data (JOBS-4): a kind, the props it is rendered from, and how those
 * props become the one notice shape (./notice.tsx) — subject, heading, paragraphs, an optional
 * button, notes and a footer, every string from the `email` messages in the recipient's locale.
 *
 * Props are JSON (they are stored in `mail_messages.data` and rendered by the worker): dates travel
 * as ISO strings. To add a mail: a kind here with its props and content, its strings under
 * `email.<kind>` in every messages file, then `queueMail(tx, { kind, to, data })` (docs/email.md).
 */
import { translator } from '@/i18n/messages';
import type { Role } from '@/lib/permissions';

type Translate = ReturnType<typeof translator>;

/** A paragraph, optionally ending with a link ("Forgot your password? Reset it here."). */
export type NoticeParagraph = string | { text: string; link: { label: string; url: string } };

/** The one shape every mail has (./notice.tsx renders it). */
export interface NoticeContent {
  lang: string;
  appName: string;
  subject: string;
  preview: string;
  heading: string;
  paragraphs: NoticeParagraph[];
  action?: { label: string; url: string };
  /** "If the button does not work, copy this link:", shown with the action's URL. */
  linkFallback?: string;
  notes?: string[];
  footer: string;
}

type Stamp = Date | string;

export interface MailData {
  verify_email: { locale: string; url: string; hours: number };
  reset_password: { locale: string; url: string; minutes: number };
  magic_link: { locale: string; url: string; minutes: number };
  password_changed: { locale: string; email: string; changedAt: Stamp; resetUrl: string };
  sign_up_attempt: { locale: string; email: string; signInUrl: string; resetUrl: string };
  role_changed: { locale: string; workspaceName: string; actorName: string; role: Role; url: string };
  member_removed: { locale: string; workspaceName: string; actorName: string; url: string };
  invitation: { locale: string; workspaceName: string; inviterName: string; role: Role; url: string; days: number };
  account_locked: { locale: string; email: string; minutes: number; lockedUntil: Stamp; unlockUrl: string; linkMinutes: number };
}

export type MailKind = keyof MailData;

/** What every notice shares: the frame's strings in the locale. */
function frame(t: Translate, locale: string) {
  const appName = t('common.appName');
  return { lang: locale, appName, linkFallback: t('email.linkFallback'), footer: t('email.footer', { appName }) };
}

const utcDate = (locale: string, at: Stamp) =>
  new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeStyle: 'short', timeZone: 'UTC' }).format(new Date(at));

type Compose<K extends MailKind> = (t: Translate, data: MailData[K]) => NoticeContent;

export const MAIL_CATALOG: { [K in MailKind]: Compose<K> } = {
  verify_email: (t, { locale, url, hours }) => {
    const base = frame(t, locale);
    const { appName } = base;
    return {
      ...base,
      subject: t('email.verify.subject', { appName }),
      preview: t('email.verify.preview', { appName }),
      heading: t('email.verify.heading'),
      paragraphs: [t('email.verify.body', { appName })],
      action: { label: t('email.verify.button'), url },
      notes: [t('email.verify.expiry', { hours }), t('email.verify.ignore')],
    };
  },
  reset_password: (t, { locale, url, minutes }) => {
    const base = frame(t, locale);
    const { appName } = base;
    return {
      ...base,
      subject: t('email.reset.subject', { appName }),
      preview: t('email.reset.preview', { appName }),
      heading: t('email.reset.heading'),
      paragraphs: [t('email.reset.body', { appName })],
      action: { label: t('email.reset.button'), url },
      notes: [t('email.reset.expiry', { minutes }), t('email.reset.ignore')],
    };
  },
  magic_link: (t, { locale, url, minutes }) => {
    const base = frame(t, locale);
    const { appName } = base;
    return {
      ...base,
      subject: t('email.magicLink.subject', { appName }),
      preview: t('email.magicLink.preview', { appName }),
      heading: t('email.magicLink.heading', { appName }),
      paragraphs: [t('email.magicLink.body', { appName })],
      action: { label: t('email.magicLink.button'), url },
      notes: [t('email.magicLink.expiry', { minutes }), t('email.magicLink.ignore')],
    };
  },
  password_changed: (t, { locale, email, changedAt, resetUrl }) => {
    const base = frame(t, locale);
    const { appName } = base;
    return {
      ...base,
      subject: t('email.passwordChanged.subject', { appName }),
      preview: t('email.passwordChanged.preview', { appName }),
      heading: t('email.passwordChanged.heading'),
      paragraphs: [t('email.passwordChanged.body', { appName, email, date: utcDate(locale, changedAt) }), t('email.passwordChanged.notYou')],
      action: { label: t('email.passwordChanged.button'), url: resetUrl },
    };
  },
  sign_up_attempt: (t, { locale, email, signInUrl, resetUrl }) => {
    const base = frame(t, locale);
    const { appName } = base;
    return {
      ...base,
      subject: t('email.signUpAttempt.subject', { appName }),
      preview: t('email.signUpAttempt.preview', { appName }),
      heading: t('email.signUpAttempt.heading'),
      paragraphs: [
        t('email.signUpAttempt.body', { appName, email }),
        t('email.signUpAttempt.whatNow'),
        { text: t('email.signUpAttempt.forgot'), link: { label: t('email.signUpAttempt.reset'), url: resetUrl } },
      ],
      action: { label: t('email.signUpAttempt.signIn'), url: signInUrl },
      notes: [t('email.signUpAttempt.ignore')],
    };
  },
  role_changed: (t, { locale, workspaceName, actorName, role, url }) => {
    const base = frame(t, locale);
    const { appName } = base;
    const roleName = t(`workspace.roles.${role}`);
    return {
      ...base,
      subject: t('email.roleChanged.subject', { workspace: workspaceName }),
      preview: t('email.roleChanged.preview', { role: roleName, workspace: workspaceName, appName }),
      heading: t('email.roleChanged.heading', { workspace: workspaceName }),
      paragraphs: [t('email.roleChanged.body', { actor: actorName, workspace: workspaceName, appName, role: roleName }), t('email.roleChanged.note')],
      action: { label: t('email.roleChanged.button', { workspace: workspaceName }), url },
    };
  },
  member_removed: (t, { locale, workspaceName, actorName, url }) => {
    const base = frame(t, locale);
    const { appName } = base;
    return {
      ...base,
      subject: t('email.memberRemoved.subject', { workspace: workspaceName }),
      preview: t('email.memberRemoved.preview', { workspace: workspaceName, appName }),
      heading: t('email.memberRemoved.heading', { workspace: workspaceName }),
      paragraphs: [t('email.memberRemoved.body', { actor: actorName, workspace: workspaceName, appName })],
      action: { label: t('email.memberRemoved.button'), url },
      notes: [t('email.memberRemoved.note')],
    };
  },
  invitation: (t, { locale, workspaceName, inviterName, role, url, days }) => {
    const base = frame(t, locale);
    const { appName } = base;
    return {
      ...base,
      subject: t('email.invitation.subject', { inviter: inviterName, workspace: workspaceName, appName }),
      preview: t('email.invitation.preview', { inviter: inviterName, workspace: workspaceName }),
      heading: t('email.invitation.heading', { workspace: workspaceName }),
      paragraphs: [
        t('email.invitation.body', { inviter: inviterName, workspace: workspaceName, appName, role: t(`workspace.roles.${role}`) }),
        t('email.invitation.howTo'),
      ],
      action: { label: t('email.invitation.button'), url },
      notes: [t('email.invitation.expiry', { days }), t('email.invitation.ignore')],
      footer: t('email.invitation.footer', { appName, inviter: inviterName }),
    };
  },
  account_locked: (t, { locale, email, minutes, lockedUntil, unlockUrl, linkMinutes }) => {
    const base = frame(t, locale);
    const { appName } = base;
    return {
      ...base,
      subject: t('email.accountLocked.subject', { appName }),
      preview: t('email.accountLocked.preview', { appName }),
      heading: t('email.accountLocked.heading'),
      paragraphs: [
        t('email.accountLocked.body', { appName, email, minutes, date: utcDate(locale, lockedUntil) }),
        t('email.accountLocked.unlock', { minutes2: linkMinutes }),
        t('email.accountLocked.notYou'),
      ],
      action: { label: t('email.accountLocked.button'), url: unlockUrl },
    };
  },
};

/** The notice of one mail, in its locale. */
export function composeMail<K extends MailKind>(kind: K, data: MailData[K]): NoticeContent {
  const compose = MAIL_CATALOG[kind] as Compose<K> | undefined;
  if (!compose) throw new Error(`unknown mail kind: ${String(kind)}`);
  return compose(translator(data.locale), data);
}

export function isMailKind(kind: string): kind is MailKind {
  return Object.hasOwn(MAIL_CATALOG, kind);
}
