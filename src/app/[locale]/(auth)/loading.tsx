import { useTranslations } from 'next-intl';
import { Spinner } from '@/components/ui/spinner';

export default function AuthLoading() {
  const t = useTranslations('common');
  return (
    <div className="flex min-h-[40vh] items-center justify-center">
      <Spinner label={t('loading')} />
    </div>
  );
}
