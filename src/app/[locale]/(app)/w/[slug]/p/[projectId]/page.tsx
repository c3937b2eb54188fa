import { TRPCError } from '@trpc/server';
import type { Metadata } from 'next';
import { getTranslations, setRequestLocale } from 'next-intl/server';
import { Suspense } from 'react';
import { ProjectBoard } from '@/components/boards/project-board';
import { ProjectNotFound } from '@/components/projects/project-unavailable';
import { Spinner } from '@/components/ui/spinner';
import { getWorkspace, HydrateClient, serverCaller } from '@/lib/trpc/server';

type Props = { params: Promise<{ locale: string; slug: string; projectId: string }> };

/** The project, or null when it does not exist or the viewer cannot see it (same answer for both). */
async function findProject(slug: string, projectId: string) {
  try {
    return await (await serverCaller()).project.get({ workspaceSlug: slug, projectId });
  } catch (error) {
    if (error instanceof TRPCError && (error.code === 'NOT_FOUND' || error.code === 'BAD_REQUEST')) return null;
    throw error;
  }
}

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { slug, projectId } = await params;
  const project = (await getWorkspace(slug)) ? await findProject(slug, projectId) : null;
  return { title: project?.name };
}

/** A project's board and list (COLLAB-1); live through the workspace layout's realtime layer. */
export default async function ProjectPage({ params }: Props) {
  const { locale, slug, projectId } = await params;
  setRequestLocale(locale);
  const workspace = await getWorkspace(slug);
  // Not a member (any more): the layout shows "no access".
  if (!workspace) return null;
  const project = await findProject(slug, projectId);
  if (!project) return <ProjectNotFound />;
  const tc = await getTranslations('common');
  return (
    <HydrateClient>
      <Suspense fallback={<Spinner label={tc('loading')} />}>
        <ProjectBoard initialProject={project} />
      </Suspense>
    </HydrateClient>
  );
}
