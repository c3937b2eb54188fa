import type { Metadata } from 'next';
import { getTranslations, setRequestLocale } from 'next-intl/server';
import { Link } from '@/i18n/navigation';
import { MAGIC_LINK_MAX_AGE_SECONDS } from '@/server/auth/providers';
import { AuthCard } from '../../_components/auth-card';

type Props = { params: Promise<{ locale: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { locale } = await params;
  const t = await getTranslations({ locale, namespace: 'auth.checkEmail' });
  return { title: t('title') };
}

/** Where Auth.js sends the browser after mailing a magic link (its `verifyRequest` page). */
export default async function CheckEmailPage({ params }: Props) {
  const { locale } = await params;
  setRequestLocale(locale);
  const t = await getTranslations('auth');
  return (
    <AuthCard
      title={t('checkEmail.title')}
      description={t('checkEmail.body', { minutes: MAGIC_LINK_MAX_AGE_SECONDS / 60 })}
      footer={
        <Link href="/sign-in" className="font-medium text-primary underline-offset-4 hover:underline">
          {t('signIn.backToSignIn')}
        </Link>
      }
    />
  );
}
