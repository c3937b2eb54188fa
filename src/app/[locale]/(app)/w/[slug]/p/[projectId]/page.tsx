import { TRPCError } from '@trpc/server';
import type { Metadata } from 'next';
import { setRequestLocale } from 'next-intl/server';
import { ProjectBoard } from '@/components/boards/project-board';
import { ProjectNotFound } from '@/components/projects/project-unavailable';
import { boardKey, loadBoard } from '@/lib/boards/board-load';
import { getQueryClient, getWorkspace, HydrateClient, serverCaller } from '@/lib/trpc/server';

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

/** A project's board and list (COLLAB-1), rendered with its tasks; live through the workspace layout's realtime layer. */
export default async function ProjectPage({ params }: Props) {
  const { locale, slug, projectId } = await params;
  setRequestLocale(locale);
  const workspace = await getWorkspace(slug);
  // Not a member (any more): the layout shows "no access".
  if (!workspace) return null;
  const project = await findProject(slug, projectId);
  if (!project) return <ProjectNotFound />;
  // The tasks are in the HTML and in the client cache from the start: the board paints with the page
  // instead of after two API round trips from the browser (PERF-3).
  const caller = await serverCaller();
  const board = await loadBoard({
    cursor: () => caller.realtime.cursor({ workspaceSlug: slug, projectId }),
    page: (cursor) => caller.task.list({ workspaceSlug: slug, projectId, cursor }),
  });
  getQueryClient().setQueryData(boardKey(slug, projectId), board);
  // No Suspense boundary above the board: React 19.2 outlines a finished boundary of this size and
  // reveals it in a later batch: the board's heading painted 350 ms after the first paint (PERF-3).
  return (
    <HydrateClient>
      <ProjectBoard initialProject={project} />
    </HydrateClient>
  );
}
