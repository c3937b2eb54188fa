/**
 * "Your webhook endpoint was disabled" — to a workspace's owners and admins when an endpoint kept
 * failing for WEBHOOK_DISABLE_AFTER_HOURS (JOBS-3). One small, isolated function so it moves easily
 * when the mail templates are reworked (src/server/email/templates).
 *
 * Rendered in the job worker, which runs with `--conditions=react-server` (package.json
 * start:worker). There React's client API is absent, so:
 *   - plain HTML rather than the React Email layout: `react-dom/server` (and so `@react-email/render`)
 *     throws "not supported in React Server Components";
 *   - `createTranslator` from `use-intl/core` rather than `@/i18n/messages` (next-intl's entry
 *     imports use-intl's React bindings, which need `useEffect`: the worker would not start).
 */
import { createTranslator } from 'use-intl/core';
import de from '../../../messages/de.json';
import en from '../../../messages/en.json';

function translator(locale: string) {
  return locale === 'de' ? createTranslator({ locale: 'de', messages: de }) : createTranslator({ locale: 'en', messages: en });
}

export interface EndpointDisabledMailProps {
  locale: string;
  workspaceName: string;
  /** The endpoint's host (never its path or query: they may carry tokens). */
  endpointHost: string;
  hours: number;
  /** The workspace's webhook settings. */
  url: string;
}

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function renderEndpointDisabledMail(props: EndpointDisabledMailProps): { subject: string; html: string; text: string } {
  const t = translator(props.locale);
  const appName = t('common.appName');
  const values = { workspace: props.workspaceName, host: props.endpointHost, hours: props.hours, appName };
  const heading = t('email.webhookDisabled.heading', values);
  const body = t('email.webhookDisabled.body', values);
  const note = t('email.webhookDisabled.note');
  const button = t('email.webhookDisabled.button');
  const footer = t('email.footer', { appName });
  const html = `<!DOCTYPE html><html lang="${escape(props.locale)}"><head><meta charset="utf-8"><title>${escape(heading)}</title></head>
<body style="background:#f6f7f9;font-family:-apple-system,BlinkMacSystemFont,'Segoe UI',Roboto,Helvetica,Arial,sans-serif">
<div style="background:#fff;margin:32px auto;padding:32px;max-width:520px;border-radius:8px;border:1px solid #e5e7eb">
<p style="font-size:14px;font-weight:700;letter-spacing:.08em;color:#111827">${escape(appName.toUpperCase())}</p>
<h1 style="font-size:22px;line-height:30px;color:#111827">${escape(heading)}</h1>
<p style="font-size:15px;line-height:24px;color:#374151">${escape(body)}</p>
<p><a href="${escape(props.url)}" style="background:#111827;color:#fff;border-radius:6px;padding:12px 20px;font-weight:600;text-decoration:none;display:inline-block">${escape(button)}</a></p>
<p style="font-size:13px;color:#6b7280">${escape(t('email.linkFallback'))} <a href="${escape(props.url)}">${escape(props.url)}</a></p>
<p style="font-size:13px;color:#6b7280">${escape(note)}</p>
<hr style="border-color:#e5e7eb"><p style="font-size:13px;color:#6b7280">${escape(footer)}</p>
</div></body></html>`;
  const text = [appName.toUpperCase(), '', heading, '', body, '', `${button}: ${props.url}`, '', note, '', footer].join('\n');
  return { subject: t('email.webhookDisabled.subject', values), html, text };
}
