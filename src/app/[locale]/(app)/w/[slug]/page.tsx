import { getTranslations, setRequestLocale } from 'next-intl/server';
import { ProjectList } from '@/components/projects/project-list';
import { getQueryClient, getWorkspace, HydrateClient, trpc } from '@/lib/trpc/server';

export default async function WorkspaceHome({ params }: { params: Promise<{ locale: string; slug: string }> }) {
  const { locale, slug } = await params;
  setRequestLocale(locale);
  const t = await getTranslations('workspace');
  const workspace = await getWorkspace(slug);
  // Not a member (any more): the layout shows "no access".
  if (!workspace) return null;
  // The list lives in the client cache (hydrated here), where realtime events invalidate it. Awaited
  // rather than streamed: the list reads it with `useQuery`, so a still-pending query would render
  // the spinner on the server and the data on the client (a hydration mismatch). On failure the
  // client fetches it itself and shows the error state.
  await getQueryClient().prefetchQuery(trpc.project.list.queryOptions({ workspaceSlug: slug }));
  return (
    <div>
      <h1 className="text-2xl font-semibold tracking-tight" data-testid="workspace-title">
        {t('welcome', { name: workspace.name })}
      </h1>
      <p className="mt-1 text-sm text-muted-foreground">{t('yourRole', { role: t(`roles.${workspace.role}`) })}</p>
      <HydrateClient>
        <ProjectList />
      </HydrateClient>
    </div>
  );
}
