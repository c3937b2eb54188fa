/** The webhook settings of the env module (FND-4): loopback only outside production or on a marked test stack. */
import { describe, expect, it } from 'vitest';
import { EnvError, parseEnv } from '@/server/platform/env';

const base = { DATABASE_URL: 'postgres://app@127.0.0.1/kanso', AUTH_SECRET: 'x'.repeat(40) };
const production = { ...base, NODE_ENV: 'production', SMTP_URL: 'smtp://127.0.0.1:25' };

describe('webhook environment', () => {
  it('has the published defaults', () => {
    const env = parseEnv(base);
    expect(env.WEBHOOK_RETRY_SCHEDULE_SECONDS).toBe('5,300,1800,7200,18000,36000,36000');
    expect(env.WEBHOOK_DISABLE_AFTER_HOURS).toBe(72);
    expect(env.WEBHOOK_TIMEOUT_MS).toBe(10_000);
    expect(env.WEBHOOK_ALLOW_LOOPBACK).toBe(false);
  });

  it('refuses loopback receivers in production, unless the process is a marked test stack', () => {
    expect(() => parseEnv({ ...production, WEBHOOK_ALLOW_LOOPBACK: 'true' })).toThrow(EnvError);
    expect(() => parseEnv({ ...production, WEBHOOK_ALLOW_LOOPBACK: 'true' })).toThrow(/WEBHOOK_ALLOW_LOOPBACK is a dev\/test-only switch/);
    expect(parseEnv({ ...production, WEBHOOK_ALLOW_LOOPBACK: 'true', KANSO_TEST_STACK: 'true' }).WEBHOOK_ALLOW_LOOPBACK).toBe(true);
    expect(parseEnv({ ...base, NODE_ENV: 'development', WEBHOOK_ALLOW_LOOPBACK: 'true' }).WEBHOOK_ALLOW_LOOPBACK).toBe(true);
  });

  it('validates the retry schedule', () => {
    expect(parseEnv({ ...base, WEBHOOK_RETRY_SCHEDULE_SECONDS: '1, 1,1' }).WEBHOOK_RETRY_SCHEDULE_SECONDS).toBe('1, 1,1');
    expect(() => parseEnv({ ...base, WEBHOOK_RETRY_SCHEDULE_SECONDS: '1,,2' })).toThrow(/WEBHOOK_RETRY_SCHEDULE_SECONDS/);
    expect(() => parseEnv({ ...base, WEBHOOK_RETRY_SCHEDULE_SECONDS: '5m' })).toThrow(/WEBHOOK_RETRY_SCHEDULE_SECONDS/);
  });
});
