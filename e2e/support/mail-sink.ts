/**
 * SMTP sink for the E2E suite (started by playwright.config.ts as a web server):
 *
 *   SMTP  127.0.0.1:$E2E_SMTP_PORT       accepts every message, no auth, no TLS, keeps it in memory
 *   HTTP  127.0.0.1:$E2E_MAIL_HTTP_PORT  GET /messages?to=<addr>  → [{ id, to, subject, text, html, date }]
 *                                        (oldest first; every message when `to` is omitted)
 *                                        GET /health → 200
 *
 * Run: node --import tsx e2e/support/mail-sink.ts
 */
import http from 'node:http';
import { SMTPServer } from 'smtp-server';
import { parseMail } from './mime';
import { MAIL_HTTP_PORT, SMTP_PORT } from './stack';

export interface StoredMail {
  id: number;
  to: string[];
  subject: string;
  text: string;
  html: string;
  date: string;
}

const messages: StoredMail[] = [];
const MAX_MESSAGES = 5_000;
let nextId = 1;

const smtp = new SMTPServer({
  authOptional: true,
  disabledCommands: ['AUTH', 'STARTTLS'],
  logger: false,
  banner: 'kanso e2e mail sink',
  size: 10 * 1024 * 1024,
  onData(stream, session, callback) {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('error', callback);
    stream.on('end', () => {
      try {
        const parsed = parseMail(Buffer.concat(chunks).toString('latin1'));
        messages.push({
          id: nextId++,
          to: session.envelope.rcptTo.map((r) => r.address.toLowerCase()),
          subject: parsed.subject,
          text: parsed.text,
          html: parsed.html,
          date: new Date().toISOString(),
        });
        if (messages.length > MAX_MESSAGES) messages.splice(0, messages.length - MAX_MESSAGES);
        callback();
      } catch (error) {
        callback(error instanceof Error ? error : new Error(String(error)));
      }
    });
  },
});
smtp.on('error', (error) => console.error(`[mail-sink] smtp: ${error.message}`));

const api = http.createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://sink.invalid');
  const send = (status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
    res.end(JSON.stringify(body));
  };
  if (req.method === 'GET' && url.pathname === '/health') return send(200, { ok: true, messages: messages.length });
  if (req.method === 'GET' && url.pathname === '/messages') {
    const to = url.searchParams.get('to')?.trim().toLowerCase();
    return send(200, to ? messages.filter((m) => m.to.includes(to)) : messages);
  }
  send(404, { error: 'not found' });
});

await new Promise<void>((resolve, reject) => {
  smtp.once('error', reject);
  smtp.listen(SMTP_PORT, '127.0.0.1', () => resolve());
});
await new Promise<void>((resolve, reject) => {
  api.once('error', reject);
  api.listen(MAIL_HTTP_PORT, '127.0.0.1', () => resolve());
});
console.log(`[mail-sink] SMTP on 127.0.0.1:${SMTP_PORT}, messages at http://127.0.0.1:${MAIL_HTTP_PORT}/messages`);

const stop = () => {
  api.close();
  smtp.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 2_000).unref();
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
