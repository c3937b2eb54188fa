/**
 * Mails about membership changes (TEN-2), in the recipient's saved language. Sent after the change
 * committed (`ctx.afterCommit`), never for a rolled-back one.
 */
import 'server-only';
import { isLocale, routing } from '@/i18n/routing';
import { appUrl } from '@/server/auth/account-service';
import { sendMail } from '@/server/email/mailer';
import { emails } from '@/server/email/templates';
import type { MemberNotice } from './member-service';

export async function sendMemberNotice(notice: MemberNotice): Promise<void> {
  const locale = isLocale(notice.to.locale) ? notice.to.locale : routing.defaultLocale;
  const mail =
    notice.kind === 'role_changed'
      ? await emails.roleChanged({
          locale,
          workspaceName: notice.workspace.name,
          actorName: notice.actorName,
          role: notice.role,
          url: appUrl(`/${locale}/w/${notice.workspace.slug}`),
        })
      : await emails.memberRemoved({
          locale,
          workspaceName: notice.workspace.name,
          actorName: notice.actorName,
          url: appUrl(`/${locale}/w`),
        });
  await sendMail({ to: notice.to.email, ...mail });
}
