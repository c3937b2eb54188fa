import { getTranslations } from 'next-intl/server';
import { Spinner } from '@/components/ui/spinner';

export default async function Loading() {
  const t = await getTranslations('common');
  return <Spinner className="mt-10" label={t('loading')} />;
}
