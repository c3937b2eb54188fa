import { TRPCError } from '@trpc/server';
import { setRequestLocale } from 'next-intl/server';
import { ProjectNotFound, ProjectSettings } from '@/components/projects/project-settings';
import { getQueryClient, getWorkspace, HydrateClient, trpc } from '@/lib/trpc/server';

/** A project the member cannot see, a deleted one and a malformed id all read as "not found". */
function isNotFound(error: unknown): boolean {
  const code = error instanceof TRPCError ? error.code : (error as { code?: unknown } | null)?.code;
  return code === 'NOT_FOUND' || code === 'FORBIDDEN' || code === 'BAD_REQUEST';
}

export default async function ProjectSettingsPage({ params }: { params: Promise<{ locale: string; slug: string; projectId: string }> }) {
  const { locale, slug, projectId } = await params;
  setRequestLocale(locale);
  const workspace = await getWorkspace(slug);
  // Not a member (any more): the layout shows "no access".
  if (!workspace) return null;
  // Fetched into the request's query client, so the settings hydrate with it.
  const found = await getQueryClient()
    .fetchQuery(trpc.project.get.queryOptions({ workspaceSlug: workspace.slug, projectId }))
    .then(() => true)
    .catch((error: unknown) => {
      if (isNotFound(error)) return false;
      throw error;
    });
  if (!found) return <ProjectNotFound />;
  return (
    <HydrateClient>
      <ProjectSettings projectId={projectId} />
    </HydrateClient>
  );
}
