/**
 * Reading the mail sink (e2e/support/mail-sink.ts) from specs: wait for a new mail to an address
 * and pull the app's links out of it.
 */
import { expect } from '@playwright/test';
import { APP_URL, MAIL_API_URL } from './stack';

export interface Mail {
  id: number;
  to: string[];
  subject: string;
  text: string;
  html: string;
  date: string;
}

export async function messagesTo(address: string): Promise<Mail[]> {
  const res = await fetch(`${MAIL_API_URL}/messages?to=${encodeURIComponent(address.toLowerCase())}`);
  if (!res.ok) throw new Error(`mail sink answered ${res.status}`);
  return (await res.json()) as Mail[];
}

/** The id of the newest mail to `address` so far (0 when none): pass it as `after` to wait for a newer one. */
export async function lastMailId(address: string): Promise<number> {
  const list = await messagesTo(address);
  return list.at(-1)?.id ?? 0;
}

/**
 * Polls the sink until a mail to `address` newer than `after` arrives (whose subject matches,
 * when given) and returns the newest such mail.
 */
export async function waitForMail(address: string, options: { after?: number; subject?: RegExp; timeout?: number } = {}): Promise<Mail> {
  const { after = 0, subject, timeout = 20_000 } = options;
  let found: Mail | undefined;
  await expect
    .poll(
      async () => {
        const list = (await messagesTo(address)).filter((m) => m.id > after && (!subject || subject.test(m.subject)));
        found = list.at(-1);
        return Boolean(found);
      },
      { timeout, intervals: [200, 300, 500, 1_000], message: `a mail to ${address}${subject ? ` with subject ${subject}` : ''}` },
    )
    .toBe(true);
  return found!;
}

/** Every distinct link into the app found in a mail (HTML hrefs and bare URLs in the text part). */
export function appLinks(mail: Mail): string[] {
  const links = new Set<string>();
  const decode = (s: string) => s.replace(/&amp;/g, '&').replace(/&#x3D;|&#61;/g, '=');
  for (const [, href] of mail.html.matchAll(/href="([^"]+)"/g)) links.add(decode(href!));
  for (const [url] of mail.text.matchAll(/https?:\/\/[^\s<>"')\]]+/g)) links.add(url);
  return [...links].filter((l) => l.startsWith(`${APP_URL}/`));
}

/** The one app link whose path matches `pattern` (fails with the links it saw otherwise). */
export function linkMatching(mail: Mail, pattern: RegExp): string {
  const links = appLinks(mail);
  const match = links.find((l) => pattern.test(new URL(l).pathname));
  if (!match) throw new Error(`no link matching ${pattern} in mail "${mail.subject}"; links: ${links.join(', ') || 'none'}`);
  return match;
}
