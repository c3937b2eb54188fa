import { getLocale, getTranslations } from 'next-intl/server';
import { Button } from '@/components/ui/button';
import { startOAuthSignIn } from './actions';

/** One button per configured provider (GitHub, Google, OIDC); plain forms, no client JavaScript. */
export async function OAuthButtons({ providers, callbackUrl }: { providers: Array<{ id: string; name: string }>; callbackUrl?: string }) {
  if (providers.length === 0) return null;
  const [t, locale] = await Promise.all([getTranslations('auth.signIn'), getLocale()]);
  return (
    <div className="grid gap-2">
      {providers.map((provider) => (
        <form key={provider.id} action={startOAuthSignIn}>
          <input type="hidden" name="provider" value={provider.id} />
          <input type="hidden" name="locale" value={locale} />
          {callbackUrl ? <input type="hidden" name="callbackUrl" value={callbackUrl} /> : null}
          <Button type="submit" variant="outline" className="w-full" data-testid={`oauth-${provider.id}`}>
            {t('oauthContinue', { provider: provider.name })}
          </Button>
        </form>
      ))}
    </div>
  );
}
