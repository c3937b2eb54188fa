/** Every log line written inside a request carries its request id, once (OBS-1/OBS-2). */
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from './logger';
import { withRequestContext, withRequestId } from './request-context';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { lines, log: createLogger({ level: 'info', destination }) };
}

describe('request ids in logs', () => {
  it('a line of the process logger written during a request (also after awaits) names the request', async () => {
    const { lines, log } = capture();
    await withRequestContext({ requestId: 'req-aaaaaaaa' }, async () => {
      log.info('before');
      await new Promise((resolve) => setTimeout(resolve, 5));
      log.child({ userId: 'u1' }).info('after, from a child');
    });
    log.info('outside any request');
    expect(lines.map((l) => [l.msg, l.requestId])).toEqual([
      ['before', 'req-aaaaaaaa'],
      ['after, from a child', 'req-aaaaaaaa'],
      ['outside any request', undefined],
    ]);
  });

  it('a child logger that already carries the id is not given a second one', async () => {
    const { lines, log } = capture();
    await withRequestContext({ requestId: 'req-bbbbbbbb' }, async () => log.child({ requestId: 'req-bbbbbbbb' }).info('once'));
    const written = JSON.stringify(lines[0]);
    expect(written.match(/"requestId"/g)).toHaveLength(1);
  });

  it('withRequestId runs a route handler in the context of its x-request-id', async () => {
    const { lines, log } = capture();
    const handler = withRequestId(async (req: Request) => {
      log.info({ path: new URL(req.url).pathname }, 'handled');
      return new Response('ok');
    });
    await handler(new Request('http://localhost/api/x', { headers: { 'x-request-id': 'req-cccccccc' } }));
    expect(lines[0]).toMatchObject({ msg: 'handled', requestId: 'req-cccccccc' });
  });
});

describe('no SQL parameters, secrets or cookies in logs (issue 11)', () => {
  const email = 'leak-check@example.test';
  const hash = '$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA';

  /** A real failed query through Drizzle and postgres.js: a DrizzleQueryError carrying `email` and `hash` as parameters. */
  async function failedQuery(): Promise<Error> {
    const { sql } = await import('drizzle-orm');
    const { testDb } = await import('../../../test/support/db');
    const error = await testDb()
      .execute(sql`SELECT 1 / 0 WHERE ${email}::text <> ${hash}::text`)
      .then(
        () => null,
        (e: unknown) => e,
      );
    if (!(error instanceof Error)) throw new Error('the query was expected to fail');
    expect(error.message).toContain(email); // what would leak without the serializer
    return error;
  }

  function rawLines(level = 'info') {
    const raw: string[] = [];
    const destination = new Writable({
      write(chunk: Buffer, _encoding, done) {
        raw.push(chunk.toString());
        done();
      },
    });
    return { raw, log: createLogger({ level, destination }) };
  }

  it('a DrizzleQueryError (alone, as a cause, under err/error/cause) logs its statement and driver error, not its parameters', async () => {
    const { TRPCError } = await import('@trpc/server');
    const failed = await failedQuery();
    const { raw, log } = rawLines();
    log.error({ err: failed }, 'query failed');
    log.error({ err: new TRPCError({ code: 'INTERNAL_SERVER_ERROR', cause: failed }) }, 'wrapped');
    log.warn({ error: failed, cause: failed.cause }, 'other keys');
    log.error(failed, 'as the first argument');
    const driverError = failed.cause as Error & { parameters?: unknown };
    log.error({ err: Object.assign(new Error('driver'), { parameters: [email, hash], detail: `Key (email)=(${email}) already exists.` }) }, 'postgres.js-like');
    const written = raw.join('');
    expect(raw).toHaveLength(5);
    expect(written).not.toContain(email);
    expect(written).not.toContain(hash);
    expect(written).not.toContain('c2FsdHNhbHQ');
    // Still useful: the statement text and the driver's own message and code.
    const first = JSON.parse(raw[0] as string) as { err: { type: string; query: string; cause: { message: string; code: string } } };
    expect(first.err).toMatchObject({ type: 'DrizzleQueryError', cause: { message: 'division by zero', code: '22012' } });
    expect(first.err.query).toContain('SELECT 1 / 0');
    expect(driverError.message).toBe('division by zero');
  });

  it('cookies, authorization headers, set-cookie, passwords and tokens are redacted', () => {
    const { raw, log } = rawLines();
    const secret = 'sess-7f3a9c1e5b';
    log.info(
      {
        req: { method: 'POST', headers: { cookie: `kanso.session=${secret}`, authorization: `Bearer ${secret}`, 'set-cookie': `a=${secret}` } },
        headers: { cookie: secret, authorization: secret, 'set-cookie': secret },
        res: { headers: { 'set-cookie': [`kanso.session=${secret}`] } },
        input: { password: secret, token: secret },
        password: secret,
        token: secret,
        query: { parameters: [secret], params: [secret] },
      },
      'request',
    );
    const written = raw.join('');
    expect(written).not.toContain(secret);
    expect(JSON.parse(written)).toMatchObject({ req: { method: 'POST', headers: { cookie: '[redacted]' } } });
  });
});
