import type { Metadata } from 'next';
import { getTranslations, setRequestLocale } from 'next-intl/server';
import { redirect } from 'next/navigation';
import { Link } from '@/i18n/navigation';
import { getSession, serverCaller } from '@/lib/trpc/server';
import { continuePath } from '@/server/auth/redirect';
import { AuthCard } from '../_components/auth-card';
import { SignUpForm } from './sign-up-form';

type Props = { params: Promise<{ locale: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { locale } = await params;
  const t = await getTranslations({ locale, namespace: 'auth.signUp' });
  return { title: t('metaTitle') };
}

export default async function SignUpPage({ params, searchParams }: Props) {
  const { locale } = await params;
  setRequestLocale(locale);
  const { callbackUrl, email } = await searchParams;
  const callback = typeof callbackUrl === 'string' ? callbackUrl : undefined;
  // `?email=` prefills the address (e.g. from an invitation); the server validates it as usual.
  const prefill = typeof email === 'string' && email.length <= 254 ? email : undefined;
  if (await getSession()) redirect(continuePath(locale, callback));
  const [t, captcha] = await Promise.all([getTranslations('auth'), (await serverCaller()).auth.captchaWidget()]);
  return (
    <AuthCard
      title={t('signUp.title')}
      description={t('signUp.description')}
      footer={
        <p>
          {t('signUp.haveAccount')}{' '}
          <Link href={callback ? { pathname: '/sign-in', query: { callbackUrl: callback } } : '/sign-in'} className="font-medium text-primary underline-offset-4 hover:underline">
            {t('signUp.signInLink')}
          </Link>
        </p>
      }
    >
      <SignUpForm callbackUrl={callback} defaultEmail={prefill} captcha={captcha} />
    </AuthCard>
  );
}
