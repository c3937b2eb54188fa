/** Notice when failed sign-ins locked the account (AUTH-4), with a one-time link to unlock it now. */
import { translator } from '@/i18n/messages';
import { EmailLayout } from './layout';

export interface AccountLockedProps {
  locale: string;
  email: string;
  /** The lock's length and end. */
  minutes: number;
  lockedUntil: Date;
  unlockUrl: string;
  /** How long the unlock link works. */
  linkMinutes: number;
}

export function accountLockedSubject({ locale }: Pick<AccountLockedProps, 'locale'>): string {
  return translator(locale)('email.accountLocked.subject', { appName: translator(locale)('common.appName') });
}

export function AccountLocked({ locale, email, minutes, lockedUntil, unlockUrl, linkMinutes }: AccountLockedProps) {
  const t = translator(locale);
  const appName = t('common.appName');
  const date = new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeStyle: 'short', timeZone: 'UTC' }).format(lockedUntil);
  return (
    <EmailLayout
      lang={locale}
      appName={appName}
      preview={t('email.accountLocked.preview', { appName })}
      heading={t('email.accountLocked.heading')}
      paragraphs={[
        t('email.accountLocked.body', { appName, email, minutes, date }),
        t('email.accountLocked.unlock', { minutes2: linkMinutes }),
        t('email.accountLocked.notYou'),
      ]}
      action={{ label: t('email.accountLocked.button'), url: unlockUrl }}
      linkFallback={t('email.linkFallback')}
      footer={t('email.footer', { appName })}
    />
  );
}
