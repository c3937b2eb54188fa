import type { Metadata } from 'next';
import { getTranslations, setRequestLocale } from 'next-intl/server';
import { MembersView } from '@/components/members/members-view';
import { getQueryClient, getWorkspace, HydrateClient, trpc } from '@/lib/trpc/server';

type Props = { params: Promise<{ locale: string; slug: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { locale } = await params;
  const t = await getTranslations({ locale, namespace: 'members' });
  return { title: t('title') };
}

/** Members (TEN-2): every member sees the list; the controls follow the viewer's role. */
export default async function MembersPage({ params }: Props) {
  const { locale, slug } = await params;
  setRequestLocale(locale);
  const t = await getTranslations('members');
  const workspace = await getWorkspace(slug);
  // Not a member (any more): the layout shows "no access".
  if (!workspace) return null;
  // The first page is in the first HTML; more pages load on demand.
  await getQueryClient().prefetchInfiniteQuery(
    trpc.member.list.infiniteQueryOptions({ workspaceSlug: workspace.slug }, { getNextPageParam: (page) => page.nextCursor ?? undefined }),
  );
  return (
    <div>
      <h1 className="text-2xl font-semibold tracking-tight">{t('title')}</h1>
      <p className="mt-1 text-sm text-muted-foreground">{t('description', { workspace: workspace.name })}</p>
      <HydrateClient>
        <MembersView workspaceName={workspace.name} />
      </HydrateClient>
    </div>
  );
}
