import { describe, expect, it } from 'vitest';
import { continuePath, localeOfPath, postSignInPath, safeCallbackPath } from './redirect';
import { describeUserAgent } from './user-agent';

describe('safeCallbackPath (no open redirects)', () => {
  it.each(['/en/w', '/de/w/acme?tab=board#t-1', '/en/account/security'])('keeps the same-origin path %s', (path) => {
    expect(safeCallbackPath(path)).toBe(path);
  });

  it.each([
    'https://evil.example/',
    '//evil.example/x',
    '/\\evil.example',
    '\\\\evil.example',
    'javascript:alert(1)',
    '/\t/evil.example',
    '/%0a/x\n',
    'en/w',
    '',
    null,
    undefined,
    `/${'a'.repeat(3000)}`,
  ])('refuses %j', (value) => {
    expect(safeCallbackPath(value)).toBeNull();
  });

  it('falls back to the app home in the saved language', () => {
    expect(postSignInPath('https://evil.example', 'de')).toBe('/de/w');
    expect(postSignInPath(undefined, 'xx')).toBe('/en/w');
    expect(postSignInPath('/en/w/acme', 'de')).toBe('/en/w/acme');
  });

  it('builds the continue path and reads locales from paths', () => {
    expect(continuePath('de', '/de/w/acme')).toBe('/de/continue?callbackUrl=%2Fde%2Fw%2Facme');
    expect(continuePath('de', '//evil.example')).toBe('/de/continue');
    expect(localeOfPath('/de/continue?x=1')).toBe('de');
    expect(localeOfPath('/fr/continue')).toBeNull();
  });
});

describe('describeUserAgent', () => {
  it.each([
    ['Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36 Edg/126.0', 'Edge', 'Windows', false],
    ['Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0', 'Firefox', 'Linux', false],
    ['Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1', 'Safari', 'iOS', true],
    ['Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36', 'Chrome', 'Android', true],
    ['Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/156.0 Safari/537.36', 'Chrome', 'Linux', false],
    ['', null, null, false],
  ])('%s', (ua, browser, os, mobile) => {
    expect(describeUserAgent(ua)).toEqual({ browser, os, mobile });
  });
});
