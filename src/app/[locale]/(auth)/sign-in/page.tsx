import type { Metadata } from 'next';
import { getTranslations, setRequestLocale } from 'next-intl/server';
import { redirect } from 'next/navigation';
import { Alert } from '@/components/ui/alert';
import { Link } from '@/i18n/navigation';
import { getSession, serverCaller } from '@/lib/trpc/server';
import { MAGIC_LINK_MAX_AGE_SECONDS } from '@/server/auth/providers';
import { continuePath } from '@/server/auth/redirect';
import { AuthCard } from '../_components/auth-card';
import { MagicLinkForm } from './magic-link-form';
import { OAuthButtons } from './oauth-buttons';
import { SignInForm } from './sign-in-form';

type Props = { params: Promise<{ locale: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> };

/** Auth.js reports failures of its flows as `?error=<type>`; these have their own explanation. */
const KNOWN_ERRORS = ['OAuthAccountNotLinked', 'OAuthEmailNotVerified', 'Verification', 'AccessDenied', 'Configuration'] as const;
type KnownError = (typeof KNOWN_ERRORS)[number];

function isKnownError(value: string): value is KnownError {
  return (KNOWN_ERRORS as readonly string[]).includes(value);
}

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { locale } = await params;
  const t = await getTranslations({ locale, namespace: 'auth.signIn' });
  return { title: t('metaTitle') };
}

export default async function SignInPage({ params, searchParams }: Props) {
  const { locale } = await params;
  setRequestLocale(locale);
  const query = await searchParams;
  const callbackUrl = typeof query.callbackUrl === 'string' ? query.callbackUrl : undefined;
  const error = typeof query.error === 'string' ? query.error : undefined;
  if (await getSession()) redirect(continuePath(locale, callbackUrl));
  const caller = await serverCaller();
  const [t, providers, captcha] = await Promise.all([getTranslations('auth'), caller.auth.listProviders(), caller.auth.captchaWidget()]);

  return (
    <AuthCard
      title={t('signIn.title')}
      description={t('signIn.description')}
      footer={
        <p>
          {t('signIn.noAccount')}{' '}
          <Link
            href={callbackUrl ? { pathname: '/sign-up', query: { callbackUrl } } : '/sign-up'}
            className="font-medium text-primary underline-offset-4 hover:underline"
          >
            {t('signIn.signUpLink')}
          </Link>
        </p>
      }
    >
      {error ? (
        <Alert variant="error" data-testid="auth-error">
          {isKnownError(error) ? t(`signIn.errors.${error}`) : t('signIn.errors.default')}
        </Alert>
      ) : null}
      <SignInForm callbackUrl={callbackUrl} captcha={captcha} />
      {providers.magicLink.enabled || providers.oauth.length > 0 ? (
        <div className="flex items-center gap-3 text-xs uppercase text-muted-foreground" aria-hidden>
          <span className="h-px flex-1 bg-border" />
          {t('signIn.or')}
          <span className="h-px flex-1 bg-border" />
        </div>
      ) : null}
      {providers.magicLink.enabled ? (
        <section aria-labelledby="magic-link-heading" className="grid gap-2">
          <h2 id="magic-link-heading" className="text-sm font-medium">
            {t('signIn.magicLinkTitle')}
          </h2>
          <MagicLinkForm callbackUrl={callbackUrl} minutes={MAGIC_LINK_MAX_AGE_SECONDS / 60} />
        </section>
      ) : null}
      <OAuthButtons providers={providers.oauth} callbackUrl={callbackUrl} />
    </AuthCard>
  );
}
