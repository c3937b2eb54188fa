/**
 * Where webhooks may go (JOBS-3, SSRF; docs/webhooks.md). Two layers with one rule:
 *
 *   - when a URL is saved, `checkWebhookUrl` resolves its host and refuses it unless every address is
 *     public (typed, localised BAD_REQUEST);
 *   - when a delivery connects, request-filtering-agent checks the address the socket is about to
 *     use (after DNS, so a name that resolved publicly at save time and privately now — DNS
 *     rebinding — is refused then). See webhook-sender.ts.
 *
 * Public means ipaddr.js's `unicast` range (the classification the agent uses too): loopback,
 * private (10/8, 172.16/12, 192.168/16), link-local (169.254/16, the cloud metadata address
 * included), CGNAT (100.64/10), unspecified, broadcast, multicast, reserved, IPv6 loopback, ULA,
 * link-local and IPv4-mapped/translated forms are all refused. Only WEBHOOK_ALLOW_LOOPBACK (dev and
 * tests; see env.ts for production) admits loopback (127.0.0.0/8, ::1) — nothing else.
 *
 * DNS is looked up through `webhookLookup()`: tests install a resolver of their own with
 * `setWebhookLookup` (a hostname that resolves to a private address, without real DNS).
 */
import dns, { type LookupAddress } from 'node:dns';
import net from 'node:net';
import ipaddr from 'ipaddr.js';
import { WEBHOOK_URL_MAX } from '@/lib/webhook-events';
import { env } from '@/server/platform/env';
import { AppError } from '@/server/platform/errors';

/** `dns.lookup`'s callback form, as net.connect and the agent call it. */
export type LookupFunction = typeof dns.lookup;

let lookupOverride: LookupFunction | null = null;

/** The resolver webhooks use (save-time check and delivery connections). */
export function webhookLookup(): LookupFunction {
  return lookupOverride ?? dns.lookup;
}

/** Tests: resolve webhook hosts with `lookup` (null: the system resolver again). */
export function setWebhookLookup(lookup: LookupFunction | null): void {
  lookupOverride = lookup;
}

/** Whether loopback receivers are allowed (dev/test only; env.ts refuses it in production deployments). */
export function loopbackAllowed(): boolean {
  const e = env();
  return e.WEBHOOK_ALLOW_LOOPBACK && (e.NODE_ENV !== 'production' || e.KANSO_TEST_STACK);
}

/** The CIDRs request-filtering-agent lets through besides public unicast. */
export function allowedNonPublicRanges(): string[] {
  return loopbackAllowed() ? ['127.0.0.0/8', '::1/128'] : [];
}

/** Why `address` may not receive webhooks (its range name), or null when it may. */
export function addressRefusal(address: string, allowLoopback = loopbackAllowed()): string | null {
  if (!ipaddr.isValid(address)) return 'invalid';
  const range = ipaddr.parse(address).range();
  if (range === 'unicast') return null;
  if (range === 'loopback' && allowLoopback) return null;
  return range;
}

/** Longest wait for DNS when a URL is saved (a hanging resolver must not hold the request). */
const SAVE_LOOKUP_TIMEOUT_MS = 3_000;

function resolveAll(hostname: string): Promise<LookupAddress[]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('DNS lookup timed out')), SAVE_LOOKUP_TIMEOUT_MS);
    webhookLookup()(hostname, { all: true, verbatim: true }, (error, addresses) => {
      clearTimeout(timer);
      if (error) reject(error);
      else resolve(addresses as LookupAddress[]);
    });
  });
}

function refuse(key: string): AppError {
  return new AppError('BAD_REQUEST', key, { fieldErrors: { url: key } });
}

/** The host of `url` without IPv6 brackets. */
export function hostOf(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, '$1');
}

/**
 * Parses and checks a webhook URL for saving: http(s), no credentials, a host whose every address is
 * public. Answers the normalised URL; throws a typed BAD_REQUEST (field `url`) otherwise.
 */
export async function checkWebhookUrl(raw: string): Promise<string> {
  const trimmed = raw.trim();
  if (trimmed.length === 0 || trimmed.length > WEBHOOK_URL_MAX) throw refuse('webhook.invalidUrl');
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    throw refuse('webhook.invalidUrl');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw refuse('webhook.urlScheme');
  if (url.username || url.password) throw refuse('webhook.urlCredentials');
  const host = hostOf(url);
  if (!host) throw refuse('webhook.invalidUrl');
  if (net.isIP(host)) {
    if (addressRefusal(host)) throw refuse('webhook.urlNotPublic');
    return url.toString();
  }
  let addresses: LookupAddress[];
  try {
    addresses = await resolveAll(host);
  } catch {
    throw refuse('webhook.urlUnresolvable');
  }
  if (addresses.length === 0) throw refuse('webhook.urlUnresolvable');
  if (addresses.some((a) => addressRefusal(a.address))) throw refuse('webhook.urlNotPublic');
  return url.toString();
}
