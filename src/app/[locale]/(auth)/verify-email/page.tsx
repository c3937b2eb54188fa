import type { Metadata } from 'next';
import { getTranslations, setRequestLocale } from 'next-intl/server';
import { Link } from '@/i18n/navigation';
import { serverCaller } from '@/lib/trpc/server';
import { AuthCard } from '../_components/auth-card';
import { ResendVerificationForm } from '../_components/resend-verification-form';
import { VerifyEmailRunner } from './verify-email-runner';

type Props = { params: Promise<{ locale: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> };

const TOKEN = /^[A-Za-z0-9_-]{16,128}$/;

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { locale } = await params;
  const t = await getTranslations({ locale, namespace: 'auth.verify' });
  return { title: t('metaTitle') };
}

/**
 * Two pages in one:
 *   /verify-email?email=…   "check your inbox" after sign-up, with "send a new link"
 *   /verify-email?token=…   the link from the mail: checked here, consumed by the client (which
 *                           then signs the user in and continues to the app)
 */
export default async function VerifyEmailPage({ params, searchParams }: Props) {
  const { locale } = await params;
  setRequestLocale(locale);
  const query = await searchParams;
  const token = typeof query.token === 'string' ? query.token : undefined;
  const email = typeof query.email === 'string' ? query.email : undefined;
  const callbackUrl = typeof query.callbackUrl === 'string' ? query.callbackUrl : undefined;
  const t = await getTranslations('auth');
  const signInLink = (
    <Link href="/sign-in" className="font-medium text-primary underline-offset-4 hover:underline">
      {t('signIn.backToSignIn')}
    </Link>
  );

  if (!token) {
    return (
      <AuthCard
        title={t('verify.checkTitle')}
        description={email ? t('verify.checkBody', { email }) : t('verify.checkBodyNoEmail')}
        footer={signInLink}
      >
        <p className="text-sm text-muted-foreground">{t('verify.resendPrompt')}</p>
        <ResendVerificationForm defaultEmail={email} callbackUrl={callbackUrl} />
      </AuthCard>
    );
  }

  const { status } = TOKEN.test(token)
    ? await (await serverCaller()).auth.inspectToken({ token, purpose: 'verify_email' })
    : { status: 'unknown' as const };

  if (status === 'valid') {
    return (
      <AuthCard title={t('verify.verifyingTitle')} footer={signInLink}>
        <VerifyEmailRunner token={token} callbackUrl={callbackUrl} />
      </AuthCard>
    );
  }
  return (
    <AuthCard title={t('verify.invalidTitle')} description={t(`verify.${status}`)} footer={signInLink}>
      <p className="text-sm text-muted-foreground">{t('verify.invalidHint')}</p>
      <ResendVerificationForm callbackUrl={callbackUrl} />
    </AuthCard>
  );
}
