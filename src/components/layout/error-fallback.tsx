'use client';
import * as Sentry from '@sentry/nextjs';
import { useTranslations } from 'next-intl';
import { useEffect, type ReactNode } from 'react';
import { useOnReconnected } from '@/components/layout/connection-notice';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { connectionMonitor } from '@/lib/connection-status';
import { unavailableRequestId } from '@/lib/unavailable-digest';

/**
 * What every error boundary shows: a localised message, the support line with the digest, retry.
 * A page that failed because the database is reconnecting says so (not "something went wrong"),
 * names its request id, and reloads by itself once the API answers again.
 */
export function ErrorFallback({ error, retry, children }: { error: unknown; retry: () => void; children?: ReactNode }) {
  const t = useTranslations();
  const unavailable = unavailableRequestId(error);
  const digest = unavailable ?? (error instanceof Error && 'digest' in error && typeof error.digest === 'string' ? error.digest : '-');
  useEffect(() => {
    if (unavailable) connectionMonitor.observe(503);
    else Sentry.captureException(error);
  }, [error, unavailable]);
  useOnReconnected(() => {
    if (unavailable) retry();
  });
  return (
    <Alert variant={unavailable ? 'info' : 'error'} className="grid gap-3 p-6" data-testid={unavailable ? 'page-unavailable' : 'page-error'}>
      <h1 className="text-lg font-semibold">{t(unavailable ? 'errors.unavailableTitle' : 'errors.pageTitle')}</h1>
      <p>{t(unavailable ? 'errors.unavailableBody' : 'errors.pageBody')}</p>
      <p className="text-xs">{t('common.support', { requestId: digest })}</p>
      <div className="flex flex-wrap gap-2">
        <Button onClick={() => retry()}>{t('common.retry')}</Button>
        {children}
      </div>
    </Alert>
  );
}
