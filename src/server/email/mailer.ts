/**
 * Mail provider abstraction (JOBS-4): `sendMail({ to, subject, html, text })`.
 *
 *   SMTP_URL set          → nodemailer over SMTP (production always; refused to start without it)
 *   else DEV_MAILBOX=true → stored in `dev_mails`, read at /<locale>/dev/mailbox (never in production)
 *   else                  → a clear error: there is no way to deliver mail
 *
 * Logs carry the recipient's domain and the message id only, never links (they hold tokens).
 */
import 'server-only';
import nodemailer, { type Transporter } from 'nodemailer';
import { db } from '@/server/db/client';
import { devMails } from '@/server/db/schema';
import { env, type Env } from '@/server/platform/env';
import { backgroundTasksSettled, runInBackground } from '@/server/platform/background';
import { logger } from '@/server/platform/logger';

export interface MailMessage {
  to: string;
  subject: string;
  html: string;
  text: string;
}

export interface MailResult {
  transport: 'smtp' | 'dev-mailbox';
  messageId: string;
}

export class MailTransportError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'MailTransportError';
  }
}

export interface Mailer {
  readonly transport: MailResult['transport'];
  send(message: MailMessage): Promise<MailResult>;
  close(): void;
}

type MailEnv = Pick<Env, 'NODE_ENV' | 'SMTP_URL' | 'MAIL_FROM' | 'DEV_MAILBOX'>;

/** Which transport an environment selects, or why there is none. */
export function selectTransport(config: MailEnv): 'smtp' | 'dev-mailbox' {
  if (config.SMTP_URL) return 'smtp';
  if (config.DEV_MAILBOX) {
    if (config.NODE_ENV === 'production') {
      throw new MailTransportError('DEV_MAILBOX is a development switch and is refused in production; set SMTP_URL.');
    }
    return 'dev-mailbox';
  }
  throw new MailTransportError(
    'No mail transport configured: set SMTP_URL (smtp://user:pass@host:port), or DEV_MAILBOX=true in development.',
  );
}

function smtpMailer(url: string, from: string): Mailer {
  const transporter: Transporter = nodemailer.createTransport(url);
  return {
    transport: 'smtp',
    async send(message) {
      try {
        const info = await transporter.sendMail({ from, ...message });
        const failed = [...(info.rejected ?? []), ...(info.pending ?? [])];
        if (failed.length > 0) throw new MailTransportError(`SMTP server refused ${failed.length} recipient(s)`);
        return { transport: 'smtp', messageId: String(info.messageId) };
      } catch (error) {
        if (error instanceof MailTransportError) throw error;
        throw new MailTransportError('SMTP delivery failed', { cause: error });
      }
    },
    close: () => transporter.close(),
  };
}

function devMailboxMailer(): Mailer {
  return {
    transport: 'dev-mailbox',
    async send(message) {
      const [row] = await db()
        .insert(devMails)
        .values({ to: message.to.toLowerCase(), subject: message.subject, html: message.html, text: message.text })
        .returning({ id: devMails.id });
      if (!row) throw new MailTransportError('dev mailbox insert returned no row');
      return { transport: 'dev-mailbox', messageId: row.id };
    },
    close: () => {},
  };
}

/** A mailer for an environment (tests build their own; the app uses `sendMail`). */
export function createMailer(config: MailEnv): Mailer {
  const transport = selectTransport(config);
  return transport === 'smtp' && config.SMTP_URL ? smtpMailer(config.SMTP_URL, config.MAIL_FROM) : devMailboxMailer();
}

// One SMTP connection setup per process and configuration (survives dev hot reloads).
const globalForMail = globalThis as unknown as { kansoMailer?: { key: string; mailer: Mailer } };

function processMailer(): Mailer {
  const config = env();
  const key = `${config.NODE_ENV}|${config.SMTP_URL ?? ''}|${config.MAIL_FROM}|${config.DEV_MAILBOX}`;
  if (globalForMail.kansoMailer?.key !== key) {
    globalForMail.kansoMailer?.mailer.close();
    globalForMail.kansoMailer = { key, mailer: createMailer(config) };
  }
  return globalForMail.kansoMailer.mailer;
}

/** Sends one mail through the configured transport; throws MailTransportError when it cannot. */
export async function sendMail(message: MailMessage): Promise<MailResult> {
  const mailer = processMailer();
  const result = await mailer.send(message);
  logger.info({ transport: result.transport, messageId: result.messageId, toDomain: message.to.split('@')[1] }, 'mail sent');
  return result;
}

/**
 * Sends a mail without making the caller wait for it (there is no job queue yet, issue 11): a
 * request's answer neither waits for the transport nor shows by its timing whether a mail was sent.
 * `compose` renders the message (in the background too). A failure is logged (the kind of mail and
 * the error's name and code, never the address or a link), never thrown.
 */
export function sendMailInBackground(kind: string, compose: () => Promise<MailMessage>): void {
  runInBackground(
    async () => sendMail(await compose()),
    (error) => {
      const cause = error instanceof Error ? (error.cause as { code?: unknown } | undefined) : undefined;
      logger.error({ mail: kind, err: error instanceof Error ? error.name : 'unknown', code: cause?.code }, 'mail delivery failed');
    },
  );
}

/** Resolves once every mail (and other background task) started so far is done (tests). */
export const backgroundMailsSettled = backgroundTasksSettled;

/** Whether this process can send mail at all (e.g. to offer magic links). */
export function mailConfigured(): boolean {
  try {
    selectTransport(env());
    return true;
  } catch {
    return false;
  }
}
