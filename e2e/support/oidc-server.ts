/**
 * A real OIDC provider for the E2E suite (oauth2-mock-server: discovery, JWKS, authorization code
 * + PKCE, signed ID tokens, userinfo), started by playwright.config.ts as a web server.
 *
 *   issuer  http://127.0.0.1:$E2E_OIDC_PORT  (the app's AUTH_OIDC_ISSUER)
 *
 * /authorize signs the browser in at once (no login form) as the identity named by the request
 * header `x-e2e-login` — a JSON object `{ "email": "…", "name": "…", "email_verified": true }` or a
 * bare address — which the spec sets on its page (see e2e/support/oidc.ts). Without the header
 * the user is DEFAULT_IDENTITY. The ID token and userinfo carry `sub`, `email`,
 * `email_verified` and `name` for that identity.
 *
 * Run: node --import tsx e2e/support/oidc-server.ts
 */
import { createHash } from 'node:crypto';
import http from 'node:http';
import { Events, OAuth2Issuer, OAuth2Service, type MutableRedirectUri, type MutableResponse, type MutableToken, type TokenRequestIncomingMessage } from 'oauth2-mock-server';
import { OIDC_ISSUER, OIDC_PORT } from './stack';

export interface OidcIdentity {
  email: string;
  name?: string;
  /** Defaults to true: the provider vouches for the address. */
  email_verified?: boolean;
}

export const LOGIN_HEADER = 'x-e2e-login';
const DEFAULT_IDENTITY: OidcIdentity = { email: 'sso-user@example.test', name: 'SSO User', email_verified: true };

interface Claims {
  sub: string;
  email: string;
  email_verified: boolean;
  name: string;
}

function claimsOf(identity: OidcIdentity): Claims {
  const email = identity.email.trim().toLowerCase();
  return {
    // Stable per address, like a real provider's subject identifier.
    sub: `e2e-${createHash('sha256').update(email).digest('hex').slice(0, 24)}`,
    email,
    email_verified: identity.email_verified ?? true,
    name: identity.name ?? email.split('@')[0]!,
  };
}

function identityFromHeader(value: string | string[] | undefined): OidcIdentity {
  const raw = Array.isArray(value) ? value[0] : value;
  if (!raw) return DEFAULT_IDENTITY;
  if (raw.trim().startsWith('{')) return JSON.parse(raw) as OidcIdentity;
  return { email: raw };
}

const byCode = new Map<string, Claims>();
const bySubject = new Map<string, Claims>();

const issuer = new OAuth2Issuer();
issuer.url = OIDC_ISSUER;
await issuer.keys.generate('RS256');
const service = new OAuth2Service(issuer);

service.on(Events.BeforeAuthorizeRedirect, (redirect: MutableRedirectUri, req: http.IncomingMessage) => {
  const code = redirect.url.searchParams.get('code');
  if (!code) return;
  const claims = claimsOf(identityFromHeader(req.headers[LOGIN_HEADER]));
  byCode.set(code, claims);
  bySubject.set(claims.sub, claims);
});

service.on(Events.BeforeTokenSigning, (token: MutableToken, req: TokenRequestIncomingMessage) => {
  const code = req.body?.code;
  const claims = (code && byCode.get(code)) || claimsOf(DEFAULT_IDENTITY);
  Object.assign(token.payload, claims);
});

service.on(Events.BeforeUserinfo, (response: MutableResponse, req: http.IncomingMessage) => {
  const bearer = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1];
  let sub: string | undefined;
  try {
    const payload = bearer?.split('.')[1];
    sub = payload ? (JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { sub?: string }).sub : undefined;
  } catch {
    sub = undefined;
  }
  const claims = (sub && bySubject.get(sub)) || null;
  if (!claims) {
    response.statusCode = 401;
    response.body = { error: 'invalid_token' };
    return;
  }
  response.body = { ...claims };
});

const server = http.createServer((req, res) => {
  if (req.url === '/health') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"ok":true}');
    return;
  }
  service.requestHandler(req, res);
});
await new Promise<void>((resolve, reject) => {
  server.once('error', reject);
  server.listen(OIDC_PORT, '127.0.0.1', () => resolve());
});
console.log(`[oidc] issuer ${OIDC_ISSUER}`);

const stop = () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
  setTimeout(() => process.exit(0), 2_000).unref();
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
