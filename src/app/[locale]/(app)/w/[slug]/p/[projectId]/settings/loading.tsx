import { getTranslations } from 'next-intl/server';
import { Spinner } from '@/components/ui/spinner';

export default async function Loading() {
  const tc = await getTranslations('common');
  return <Spinner className="mt-6" label={tc('loading')} />;
}
