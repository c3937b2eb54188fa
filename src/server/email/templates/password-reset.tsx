/** "Reset your password" — sent by "forgot password" (only when the account exists). */
import { translator } from '@/i18n/messages';
import { EmailLayout } from './layout';

export interface PasswordResetProps {
  locale: string;
  url: string;
  minutes: number;
}

export function passwordResetSubject({ locale }: Pick<PasswordResetProps, 'locale'>): string {
  return translator(locale)('email.reset.subject', { appName: translator(locale)('common.appName') });
}

export function PasswordReset({ locale, url, minutes }: PasswordResetProps) {
  const t = translator(locale);
  const appName = t('common.appName');
  return (
    <EmailLayout
      lang={locale}
      appName={appName}
      preview={t('email.reset.preview', { appName })}
      heading={t('email.reset.heading')}
      paragraphs={[t('email.reset.body', { appName })]}
      action={{ label: t('email.reset.button'), url }}
      linkFallback={t('email.linkFallback')}
      notes={[t('email.reset.expiry', { minutes }), t('email.reset.ignore')]}
      footer={t('email.footer', { appName })}
    />
  );
}
