'use client';
import { useMutation } from '@tanstack/react-query';
import { useTranslations } from 'next-intl';
import { useRef, useState, type FormEvent } from 'react';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { FormField } from '@/components/ui/form-field';
import { PasswordStrength, preloadPasswordStrength } from '@/components/ui/password-strength';
import { Link } from '@/i18n/navigation';
import { PASSWORD_MAX, PASSWORD_MIN } from '@/lib/password-rules';
import { useTRPC } from '@/lib/trpc/client';
import { appCodeOf, formString, FormError, SubmitButton, useErrorMessage, useFocusFirstError } from '../_components/form-helpers';

export function ResetPasswordForm({ token }: { token: string }) {
  const t = useTranslations('auth');
  const trpc = useTRPC();
  const formRef = useRef<HTMLFormElement>(null);
  const reset = useMutation(trpc.auth.resetPassword.mutationOptions());
  const fieldErrors = useFocusFirstError(formRef, reset.error);
  const message = useErrorMessage(reset.error);
  // The meter knows no account here (the link carries none); the server adds its email when it checks.
  const [password, setPassword] = useState('');

  if (reset.isSuccess) {
    return (
      <>
        <Alert variant="success" data-testid="password-reset-done">
          {t('reset.success')}
        </Alert>
        <Button asChild>
          <Link href="/sign-in">{t('reset.signIn')}</Link>
        </Button>
      </>
    );
  }

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    reset.mutate({ token, password: formString(event.currentTarget, 'password') });
  };

  return (
    <form ref={formRef} method="post" onSubmit={onSubmit} noValidate className="grid gap-4" data-testid="reset-password-form">
      <FormError message={message}>
        {/* The link was used or expired meanwhile: offer a new one. */}
        {appCodeOf(reset.error) === 'BAD_REQUEST' && !fieldErrors.password ? (
          <Link href="/forgot-password" className="mt-2 inline-block font-medium underline underline-offset-4">
            {t('reset.requestNew')}
          </Link>
        ) : null}
      </FormError>
      <FormField
        id="password"
        type="password"
        label={t('fields.newPassword')}
        autoComplete="new-password"
        required
        minLength={PASSWORD_MIN}
        maxLength={PASSWORD_MAX}
        hint={t('fields.passwordHint', { min: PASSWORD_MIN })}
        error={fieldErrors.password}
        onFocus={() => void preloadPasswordStrength().catch(() => {})}
        onChange={(event) => setPassword(event.currentTarget.value)}
      />
      <PasswordStrength id="password-strength" password={password} fieldError={fieldErrors.password} />
      <SubmitButton pending={reset.isPending} label={t('reset.submit')} pendingLabel={t('reset.submitting')} />
    </form>
  );
}
