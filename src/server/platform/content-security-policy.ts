/**
 * The Content-Security-Policy of every page (SEC-1; docs/decisions/0026-nonce-csp.md), built per
 * request by src/proxy.ts with a fresh nonce. Next reads the policy from the request headers and puts
 * the nonce on its own scripts; `x-nonce` carries it to anything of ours that renders a script.
 *
 * Scripts: only those carrying the nonce, and what they load (`'strict-dynamic'`) — no host list, no
 * `'unsafe-inline'`, no `'unsafe-eval'` (development adds `'unsafe-eval'`: React's dev tooling
 * rebuilds call stacks with eval). Styles: the app's stylesheets and nonce'd style elements; style
 * ATTRIBUTES stay allowed (`style-src-attr 'unsafe-inline'`) because React-rendered components
 * position popovers and bars with them — they cannot run script. API responses (JSON) get
 * `API_CSP`: nothing may load from them.
 */
import { realtimePublicUrl } from '@/server/realtime/public-url';
import { originOf } from './edge';
import { env } from './env';

/** A fresh nonce: 128 random bits, base64. */
export function newNonce(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return btoa(String.fromCharCode(...bytes));
}

/** Where browsers send violation reports (src/app/api/csp-report/route.ts). */
export const CSP_REPORT_PATH = '/api/csp-report';
/** The Reporting API endpoint name the policy's `report-to` names (with `Reporting-Endpoints`). */
export const CSP_REPORT_GROUP = 'csp';

export interface CspInput {
  nonce: string;
  production: boolean;
  /** The realtime sidecar's WebSocket URL (connect-src). */
  realtimeUrl: string;
  /** Where the error reporter sends events, when one is configured (connect-src). */
  errorReportingUrl?: string | undefined;
  /** Origins a sign-in form may end up at (OAuth providers' authorization pages). */
  formActionOrigins?: string[];
  /** Origins allowed to be framed (Cloudflare Turnstile's challenge when its keys are set); none otherwise. */
  frameOrigins?: string[];
  /** `upgrade-insecure-requests`: only when the app itself is served over HTTPS. */
  upgradeInsecureRequests: boolean;
}


export function contentSecurityPolicy(input: CspInput): string {
  const nonce = `'nonce-${input.nonce}'`;
  const connect = [originOf(input.realtimeUrl), originOf(input.errorReportingUrl)].filter((origin): origin is string => origin !== null);
  const directives: Array<[string, ...string[]]> = [
    ['default-src', "'self'"],
    ['script-src', "'self'", nonce, "'strict-dynamic'", ...(input.production ? [] : ["'unsafe-eval'"])],
    ['style-src', "'self'", ...(input.production ? [nonce] : ["'unsafe-inline'"])],
    ['style-src-attr', "'unsafe-inline'"],
    ['img-src', "'self'", 'data:', 'blob:'],
    ['font-src', "'self'", 'data:'],
    ['connect-src', "'self'", ...connect],
    ['worker-src', "'self'", 'blob:'],
    ['manifest-src', "'self'"],
    ['frame-src', ...(input.frameOrigins?.length ? input.frameOrigins : ["'none'"])],
    ['frame-ancestors', "'none'"],
    ['object-src', "'none'"],
    ['base-uri', "'none'"],
    ['form-action', "'self'", ...(input.formActionOrigins ?? [])],
    ...(input.upgradeInsecureRequests ? ([['upgrade-insecure-requests']] as Array<[string]>) : []),
    ['report-uri', CSP_REPORT_PATH],
    ['report-to', CSP_REPORT_GROUP],
  ];
  return directives.map((d) => d.join(' ')).join('; ');
}


/** The origins OAuth sign-in leaves for (form-action), from the configured providers. */
export function oauthFormActionOrigins(): string[] {
  const config = env();
  return [
    ...(config.AUTH_GITHUB_ID ? ['https://github.com'] : []),
    ...(config.AUTH_GOOGLE_ID ? ['https://accounts.google.com'] : []),
    ...(config.AUTH_OIDC_ISSUER ? [originOf(config.AUTH_OIDC_ISSUER)!] : []),
  ];
}

/** The page policy for this deployment and `nonce`. */
export function pagePolicy(nonce: string, production = process.env.NODE_ENV === 'production'): string {
  const config = env();
  return contentSecurityPolicy({
    nonce,
    production,
    realtimeUrl: realtimePublicUrl(),
    errorReportingUrl: config.NEXT_PUBLIC_SENTRY_DSN,
    formActionOrigins: oauthFormActionOrigins(),
    frameOrigins: config.TURNSTILE_SITE_KEY ? ['https://challenges.cloudflare.com'] : [],
    upgradeInsecureRequests: production && config.APP_URL.startsWith('https:'),
  });
}
