/**
 * Mail provider abstraction (JOBS-4): `sendMail({ to, subject, html, text })`.
 *
 *   MAIL_SANDBOX=true without MAIL_SANDBOX_TO → the dev mailbox, whatever else is set (never in production)
 *   SMTP_URL set          → nodemailer over SMTP (production always; refused to start without it)
 *   else DEV_MAILBOX=true → stored in `dev_mails`, read at /<locale>/dev/mailbox (never in production)
 *   else                  → a clear error: there is no way to deliver mail
 *
 * With MAIL_SANDBOX_TO (and MAIL_SANDBOX) every mail goes to that one address instead of its
 * recipient, its subject prefixed with the recipient's domain (`sandboxed`).
 *
 * Mail is sent by the `mail.send` job (./mail-queue.ts, ADR 0031), never from a request.
 * Logs carry the recipient's domain and the message id only, never links (they hold tokens).
 */
import 'server-only';
import nodemailer, { type Transporter } from 'nodemailer';
import { db } from '@/server/db/client';
import { devMails } from '@/server/db/schema';
import { translator } from '@/i18n/messages';
import { routing } from '@/i18n/routing';
import { env, type Env } from '@/server/platform/env';
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
  /** The SMTP reply code, when the server answered with one (550: mailbox unavailable). */
  readonly responseCode: number | undefined;
  constructor(message: string, options?: { cause?: unknown; responseCode?: number }) {
    super(message, options);
    this.name = 'MailTransportError';
    const cause = options?.cause as { responseCode?: unknown } | undefined;
    this.responseCode = options?.responseCode ?? (typeof cause?.responseCode === 'number' ? cause.responseCode : undefined);
  }

  /**
   * A permanent refusal of this message or recipient (5xx): trying again will not help, the address
   * is suppressed. A 5xx to our own login (535, nodemailer's EAUTH) is the server's configuration,
   * not the recipient's: transient, retried until an operator fixes it.
   */
  get permanent(): boolean {
    const cause = this.cause as { code?: unknown; command?: unknown } | undefined;
    if (cause?.code === 'EAUTH' || (typeof cause?.command === 'string' && cause.command.startsWith('AUTH'))) return false;
    return this.responseCode !== undefined && this.responseCode >= 500 && this.responseCode < 600;
  }
}

export interface Mailer {
  readonly transport: MailResult['transport'];
  send(message: MailMessage): Promise<MailResult>;
  close(): void;
}

type MailEnv = Pick<Env, 'NODE_ENV' | 'SMTP_URL' | 'MAIL_FROM' | 'DEV_MAILBOX'> & Partial<Pick<Env, 'MAIL_SANDBOX' | 'MAIL_SANDBOX_TO'>>;

/** Which transport an environment selects, or why there is none. */
export function selectTransport(config: MailEnv): 'smtp' | 'dev-mailbox' {
  if (config.MAIL_SANDBOX && !config.MAIL_SANDBOX_TO) {
    if (config.NODE_ENV === 'production') {
      throw new MailTransportError('MAIL_SANDBOX without MAIL_SANDBOX_TO delivers to the dev mailbox and is refused in production.');
    }
    return 'dev-mailbox';
  }
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
        if (failed.length > 0) {
          const code = (info as { rejectedErrors?: Array<{ responseCode?: number }> }).rejectedErrors?.[0]?.responseCode;
          throw new MailTransportError(`SMTP server refused ${failed.length} recipient(s)`, { responseCode: code });
        }
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

/**
 * The message as the sandbox delivers it: with MAIL_SANDBOX and MAIL_SANDBOX_TO, to that address
 * with the real recipient's domain (only) in front of the subject; otherwise unchanged (without
 * MAIL_SANDBOX_TO the sandbox's transport is the dev mailbox, which keeps the real recipient).
 */
export function sandboxed(message: MailMessage, config: MailEnv, locale: string = routing.defaultLocale): MailMessage {
  if (!config.MAIL_SANDBOX || !config.MAIL_SANDBOX_TO) return message;
  const domain = message.to.split('@').at(-1) ?? '';
  return { ...message, to: config.MAIL_SANDBOX_TO, subject: translator(locale)('email.sandboxSubject', { domain, subject: message.subject }) };
}

/** Whether mail is redirected away from its real recipients. */
export function sandboxRedirects(config: MailEnv = env()): boolean {
  return Boolean(config.MAIL_SANDBOX && config.MAIL_SANDBOX_TO);
}

// One SMTP connection setup per process and configuration (survives dev hot reloads).
const globalForMail = globalThis as unknown as { kansoMailer?: { key: string; mailer: Mailer } };

function processMailer(): Mailer {
  const config = env();
  const key = `${config.NODE_ENV}|${config.SMTP_URL ?? ''}|${config.MAIL_FROM}|${config.DEV_MAILBOX}|${config.MAIL_SANDBOX}|${config.MAIL_SANDBOX_TO ?? ''}`;
  if (globalForMail.kansoMailer?.key !== key) {
    globalForMail.kansoMailer?.mailer.close();
    globalForMail.kansoMailer = { key, mailer: createMailer(config) };
  }
  return globalForMail.kansoMailer.mailer;
}

/**
 * Sends one mail through the configured transport (the sandbox applied); throws MailTransportError
 * when it cannot. Only the `mail.send` task calls it: everything else queues (./mail-queue.ts).
 */
export async function sendMail(message: MailMessage, options: { locale?: string } = {}): Promise<MailResult> {
  const mailer = processMailer();
  const outgoing = sandboxed(message, env(), options.locale);
  const result = await mailer.send(outgoing);
  logger.info({ transport: result.transport, messageId: result.messageId, toDomain: message.to.split('@')[1], sandbox: outgoing !== message || undefined }, 'mail sent');
  return result;
}

/** Whether this process can send mail at all (e.g. to offer magic links). */
export function mailConfigured(): boolean {
  try {
    selectTransport(env());
    return true;
  } catch {
    return false;
  }
}
