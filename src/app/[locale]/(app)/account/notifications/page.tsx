import type { Metadata } from 'next';
import { getTranslations, setRequestLocale } from 'next-intl/server';
import { NotificationPreferences } from '@/components/notifications/notification-preferences';
import { SiteHeader } from '@/components/layout/site-header';
import { NotificationBell } from '@/components/notifications/notification-bell';
import { Button } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { Link } from '@/i18n/navigation';
import { getQueryClient, HydrateClient, trpc } from '@/lib/trpc/server';

type Props = { params: Promise<{ locale: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { locale } = await params;
  const t = await getTranslations({ locale, namespace: 'notifications.preferences' });
  return { title: t('metaTitle') };
}

/** Notification preferences (COLLAB-7): per kind, in the app and by email (the digest). */
export default async function NotificationSettingsPage({ params }: Props) {
  const { locale } = await params;
  setRequestLocale(locale);
  const t = await getTranslations('notifications');
  await getQueryClient().prefetchQuery(trpc.notification.preferences.get.queryOptions());
  return (
    <>
      <SiteHeader signedIn bell={<NotificationBell />}>
        <div className="flex-1" />
        <Button asChild variant="ghost" size="sm">
          <Link href="/w">{t('backToApp')}</Link>
        </Button>
      </SiteHeader>
      <main id="main" className="mx-auto max-w-3xl px-4 py-8">
        <h1 className="text-2xl font-semibold tracking-tight">{t('preferences.title')}</h1>
        <p className="mt-1 text-sm text-muted-foreground">{t('preferences.description')}</p>
        <Card className="mt-6">
          <HydrateClient>
            <NotificationPreferences />
          </HydrateClient>
        </Card>
        <p className="mt-4 text-sm">
          <Link href="/notifications" className="text-primary underline-offset-2 hover:underline">
            {t('preferences.inbox')}
          </Link>
        </p>
      </main>
    </>
  );
}
