import { useTranslations } from 'next-intl';
import { Button } from '@/components/ui/button';
import { Link } from '@/i18n/navigation';

export default function NotFound() {
  const t = useTranslations();
  return (
    <main id="main" className="mx-auto max-w-md px-4 py-24 text-center">
      <h1 className="text-2xl font-semibold">{t('errors.notFoundTitle')}</h1>
      <p className="mt-3 text-muted-foreground">{t('errors.notFoundBody')}</p>
      <Button asChild className="mt-6">
        <Link href="/">{t('nav.home')}</Link>
      </Button>
    </main>
  );
}
