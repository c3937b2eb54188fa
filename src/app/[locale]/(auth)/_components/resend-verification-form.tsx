'use client';
import { useMutation } from '@tanstack/react-query';
import { useTranslations } from 'next-intl';
import { useRef, type FormEvent } from 'react';
import { Alert } from '@/components/ui/alert';
import { FormField } from '@/components/ui/form-field';
import { useTRPC } from '@/lib/trpc/client';
import { formString, FormError, SubmitButton, useErrorMessage, useFocusFirstError } from './form-helpers';

/** "Send a new confirmation link": always the same answer, whether or not the address needs one. */
/** With `lockedEmail` the address is not asked again (e.g. right after a refused sign-in). */
/** `callbackUrl` is carried into the new link (e.g. back to an invitation). */
export function ResendVerificationForm({ defaultEmail, lockedEmail, callbackUrl }: { defaultEmail?: string; lockedEmail?: string; callbackUrl?: string }) {
  const t = useTranslations('auth');
  const trpc = useTRPC();
  const formRef = useRef<HTMLFormElement>(null);
  const resend = useMutation(trpc.auth.resendVerification.mutationOptions());
  const fieldErrors = useFocusFirstError(formRef, resend.error);
  const message = useErrorMessage(resend.error);

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    resend.mutate({ email: formString(event.currentTarget, 'email'), callbackUrl });
  };

  return (
    <form ref={formRef} method="post" onSubmit={onSubmit} noValidate className="grid gap-3" aria-label={t('verify.resend')}>
      {resend.isSuccess ? <Alert variant="success">{t('verify.resent')}</Alert> : null}
      <FormError message={lockedEmail || !Object.keys(fieldErrors).length ? message : null} />
      {lockedEmail ? (
        <input type="hidden" name="email" value={lockedEmail} />
      ) : (
        <FormField
          id="email"
          type="email"
          label={t('fields.email')}
          autoComplete="email"
          required
          defaultValue={defaultEmail}
          error={fieldErrors.email}
        />
      )}
      <SubmitButton variant="outline" pending={resend.isPending} label={t('verify.resend')} pendingLabel={t('verify.resending')} />
    </form>
  );
}
