/**
 * Child process of src/instrumentation.test.ts: runs the server start-up hook as Next does
 * (NEXT_RUNTIME=nodejs), reports one request error through `onRequestError`, and prints what the
 * process then holds: whether the Sentry SDK was loaded and whether a global OpenTelemetry tracer
 * provider was registered (what makes Next and the queries create spans).
 */
export {};

process.env.NEXT_RUNTIME = 'nodejs';
const { register, onRequestError } = await import('../../src/instrumentation');
await register();
await onRequestError(
  new Error('sentry probe'),
  { path: '/probe', method: 'GET', headers: {} },
  { routerKind: 'App Router', routePath: '/probe', routeType: 'route', revalidateReason: undefined },
);
const otel = (globalThis as Record<symbol, { trace?: unknown } | undefined>)[Symbol.for('opentelemetry.js.api.1')];
const sentryLoaded = '__SENTRY__' in globalThis;
if (sentryLoaded) {
  // Plain Node sees the SDK's CommonJS exports on `default`.
  const sdk = (await import('@sentry/nextjs')) as unknown as { default?: { flush(ms: number): Promise<boolean> } };
  await sdk.default?.flush(5000);
}
console.log(JSON.stringify({ sentryLoaded, tracerProvider: Boolean(otel?.trace) }));
