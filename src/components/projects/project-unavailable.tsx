'use client';
import { useTranslations } from 'next-intl';
import { Button } from '@/components/ui/button';
import { useWorkspaceRole } from '@/components/workspaces/workspace-role';
import { Link } from '@/i18n/navigation';

/**
 * A project page that cannot be shown (not found, no access, access revoked), with the way back.
 * A file of its own so the board can show it without loading the settings form, its members list
 * and markdown (PERF-3, ADR 0016).
 */
export function ProjectUnavailable({ title, body, testId }: { title: string; body: string; testId: string }) {
  const t = useTranslations('projects.settings');
  const { workspaceSlug } = useWorkspaceRole();
  return (
    <div className="mx-auto max-w-md py-16 text-center" data-testid={testId}>
      <h1 className="text-2xl font-semibold">{title}</h1>
      <p className="mt-3 text-muted-foreground">{body}</p>
      <Button asChild className="mt-6">
        <Link href={`/w/${workspaceSlug}`}>{t('backToProjects')}</Link>
      </Button>
    </div>
  );
}

export function ProjectNotFound() {
  const t = useTranslations('projects.settings');
  return <ProjectUnavailable title={t('notFoundTitle')} body={t('notFoundBody')} testId="project-not-found" />;
}
