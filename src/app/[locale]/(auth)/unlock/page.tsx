import type { Metadata } from 'next';
import { getTranslations, setRequestLocale } from 'next-intl/server';
import { Button } from '@/components/ui/button';
import { Link } from '@/i18n/navigation';
import { serverCaller } from '@/lib/trpc/server';
import { AuthCard } from '../_components/auth-card';
import { UnlockForm } from './unlock-form';

type Props = { params: Promise<{ locale: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> };

const TOKEN = /^[A-Za-z0-9_-]{16,128}$/;

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { locale } = await params;
  const t = await getTranslations({ locale, namespace: 'auth.unlock' });
  return { title: t('metaTitle') };
}

/**
 * The link from the lock notice (AUTH-4): the token is checked before the form is shown and only
 * spent by the form's POST (a mail scanner opening the link unlocks nothing).
 */
export default async function UnlockPage({ params, searchParams }: Props) {
  const { locale } = await params;
  setRequestLocale(locale);
  const { token } = await searchParams;
  const t = await getTranslations('auth');
  const status =
    typeof token === 'string' && TOKEN.test(token)
      ? (await (await serverCaller()).auth.inspectToken({ token, purpose: 'unlock_account' })).status
      : 'unknown';

  if (status !== 'valid' || typeof token !== 'string') {
    return (
      <AuthCard title={t('unlock.invalidTitle')} description={t(`unlock.${status === 'valid' ? 'unknown' : status}`)}>
        <div className="flex flex-wrap gap-2">
          <Button asChild>
            <Link href="/sign-in">{t('unlock.signIn')}</Link>
          </Button>
          <Button asChild variant="outline">
            <Link href="/forgot-password">{t('unlock.forgot')}</Link>
          </Button>
        </div>
      </AuthCard>
    );
  }
  return (
    <AuthCard title={t('unlock.title')} description={t('unlock.description')}>
      <UnlockForm token={token} />
    </AuthCard>
  );
}
