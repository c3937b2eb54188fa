import { withSentryConfig } from '@sentry/nextjs/config';
import type { NextConfig } from 'next';
import createNextIntlPlugin from 'next-intl/plugin';

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
};

export default withSentryConfig(withNextIntl(nextConfig), {
  silent: true,
  telemetry: false,
  // No source-map upload without an auth token (none in dev/CI).
  sourcemaps: { disable: !process.env.SENTRY_AUTH_TOKEN },
  // The browser SDK is loaded lazily and only with a DSN (src/lib/monitoring/error-reporting.ts, ADR 0016);
  // without one, no route manifest is injected into instrumentation-client either.
  routeManifestInjection: process.env.NEXT_PUBLIC_SENTRY_DSN ? undefined : false,
});
