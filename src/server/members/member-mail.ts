/**
 * Mails about membership changes (TEN-2), in the recipient's saved language. Queued in the
 * transaction of the change (src/server/email/mail-queue.ts): sent once it commits, never for a
 * rolled-back one.
 */
import 'server-only';
import { isLocale, routing } from '@/i18n/routing';
import { appUrl } from '@/server/auth/account-service';
import type { DbOrTx } from '@/server/db/client';
import { queueMail } from '@/server/email/mail-queue';
import type { MemberNotice } from './member-service';

export async function queueMemberNotice(tx: DbOrTx, notice: MemberNotice): Promise<void> {
  const locale = isLocale(notice.to.locale) ? notice.to.locale : routing.defaultLocale;
  if (notice.kind === 'role_changed') {
    await queueMail(tx, {
      kind: 'role_changed',
      to: notice.to.email,
      data: { locale, workspaceName: notice.workspace.name, actorName: notice.actorName, role: notice.role, url: appUrl(`/${locale}/w/${notice.workspace.slug}`) },
    });
  } else {
    await queueMail(tx, {
      kind: 'member_removed',
      to: notice.to.email,
      data: { locale, workspaceName: notice.workspace.name, actorName: notice.actorName, url: appUrl(`/${locale}/w`) },
    });
  }
}
