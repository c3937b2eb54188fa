'use client';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { TRPCClientError } from '@trpc/client';
import { useTranslations } from 'next-intl';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { FormField } from '@/components/ui/form-field';
import { PasswordStrength, preloadPasswordStrength } from '@/components/ui/password-strength';
import type { PasswordContext } from '@/lib/password-rules';
import { PASSWORD_MAX, PASSWORD_MIN } from '@/lib/password-rules';
import { fieldErrorsOf, useTRPC } from '@/lib/trpc/client';

function formString(form: HTMLFormElement, name: string): string {
  const value = new FormData(form).get(name);
  return typeof value === 'string' ? value : '';
}

/**
 * Current password required; every other session is revoked and a notice is mailed. `account` (the
 * signed-in user's email and name) is what the strength meter warns about; the server checks it too.
 */
export function ChangePasswordForm({ account }: { account?: PasswordContext }) {
  const t = useTranslations();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const formRef = useRef<HTMLFormElement>(null);
  const change = useMutation(
    trpc.auth.changePassword.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.auth.listSessions.queryKey() }),
    }),
  );
  const fieldErrors = fieldErrorsOf(change.error);
  const [newPassword, setNewPassword] = useState('');
  const firstInvalid = Object.keys(fieldErrors)[0];
  useEffect(() => {
    if (!firstInvalid) return;
    const field = formRef.current?.elements.namedItem(firstInvalid);
    if (field instanceof HTMLElement) field.focus();
  }, [firstInvalid, change.error]);
  const message =
    change.error instanceof TRPCClientError && (change.error.data as { appCode?: string } | undefined)?.appCode
      ? change.error.message
      : change.error
        ? t('errors.generic.internal')
        : null;

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = event.currentTarget;
    change.mutate(
      { currentPassword: formString(form, 'currentPassword'), newPassword: formString(form, 'newPassword') },
      {
        onSuccess: () => {
          form.reset();
          setNewPassword('');
        },
      },
    );
  };

  return (
    <form ref={formRef} method="post" onSubmit={onSubmit} noValidate className="mt-4 grid max-w-sm gap-4" data-testid="change-password-form">
      {change.isSuccess ? <Alert variant="success">{t('account.security.password.success')}</Alert> : null}
      {message ? <Alert variant="error">{message}</Alert> : null}
      <FormField
        id="currentPassword"
        type="password"
        label={t('auth.fields.currentPassword')}
        autoComplete="current-password"
        required
        error={fieldErrors.currentPassword}
      />
      <FormField
        id="newPassword"
        type="password"
        label={t('auth.fields.newPassword')}
        autoComplete="new-password"
        required
        minLength={PASSWORD_MIN}
        maxLength={PASSWORD_MAX}
        hint={t('auth.fields.passwordHint', { min: PASSWORD_MIN })}
        error={fieldErrors.newPassword}
        onFocus={() => void preloadPasswordStrength().catch(() => {})}
        onChange={(event) => setNewPassword(event.currentTarget.value)}
      />
      <PasswordStrength id="new-password-strength" password={newPassword} context={account} fieldError={fieldErrors.newPassword} />
      <Button type="submit" disabled={change.isPending} className="justify-self-start">
        {change.isPending ? t('account.security.password.submitting') : t('account.security.password.submit')}
      </Button>
    </form>
  );
}
