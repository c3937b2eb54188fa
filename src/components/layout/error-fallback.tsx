'use client';
import * as Sentry from '@sentry/nextjs';
import { useTranslations } from 'next-intl';
import { useEffect, type ReactNode } from 'react';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';

/** What every error boundary shows: a localised message, the support line with the digest, retry. */
export function ErrorFallback({ error, retry, children }: { error: unknown; retry: () => void; children?: ReactNode }) {
  const t = useTranslations();
  const digest = error instanceof Error && 'digest' in error && typeof error.digest === 'string' ? error.digest : '-';
  useEffect(() => {
    Sentry.captureException(error);
  }, [error]);
  return (
    <Alert variant="error" className="grid gap-3 p-6">
      <h1 className="text-lg font-semibold">{t('errors.pageTitle')}</h1>
      <p>{t('errors.pageBody')}</p>
      <p className="text-xs">{t('common.support', { requestId: digest })}</p>
      <div className="flex flex-wrap gap-2">
        <Button onClick={() => retry()}>{t('common.retry')}</Button>
        {children}
      </div>
    </Alert>
  );
}
