'use client';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslations } from 'next-intl';
import { useState } from 'react';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { FormField } from '@/components/ui/form-field';
import { useRouter } from '@/i18n/navigation';
import { slugify } from '@/lib/slug';
import { fieldErrorsOf, useTRPC } from '@/lib/trpc/client';

export function CreateWorkspaceForm() {
  const t = useTranslations('workspace');
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const router = useRouter();
  const [name, setName] = useState('');
  const create = useMutation(
    trpc.workspace.create.mutationOptions({
      onSuccess: async (workspace) => {
        await queryClient.invalidateQueries({ queryKey: trpc.workspace.list.queryKey() });
        router.push(`/w/${workspace.slug}`);
      },
    }),
  );
  const errors = fieldErrorsOf(create.error);
  const slug = slugify(name);

  return (
    <form
      method="post"
      className="mt-6 grid gap-4"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        // Read from the form: text typed before hydration lives only in the DOM.
        create.mutate({ name: String(new FormData(e.currentTarget).get('name') ?? '') });
      }}
    >
      <FormField
        id="name"
        label={t('nameLabel')}
        placeholder={t('namePlaceholder')}
        defaultValue=""
        onChange={(e) => setName(e.target.value)}
        error={errors.name}
        hint={slug ? t('slugHint', { slug }) : undefined}
        autoComplete="organization"
        required
        maxLength={64}
      />
      {create.error && !errors.name ? <Alert variant="error">{create.error.message}</Alert> : null}
      <Button type="submit" disabled={create.isPending || create.isSuccess}>
        {create.isPending || create.isSuccess ? t('creating') : t('create')}
      </Button>
    </form>
  );
}
