/**
 * Sent to the owner of an existing account when someone signs up with their address. The sign-up
 * response is the same as for a new address (no enumeration); only the mailbox owner learns it.
 */
import { Link, Text } from '@react-email/components';
import { translator } from '@/i18n/messages';
import { EmailLayout } from './layout';

export interface SignUpAttemptProps {
  locale: string;
  email: string;
  signInUrl: string;
  resetUrl: string;
}

export function signUpAttemptSubject({ locale }: Pick<SignUpAttemptProps, 'locale'>): string {
  return translator(locale)('email.signUpAttempt.subject', { appName: translator(locale)('common.appName') });
}

export function SignUpAttempt({ locale, email, signInUrl, resetUrl }: SignUpAttemptProps) {
  const t = translator(locale);
  const appName = t('common.appName');
  return (
    <EmailLayout
      lang={locale}
      appName={appName}
      preview={t('email.signUpAttempt.preview', { appName })}
      heading={t('email.signUpAttempt.heading')}
      paragraphs={[t('email.signUpAttempt.body', { appName, email }), t('email.signUpAttempt.whatNow')]}
      action={{ label: t('email.signUpAttempt.signIn'), url: signInUrl }}
      linkFallback={t('email.linkFallback')}
      notes={[t('email.signUpAttempt.ignore')]}
      footer={t('email.footer', { appName })}
    >
      <Text style={{ fontSize: '15px', lineHeight: '24px', margin: '0 0 16px' }}>
        {t('email.signUpAttempt.forgot')}{' '}
        <Link href={resetUrl} style={{ color: '#2563eb' }}>
          {t('email.signUpAttempt.reset')}
        </Link>
      </Text>
    </EmailLayout>
  );
}
