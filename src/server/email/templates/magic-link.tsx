/** "Your sign-in link" — Auth.js email provider (magic link). */
import { translator } from '@/i18n/messages';
import { EmailLayout } from './layout';

export interface MagicLinkProps {
  locale: string;
  url: string;
  minutes: number;
}

export function magicLinkSubject({ locale }: Pick<MagicLinkProps, 'locale'>): string {
  return translator(locale)('email.magicLink.subject', { appName: translator(locale)('common.appName') });
}

export function MagicLink({ locale, url, minutes }: MagicLinkProps) {
  const t = translator(locale);
  const appName = t('common.appName');
  return (
    <EmailLayout
      lang={locale}
      appName={appName}
      preview={t('email.magicLink.preview', { appName })}
      heading={t('email.magicLink.heading', { appName })}
      paragraphs={[t('email.magicLink.body', { appName })]}
      action={{ label: t('email.magicLink.button'), url }}
      linkFallback={t('email.linkFallback')}
      notes={[t('email.magicLink.expiry', { minutes }), t('email.magicLink.ignore')]}
      footer={t('email.footer', { appName })}
    />
  );
}
