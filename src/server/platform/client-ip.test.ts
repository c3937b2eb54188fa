/** The client address and scheme behind TRUST_PROXY hops (ADR 0024): nothing a client sends counts unless a proxy is trusted. */
import { describe, expect, it } from 'vitest';
import { clientAddress, clientIpOf, normaliseAddress, stampClientHeaders, stampFromForwardedHeaders } from './client-ip';

describe('client address', () => {
  it('normalises addresses and refuses what is not one', () => {
    expect(normaliseAddress('::ffff:127.0.0.1')).toBe('127.0.0.1');
    expect(normaliseAddress('[2001:DB8::1]:443')).toBe('2001:db8::1');
    expect(normaliseAddress('203.0.113.9:51234')).toBe('203.0.113.9');
    expect(normaliseAddress('evil<script>')).toBeNull();
    expect(normaliseAddress('')).toBeNull();
  });

  it('with no trusted hop takes the socket and ignores X-Forwarded-For entirely', () => {
    expect(clientAddress('198.51.100.7', '1.2.3.4', 0)).toBe('198.51.100.7');
    expect(clientAddress('198.51.100.7', undefined, 0)).toBe('198.51.100.7');
  });

  it('with N trusted hops counts N from the right of the chain plus the socket', () => {
    // client → proxy A (appends client) → proxy B (appends A) → us (socket is B)
    expect(clientAddress('10.0.0.2', '203.0.113.5, 10.0.0.1', 2)).toBe('203.0.113.5');
    expect(clientAddress('10.0.0.1', '203.0.113.5', 1)).toBe('203.0.113.5');
    // A spoofed entry the client prepended is left of what the trusted proxy appended: ignored.
    expect(clientAddress('10.0.0.1', '6.6.6.6, 203.0.113.5', 1)).toBe('203.0.113.5');
    // A chain shorter than the hops: the leftmost well-formed entry.
    expect(clientAddress('10.0.0.1', '', 3)).toBe('10.0.0.1');
    expect(clientAddress('10.0.0.1', 'garbage, 203.0.113.5', 5)).toBe('203.0.113.5');
  });
});

describe('stamping a request', () => {
  it('overwrites what the client claimed when no proxy is trusted', () => {
    const headers: Record<string, string | string[] | undefined> = {
      'x-forwarded-for': '1.2.3.4',
      'x-kanso-client-ip': '5.6.7.8',
      'x-forwarded-proto': 'https',
      'x-forwarded-host': 'evil.example',
    };
    stampClientHeaders(headers, { socketAddress: '::ffff:127.0.0.1', encrypted: false, trustedHops: 0 });
    expect(headers).toEqual({ 'x-forwarded-for': '127.0.0.1', 'x-kanso-client-ip': '127.0.0.1', 'x-forwarded-proto': 'http' });
    expect(clientIpOf(headers)).toBe('127.0.0.1');
  });

  it('believes a trusted proxy for the address and the scheme', () => {
    const headers: Record<string, string | string[] | undefined> = { 'x-forwarded-for': '203.0.113.5', 'x-forwarded-proto': 'https', 'x-forwarded-host': 'kanso.example' };
    stampClientHeaders(headers, { socketAddress: '10.0.0.1', encrypted: false, trustedHops: 1 });
    expect(headers).toEqual({ 'x-forwarded-for': '203.0.113.5', 'x-kanso-client-ip': '203.0.113.5', 'x-forwarded-proto': 'https', 'x-forwarded-host': 'kanso.example' });
  });

  it('under next dev stamps from the forwarded chain Next passes on', () => {
    const headers = new Headers({ 'x-forwarded-for': '127.0.0.1', 'x-forwarded-proto': 'https' });
    stampFromForwardedHeaders(headers, 0, false);
    expect(clientIpOf(headers)).toBe('127.0.0.1');
    expect(headers.get('x-forwarded-proto')).toBe('http');
  });
});
