/**
 * The suppression list (JOBS-4): addresses no mail is sent to any more — a permanent bounce or a
 * complaint (the provider's webhook, ./mail-webhook.ts), a permanent SMTP refusal (5xx, the
 * `mail.send` task), or an operator. `mail.send` checks it before every attempt: a suppressed
 * mail is marked `suppressed` and never attempted.
 *
 * The table holds a keyed hash of the normalised address (HMAC-SHA-256 under a key derived from
 * AUTH_SECRET, like the lockout subjects in src/server/auth/lockout.ts), never the address: a
 * leaked table does not list who bounced. Every AUTH_SECRET of a rotation is tried on lookup
 * (the first one writes), so rotating the secret does not forget the list.
 */
import { createHmac } from 'node:crypto';
import { inArray, sql } from 'drizzle-orm';
import type { DbOrTx } from '@/server/db/client';
import { mailSuppressions, type SUPPRESSION_REASONS } from '@/server/db/schema';
import { env } from '@/server/platform/env';

export type SuppressionReason = (typeof SUPPRESSION_REASONS)[number];

let derived: { secrets: string; keys: Buffer[] } | undefined;

function keys(): Buffer[] {
  const secrets = env().AUTH_SECRET;
  if (derived?.secrets !== secrets) {
    const list = secrets.split(',').map((s) => s.trim()).filter(Boolean);
    derived = { secrets, keys: list.map((secret) => createHmac('sha256', secret).update('kanso:mail-suppression:v1').digest()) };
  }
  return derived.keys;
}

/** The address as suppression compares it: trimmed, lower-cased. */
export function normaliseAddress(email: string): string {
  return email.trim().toLowerCase();
}

/** The keyed hashes an address may be stored under (the first is the one written). */
export function suppressionHashes(email: string): string[] {
  const address = normaliseAddress(email);
  return keys().map((key) => createHmac('sha256', key).update(address).digest('base64url'));
}

/** Strips anything address-like from a provider's reason and bounds it (the detail is logged and shown to operators). */
export function cleanDetail(detail: string | null | undefined): string | null {
  if (!detail) return null;
  return detail.replace(/[^\s<>()[\]@]+@[^\s<>()[\]@]+/g, '<address>').slice(0, 200);
}

export async function isSuppressed(database: DbOrTx, email: string): Promise<boolean> {
  const rows = await database
    .select({ hash: mailSuppressions.addressHash })
    .from(mailSuppressions)
    .where(inArray(mailSuppressions.addressHash, suppressionHashes(email)))
    .limit(1);
  return rows.length > 0;
}

/** The address's entry on the list, if it is on it. */
export async function suppressionOf(database: DbOrTx, email: string): Promise<{ reason: SuppressionReason; source: string; createdAt: Date } | null> {
  const [row] = await database
    .select({ reason: mailSuppressions.reason, source: mailSuppressions.source, createdAt: mailSuppressions.createdAt })
    .from(mailSuppressions)
    .where(inArray(mailSuppressions.addressHash, suppressionHashes(email)))
    .limit(1);
  return row ? { reason: row.reason, source: row.source, createdAt: row.createdAt } : null;
}

/** Puts an address on the list (again: the newest reason wins). */
export async function suppressAddress(
  database: DbOrTx,
  email: string,
  entry: { reason: SuppressionReason; source: string; detail?: string | null },
): Promise<void> {
  const [hash] = suppressionHashes(email);
  if (!hash) throw new Error('no AUTH_SECRET to hash with');
  const detail = cleanDetail(entry.detail);
  await database
    .insert(mailSuppressions)
    .values({ addressHash: hash, reason: entry.reason, source: entry.source, detail })
    .onConflictDoUpdate({
      target: mailSuppressions.addressHash,
      set: { reason: entry.reason, source: entry.source, detail, updatedAt: sql`now()` },
    });
}

/** Takes an address off the list (an operator, after the owner fixed their mailbox); answers whether it was on it. */
export async function unsuppressAddress(database: DbOrTx, email: string): Promise<boolean> {
  const deleted = await database
    .delete(mailSuppressions)
    .where(inArray(mailSuppressions.addressHash, suppressionHashes(email)))
    .returning({ hash: mailSuppressions.addressHash });
  return deleted.length > 0;
}
