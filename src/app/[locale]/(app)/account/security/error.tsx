'use client';
import { useTranslations } from 'next-intl';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';

export default function SecurityError({ error, retry }: { error: unknown; retry: () => void }) {
  const t = useTranslations();
  const digest = error instanceof Error && 'digest' in error && typeof error.digest === 'string' ? error.digest : '-';
  return (
    <main id="main" className="mx-auto max-w-md px-4 py-16">
      <Alert variant="error" className="grid gap-3 p-6">
        <h1 className="text-lg font-semibold">{t('errors.pageTitle')}</h1>
        <p>{t('errors.pageBody')}</p>
        <p className="text-xs">{t('common.support', { requestId: digest })}</p>
        <Button className="justify-self-start" onClick={retry}>
          {t('common.retry')}
        </Button>
      </Alert>
    </main>
  );
}
