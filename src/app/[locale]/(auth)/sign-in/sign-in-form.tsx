'use client';
import { useMutation } from '@tanstack/react-query';
import { TRPCClientError } from '@trpc/client';
import { useTranslations } from 'next-intl';
import { useRef, useState, type FormEvent } from 'react';
import { FormField } from '@/components/ui/form-field';
import { Link } from '@/i18n/navigation';
import { useTRPC } from '@/lib/trpc/client';
import { CaptchaField, type CaptchaFieldHandle, type CaptchaWidgetConfig } from '../_components/captcha-field';
import { useCaptchaAnswer } from '../_components/use-captcha-answer';
import { appCodeOf, formString, FormError, SubmitButton, useErrorMessage, useFocusFirstError } from '../_components/form-helpers';
import { ResendVerificationForm } from '../_components/resend-verification-form';

type SignInValues = { email: string; password: string };

/** Whether the server asked for a CAPTCHA (AUTH-4: the client address failed a few sign-ins). */
function captchaRequiredBy(error: unknown): boolean {
  return error instanceof TRPCClientError && (error.data as { captchaRequired?: boolean } | undefined)?.captchaRequired === true;
}

/**
 * Email + password (our own procedure; the session cookie is set by the tRPC route). Once the server
 * says a CAPTCHA is required, the form shows it; when it is solved, the same credentials go again
 * with the answer (and every later try carries a fresh one).
 */
export function SignInForm({ callbackUrl, captcha }: { callbackUrl?: string; captcha: CaptchaWidgetConfig }) {
  const t = useTranslations('auth');
  const trpc = useTRPC();
  const formRef = useRef<HTMLFormElement>(null);
  const captchaRef = useRef<CaptchaFieldHandle>(null);
  const [email, setEmail] = useState('');
  const [captchaShown, setCaptchaShown] = useState(false);
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

  // Credentials refused for want of a CAPTCHA (or sent before it was solved): sent again once it is.
  const captchaAnswer = useCaptchaAnswer<SignInValues>();
  const waiting = captchaAnswer.waiting;
  const send = (values: SignInValues, answer: string | null) => {
    signIn.mutate(
      { ...values, callbackUrl, captcha: answer ?? undefined },
      {
        onError: (error) => {
          const required = captchaRequiredBy(error);
          if (answer) captchaRef.current?.reset();
          if (required) setCaptchaShown(true);
          // Refused only for want of a CAPTCHA: try the same credentials again once it is solved.
          if (required && !answer && appCodeOf(error) === 'BAD_REQUEST') captchaAnswer.submit(values, send);
        },
      },
    );
  };

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = event.currentTarget;
    const values = { email: formString(form, 'email'), password: formString(form, 'password') };
    setEmail(values.email);
    if (captchaShown) captchaAnswer.submit(values, send);
    else send(values, null);
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
        {captchaShown ? <CaptchaField ref={captchaRef} config={captcha} onChange={captchaAnswer.onChange} /> : null}
        <SubmitButton
          pending={signIn.isPending || signIn.isSuccess || waiting}
          label={t('signIn.submit')}
          pendingLabel={waiting ? t('captcha.verifying') : t('signIn.submitting')}
        />
      </form>
      {unverified ? <ResendVerificationForm lockedEmail={email} callbackUrl={callbackUrl} /> : null}
    </div>
  );
}
