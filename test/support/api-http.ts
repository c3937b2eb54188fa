/**
 * The production web process's API path over real HTTP, in the test process: every request stamped
 * with its client address as scripts/web-server.ts does (the socket's, `trustedHops` proxies
 * believed), then served by the direct API path (scripts/lib/api-server.ts) — edge checks included.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { stampRequest } from '@/server/platform/client-ip';
import { serveApi } from '../../scripts/lib/api-server';

export interface ApiServer {
  port: number;
  /** `http://127.0.0.1:<port>` */
  base: string;
  close(): Promise<void>;
}

export async function startApiServer(trustedHops = 0): Promise<ApiServer> {
  const server = createServer((req, res) => {
    stampRequest(req, trustedHops);
    void serveApi(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { port, base: `http://127.0.0.1:${port}`, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
