import type { NextConfig } from 'next';
import { PHASE_PRODUCTION_SERVER } from 'next/constants';
import createNextIntlPlugin from 'next-intl/plugin';
import { securityHeaders } from './src/server/platform/security-headers';

const withNextIntl = createNextIntlPlugin({
  requestConfig: './src/i18n/request.ts',
  // messages/*.json are compiled at build time (ICU → a compact form), so the browser gets a <1 KB
  // formatter instead of the ICU parser (intl-messageformat, ≈ 10 KB gzip on every page; ADR 0016).
  // Node processes outside Next (sidecar, worker, scripts) still read the plain JSON.
  experimental: { messages: { path: './messages', format: 'json', locales: 'infer', precompile: true } },
});

const nextConfig: NextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  typedRoutes: false,
  // Native and server-only packages stay out of the bundle.
  serverExternalPackages: ['@node-rs/argon2', 'pino', 'postgres', 'nodemailer'],
  // What src/proxy.ts does not see (its matcher skips static files) still gets the baseline headers,
  // with the API policy (nothing loads from a file, nothing frames it).
  async headers() {
    const baseline = Object.entries(securityHeaders(process.env.NODE_ENV === 'production')).map(([key, value]) => ({ key, value }));
    return [
      { source: '/_next/static/:path*', headers: baseline },
      { source: '/:file(favicon\\.ico|robots\\.txt|.*\\.(?:ico|png|jpe?g|gif|svg|webp|avif|txt|xml|json|webmanifest|map|woff2?))', headers: baseline },
    ];
  },
};

/**
 * Sentry's wrapper changes only how the app is built and bundled (webpack/turbopack hooks, build-time
 * variables, source maps); the production server does not need it, and loading it cost every web start
 * ≈ 0.3 s (a restart after a crash waits for it). So it is loaded for `next build` and `next dev` only.
 */
export default async function config(phase: string): Promise<NextConfig> {
  const app = withNextIntl(nextConfig);
  if (phase === PHASE_PRODUCTION_SERVER) return app;
  const { withSentryConfig } = await import('@sentry/nextjs/config');
  return withSentryConfig(app, {
    silent: true,
    telemetry: false,
    // No source-map upload without an auth token (none in dev/CI).
    sourcemaps: { disable: !process.env.SENTRY_AUTH_TOKEN },
    // The browser SDK is loaded lazily and only with a DSN (src/lib/monitoring/error-reporting.ts, ADR 0016);
    // without one, no route manifest is injected into instrumentation-client either.
    routeManifestInjection: process.env.NEXT_PUBLIC_SENTRY_DSN ? undefined : false,
  });
}
