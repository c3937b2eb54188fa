/**
 * Auth.js (next-auth v5) for magic links and OAuth/OIDC — the flows we do not run ourselves.
 *
 * - `session.strategy: 'database'` with `kansoAdapter`: Auth.js writes the same `sessions` rows as
 *   password sign-in (token hashed through session.ts, device + IP recorded), and its session
 *   cookie is named `sessionCookieName(secure)`: one cookie, one table, one validation path
 *   (cookie → validateSessionToken) for every sign-in method. Auth.js's Credentials provider is
 *   not used (it only works with JWT sessions); password sign-in is the `auth.signIn` procedure.
 * - The config is built per request (NextAuth's lazy form) so the cookie name follows the
 *   request's scheme and the adapter records that request's user agent and IP.
 * - Magic link: provider id 'email', our `sendMail` + localised template (works with the dev
 *   mailbox). An unknown address gets an account, verified (following the link proved the mailbox).
 * - OAuth/OIDC: see providers.ts for the linking rule; new accounts need a provider-verified email.
 * - Every flow ends at `/<locale>/continue?callbackUrl=…`, which sends the user to the callback or
 *   to `/<their saved locale>/w`.
 */
import 'server-only';
import { and, eq, isNull } from 'drizzle-orm';
import NextAuth, { type NextAuthConfig } from 'next-auth';
import type { EmailConfig } from 'next-auth/providers';
import { cookies as nextCookies, headers as nextHeaders } from 'next/headers';
import type { NextRequest } from 'next/server';
import { isLocale, routing, type Locale } from '@/i18n/routing';
import { recordAudit } from '@/server/audit/audit-service';
import { db, type Database } from '@/server/db/client';
import { accounts, users } from '@/server/db/schema';
import { withTenant } from '@/server/db/tenant';
import { queueMail } from '@/server/email/mail-queue';
import { env } from '@/server/platform/env';
import { logger } from '@/server/platform/logger';
import { kansoAdapter, type AdapterRequestInfo } from './adapter';
import { enabledOAuthProviders, MAGIC_LINK_MAX_AGE_SECONDS, MAGIC_LINK_PROVIDER_ID, providerVerifiedEmail } from './providers';
import { localeOfPath, safeCallbackPath } from './redirect';
import { deleteUserSessions, newSessionToken, SESSION_MAX_AGE_SECONDS, sessionCookieName } from './session';
import { invalidateAuthTokens } from './tokens';
import { clientIpOf } from '@/server/platform/client-ip';

const LOCALE_COOKIE = routing.localeCookie && typeof routing.localeCookie === 'object' ? (routing.localeCookie.name ?? 'NEXT_LOCALE') : 'NEXT_LOCALE';

/** Auth.js error codes the sign-in page explains (`?error=…`). */
export const AUTH_ERROR_CODES = ['OAuthAccountNotLinked', 'OAuthEmailNotVerified', 'Verification', 'AccessDenied', 'Configuration'] as const;

interface RequestView extends AdapterRequestInfo {
  secure: boolean;
}

function cookieValue(header: string | null, name: string): string | null {
  for (const part of (header ?? '').split(';')) {
    const index = part.indexOf('=');
    if (index > 0 && part.slice(0, index).trim() === name) {
      try {
        return decodeURIComponent(part.slice(index + 1).trim());
      } catch {
        return null;
      }
    }
  }
  return null;
}

function pathOf(url: string | null | undefined): string | null {
  if (!url) return null;
  try {
    return new URL(url, 'http://kanso.invalid').pathname;
  } catch {
    return null;
  }
}

/** Reads what we need from a request: scheme, device, IP and the language to use. */
export function viewRequest(headers: Headers, url: string): RequestView {
  const secure = (headers.get('x-forwarded-proto') ?? new URL(url).protocol.replace(':', '')) === 'https';
  const cookie = headers.get('cookie');
  const callbackCookie = cookieValue(cookie, `${secure ? '__Secure-' : ''}authjs.callback-url`);
  const fromCookie = cookieValue(cookie, LOCALE_COOKIE);
  const locale: Locale =
    localeOfPath(pathOf(new URL(url).searchParams.get('callbackUrl'))) ??
    localeOfPath(pathOf(callbackCookie)) ??
    (isLocale(fromCookie) ? fromCookie : null) ??
    localeOfPath(pathOf(headers.get('referer'))) ??
    routing.defaultLocale;
  return {
    secure,
    locale,
    userAgent: headers.get('user-agent'),
    ip: clientIpOf(headers),
  };
}

/** Outside a route handler (server actions): the incoming request's headers. */
async function viewCurrentRequest(): Promise<RequestView> {
  const [h, c] = await Promise.all([nextHeaders(), nextCookies()]);
  const headers = new Headers(h);
  if (!headers.has('cookie')) headers.set('cookie', c.toString());
  const proto = headers.get('x-forwarded-proto') ?? 'http';
  return viewRequest(headers, `${proto}://${headers.get('host') ?? 'localhost'}/`);
}

/**
 * Following a magic link or a provider-verified OAuth address proves the mailbox. If an account
 * with that address was never verified, whatever password it has was set by someone who did not
 * prove the mailbox (a "pre-hijack"): drop the password, its sessions and pending links.
 */
async function claimUnverifiedAccount(database: Database, email: string): Promise<void> {
  const claimed = await database
    .update(users)
    .set({ passwordHash: null, emailVerified: new Date(), updatedAt: new Date() })
    .where(and(eq(users.email, email.trim().toLowerCase()), isNull(users.emailVerified)))
    .returning({ id: users.id });
  for (const { id } of claimed) {
    await deleteUserSessions(database, id);
    await invalidateAuthTokens(database, id, 'verify_email');
    logger.info({ userId: id }, 'auth.unverified_account_claimed');
  }
}

function magicLinkProvider(database: Database, view: RequestView): EmailConfig {
  return {
    id: MAGIC_LINK_PROVIDER_ID,
    type: 'email',
    name: 'Email',
    maxAge: MAGIC_LINK_MAX_AGE_SECONDS,
    async sendVerificationRequest({ identifier, url }) {
      const [owner] = await database.select({ locale: users.locale }).from(users).where(eq(users.email, identifier));
      const locale: Locale = isLocale(owner?.locale)
        ? owner.locale
        : (localeOfPath(pathOf(new URL(url).searchParams.get('callbackUrl'))) ?? view.locale);
      // Queued (ADR 0031): Auth.js stored the link's token already; the worker sends the mail.
      await queueMail(database, { kind: 'magic_link', to: identifier, data: { locale, url, minutes: MAGIC_LINK_MAX_AGE_SECONDS / 60 } });
    },
    options: {},
  };
}

/** The Auth.js configuration for one request (`req` is undefined inside server actions). */
export function authConfig(view: RequestView, database: Database = db()): NextAuthConfig {
  const config = env();
  const adapter = kansoAdapter(database, async () => view);
  const signInPage = `/${view.locale}/sign-in`;
  const errorPage = (code: (typeof AUTH_ERROR_CODES)[number]) => `${signInPage}?error=${code}`;
  return {
    adapter,
    providers: [...enabledOAuthProviders(config).map((p) => p.config), magicLinkProvider(database, view)],
    secret: config.AUTH_SECRET.split(',').map((s) => s.trim()).filter(Boolean),
    trustHost: true,
    useSecureCookies: view.secure,
    session: {
      strategy: 'database',
      maxAge: SESSION_MAX_AGE_SECONDS,
      updateAge: 24 * 60 * 60,
      generateSessionToken: newSessionToken,
    },
    cookies: {
      sessionToken: {
        name: sessionCookieName(view.secure),
        options: { httpOnly: true, sameSite: 'lax', path: '/', secure: view.secure },
      },
    },
    pages: { signIn: signInPage, error: signInPage, verifyRequest: `/${view.locale}/sign-in/check-email` },
    callbacks: {
      async signIn({ user, account, profile, email }) {
        if (!account) return false;
        if (account.type === 'email') {
          // Sending the link needs nothing more; following it proves the mailbox.
          if (!email?.verificationRequest && user.email) await claimUnverifiedAccount(database, user.email);
          return true;
        }
        if (account.type !== 'oauth' && account.type !== 'oidc') return false;
        const [linked] = await database
          .select({ userId: accounts.userId })
          .from(accounts)
          .where(and(eq(accounts.provider, account.provider), eq(accounts.providerAccountId, account.providerAccountId)));
        if (linked) return true;
        // A new provider account: it must vouch for its address, both to create an account (else
        // the real owner of the address could be locked out by a look-alike) and to link to one.
        const verified = providerVerifiedEmail(profile);
        const claimed = typeof profile?.email === 'string' ? profile.email.trim().toLowerCase() : null;
        if (!verified || verified !== claimed) {
          const [existing] = claimed ? await database.select({ id: users.id }).from(users).where(eq(users.email, claimed)) : [];
          return errorPage(existing ? 'OAuthAccountNotLinked' : 'OAuthEmailNotVerified');
        }
        await claimUnverifiedAccount(database, verified);
        return true;
      },
      redirect({ url, baseUrl }) {
        if (url.startsWith('/')) return `${baseUrl}${safeCallbackPath(url) ?? '/'}`;
        try {
          if (new URL(url).origin === baseUrl) return url;
        } catch {
          // not a URL: fall through
        }
        return baseUrl;
      },
    },
    events: {
      async signIn({ user, account, profile, isNewUser }) {
        // A first OAuth sign-in creates the user unverified; the provider vouched for the address.
        if (user.id && user.email && (account?.type === 'oauth' || account?.type === 'oidc')) {
          if (providerVerifiedEmail(profile) === user.email.toLowerCase()) {
            await database
              .update(users)
              .set({ emailVerified: new Date(), updatedAt: new Date() })
              .where(and(eq(users.id, user.id), isNull(users.emailVerified)));
          }
        }
        if (user.id) {
          // Audit (SEC-4), account chain: the session row is the adapter's, so this is its own transaction.
          const userId = user.id;
          const method = account?.type === 'email' ? 'magic_link' : (account?.provider ?? 'unknown');
          await withTenant(database, { userId }, async (tx) => {
            const entry = { workspaceId: null, actorId: userId, target: { type: 'user', id: userId }, ip: view.ip ?? null, data: { method } };
            if (isNewUser) await recordAudit(tx, { ...entry, action: 'auth.signed_up' });
            await recordAudit(tx, { ...entry, action: 'auth.signed_in' });
          });
        }
        logger.info({ userId: user.id, provider: account?.provider, isNewUser: Boolean(isNewUser) }, 'auth.sign_in');
      },
    },
    logger: {
      error(error) {
        const type = 'type' in error && typeof error.type === 'string' ? error.type : error.name;
        logger.warn({ authjs: type, cause: error.cause instanceof Error ? error.cause.message : undefined }, 'auth.js error');
      },
      warn(code) {
        logger.warn({ authjs: code }, 'auth.js warning');
      },
      debug() {},
    },
  };
}

export const { handlers, signIn } = NextAuth(async (req: NextRequest | undefined) => {
  // Links in mails and OAuth redirect URIs are built on the public origin (APP_URL), never on the
  // request's Host / X-Forwarded-Host: otherwise a forged Host header could get a victim mailed a
  // sign-in link that leaks its token to another site. next-auth reads AUTH_URL for this (it
  // rewrites the request origin and builds server-action URLs from it) right after this function.
  process.env.AUTH_URL = env().APP_URL;
  return authConfig(req ? viewRequest(req.headers, req.url) : await viewCurrentRequest());
});
