'use client';
import * as Sentry from '@sentry/nextjs';
import { useTranslations } from 'next-intl';
import { useEffect } from 'react';
import { Button } from '@/components/ui/button';

export default function ErrorPage({ error, retry }: { error: Error & { digest?: string }; retry: () => void }) {
  const t = useTranslations();
  useEffect(() => {
    Sentry.captureException(error);
  }, [error]);
  return (
    <main id="main" className="mx-auto max-w-md px-4 py-24 text-center" role="alert">
      <h1 className="text-2xl font-semibold">{t('errors.pageTitle')}</h1>
      <p className="mt-3 text-muted-foreground">{t('errors.pageBody')}</p>
      <p className="mt-3 text-xs text-muted-foreground">{t('common.support', { requestId: error.digest ?? '-' })}</p>
      <Button className="mt-6" onClick={() => retry()}>
        {t('common.retry')}
      </Button>
    </main>
  );
}
