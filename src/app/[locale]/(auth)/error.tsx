'use client';
import { useTranslations } from 'next-intl';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Link } from '@/i18n/navigation';

/** Unexpected failures on the account pages (expected ones are shown in place by each form). */
export default function AuthError({ error, retry }: { error: unknown; retry: () => void }) {
  const t = useTranslations();
  const digest = error instanceof Error && 'digest' in error && typeof error.digest === 'string' ? error.digest : '-';
  return (
    <Alert variant="error" className="grid gap-3 p-6">
      <h1 className="text-lg font-semibold">{t('errors.pageTitle')}</h1>
      <p>{t('errors.pageBody')}</p>
      <p className="text-xs">{t('common.support', { requestId: digest })}</p>
      <div className="flex flex-wrap gap-2">
        <Button onClick={retry}>{t('common.retry')}</Button>
        <Button asChild variant="outline">
          <Link href="/sign-in">{t('auth.signIn.backToSignIn')}</Link>
        </Button>
      </div>
    </Alert>
  );
}
