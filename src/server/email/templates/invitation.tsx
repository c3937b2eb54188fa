/**
 * "Ann invited you to Acme" — sent when an admin invites an address (TEN-3), and again on resend.
 * In the invitee's saved language when they have an account, else the inviter's.
 */
import { translator } from '@/i18n/messages';
import type { Role } from '@/lib/permissions';
import { EmailLayout } from './layout';

export interface InvitationProps {
  locale: string;
  workspaceName: string;
  inviterName: string;
  role: Role;
  url: string;
  days: number;
}

export function invitationSubject({ locale, workspaceName, inviterName }: Pick<InvitationProps, 'locale' | 'workspaceName' | 'inviterName'>): string {
  const t = translator(locale);
  return t('email.invitation.subject', { inviter: inviterName, workspace: workspaceName, appName: t('common.appName') });
}

export function Invitation({ locale, workspaceName, inviterName, role, url, days }: InvitationProps) {
  const t = translator(locale);
  const appName = t('common.appName');
  return (
    <EmailLayout
      lang={locale}
      appName={appName}
      preview={t('email.invitation.preview', { inviter: inviterName, workspace: workspaceName })}
      heading={t('email.invitation.heading', { workspace: workspaceName })}
      paragraphs={[
        t('email.invitation.body', { inviter: inviterName, workspace: workspaceName, appName, role: t(`workspace.roles.${role}`) }),
        t('email.invitation.howTo'),
      ]}
      action={{ label: t('email.invitation.button'), url }}
      linkFallback={t('email.linkFallback')}
      notes={[t('email.invitation.expiry', { days }), t('email.invitation.ignore')]}
      footer={t('email.invitation.footer', { appName, inviter: inviterName })}
    />
  );
}
