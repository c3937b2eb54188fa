'use client';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslations } from 'next-intl';
import { useEffect, useRef, type FormEvent } from 'react';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { FormField } from '@/components/ui/form-field';
import { useWorkspaceRole } from '@/components/workspaces/workspace-role';
import { assignableRoles, type Role } from '@/lib/permissions';
import { fieldErrorsOf, useTRPC } from '@/lib/trpc/client';
import { RoleSelect, useServerMessage } from './form-bits';

/** "Invite by email": address + a role the inviter may grant. The server checks both again. */
export function InviteForm({ workspaceSlug }: { workspaceSlug: string }) {
  const t = useTranslations('invitations');
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { role } = useWorkspaceRole();
  const roles = assignableRoles(role);
  const formRef = useRef<HTMLFormElement>(null);
  const create = useMutation(
    trpc.invitation.create.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries({ queryKey: trpc.invitation.list.queryKey({ workspaceSlug }) });
      },
    }),
  );
  const fieldErrors = fieldErrorsOf(create.error);
  const message = useServerMessage(create.error);
  const firstInvalid = Object.keys(fieldErrors)[0];

  // Keyboard and screen-reader users land on the field the server rejected.
  useEffect(() => {
    if (!firstInvalid) return;
    const field = formRef.current?.elements.namedItem(firstInvalid);
    if (field instanceof HTMLElement) field.focus();
  }, [firstInvalid, create.error]);

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = event.currentTarget;
    const data = new FormData(form);
    create.mutate(
      { workspaceSlug, email: String(data.get('email') ?? ''), role: String(data.get('role') ?? '') as Role },
      { onSuccess: () => form.reset() },
    );
  };

  return (
    <form ref={formRef} method="post" onSubmit={onSubmit} noValidate className="mt-4 grid gap-4" data-testid="invite-form" aria-labelledby="invite-form-heading">
      {create.isSuccess ? (
        <Alert variant="success" data-testid="invite-sent">
          {create.data.refreshed ? t('form.refreshed', { email: create.data.invitation.email }) : t('form.sent', { email: create.data.invitation.email })}
        </Alert>
      ) : null}
      {message && !firstInvalid ? (
        <Alert variant="error" data-testid="invite-form-error">
          {message}
        </Alert>
      ) : null}
      <div className="grid gap-4 sm:grid-cols-[1fr_12rem]">
        <FormField id="email" type="email" label={t('form.email')} autoComplete="off" required maxLength={254} error={fieldErrors.email} />
        <RoleSelect
          id="role"
          label={t('form.role')}
          roles={roles}
          defaultValue={roles.includes('member') ? 'member' : roles[0]}
          error={fieldErrors.role}
          hint={t('roleHint')}
        />
      </div>
      <div>
        <Button type="submit" disabled={create.isPending} aria-disabled={create.isPending}>
          {create.isPending ? t('form.submitting') : t('form.submit')}
        </Button>
      </div>
    </form>
  );
}
