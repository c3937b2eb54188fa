import type { Metadata } from 'next';
import { getTranslations, setRequestLocale } from 'next-intl/server';
import { SiteHeader } from '@/components/layout/site-header';
import { NotificationBell } from '@/components/notifications/notification-bell';
import { Button } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { Link } from '@/i18n/navigation';
import { getQueryClient, getSession, HydrateClient, trpc } from '@/lib/trpc/server';
import { ChangePasswordForm } from './change-password-form';
import { SessionsList } from './sessions-list';

type Props = { params: Promise<{ locale: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { locale } = await params;
  const t = await getTranslations({ locale, namespace: 'account.security' });
  return { title: t('metaTitle') };
}

/** Account security (AUTH-1, AUTH-2): change password, devices signed in, revoke, sign out everywhere. */
export default async function SecurityPage({ params }: Props) {
  const { locale } = await params;
  setRequestLocale(locale);
  const t = await getTranslations('account.security');
  // Awaited (one small query) so the list is in the first HTML, not behind a spinner.
  await getQueryClient().prefetchQuery(trpc.auth.listSessions.queryOptions());
  const user = (await getSession())?.user;
  return (
    <>
      <SiteHeader signedIn bell={<NotificationBell />}>
        <div className="flex-1" />
        <Button asChild variant="ghost" size="sm">
          <Link href="/w">{t('backToApp')}</Link>
        </Button>
      </SiteHeader>
      <main id="main" className="mx-auto max-w-3xl px-4 py-8">
        <h1 className="text-2xl font-semibold tracking-tight">{t('title')}</h1>
        <p className="mt-1 text-sm text-muted-foreground">{t('description')}</p>
        <Card className="mt-6">
          <section aria-labelledby="password-heading">
            <h2 id="password-heading" className="font-semibold">
              {t('password.title')}
            </h2>
            <p className="mt-1 text-sm text-muted-foreground">{t('password.description')}</p>
            <ChangePasswordForm account={user ? { email: user.email, name: user.name } : undefined} />
          </section>
        </Card>
        <Card className="mt-6">
          <section aria-labelledby="sessions-heading">
            <h2 id="sessions-heading" className="font-semibold">
              {t('sessions.title')}
            </h2>
            <p className="mt-1 text-sm text-muted-foreground">{t('sessions.description')}</p>
            <HydrateClient>
              <SessionsList />
            </HydrateClient>
          </section>
        </Card>
      </main>
    </>
  );
}
