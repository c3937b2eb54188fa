'use client';
import { useMutation } from '@tanstack/react-query';
import { useTranslations } from 'next-intl';
import { useRef, useState, type FormEvent } from 'react';
import { FormField } from '@/components/ui/form-field';
import { Link } from '@/i18n/navigation';
import { useTRPC } from '@/lib/trpc/client';
import { appCodeOf, formString, FormError, SubmitButton, useErrorMessage, useFocusFirstError } from '../_components/form-helpers';
import { ResendVerificationForm } from '../_components/resend-verification-form';

/** Email + password (our own procedure; the session cookie is set by the tRPC route). */
export function SignInForm({ callbackUrl }: { callbackUrl?: string }) {
  const t = useTranslations('auth');
  const trpc = useTRPC();
  const formRef = useRef<HTMLFormElement>(null);
  const [email, setEmail] = useState('');
  const signIn = useMutation(
    trpc.auth.signIn.mutationOptions({
      // A full navigation: every server component must see the new session cookie.
      onSuccess: ({ redirectTo }) => window.location.assign(redirectTo),
    }),
  );
  const fieldErrors = useFocusFirstError(formRef, signIn.error);
  const message = useErrorMessage(signIn.error);
  // Strict verification: the server refuses unverified accounts with FORBIDDEN (only after the password matched).
  const unverified = appCodeOf(signIn.error) === 'FORBIDDEN';

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = event.currentTarget;
    const value = formString(form, 'email');
    setEmail(value);
    signIn.mutate({ email: value, password: formString(form, 'password'), callbackUrl });
  };

  return (
    <div className="grid gap-4">
      <form ref={formRef} method="post" onSubmit={onSubmit} noValidate className="grid gap-4" data-testid="sign-in-form">
        <FormError message={message} />
        <FormField id="email" type="email" label={t('fields.email')} autoComplete="email" required error={fieldErrors.email} />
        <div className="grid gap-1.5">
          <FormField id="password" type="password" label={t('fields.password')} autoComplete="current-password" required error={fieldErrors.password} />
          <Link href="/forgot-password" className="justify-self-end text-xs text-primary underline-offset-4 hover:underline">
            {t('signIn.forgot')}
          </Link>
        </div>
        <SubmitButton pending={signIn.isPending || signIn.isSuccess} label={t('signIn.submit')} pendingLabel={t('signIn.submitting')} />
      </form>
      {unverified ? <ResendVerificationForm lockedEmail={email} callbackUrl={callbackUrl} /> : null}
    </div>
  );
}
