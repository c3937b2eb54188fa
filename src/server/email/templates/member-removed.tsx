/** "You were removed from Acme" — sent to a member someone else removed (TEN-2). */
import { translator } from '@/i18n/messages';
import { EmailLayout } from './layout';

export interface MemberRemovedProps {
  locale: string;
  workspaceName: string;
  /** Who removed them (name, else email). */
  actorName: string;
  url: string;
}

export function memberRemovedSubject({ locale, workspaceName }: Pick<MemberRemovedProps, 'locale' | 'workspaceName'>): string {
  return translator(locale)('email.memberRemoved.subject', { workspace: workspaceName });
}

export function MemberRemoved({ locale, workspaceName, actorName, url }: MemberRemovedProps) {
  const t = translator(locale);
  const appName = t('common.appName');
  return (
    <EmailLayout
      lang={locale}
      appName={appName}
      preview={t('email.memberRemoved.preview', { workspace: workspaceName, appName })}
      heading={t('email.memberRemoved.heading', { workspace: workspaceName })}
      paragraphs={[t('email.memberRemoved.body', { actor: actorName, workspace: workspaceName, appName })]}
      action={{ label: t('email.memberRemoved.button'), url }}
      linkFallback={t('email.linkFallback')}
      notes={[t('email.memberRemoved.note')]}
      footer={t('email.footer', { appName })}
    />
  );
}
