'use client';
import { useMutation } from '@tanstack/react-query';
import { useTranslations } from 'next-intl';
import { useRef, useState, type FormEvent } from 'react';
import { FormField } from '@/components/ui/form-field';
import { PasswordStrength, preloadPasswordStrength } from '@/components/ui/password-strength';
import { useRouter } from '@/i18n/navigation';
import { PASSWORD_MAX, PASSWORD_MIN } from '@/lib/password-rules';
import { useTRPC } from '@/lib/trpc/client';
import { formString, FormError, SubmitButton, useErrorMessage, useFocusFirstError } from '../_components/form-helpers';

/** `callbackUrl` travels into the confirmation mail, so the new user comes back to it (e.g. an invitation). */
export function SignUpForm({ callbackUrl, defaultEmail }: { callbackUrl?: string; defaultEmail?: string }) {
  const t = useTranslations('auth');
  const trpc = useTRPC();
  const router = useRouter();
  const formRef = useRef<HTMLFormElement>(null);
  const signUp = useMutation(
    trpc.auth.signUp.mutationOptions({
      onSuccess: ({ email }) => router.push({ pathname: '/verify-email', query: callbackUrl ? { email, callbackUrl } : { email } }),
    }),
  );
  const fieldErrors = useFocusFirstError(formRef, signUp.error);
  const message = useErrorMessage(signUp.error);
  const pending = signUp.isPending || signUp.isSuccess;
  // What the strength meter judges: the password and what it must not be made of.
  const [draft, setDraft] = useState({ email: defaultEmail ?? '', name: '', password: '' });

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = event.currentTarget;
    signUp.mutate({
      email: formString(form, 'email'),
      password: formString(form, 'password'),
      name: formString(form, 'name') || undefined,
      callbackUrl,
    });
  };

  return (
    <form
      ref={formRef}
      method="post"
      onSubmit={onSubmit}
      onChange={(event) => {
        const form = event.currentTarget;
        setDraft({ email: formString(form, 'email'), name: formString(form, 'name'), password: formString(form, 'password') });
      }}
      noValidate
      className="grid gap-4"
      data-testid="sign-up-form"
    >
      <FormError message={message} />
      <FormField id="name" label={t('fields.name')} autoComplete="name" maxLength={100} error={fieldErrors.name} />
      <FormField id="email" type="email" label={t('fields.email')} autoComplete="email" required defaultValue={defaultEmail} error={fieldErrors.email} />
      <FormField
        id="password"
        type="password"
        label={t('fields.password')}
        autoComplete="new-password"
        required
        minLength={PASSWORD_MIN}
        maxLength={PASSWORD_MAX}
        hint={t('fields.passwordHint', { min: PASSWORD_MIN })}
        error={fieldErrors.password}
        onFocus={() => void preloadPasswordStrength().catch(() => {})}
      />
      <PasswordStrength id="password-strength" password={draft.password} context={{ email: draft.email, name: draft.name }} fieldError={fieldErrors.password} />
      <SubmitButton pending={pending} label={t('signUp.submit')} pendingLabel={t('signUp.submitting')} />
    </form>
  );
}
