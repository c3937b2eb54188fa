import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from './embedded-postgres';
import { harnessPort, harnessPorts } from './ports';

const servers: net.Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
  delete process.env.KANSO_TEST_PORT_A;
  delete process.env.KANSO_TEST_PORT_B;
});

async function occupy(): Promise<number> {
  const server = net.createServer();
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as net.AddressInfo).port;
}

describe('harnessPort', () => {
  it('keeps a free default', async () => {
    const port = await freePort();
    expect(await harnessPort('KANSO_TEST_PORT_A', port)).toBe(port);
  });

  it('moves off a default that is taken, and says so', async () => {
    const taken = await occupy();
    const lines: string[] = [];
    const port = await harnessPort('KANSO_TEST_PORT_A', taken, (l) => lines.push(l));
    expect(port).not.toBe(taken);
    expect(lines.join('\n')).toContain(`port ${taken} is in use`);
    // The port it chose is one a server can listen on.
    const probe = net.createServer();
    servers.push(probe);
    await new Promise<void>((resolve, reject) => probe.once('error', reject).listen(port, '127.0.0.1', resolve));
  });

  it('uses a port the caller set even when it is taken (the caller chose it)', async () => {
    const taken = await occupy();
    process.env.KANSO_TEST_PORT_A = String(taken);
    expect(await harnessPort('KANSO_TEST_PORT_A', 1)).toBe(taken);
  });

  it('never gives two names the same port', async () => {
    const port = await freePort();
    process.env.KANSO_TEST_PORT_A = String(port);
    const ports = await harnessPorts({ a: ['KANSO_TEST_PORT_A', 1], b: ['KANSO_TEST_PORT_B', port] });
    expect(ports.a).toBe(port);
    expect(ports.b).not.toBe(port);
  });
});
