/**
 * The client's address, and whether it reached us over HTTPS, as far as this deployment can know
 * them (SEC-2; docs/decisions/0024-client-address-and-trusted-hops.md).
 *
 * `TRUST_PROXY` is the number of reverse proxies in front of the web process that append to
 * `X-Forwarded-For` (default 0). With 0 nothing a client sends is believed: the address is the
 * socket's, the scheme the socket's. With N, the address is the N-th entry from the right of
 * `X-Forwarded-For` + the socket address, and `X-Forwarded-Proto` is believed.
 *
 * The web process (scripts/web-server.ts) works this out once per request from the socket and
 * writes the answer into the request's headers (`stampClientHeaders`), overwriting whatever the
 * client sent; everything after it — the proxy, the tRPC context, route handlers, the audit log, the
 * session list, the limiter, the logger — reads it back with `clientIpOf`. Under `next dev`, where no
 * code of ours sees the socket, src/proxy.ts stamps from the forwarded headers Next passes on (Next
 * fills `X-Forwarded-For` from the socket only when the client sent none); `npm run dev` listens on
 * loopback only.
 */
import { isIP } from 'node:net';

/** Set by the edge on every request; never taken from a client. */
export const CLIENT_IP_HEADER = 'x-kanso-client-ip';

/** IPv4-mapped IPv6 (`::ffff:127.0.0.1`) as the IPv4 address; anything not an address as null. */
export function normaliseAddress(value: string | null | undefined): string | null {
  if (!value) return null;
  let address = value.trim();
  // "[2001:db8::1]:443" and "203.0.113.9:51234" as some proxies write them.
  if (address.startsWith('[')) address = address.slice(1, address.indexOf(']'));
  else if (/^\d{1,3}(?:\.\d{1,3}){3}:\d+$/.test(address)) address = address.slice(0, address.lastIndexOf(':'));
  if (address.toLowerCase().startsWith('::ffff:') && isIP(address.slice(7)) === 4) address = address.slice(7);
  return isIP(address) ? address.toLowerCase() : null;
}

/**
 * The client address behind `trustedHops` proxies: `forwardedFor` (the header's value, possibly
 * several comma-joined) followed by the socket's address, counted from the right. A chain shorter
 * than the hops yields its leftmost entry; a malformed entry, the next well-formed one to its right
 * (written by a proxy nearer to us).
 */
export function clientAddress(socketAddress: string | null | undefined, forwardedFor: string | null | undefined, trustedHops: number): string | null {
  const socket = normaliseAddress(socketAddress);
  if (trustedHops <= 0) return socket;
  const chain = (forwardedFor ?? '').split(',').map((entry) => entry.trim()).filter(Boolean);
  if (socket) chain.push(socket);
  const index = Math.max(0, chain.length - 1 - trustedHops);
  for (let i = index; i < chain.length; i++) {
    const address = normaliseAddress(chain[i]);
    if (address) return address;
  }
  return socket;
}

type HeaderBag = Headers | Record<string, string | string[] | undefined>;

/** One header of a Fetch `Headers` or a Node request's header record (repeated values comma-joined). */
export function header(headers: HeaderBag, name: string): string | undefined {
  if (headers instanceof Headers) return headers.get(name) ?? undefined;
  const value = headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}

/** The address the edge stamped on the request; null when it could not know one. */
export function clientIpOf(headers: HeaderBag): string | null {
  return normaliseAddress(header(headers, CLIENT_IP_HEADER));
}

export interface StampInput {
  socketAddress: string | null | undefined;
  /** Whether the socket itself is TLS. */
  encrypted: boolean;
  trustedHops: number;
}

/**
 * Rewrites a Node request's forwarded headers to what is known (see the module comment): the
 * client address in `x-kanso-client-ip` and as the only `x-forwarded-for` entry, the scheme in
 * `x-forwarded-proto`; a client-sent `x-forwarded-host` is dropped unless proxies are trusted.
 */
export function stampClientHeaders(headers: Record<string, string | string[] | undefined>, input: StampInput): void {
  const forwardedFor = header(headers, 'x-forwarded-for');
  const address = clientAddress(input.socketAddress, forwardedFor, input.trustedHops);
  const trusted = input.trustedHops > 0;
  const forwardedProto = trusted ? header(headers, 'x-forwarded-proto')?.split(',')[0]?.trim().toLowerCase() : undefined;
  const proto = forwardedProto === 'https' || forwardedProto === 'http' ? forwardedProto : input.encrypted ? 'https' : 'http';
  if (address) {
    headers[CLIENT_IP_HEADER] = address;
    headers['x-forwarded-for'] = address;
  } else {
    delete headers[CLIENT_IP_HEADER];
    delete headers['x-forwarded-for'];
  }
  headers['x-forwarded-proto'] = proto;
  if (!trusted) delete headers['x-forwarded-host'];
}

/** What the web process does to each request before anything reads it (scripts/web-server.ts). */
export function stampRequest(req: { headers: Record<string, string | string[] | undefined>; socket: { remoteAddress?: string } }, trustedHops: number): void {
  stampClientHeaders(req.headers, { socketAddress: req.socket.remoteAddress, encrypted: 'encrypted' in req.socket, trustedHops });
}

/** `next dev` only (see the module comment): the same stamp from the headers Next forwards. */
export function stampFromForwardedHeaders(headers: Headers, trustedHops: number, encrypted: boolean): void {
  const chain = (headers.get('x-forwarded-for') ?? '').split(',').map((entry) => entry.trim()).filter(Boolean);
  // Next appended nothing when the client sent a chain; its last entry stands for the socket.
  const socket = chain.pop() ?? null;
  const address = clientAddress(socket, chain.join(','), trustedHops);
  if (address) headers.set(CLIENT_IP_HEADER, address);
  else headers.delete(CLIENT_IP_HEADER);
  if (trustedHops <= 0) headers.set('x-forwarded-proto', encrypted ? 'https' : 'http');
}

/** Whether the web process (scripts/web-server.ts) stamps every request before Next sees it. */
export function edgeStampsClientHeaders(): boolean {
  return process.env.KANSO_EDGE_STAMPS_CLIENT === '1';
}
