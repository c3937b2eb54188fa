import { NextRequest } from 'next/server';
import { describe, expect, it } from 'vitest';
import { proxy } from './proxy';

const request = (path: string, headers: Record<string, string> = {}, method = 'GET') => new NextRequest(new URL(path, 'http://localhost:3000'), { headers, method });

describe('proxy', () => {
  it('assigns a request id and baseline security headers', () => {
    const response = proxy(request('/en'));
    expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('x-frame-options')).toBe('DENY');
    expect(response.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
  });

  it('keeps a well-formed incoming request id and replaces a malformed one', () => {
    expect(proxy(request('/api/health/live', { 'x-request-id': 'abc12345-good' })).headers.get('x-request-id')).toBe('abc12345-good');
    expect(proxy(request('/api/health/live', { 'x-request-id': 'bad id\n' })).headers.get('x-request-id')).not.toBe('bad id\n');
  });

  it('sends signed-out visitors of the app to sign-in, keeping where they were going', () => {
    const response = proxy(request('/de/w/acme/settings'));
    expect(response.status).toBe(307);
    const location = new URL(response.headers.get('location') ?? '');
    expect(location.pathname).toBe('/de/sign-in');
    expect(location.searchParams.get('callbackUrl')).toBe('/de/w/acme/settings');
  });

  it('lets a request with a session cookie through to the page (which validates it)', () => {
    const response = proxy(request('/en/w', { cookie: 'kanso.session=x' }));
    expect(response.headers.get('location')).toBeNull();
  });

  it('redirects a path without a locale to one', () => {
    const response = proxy(request('/', { 'accept-language': 'de-DE,de;q=0.9' }));
    expect(response.headers.get('location')).toMatch(/\/de$/);
  });

  it('refuses a cross-origin POST carrying a session cookie (CSRF), in the page’s language', async () => {
    const response = proxy(request('/de/sign-in', { cookie: 'kanso.session=x', origin: 'https://evil.example', 'content-length': '10' }, 'POST'));
    expect(response.status).toBe(403);
    expect(response.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    const body = (await response.json()) as { error: { message: string; appCode: string } };
    expect(body.error).toMatchObject({ appCode: 'FORBIDDEN', message: 'Diese Anfrage kam von einer anderen Website und wurde abgelehnt.' });
  });

  it('takes a same-origin POST (Origin, else Referer) and refuses a cookie-carrying one with neither', () => {
    const post = (headers: Record<string, string>) => proxy(request('/api/auth/signout', { cookie: 'kanso.session=x', 'content-length': '2', ...headers }, 'POST')).status;
    expect(post({ origin: 'http://localhost:3000' })).not.toBe(403);
    expect(post({ referer: 'http://localhost:3000/en/w' })).not.toBe(403);
    expect(post({})).toBe(403);
    expect(post({ origin: 'null' })).toBe(403);
    expect(post({ origin: 'http://localhost:3000.evil.example' })).toBe(403);
  });

  it('refuses a declared body over the limit with 413 before reading it, and a body of unknown length with 411', () => {
    const origin = 'http://localhost:3000';
    expect(proxy(request('/en/sign-in', { origin, 'content-length': String(20 * 1024 * 1024) }, 'POST')).status).toBe(413);
    expect(proxy(request('/en/sign-in', { origin, 'transfer-encoding': 'chunked' }, 'POST')).status).toBe(411);
  });
});
