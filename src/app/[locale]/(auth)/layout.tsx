import { setRequestLocale } from 'next-intl/server';
import type { ReactNode } from 'react';
import { SiteHeader } from '@/components/layout/site-header';

/** Sign-up, sign-in and the account-recovery pages: one narrow column under the site header. */
export default async function AuthLayout({ children, params }: { children: ReactNode; params: Promise<{ locale: string }> }) {
  const { locale } = await params;
  setRequestLocale(locale);
  return (
    <>
      <SiteHeader signedIn={false} />
      <main id="main" className="mx-auto flex w-full max-w-md flex-col px-4 py-12 sm:py-16">
        {children}
      </main>
    </>
  );
}
