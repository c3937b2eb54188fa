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
