/** Notice after a password change or reset, with a way out if it was not the owner. */
import { translator } from '@/i18n/messages';
import { EmailLayout } from './layout';

export interface PasswordChangedProps {
  locale: string;
  email: string;
  changedAt: Date;
  resetUrl: string;
}

export function passwordChangedSubject({ locale }: Pick<PasswordChangedProps, 'locale'>): string {
  return translator(locale)('email.passwordChanged.subject', { appName: translator(locale)('common.appName') });
}

export function PasswordChanged({ locale, email, changedAt, resetUrl }: PasswordChangedProps) {
  const t = translator(locale);
  const appName = t('common.appName');
  const date = new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeStyle: 'short', timeZone: 'UTC' }).format(changedAt);
  return (
    <EmailLayout
      lang={locale}
      appName={appName}
      preview={t('email.passwordChanged.preview', { appName })}
      heading={t('email.passwordChanged.heading')}
      paragraphs={[t('email.passwordChanged.body', { appName, email, date }), t('email.passwordChanged.notYou')]}
      action={{ label: t('email.passwordChanged.button'), url: resetUrl }}
      linkFallback={t('email.linkFallback')}
      footer={t('email.footer', { appName })}
    />
  );
}
