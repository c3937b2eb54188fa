/** "Your role in Acme changed to Viewer" — sent to a member whose role someone else changed (TEN-2). */
import { translator } from '@/i18n/messages';
import type { Role } from '@/lib/permissions';
import { EmailLayout } from './layout';

export interface RoleChangedProps {
  locale: string;
  workspaceName: string;
  /** Who changed it (name, else email). */
  actorName: string;
  role: Role;
  url: string;
}

export function roleChangedSubject({ locale, workspaceName }: Pick<RoleChangedProps, 'locale' | 'workspaceName'>): string {
  return translator(locale)('email.roleChanged.subject', { workspace: workspaceName });
}

export function RoleChanged({ locale, workspaceName, actorName, role, url }: RoleChangedProps) {
  const t = translator(locale);
  const appName = t('common.appName');
  const roleName = t(`workspace.roles.${role}`);
  return (
    <EmailLayout
      lang={locale}
      appName={appName}
      preview={t('email.roleChanged.preview', { role: roleName, workspace: workspaceName, appName })}
      heading={t('email.roleChanged.heading', { workspace: workspaceName })}
      paragraphs={[t('email.roleChanged.body', { actor: actorName, workspace: workspaceName, appName, role: roleName }), t('email.roleChanged.note')]}
      action={{ label: t('email.roleChanged.button', { workspace: workspaceName }), url }}
      linkFallback={t('email.linkFallback')}
      footer={t('email.footer', { appName })}
    />
  );
}
