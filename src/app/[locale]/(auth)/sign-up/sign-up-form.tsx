'use client';
import { useMutation } from '@tanstack/react-query';
import { useTranslations } from 'next-intl';
import { useRef, useState, type FormEvent } from 'react';
import { FormField } from '@/components/ui/form-field';
import { PasswordStrength, preloadPasswordStrength } from '@/components/ui/password-strength';
import { useRouter } from '@/i18n/navigation';
import { PASSWORD_MAX, PASSWORD_MIN } from '@/lib/password-rules';
import { useTRPC } from '@/lib/trpc/client';
import { CaptchaField, type CaptchaFieldHandle, type CaptchaWidgetConfig } from '../_components/captcha-field';
import { useCaptchaAnswer } from '../_components/use-captcha-answer';
import { formString, FormError, SubmitButton, useErrorMessage, useFocusFirstError } from '../_components/form-helpers';

type SignUpValues = { email: string; password: string; name: string | undefined };

/**
 * `callbackUrl` travels into the confirmation mail, so the new user comes back to it (e.g. an invitation).
 * Every sign-up carries a solved CAPTCHA (AUTH-4): the widget solves on its own while the form is
 * filled in; a submit before it is done waits for it, and after a refusal a fresh one is solved.
 */
export function SignUpForm({ callbackUrl, defaultEmail, captcha }: { callbackUrl?: string; defaultEmail?: string; captcha: CaptchaWidgetConfig }) {
  const t = useTranslations('auth');
  const trpc = useTRPC();
  const router = useRouter();
  const formRef = useRef<HTMLFormElement>(null);
  const captchaRef = useRef<CaptchaFieldHandle>(null);
  const signUp = useMutation(
    trpc.auth.signUp.mutationOptions({
      onSuccess: ({ email }) => router.push({ pathname: '/verify-email', query: callbackUrl ? { email, callbackUrl } : { email } }),
    }),
  );
  // Values submitted before the CAPTCHA was solved are sent as soon as it is.
  const captchaAnswer = useCaptchaAnswer<SignUpValues>();
  const send = (values: SignUpValues, answer: string) => {
    // The answer is spent either way: after a refusal, solve a new one for the next try.
    signUp.mutate({ ...values, callbackUrl, captcha: answer }, { onError: () => captchaRef.current?.reset() });
  };
  const waiting = captchaAnswer.waiting;
  const fieldErrors = useFocusFirstError(formRef, signUp.error);
  const message = useErrorMessage(signUp.error);
  const pending = signUp.isPending || signUp.isSuccess || waiting;
  // What the strength meter judges: the password and what it must not be made of.
  const [draft, setDraft] = useState({ email: defaultEmail ?? '', name: '', password: '' });

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = event.currentTarget;
    const values = { email: formString(form, 'email'), password: formString(form, 'password'), name: formString(form, 'name') || undefined };
    captchaAnswer.submit(values, send);
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
      <CaptchaField ref={captchaRef} config={captcha} onChange={captchaAnswer.onChange} />
      <SubmitButton pending={pending} label={t('signUp.submit')} pendingLabel={waiting ? t('captcha.verifying') : t('signUp.submitting')} />
    </form>
  );
}
