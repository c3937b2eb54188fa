/** "Confirm your email address" — sent on sign-up and on "send a new link". */
import { translator } from '@/i18n/messages';
import { EmailLayout } from './layout';

export interface VerifyEmailProps {
  locale: string;
  url: string;
  hours: number;
}

export function verifyEmailSubject({ locale }: Pick<VerifyEmailProps, 'locale'>): string {
  return translator(locale)('email.verify.subject', { appName: translator(locale)('common.appName') });
}

export function VerifyEmail({ locale, url, hours }: VerifyEmailProps) {
  const t = translator(locale);
  const appName = t('common.appName');
  return (
    <EmailLayout
      lang={locale}
      appName={appName}
      preview={t('email.verify.preview', { appName })}
      heading={t('email.verify.heading')}
      paragraphs={[t('email.verify.body', { appName })]}
      action={{ label: t('email.verify.button'), url }}
      linkFallback={t('email.linkFallback')}
      notes={[t('email.verify.expiry', { hours }), t('email.verify.ignore')]}
      footer={t('email.footer', { appName })}
    />
  );
}
