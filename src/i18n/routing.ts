import { defineRouting } from 'next-intl/routing';

export const locales = ['en', 'de'] as const;
export type Locale = (typeof locales)[number];

export const LOCALE_COOKIE_NAME = 'KANSO_LOCALE';
export const LOCALE_COOKIE_MAX_AGE = 60 * 60 * 24 * 365;

export const routing = defineRouting({
  locales,
  defaultLocale: 'en',
  localePrefix: 'always',
  // The saved choice of a signed-in user wins over Accept-Language (see src/proxy.ts).
  // src/proxy.ts adds `Secure` when the app is served over HTTPS.
  localeCookie: { name: LOCALE_COOKIE_NAME, maxAge: LOCALE_COOKIE_MAX_AGE },
});

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (locales as readonly string[]).includes(value);
}
