'use client';
import { useMutation } from '@tanstack/react-query';
import { useTranslations } from 'next-intl';
import { useRef, useState, type FormEvent } from 'react';
import { Alert } from '@/components/ui/alert';
import { FormField } from '@/components/ui/form-field';
import { useTRPC } from '@/lib/trpc/client';
import { formString, FormError, SubmitButton, useErrorMessage, useFocusFirstError } from '../_components/form-helpers';

/** Always answers "if an account exists, we sent a link" (the server never says which). */
export function ForgotPasswordForm() {
  const t = useTranslations('auth');
  const trpc = useTRPC();
  const formRef = useRef<HTMLFormElement>(null);
  const [email, setEmail] = useState('');
  const request = useMutation(trpc.auth.requestPasswordReset.mutationOptions());
  const fieldErrors = useFocusFirstError(formRef, request.error);
  const message = useErrorMessage(request.error);

  if (request.isSuccess) {
    return (
      <Alert variant="success" data-testid="reset-requested">
        {t('forgot.sent', { email })}
      </Alert>
    );
  }

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const value = formString(event.currentTarget, 'email');
    setEmail(value.trim());
    request.mutate({ email: value });
  };

  return (
    <form ref={formRef} method="post" onSubmit={onSubmit} noValidate className="grid gap-4" data-testid="forgot-password-form">
      <FormError message={message} />
      <FormField id="email" type="email" label={t('fields.email')} autoComplete="email" required error={fieldErrors.email} />
      <SubmitButton pending={request.isPending} label={t('forgot.submit')} pendingLabel={t('forgot.submitting')} />
    </form>
  );
}
