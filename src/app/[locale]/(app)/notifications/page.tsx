import type { Metadata } from 'next';
import { getTranslations, setRequestLocale } from 'next-intl/server';
import { NotificationInbox } from '@/components/notifications/notification-inbox';
import { SiteHeader } from '@/components/layout/site-header';
import { NotificationBell } from '@/components/notifications/notification-bell';
import { Button } from '@/components/ui/button';
import { Link } from '@/i18n/navigation';
import { getQueryClient, HydrateClient, trpc } from '@/lib/trpc/server';

type Props = { params: Promise<{ locale: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { locale } = await params;
  const t = await getTranslations({ locale, namespace: 'notifications' });
  return { title: t('metaTitle') };
}

/** The inbox (COLLAB-7): the user's notifications across their workspaces, unread first. */
export default async function NotificationsPage({ params }: Props) {
  const { locale } = await params;
  setRequestLocale(locale);
  const t = await getTranslations('notifications');
  // In the first HTML (one small query), not behind a spinner.
  await getQueryClient().prefetchInfiniteQuery(trpc.notification.list.infiniteQueryOptions({}, { getNextPageParam: (page) => page.nextCursor ?? undefined }));
  return (
    <>
      <SiteHeader signedIn bell={<NotificationBell />}>
        <div className="flex-1" />
        <Button asChild variant="ghost" size="sm">
          <Link href="/w">{t('backToApp')}</Link>
        </Button>
      </SiteHeader>
      <main id="main" className="mx-auto max-w-3xl px-4 py-8">
        <div className="flex flex-wrap items-end justify-between gap-3">
          <div>
            <h1 className="text-2xl font-semibold tracking-tight">{t('title')}</h1>
            <p className="mt-1 text-sm text-muted-foreground">{t('description')}</p>
          </div>
          <Link href="/account/notifications" className="text-sm text-primary underline-offset-2 hover:underline">
            {t('settingsLink')}
          </Link>
        </div>
        <HydrateClient>
          <NotificationInbox />
        </HydrateClient>
      </main>
    </>
  );
}
