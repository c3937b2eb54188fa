import type { Metadata } from 'next';
import { hasLocale, NextIntlClientProvider } from 'next-intl';
import { getMessages, getTranslations, setRequestLocale } from 'next-intl/server';
import { cookies } from 'next/headers';
import { notFound } from 'next/navigation';
import type { ReactNode } from 'react';
import { routing } from '@/i18n/routing';
import { THEME_COOKIE } from '@/lib/theme';

/**
 * Namespaces that only server code reads — the mail templates (src/server/email), the landing page and
 * the dev mailbox, all server components — stay out of the messages every page sends to the browser.
 */
const SERVER_ONLY_NAMESPACES: ReadonlySet<string> = new Set(['email', 'landing', 'mailbox']);

export function generateStaticParams() {
  return routing.locales.map((locale) => ({ locale }));
}

export async function generateMetadata({ params }: { params: Promise<{ locale: string }> }): Promise<Metadata> {
  const { locale } = await params;
  const t = await getTranslations({ locale, namespace: 'landing' });
  return { title: { default: 'Kanso', template: '%s · Kanso' }, description: t('subtitle') };
}

export default async function LocaleLayout({ children, params }: { children: ReactNode; params: Promise<{ locale: string }> }) {
  const { locale } = await params;
  if (!hasLocale(routing.locales, locale)) notFound();
  setRequestLocale(locale);
  const theme = (await cookies()).get(THEME_COOKIE)?.value === 'dark' ? 'dark' : undefined;
  const t = await getTranslations({ locale, namespace: 'common' });
  const clientMessages = Object.fromEntries(Object.entries(await getMessages()).filter(([namespace]) => !SERVER_ONLY_NAMESPACES.has(namespace)));
  return (
    <html lang={locale} className={theme}>
      <body className="min-h-screen antialiased">
        <a href="#main" className="sr-only focus:not-sr-only focus:absolute focus:left-4 focus:top-4 focus:z-50 focus:rounded focus:bg-background focus:px-3 focus:py-2">
          {t('skipToContent')}
        </a>
        {/* The tRPC + TanStack Query provider sits in the layouts that use the API ((app), (auth), invite,
            join, dev), not here: the landing page ships without the API client (PERF-3, ADR 0016). */}
        <NextIntlClientProvider messages={clientMessages}>{children}</NextIntlClientProvider>
      </body>
    </html>
  );
}
