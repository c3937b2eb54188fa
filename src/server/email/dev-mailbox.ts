/**
 * The development mailbox: what `sendMail` stored in `dev_mails` when DEV_MAILBOX is on.
 * Enabled only outside production and only with DEV_MAILBOX=true; the pages 404 otherwise.
 */
import 'server-only';
import { desc, eq } from 'drizzle-orm';
import { db } from '@/server/db/client';
import { devMails } from '@/server/db/schema';
import { env } from '@/server/platform/env';

/** How many mails the list shows (newest first). */
export const DEV_MAILBOX_LIMIT = 100;

/**
 * Whether `clientIp` may read the dev mailbox: loopback only (SEC-7 — the mailbox holds sign-in,
 * reset and verification links; `npm run dev` listens on loopback unless KANSO_HOST opens it).
 */
export function devMailboxVisibleTo(clientIp: string | null): boolean {
  return devMailboxEnabled() && (clientIp === '127.0.0.1' || clientIp === '::1');
}

export function devMailboxEnabled(): boolean {
  if (process.env.NODE_ENV === 'production') return false;
  try {
    const config = env();
    return config.NODE_ENV !== 'production' && config.DEV_MAILBOX;
  } catch {
    return false;
  }
}

export interface DevMailSummary {
  id: string;
  to: string;
  subject: string;
  createdAt: Date;
}

export interface DevMail extends DevMailSummary {
  html: string;
  text: string;
}

function assertEnabled(): void {
  if (!devMailboxEnabled()) throw new Error('the dev mailbox is disabled (production, or DEV_MAILBOX is off)');
}

export async function listDevMails(limit: number = DEV_MAILBOX_LIMIT): Promise<DevMailSummary[]> {
  assertEnabled();
  return db()
    .select({ id: devMails.id, to: devMails.to, subject: devMails.subject, createdAt: devMails.createdAt })
    .from(devMails)
    .orderBy(desc(devMails.createdAt), desc(devMails.id))
    .limit(Math.min(Math.max(limit, 1), DEV_MAILBOX_LIMIT));
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function getDevMail(id: string): Promise<DevMail | null> {
  assertEnabled();
  if (!UUID.test(id)) return null;
  const [row] = await db().select().from(devMails).where(eq(devMails.id, id));
  return row ?? null;
}

/** The http(s) links of a mail's text part, in order, without duplicates (shown as plain links). */
export function linksOf(text: string): string[] {
  const found = text.match(/https?:\/\/[^\s<>"')\]]+/g) ?? [];
  return [...new Set(found)];
}
