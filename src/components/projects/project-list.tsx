'use client';
/**
 * The workspace home (COLLAB-1): the projects the member can see. Read only through the
 * `project.list` query, which the realtime client invalidates, so the list stays live.
 */
import { useQuery } from '@tanstack/react-query';
import { FolderKanban, Lock } from 'lucide-react';
import { useTranslations } from 'next-intl';
import { Spinner } from '@/components/ui/spinner';
import { useCan, useWorkspaceRole } from '@/components/workspaces/workspace-role';
import { Link } from '@/i18n/navigation';
import { useTRPC } from '@/lib/trpc/client';
import { CreateProjectDialog } from './create-project-dialog';
import { LoadError } from '@/components/ui/load-error';

/** The first paragraph of a markdown description as plain text, for a card. */
export function excerpt(markdown: string, max = 160): string {
  const text = markdown
    .replace(/```[\s\S]*?```/g, ' ')
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/[#>*_`~|-]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return text.length > max ? `${text.slice(0, max - 1).trimEnd()}…` : text;
}

export function ProjectList() {
  const t = useTranslations('projects');
  const tc = useTranslations('common');
  const trpc = useTRPC();
  const { workspaceSlug } = useWorkspaceRole();
  const canCreate = useCan('project:create');
  const list = useQuery(trpc.project.list.queryOptions({ workspaceSlug }));

  if (list.isPending) return <Spinner className="mt-10" label={tc('loading')} />;
  if (list.isError) {
    return (
      <LoadError className="mt-10" message={t('loadError')} onRetry={() => void list.refetch()} />
    );
  }

  const projects = list.data.filter((project) => !project.deletedAt);
  if (projects.length === 0) {
    return (
      <section
        aria-labelledby="projects-empty-title"
        className="mt-10 flex flex-col items-center rounded-lg border border-dashed border-border px-6 py-16 text-center"
        data-testid="projects-empty"
      >
        <FolderKanban className="h-10 w-10 text-muted-foreground" aria-hidden />
        <h2 id="projects-empty-title" className="mt-4 font-semibold">
          {t('emptyTitle')}
        </h2>
        <p className="mt-2 max-w-md text-sm text-muted-foreground">{canCreate ? t('emptyBody') : t('emptyBodyReadOnly')}</p>
        {canCreate ? <CreateProjectDialog className="mt-6" /> : null}
      </section>
    );
  }

  return (
    <section aria-labelledby="projects-title" className="mt-10">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <h2 id="projects-title" className="text-lg font-semibold">
          {t('title')} <span className="text-sm font-normal text-muted-foreground">({projects.length})</span>
        </h2>
        {canCreate ? <CreateProjectDialog /> : null}
      </div>
      <ul className="mt-4 grid gap-4 sm:grid-cols-2 lg:grid-cols-3" data-testid="project-list">
        {projects.map((project) => {
          const summary = excerpt(project.description);
          return (
            <li key={project.id} data-testid="project-card" data-project-id={project.id}>
              <Link
                href={`/w/${workspaceSlug}/p/${project.id}`}
                className="flex h-full flex-col gap-2 rounded-lg border border-border bg-card p-4 shadow-sm transition-colors hover:bg-muted/50 focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring"
              >
                <span className="flex items-start justify-between gap-2">
                  <span className="font-medium break-words">{project.name}</span>
                  {project.visibility === 'private' ? (
                    <span className="inline-flex shrink-0 items-center gap-1 rounded-full border border-border px-2 py-0.5 text-xs text-muted-foreground" data-testid="project-private">
                      <Lock className="h-3 w-3" aria-hidden />
                      {t('private')}
                    </span>
                  ) : null}
                </span>
                <span className="line-clamp-3 text-sm text-muted-foreground">{summary || t('noDescription')}</span>
              </Link>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
