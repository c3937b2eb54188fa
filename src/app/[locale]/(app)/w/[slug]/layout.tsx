import { getTranslations, setRequestLocale } from 'next-intl/server';
import type { ReactNode } from 'react';
import { WorkspaceLive } from '@/components/boards/workspace-live';
import { SiteHeader } from '@/components/layout/site-header';
import { NotificationBell } from '@/components/notifications/notification-bell';
import { UserMenu } from '@/components/layout/user-menu';
import { WorkspaceRoleProvider } from '@/components/workspaces/workspace-role';
import { WorkspaceSwitcher } from '@/components/workspaces/workspace-switcher';
import { Button } from '@/components/ui/button';
import { Toaster } from '@/components/ui/toaster';
import { Link } from '@/i18n/navigation';
import { getQueryClient, getWorkspace, HydrateClient, prefetch, serverCaller, trpc } from '@/lib/trpc/server';

/**
 * The workspace shell. Membership is checked on every navigation (no caching), so a removed
 * member sees "no access" on their very next request, never data.
 */
export default async function WorkspaceLayout({
  children,
  params,
}: {
  children: ReactNode;
  params: Promise<{ locale: string; slug: string }>;
}) {
  const { locale, slug } = await params;
  setRequestLocale(locale);
  const caller = await serverCaller();
  const t = await getTranslations('workspace');
  const workspace = await getWorkspace(slug);
  const me = await caller.user.me();

  if (!workspace) {
    return (
      <>
        <SiteHeader signedIn bell={<NotificationBell />} />
        <main id="main" className="mx-auto max-w-md px-4 py-24 text-center" data-testid="no-access">
          <h1 className="text-2xl font-semibold">{t('noAccessTitle')}</h1>
          <p className="mt-3 text-muted-foreground">{t('noAccessBody')}</p>
          <Button asChild className="mt-6">
            <Link href="/w">{t('goHome')}</Link>
          </Button>
        </main>
      </>
    );
  }

  // The switcher reads the list from the client cache, hydrated here and kept fresh by invalidation.
  prefetch(trpc.workspace.list.queryOptions());
  // Names for presence and "overwritten by" notices of the live layer.
  void getQueryClient().prefetchInfiniteQuery(
    trpc.member.list.infiniteQueryOptions({ workspaceSlug: workspace.slug }, { getNextPageParam: (page) => page.nextCursor ?? undefined }),
  );
  return (
    <HydrateClient>
      <WorkspaceRoleProvider value={{ role: workspace.role, userId: me?.id ?? '', workspaceSlug: workspace.slug }}>
        <SiteHeader signedIn bell={<NotificationBell />}>
          <WorkspaceSwitcher current={workspace} />
          <div className="flex-1" />
          <UserMenu email={me?.email ?? ''} workspaceSlug={workspace.slug} role={workspace.role} />
        </SiteHeader>
        <Toaster>
          <WorkspaceLive>
            <main id="main" className="mx-auto max-w-6xl px-4 py-8">
              {children}
            </main>
          </WorkspaceLive>
        </Toaster>
      </WorkspaceRoleProvider>
    </HydrateClient>
  );
}
