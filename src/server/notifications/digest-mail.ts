/**
 * The notification digest mail (COLLAB-7), HTML + plain text, in the recipient's language. One
 * isolated function on purpose: the email templates (src/server/email/templates) are being reworked;
 * this one moves there as a React Email component by keeping its inputs (`DigestMailInput`).
 */
import { createTranslator } from 'use-intl/core';
import type { NotificationKind } from '@/server/db/schema';
import de from '../../../messages/de.json';
import en from '../../../messages/en.json';

/**
 * The worker renders this mail: it runs under the `react-server` condition, where next-intl's
 * React entry (what `@/i18n/messages` imports) does not load — so use-intl's core translator here.
 */
const MESSAGES = { en, de } as const;
function translator(locale: string) {
  const safe = locale === 'de' ? 'de' : 'en';
  return createTranslator({ locale: safe, messages: MESSAGES[safe] as typeof en });
}

export interface DigestItem {
  kind: NotificationKind;
  /** Who did it (name, else email); null when the account is gone. */
  actorName: string | null;
  taskTitle: string;
  workspaceName: string;
  url: string;
  createdAt: Date;
}

export interface DigestMailInput {
  locale: string;
  recipientName: string | null;
  items: DigestItem[];
  /** Unread notifications beyond the listed ones. */
  more: number;
  inboxUrl: string;
  settingsUrl: string;
}

const escapeHtml = (value: string) =>
  value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);

export function renderDigestMail(input: DigestMailInput): { subject: string; html: string; text: string } {
  const t = translator(input.locale);
  const appName = t('common.appName');
  const count = input.items.length + input.more;
  const subject = t('email.notificationDigest.subject', { count, appName });
  const heading = t('email.notificationDigest.heading', { count });
  const greeting = input.recipientName ? t('email.notificationDigest.greeting', { name: input.recipientName }) : null;
  const lines = input.items.map((item) => ({
    summary: t(`email.notificationDigest.kind.${item.kind}`, { actor: item.actorName ?? t('email.notificationDigest.someone'), task: item.taskTitle }),
    where: item.workspaceName,
    url: item.url,
  }));
  const more = input.more > 0 ? t('email.notificationDigest.more', { count: input.more }) : null;
  const open = t('email.notificationDigest.open');
  const footer = t('email.notificationDigest.footer', { appName });
  const preferences = t('email.notificationDigest.preferences');

  const text = [
    heading,
    greeting,
    '',
    ...lines.map((l) => `- ${l.summary} (${l.where})\n  ${l.url}`),
    more,
    '',
    `${open}: ${input.inboxUrl}`,
    '',
    `${footer} ${preferences}: ${input.settingsUrl}`,
  ]
    .filter((l) => l !== null)
    .join('\n');

  const html = `<!doctype html>
<html lang="${escapeHtml(input.locale)}"><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head>
<body style="margin:0;background:#f6f6f7;font-family:system-ui,-apple-system,'Segoe UI',sans-serif;color:#18181b">
<div style="max-width:560px;margin:0 auto;padding:24px">
<p style="font-weight:600;font-size:18px;margin:0 0 16px">${escapeHtml(appName)}</p>
<div style="background:#fff;border-radius:8px;padding:24px">
<h1 style="font-size:20px;margin:0 0 12px">${escapeHtml(heading)}</h1>
${greeting ? `<p style="margin:0 0 12px">${escapeHtml(greeting)}</p>` : ''}
<ul style="padding-left:20px;margin:0 0 16px">
${lines.map((l) => `<li style="margin:0 0 8px"><a href="${escapeHtml(l.url)}" style="color:#2563eb">${escapeHtml(l.summary)}</a> <span style="color:#71717a">(${escapeHtml(l.where)})</span></li>`).join('\n')}
</ul>
${more ? `<p style="margin:0 0 16px;color:#71717a">${escapeHtml(more)}</p>` : ''}
<p style="margin:0"><a href="${escapeHtml(input.inboxUrl)}" style="display:inline-block;background:#18181b;color:#fff;padding:10px 16px;border-radius:6px;text-decoration:none">${escapeHtml(open)}</a></p>
</div>
<p style="font-size:12px;color:#71717a;margin:16px 0 0">${escapeHtml(footer)} <a href="${escapeHtml(input.settingsUrl)}" style="color:#71717a">${escapeHtml(preferences)}</a></p>
</div></body></html>`;
  return { subject, html, text };
}
