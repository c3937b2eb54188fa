'use client';
import { useMutation } from '@tanstack/react-query';
import { useTranslations } from 'next-intl';
import { type FormEvent } from 'react';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Link } from '@/i18n/navigation';
import { useTRPC } from '@/lib/trpc/client';
import { FormError, SubmitButton, useErrorMessage } from '../_components/form-helpers';

/** Spends the unlock link: the lock and the address's failed attempts are forgotten. */
export function UnlockForm({ token }: { token: string }) {
  const t = useTranslations('auth');
  const trpc = useTRPC();
  const unlock = useMutation(trpc.auth.unlockAccount.mutationOptions());
  const message = useErrorMessage(unlock.error);

  if (unlock.isSuccess) {
    return (
      <>
        <Alert variant="success" data-testid="account-unlocked">
          {t('unlock.success')}
        </Alert>
        <Button asChild>
          <Link href="/sign-in">{t('unlock.signIn')}</Link>
        </Button>
      </>
    );
  }

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    unlock.mutate({ token });
  };

  return (
    <form method="post" onSubmit={onSubmit} noValidate className="grid gap-4" data-testid="unlock-form">
      <FormError message={message} />
      <SubmitButton pending={unlock.isPending} label={t('unlock.submit')} pendingLabel={t('unlock.submitting')} />
    </form>
  );
}
