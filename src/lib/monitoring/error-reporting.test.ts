import { describe, expect, it } from 'vitest';
import { errorReportingEnabled, loadErrorReporting, reportException, reportRouterTransitionStart } from './error-reporting';

// NEXT_PUBLIC_SENTRY_DSN is not set for the tests (as in CI): the build has no browser error reporting.
describe('browser error reporting without a DSN', () => {
  it('is off and never loads the Sentry SDK', async () => {
    expect(process.env.NEXT_PUBLIC_SENTRY_DSN).toBeFalsy();
    expect(errorReportingEnabled).toBe(false);
    await expect(loadErrorReporting()).resolves.toBeUndefined();
  });

  it('accepts reports and router transitions as no-ops', () => {
    expect(() => reportException(new Error('boom'))).not.toThrow();
    expect(() => reportRouterTransitionStart('/en/w/acme', 'push')).not.toThrow();
  });
});
