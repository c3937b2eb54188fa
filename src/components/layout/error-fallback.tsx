'use client';
import { useTranslations } from 'next-intl';
import { useEffect, type ReactNode } from 'react';
import { useOnReconnected } from '@/components/layout/connection-state';
import { buttonVariants } from '@/components/ui/button-variants';
import { connectionMonitor } from '@/lib/connection-status';
import { reportException } from '@/lib/monitoring/error-reporting';
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
    else reportException(error);
  }, [error, unavailable]);
  useOnReconnected(() => {
    if (unavailable) retry();
  });
  return (
    // The Alert look (components/ui/alert.tsx) spelled out: the error boundary is loaded on every page,
    // and Alert/Button merge classes with tailwind-merge, which the public pages otherwise do without (ADR 0016).
    <div
      role={unavailable ? 'status' : 'alert'}
      className={`grid gap-3 rounded-md border p-6 text-sm ${unavailable ? 'border-border text-foreground' : 'border-destructive/50 text-destructive'}`}
      data-testid={unavailable ? 'page-unavailable' : 'page-error'}
    >
      <h1 className="text-lg font-semibold">{t(unavailable ? 'errors.unavailableTitle' : 'errors.pageTitle')}</h1>
      <p>{t(unavailable ? 'errors.unavailableBody' : 'errors.pageBody')}</p>
      <p className="text-xs">{t('common.support', { requestId: digest })}</p>
      <div className="flex flex-wrap gap-2">
        <button type="button" className={buttonVariants()} onClick={() => retry()}>
          {t('common.retry')}
        </button>
        {children}
      </div>
    </div>
  );
}
