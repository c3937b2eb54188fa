'use client';
import { useTranslations } from 'next-intl';
import { ErrorFallback } from '@/components/layout/error-fallback';
import { Button } from '@/components/ui/button';
import { Link } from '@/i18n/navigation';

/** Unexpected failures on the account pages (expected ones are shown in place by each form). */
export default function AuthError({ error, retry }: { error: unknown; retry: () => void }) {
  const t = useTranslations('auth');
  return (
    <ErrorFallback error={error} retry={retry}>
      <Button asChild variant="outline">
        <Link href="/sign-in">{t('signIn.backToSignIn')}</Link>
      </Button>
    </ErrorFallback>
  );
}
