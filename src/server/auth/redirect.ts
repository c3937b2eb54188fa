/**
 * Where a user goes after signing in: the `callbackUrl` they came from when it is a same-origin
 * relative path (no open redirects, SEC-7), else their workspaces in their saved language.
 */
import { isLocale, routing, type Locale } from '@/i18n/routing';

const BASE = 'http://kanso.invalid';

/** Returns a safe relative path (`/de/w/acme?x=1`) or null for anything that could leave the site. */
export function safeCallbackPath(raw: string | null | undefined): string | null {
  if (!raw || raw.length > 2048) return null;
  // Only plain absolute paths: not `//host`, not `/\host` (browsers read it as `//host`), no schemes.
  if (!raw.startsWith('/') || raw.startsWith('//') || raw.startsWith('/\\')) return null;
  // Control characters (tabs and newlines are stripped by URL parsers, so `/\t/evil.com` could
  // turn into `//evil.com`).
  if (/[\u0000-\u001f\u007f\\]/.test(raw)) return null;
  let url: URL;
  try {
    url = new URL(raw, BASE);
  } catch {
    return null;
  }
  if (url.origin !== BASE) return null;
  return `${url.pathname}${url.search}${url.hash}`;
}

/** The app home for a user: `/<locale>/w` (the app picks the first workspace or onboarding). */
export function homePath(locale: string | null | undefined): string {
  return `/${isLocale(locale) ? locale : routing.defaultLocale}/w`;
}

export function postSignInPath(callbackUrl: string | null | undefined, userLocale: string | null | undefined): string {
  return safeCallbackPath(callbackUrl) ?? homePath(userLocale);
}

/** The locale named by the first segment of a path (`/de/…` → `de`), if any. */
export function localeOfPath(path: string | null | undefined): Locale | null {
  const segment = path?.split(/[/?#]/)[1];
  return isLocale(segment) ? segment : null;
}

/** `/<locale>/continue?callbackUrl=…`: where every sign-in ends (see the continue page). */
export function continuePath(locale: string, callbackUrl?: string | null): string {
  const safe = safeCallbackPath(callbackUrl);
  const base = `/${isLocale(locale) ? locale : routing.defaultLocale}/continue`;
  return safe ? `${base}?${new URLSearchParams({ callbackUrl: safe })}` : base;
}
