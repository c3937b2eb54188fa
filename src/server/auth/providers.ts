/**
 * Auth.js sign-in providers, each enabled only when its environment variables are set:
 *   GitHub  AUTH_GITHUB_ID + AUTH_GITHUB_SECRET
 *   Google  AUTH_GOOGLE_ID + AUTH_GOOGLE_SECRET
 *   OIDC    AUTH_OIDC_ISSUER + AUTH_OIDC_ID + AUTH_OIDC_SECRET (+ AUTH_OIDC_NAME for the button); id 'oidc'
 *
 * Account linking: every provider sets `allowDangerousEmailAccountLinking`, and the `signIn`
 * callback (auth-config.ts) takes the decision per sign-in instead: a new provider account is linked
 * to an existing user with the same address only when the provider says that address is verified
 * (`providerEmailVerified`); otherwise the sign-in is refused with OAuthAccountNotLinked.
 */
import type { OAuthConfig, OIDCConfig } from 'next-auth/providers';
import GitHub, { type GitHubProfile } from 'next-auth/providers/github';
import Google from 'next-auth/providers/google';
import { env, type Env } from '@/server/platform/env';

export const MAGIC_LINK_PROVIDER_ID = 'email';
/** A magic link works for 30 minutes. */
export const MAGIC_LINK_MAX_AGE_SECONDS = 30 * 60;
export const OIDC_PROVIDER_ID = 'oidc';

export type OAuthProviderConfig = OAuthConfig<Record<string, unknown>> | OIDCConfig<Record<string, unknown>>;

export interface EnabledOAuthProvider {
  id: string;
  name: string;
  config: OAuthProviderConfig;
}

interface GitHubEmail {
  email: string;
  primary: boolean;
  verified: boolean;
}

/**
 * GitHub's profile has no "verified" flag: read the account's addresses (scope user:email) and
 * use the primary verified one, recording whether it is verified.
 */
function gitHubProvider(clientId: string, clientSecret: string): OAuthProviderConfig {
  const apiBaseUrl = 'https://api.github.com';
  const config = GitHub({
    clientId,
    clientSecret,
    allowDangerousEmailAccountLinking: true,
    userinfo: {
      url: `${apiBaseUrl}/user`,
      async request({ tokens }: { tokens: { access_token?: string } }) {
        const headers = { Authorization: `Bearer ${tokens.access_token ?? ''}`, 'User-Agent': 'kanso' };
        const profile = (await (await fetch(`${apiBaseUrl}/user`, { headers })).json()) as GitHubProfile & { email_verified?: boolean };
        const res = await fetch(`${apiBaseUrl}/user/emails`, { headers });
        const list = res.ok ? ((await res.json()) as GitHubEmail[]) : [];
        const chosen =
          list.find((e) => e.primary && e.verified) ??
          list.find((e) => e.verified) ??
          list.find((e) => e.email.toLowerCase() === profile.email?.toLowerCase());
        profile.email = chosen?.email ?? profile.email;
        profile.email_verified = chosen?.verified === true;
        return profile;
      },
    },
  });
  return config as unknown as OAuthProviderConfig;
}

export function enabledOAuthProviders(config: Env = env()): EnabledOAuthProvider[] {
  const list: EnabledOAuthProvider[] = [];
  if (config.AUTH_GITHUB_ID && config.AUTH_GITHUB_SECRET) {
    list.push({ id: 'github', name: 'GitHub', config: gitHubProvider(config.AUTH_GITHUB_ID, config.AUTH_GITHUB_SECRET) });
  }
  if (config.AUTH_GOOGLE_ID && config.AUTH_GOOGLE_SECRET) {
    const google = Google({ clientId: config.AUTH_GOOGLE_ID, clientSecret: config.AUTH_GOOGLE_SECRET, allowDangerousEmailAccountLinking: true });
    list.push({ id: 'google', name: 'Google', config: google as unknown as OAuthProviderConfig });
  }
  if (config.AUTH_OIDC_ISSUER && config.AUTH_OIDC_ID && config.AUTH_OIDC_SECRET) {
    const oidc: OIDCConfig<Record<string, unknown>> = {
      id: OIDC_PROVIDER_ID,
      name: config.AUTH_OIDC_NAME,
      type: 'oidc',
      issuer: config.AUTH_OIDC_ISSUER.replace(/\/$/, ''),
      clientId: config.AUTH_OIDC_ID,
      clientSecret: config.AUTH_OIDC_SECRET,
      checks: ['pkce', 'state', 'nonce'],
      allowDangerousEmailAccountLinking: true,
    };
    list.push({ id: OIDC_PROVIDER_ID, name: config.AUTH_OIDC_NAME, config: oidc });
  }
  return list;
}

/**
 * The address the provider vouches for, lower-cased, or null when it does not say it is verified
 * (OIDC `email_verified`, Google's claim, GitHub's verified flag added above).
 */
export function providerVerifiedEmail(profile: { email?: unknown; email_verified?: unknown } | undefined): string | null {
  if (!profile) return null;
  const email = typeof profile.email === 'string' ? profile.email.trim().toLowerCase() : null;
  const verified = profile.email_verified === true || profile.email_verified === 'true';
  return email && verified ? email : null;
}
