'use client';
import { useMutation } from '@tanstack/react-query';
import { useTranslations } from 'next-intl';
import { useEffect, useRef } from 'react';
import { Alert } from '@/components/ui/alert';
import { Spinner } from '@/components/ui/spinner';
import { useTRPC } from '@/lib/trpc/client';
import { useErrorMessage } from '../_components/form-helpers';
import { ResendVerificationForm } from '../_components/resend-verification-form';

/**
 * Consumes the verification link once the page is open in a browser (link scanners that only fetch
 * the HTML do not burn it), then continues into the app with the new session.
 */
export function VerifyEmailRunner({ token, callbackUrl }: { token: string; callbackUrl?: string }) {
  const t = useTranslations('auth.verify');
  const trpc = useTRPC();
  const verify = useMutation(
    trpc.auth.verifyEmail.mutationOptions({
      onSuccess: ({ redirectTo }) => window.location.assign(redirectTo),
    }),
  );
  const { mutate } = verify;
  const started = useRef(false);
  useEffect(() => {
    if (started.current) return;
    started.current = true;
    mutate({ token, callbackUrl });
  }, [mutate, token, callbackUrl]);
  const message = useErrorMessage(verify.error);

  if (verify.isError) {
    return (
      <>
        <Alert variant="error">{message}</Alert>
        <ResendVerificationForm callbackUrl={callbackUrl} />
      </>
    );
  }
  if (verify.isSuccess) {
    return (
      <Alert variant="success" data-testid="email-verified">
        {t('verified')}
      </Alert>
    );
  }
  return <Spinner label={t('verifying')} />;
}
