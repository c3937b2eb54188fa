'use client';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslations } from 'next-intl';
import { useState } from 'react';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { FormField } from '@/components/ui/form-field';
import { useRouter } from '@/i18n/navigation';
import { fieldErrorsOf, useTRPC } from '@/lib/trpc/client';

export function RenameWorkspaceForm({ slug, name: initial }: { slug: string; name: string }) {
  const t = useTranslations('workspace.settings');
  const tc = useTranslations('common');
  const trpc = useTRPC();
  const router = useRouter();
  const [name, setName] = useState(initial);
  const rename = useMutation(trpc.workspace.rename.mutationOptions({ onSuccess: () => router.refresh() }));
  const errors = fieldErrorsOf(rename.error);
  return (
    <form
      method="post"
      className="mt-4 grid gap-3"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        rename.mutate({ workspaceSlug: slug, name });
      }}
    >
      <FormField id="name" label={t('renameLabel')} value={name} onChange={(e) => setName(e.target.value)} error={errors.name} maxLength={64} required />
      {rename.error && !errors.name ? <Alert variant="error">{rename.error.message}</Alert> : null}
      {rename.isSuccess ? <Alert variant="success">{t('renamed')}</Alert> : null}
      <div>
        <Button type="submit" disabled={rename.isPending || name.trim() === initial}>
          {rename.isPending ? tc('saving') : tc('save')}
        </Button>
      </div>
    </form>
  );
}

export function DeleteWorkspaceForm({ slug, name }: { slug: string; name: string }) {
  const t = useTranslations('workspace.settings');
  const trpc = useTRPC();
  const [confirmation, setConfirmation] = useState('');
  const router = useRouter();
  const queryClient = useQueryClient();
  const remove = useMutation(
    trpc.workspace.delete.mutationOptions({
      onSuccess: () => {
        queryClient.clear();
        router.replace('/w');
        router.refresh();
      },
    }),
  );
  const errors = fieldErrorsOf(remove.error);
  return (
    <form
      method="post"
      className="mt-4 grid gap-3"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        remove.mutate({ workspaceSlug: slug, confirmation });
      }}
    >
      <FormField
        id="confirmation"
        label={t('deleteConfirmLabel', { name })}
        value={confirmation}
        onChange={(e) => setConfirmation(e.target.value)}
        error={errors.confirmation}
        autoComplete="off"
      />
      {remove.error && !errors.confirmation ? <Alert variant="error">{remove.error.message}</Alert> : null}
      <div>
        <Button type="submit" variant="destructive" disabled={remove.isPending || confirmation.trim() !== name}>
          {remove.isPending ? t('deleting') : t('deleteButton')}
        </Button>
      </div>
    </form>
  );
}

export function ChangeSlugForm({ slug: initial }: { slug: string }) {
  const t = useTranslations('workspace.settings');
  const tc = useTranslations('common');
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const [slug, setSlug] = useState(initial);
  const change = useMutation(
    trpc.workspace.changeSlug.mutationOptions({
      onSuccess: async (result) => {
        await queryClient.invalidateQueries({ queryKey: trpc.workspace.list.queryKey() });
        router.replace(`/w/${result.slug}/settings`);
      },
    }),
  );
  const errors = fieldErrorsOf(change.error);
  return (
    <form
      className="mt-4 grid gap-3"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        change.mutate({ workspaceSlug: initial, slug });
      }}
    >
      <FormField
        id="slug"
        label={t('slugLabel')}
        value={slug}
        onChange={(e) => setSlug(e.target.value.toLowerCase())}
        error={errors.slug}
        hint={t('slugHint')}
        maxLength={48}
        autoComplete="off"
        spellCheck={false}
      />
      {change.error && !errors.slug ? <Alert variant="error">{change.error.message}</Alert> : null}
      {change.isSuccess ? <Alert variant="success">{t('slugChanged')}</Alert> : null}
      <div>
        <Button type="submit" disabled={change.isPending || slug.trim() === initial}>
          {change.isPending ? tc('saving') : tc('save')}
        </Button>
      </div>
    </form>
  );
}
