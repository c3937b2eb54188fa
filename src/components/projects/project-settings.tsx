'use client';
/**
 * Project settings (COLLAB-1): name, description and visibility (compare-and-set on the version the
 * form was loaded with; a CONFLICT reloads the current values), the members of a private project,
 * and deletion. The server enforces every rule; the UI hides what the viewer may not do.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ArrowLeft } from 'lucide-react';
import { useTranslations } from 'next-intl';
import { useId, useState } from 'react';
import { Markdown } from '@/components/tasks/markdown';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { describedByIds, FieldHelp, FormField } from '@/components/ui/form-field';
import { Label } from '@/components/ui/label';
import { Spinner } from '@/components/ui/spinner';
import { Textarea } from '@/components/ui/textarea';
import { useCan, useWorkspaceRole } from '@/components/workspaces/workspace-role';
import { Link, useRouter } from '@/i18n/navigation';
import { errorCodeOf, fieldErrorsOf, useTRPC } from '@/lib/trpc/client';
import { ProjectMembers, useProjectMembers } from './project-members';
import { ProjectNotFound, ProjectUnavailable } from './project-unavailable';
import { VisibilityField, type Visibility } from './visibility-field';
import { LoadError } from '@/components/ui/load-error';

export { ProjectNotFound, ProjectUnavailable };

export interface ProjectValues {
  id: string;
  name: string;
  description: string;
  visibility: Visibility;
  version: number;
}

export function ProjectSettings({ projectId }: { projectId: string }) {
  const t = useTranslations('projects.settings');
  const tc = useTranslations('common');
  const trpc = useTRPC();
  const { workspaceSlug } = useWorkspaceRole();
  const project = useQuery(trpc.project.get.queryOptions({ workspaceSlug, projectId }));
  const members = useProjectMembers(projectId);
  const canDelete = useCan('project:delete');
  // Bumped after a save or a conflict reload: the form remounts with the server's values. Other
  // changes arriving meanwhile (realtime) do not reset what the user is typing; saving them then
  // meets a CONFLICT and reloads.
  const [formGeneration, setFormGeneration] = useState(0);
  const [status, setStatus] = useState<FormStatus>(null);

  if (project.isPending) return <Spinner className="mt-6" label={tc('loading')} />;
  if (project.isError) {
    if (errorCodeOf(project.error) === 'NOT_FOUND') return <ProjectNotFound />;
    return (
      <LoadError className="mt-6" message={t('loadError')} onRetry={() => void project.refetch()} />
    );
  }
  const current = project.data;

  return (
    <div className="grid max-w-2xl gap-6">
      <div>
        <Button asChild variant="link" className="h-auto px-0">
          <Link href={`/w/${workspaceSlug}/p/${current.id}`} data-testid="back-to-board">
            <ArrowLeft className="h-4 w-4" aria-hidden />
            {t('backToBoard')}
          </Link>
        </Button>
        <h1 className="mt-2 text-2xl font-semibold tracking-tight">{t('title')}</h1>
        <p className="mt-1 text-sm text-muted-foreground break-words" data-testid="project-settings-name">
          {current.name}
        </p>
      </div>
      <Card>
        <h2 className="font-semibold">{t('general')}</h2>
        <GeneralForm
          key={`${current.id}:${formGeneration}`}
          project={current}
          canManageMembers={members.canManage}
          status={status}
          onStatus={(next) => {
            setStatus(next);
            if (next) setFormGeneration((n) => n + 1);
          }}
        />
      </Card>
      {current.visibility === 'private' ? (
        <Card>
          <ProjectMembers projectId={current.id} />
        </Card>
      ) : (
        <p className="text-sm text-muted-foreground">{t('workspaceVisibleNote')}</p>
      )}
      {canDelete ? (
        <Card className="border-destructive/40">
          <h2 className="font-semibold text-destructive">{t('dangerZone')}</h2>
          <p className="mt-1 text-sm text-muted-foreground">{t('deleteBody')}</p>
          <DeleteProjectForm project={current} />
        </Card>
      ) : null}
    </div>
  );
}

type FormStatus = { kind: 'saved' } | { kind: 'conflict'; message: string } | null;

function GeneralForm({
  project,
  canManageMembers,
  status,
  onStatus,
}: {
  project: ProjectValues;
  canManageMembers: boolean;
  status: FormStatus;
  onStatus: (status: FormStatus) => void;
}) {
  const t = useTranslations('projects');
  const tc = useTranslations('common');
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { workspaceSlug } = useWorkspaceRole();
  const canUpdate = useCan('project:update');
  const id = useId();
  const [name, setName] = useState(project.name);
  const [description, setDescription] = useState(project.description);
  const [visibility, setVisibility] = useState<Visibility>(project.visibility);
  const [preview, setPreview] = useState(false);
  // The version these values were loaded at: what a save compares against.
  const [baseVersion] = useState(project.version);
  const getKey = trpc.project.get.queryKey({ workspaceSlug, projectId: project.id });

  const update = useMutation(
    trpc.project.update.mutationOptions({
      onSuccess: async (saved) => {
        queryClient.setQueryData(getKey, saved);
        onStatus({ kind: 'saved' });
        await queryClient.invalidateQueries({ queryKey: trpc.project.list.queryKey({ workspaceSlug }) });
      },
      onError: async (error) => {
        if (errorCodeOf(error) !== 'CONFLICT') return;
        // Load the current values, then show them (the form remounts) with the explanation.
        await queryClient.invalidateQueries({ queryKey: getKey });
        onStatus({ kind: 'conflict', message: error.message });
      },
    }),
  );
  const errors = fieldErrorsOf(update.error);
  const fieldError = errors.name ?? errors.description ?? errors.visibility;
  const changes = {
    name: name.trim() !== project.name ? name : undefined,
    description: description !== project.description ? description : undefined,
    visibility: visibility !== project.visibility ? visibility : undefined,
  };
  const dirty = changes.name !== undefined || changes.description !== undefined || changes.visibility !== undefined;

  return (
    <form
      method="post"
      noValidate
      className="mt-4 grid gap-4"
      data-testid="project-settings-form"
      onSubmit={(event) => {
        event.preventDefault();
        onStatus(null);
        update.mutate({ workspaceSlug, projectId: project.id, expectedVersion: baseVersion, ...changes });
      }}
    >
      {!canUpdate ? <Alert>{t('settings.readOnly')}</Alert> : null}
      <FormField
        id={`${id}-name`}
        label={t('nameLabel')}
        value={name}
        onChange={(event) => setName(event.target.value)}
        error={errors.name}
        maxLength={120}
        required
        disabled={!canUpdate}
        autoComplete="off"
      />
      <div className="grid gap-1.5">
        <div className="flex items-center justify-between gap-2">
          <Label htmlFor={`${id}-description`}>{t('descriptionLabel')}</Label>
          <Button type="button" variant="ghost" size="sm" onClick={() => setPreview((on) => !on)}>
            {preview ? t('settings.edit') : t('settings.preview')}
          </Button>
        </div>
        {preview ? (
          <div className="min-h-20 rounded-md border border-border px-3 py-2" data-testid="description-preview">
            {description.trim() ? <Markdown source={description} /> : <p className="text-sm text-muted-foreground">{t('noDescription')}</p>}
          </div>
        ) : (
          <Textarea
            id={`${id}-description`}
            value={description}
            onChange={(event) => setDescription(event.target.value)}
            rows={6}
            maxLength={20_000}
            disabled={!canUpdate}
            aria-invalid={errors.description ? true : undefined}
            aria-describedby={describedByIds(`${id}-description`, errors.description, t('descriptionHint'))}
          />
        )}
        <FieldHelp id={`${id}-description`} error={errors.description} hint={t('descriptionHint')} />
      </div>
      <VisibilityField value={visibility} onChange={setVisibility} error={errors.visibility} disabled={!canUpdate || !canManageMembers} />
      {canUpdate && !canManageMembers ? <p className="-mt-2 text-xs text-muted-foreground">{t('settings.visibilityAdminsOnly')}</p> : null}
      <div role="status" aria-live="polite" className="empty:hidden">
        {status?.kind === 'saved' && !dirty ? <p className="text-sm text-success">{t('settings.saved')}</p> : null}
      </div>
      {status?.kind === 'conflict' ? (
        <Alert variant="error" data-testid="project-conflict">
          {status.message} {t('settings.reloaded')}
        </Alert>
      ) : update.error && !fieldError && errorCodeOf(update.error) !== 'CONFLICT' ? (
        <Alert variant="error">{update.error.message}</Alert>
      ) : null}
      {canUpdate ? (
        <div>
          <Button type="submit" disabled={update.isPending || !dirty}>
            {update.isPending ? tc('saving') : tc('save')}
          </Button>
        </div>
      ) : null}
    </form>
  );
}

function DeleteProjectForm({ project }: { project: ProjectValues }) {
  const t = useTranslations('projects.settings');
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const router = useRouter();
  const { workspaceSlug } = useWorkspaceRole();
  const id = useId();
  const [confirmation, setConfirmation] = useState('');
  const remove = useMutation(
    trpc.project.delete.mutationOptions({
      onSuccess: async () => {
        queryClient.removeQueries({ queryKey: trpc.project.get.queryKey({ workspaceSlug, projectId: project.id }) });
        await queryClient.invalidateQueries({ queryKey: trpc.project.list.queryKey({ workspaceSlug }) });
        router.replace(`/w/${workspaceSlug}`);
      },
    }),
  );
  const confirmed = confirmation.trim() === project.name.trim();
  return (
    <form
      method="post"
      noValidate
      className="mt-4 grid gap-3"
      onSubmit={(event) => {
        event.preventDefault();
        if (confirmed) remove.mutate({ workspaceSlug, projectId: project.id, expectedVersion: project.version });
      }}
    >
      <FormField
        id={`${id}-confirm`}
        label={t('deleteConfirmLabel', { name: project.name })}
        value={confirmation}
        onChange={(event) => setConfirmation(event.target.value)}
        autoComplete="off"
      />
      {remove.error ? <Alert variant="error">{remove.error.message}</Alert> : null}
      <div>
        <Button type="submit" variant="destructive" disabled={!confirmed || remove.isPending || remove.isSuccess} data-testid="delete-project">
          {remove.isPending || remove.isSuccess ? t('deleting') : t('deleteButton')}
        </Button>
      </div>
    </form>
  );
}
