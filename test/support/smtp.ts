/**
 * A real SMTP server for tests (smtp-server on a loopback port): records what it receives and how
 * many connections it saw, and refuses recipients on demand (a permanent 550 or a transient 451).
 *
 *   const smtp = await startSmtpServer();          // or startSmtpServer({ port }) on a chosen one
 *   vi.stubEnv('SMTP_URL', smtp.url); resetEnvCache();
 *   smtp.refuse('gone@example.test', 550);
 *   … smtp.received, smtp.connections …
 *   await smtp.close();
 */
import { createServer, type AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  to: string[];
  raw: string;
}

export interface TestSmtpServer {
  url: string;
  port: number;
  received: ReceivedMail[];
  /** Connections opened to the server so far. */
  connections: number;
  /** Answers RCPT TO of `address` with `code` (550: mailbox unavailable, permanent; 451: try later). */
  refuse(address: string, code: number): void;
  close(): Promise<void>;
}

/** A loopback port nothing listens on (yet). */
export async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', () => resolve()));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

export async function startSmtpServer(options: { port?: number } = {}): Promise<TestSmtpServer> {
  const refusals = new Map<string, number>();
  const state: TestSmtpServer = {
    url: '',
    port: 0,
    received: [],
    connections: 0,
    refuse: (address, code) => void refusals.set(address.toLowerCase(), code),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onConnect(_session, callback) {
      state.connections += 1;
      callback();
    },
    onRcptTo(address, _session, callback) {
      const code = refusals.get(address.address.toLowerCase());
      if (!code) return callback();
      const error = new Error(code >= 500 ? 'Mailbox unavailable' : 'Try again later') as Error & { responseCode: number };
      error.responseCode = code;
      callback(error);
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        state.received.push({ to: session.envelope.rcptTo.map((r) => r.address.toLowerCase()), raw: Buffer.concat(chunks).toString('utf8') });
        callback();
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  state.port = (server.server.address() as AddressInfo).port;
  state.url = `smtp://127.0.0.1:${state.port}`;
  return state;
}
