import type { Metadata } from 'next';
import { getTranslations, setRequestLocale } from 'next-intl/server';
import { Button } from '@/components/ui/button';
import { Link } from '@/i18n/navigation';
import { serverCaller } from '@/lib/trpc/server';
import { AuthCard } from '../_components/auth-card';
import { ResetPasswordForm } from './reset-password-form';

type Props = { params: Promise<{ locale: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> };

const TOKEN = /^[A-Za-z0-9_-]{16,128}$/;

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { locale } = await params;
  const t = await getTranslations({ locale, namespace: 'auth.reset' });
  return { title: t('title') };
}

/** The link from the reset mail: the token is checked before the form is shown. */
export default async function ResetPasswordPage({ params, searchParams }: Props) {
  const { locale } = await params;
  setRequestLocale(locale);
  const { token } = await searchParams;
  const t = await getTranslations('auth');
  const status =
    typeof token === 'string' && TOKEN.test(token)
      ? (await (await serverCaller()).auth.inspectToken({ token, purpose: 'reset_password' })).status
      : 'unknown';

  if (status !== 'valid' || typeof token !== 'string') {
    return (
      <AuthCard title={t('reset.invalidTitle')} description={t(`reset.${status === 'valid' ? 'unknown' : status}`)}>
        <Button asChild>
          <Link href="/forgot-password">{t('reset.requestNew')}</Link>
        </Button>
      </AuthCard>
    );
  }
  return (
    <AuthCard title={t('reset.title')} description={t('reset.description')}>
      <ResetPasswordForm token={token} />
    </AuthCard>
  );
}
