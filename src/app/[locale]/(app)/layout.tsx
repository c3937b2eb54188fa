import { setRequestLocale } from 'next-intl/server';
import type { ReactNode } from 'react';
import { ConnectionNotice } from '@/components/layout/connection-notice';
import { redirect } from '@/i18n/navigation';
import { TRPCReactProvider } from '@/lib/trpc/client';
import { getSession } from '@/lib/trpc/server';

/** Everything under (app) needs a valid session row (the proxy only checked for a cookie). */
export default async function AppLayout({ children, params }: { children: ReactNode; params: Promise<{ locale: string }> }) {
  const { locale } = await params;
  setRequestLocale(locale);
  const session = await getSession();
  if (!session) redirect({ href: '/sign-in', locale });
  return (
    <TRPCReactProvider>
      <ConnectionNotice />
      {children}
    </TRPCReactProvider>
  );
}
