'use client';
/** "New project" (COLLAB-1): an accessible dialog; on success the list refreshes and the board opens. */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Plus } from 'lucide-react';
import { useTranslations } from 'next-intl';
import { useId, useState } from 'react';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Dialog, DialogContent, DialogDescription, DialogTitle, DialogTrigger } from '@/components/ui/dialog';
import { describedByIds, FieldHelp, FormField } from '@/components/ui/form-field';
import { Label } from '@/components/ui/label';
import { Textarea } from '@/components/ui/textarea';
import { useWorkspaceRole } from '@/components/workspaces/workspace-role';
import { useRouter } from '@/i18n/navigation';
import { fieldErrorsOf, useTRPC } from '@/lib/trpc/client';
import { VisibilityField, type Visibility } from './visibility-field';

export function CreateProjectDialog({ className }: { className?: string }) {
  const t = useTranslations('projects');
  const tc = useTranslations('common');
  const [open, setOpen] = useState(false);
  return (
    <Dialog open={open} onOpenChange={setOpen}>
      <DialogTrigger asChild>
        <Button className={className} data-testid="new-project">
          <Plus className="h-4 w-4" aria-hidden />
          {t('new')}
        </Button>
      </DialogTrigger>
      <DialogContent closeLabel={tc('cancel')}>
        <DialogTitle>{t('createTitle')}</DialogTitle>
        <DialogDescription>{t('createDescription')}</DialogDescription>
        {/* Mounted only while open: every opening starts with an empty form and a fresh id. */}
        {open ? <CreateProjectForm onCancel={() => setOpen(false)} /> : null}
      </DialogContent>
    </Dialog>
  );
}

function CreateProjectForm({ onCancel }: { onCancel: () => void }) {
  const t = useTranslations('projects');
  const tc = useTranslations('common');
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const router = useRouter();
  const { workspaceSlug } = useWorkspaceRole();
  const id = useId();
  // One id per form: a retried submit (after a network error) replays the same create, idempotently.
  const [projectId] = useState(() => crypto.randomUUID());
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [visibility, setVisibility] = useState<Visibility>('workspace');
  const create = useMutation(
    trpc.project.create.mutationOptions({
      onSuccess: async (project) => {
        await queryClient.invalidateQueries({ queryKey: trpc.project.list.queryKey({ workspaceSlug }) });
        router.push(`/w/${workspaceSlug}/p/${project.id}`);
      },
    }),
  );
  const errors = fieldErrorsOf(create.error);
  const fieldError = errors.name ?? errors.description ?? errors.visibility;

  return (
    <form
      method="post"
      noValidate
      className="grid gap-4"
      data-testid="create-project-form"
      onSubmit={(event) => {
        event.preventDefault();
        create.mutate({ workspaceSlug, id: projectId, name, description: description.trim() ? description : undefined, visibility });
      }}
    >
      <FormField
        id={`${id}-name`}
        label={t('nameLabel')}
        value={name}
        onChange={(event) => setName(event.target.value)}
        error={errors.name}
        maxLength={120}
        required
        autoFocus
        autoComplete="off"
      />
      <div className="grid gap-1.5">
        <Label htmlFor={`${id}-description`}>{t('descriptionLabel')}</Label>
        <Textarea
          id={`${id}-description`}
          value={description}
          onChange={(event) => setDescription(event.target.value)}
          rows={4}
          maxLength={20_000}
          aria-invalid={errors.description ? true : undefined}
          aria-describedby={describedByIds(`${id}-description`, errors.description, t('descriptionHint'))}
        />
        <FieldHelp id={`${id}-description`} error={errors.description} hint={t('descriptionHint')} />
      </div>
      <VisibilityField value={visibility} onChange={setVisibility} error={errors.visibility} />
      {create.error && !fieldError ? <Alert variant="error">{create.error.message}</Alert> : null}
      <div className="flex justify-end gap-2">
        <Button type="button" variant="ghost" onClick={onCancel}>
          {tc('cancel')}
        </Button>
        <Button type="submit" disabled={create.isPending || create.isSuccess}>
          {create.isPending || create.isSuccess ? t('creating') : t('create')}
        </Button>
      </div>
    </form>
  );
}
