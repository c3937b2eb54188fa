/** The dev mailbox holds sign-in, reset and verification links: only loopback clients may read it, and never in production. */
import { afterEach, describe, expect, it } from 'vitest';
import { resetEnvCache } from '@/server/platform/env';
import { devMailboxVisibleTo } from './dev-mailbox';

const original = { DEV_MAILBOX: process.env.DEV_MAILBOX, NODE_ENV: process.env.NODE_ENV };
afterEach(() => {
  Object.assign(process.env, original);
  resetEnvCache();
});

describe('dev mailbox access', () => {
  it('is shown to loopback clients only', () => {
    process.env.DEV_MAILBOX = 'true';
    resetEnvCache();
    expect(devMailboxVisibleTo('127.0.0.1')).toBe(true);
    expect(devMailboxVisibleTo('::1')).toBe(true);
    expect(devMailboxVisibleTo('192.168.1.20')).toBe(false);
    expect(devMailboxVisibleTo(null)).toBe(false);
  });

  it('is never shown when the mailbox is off', () => {
    process.env.DEV_MAILBOX = 'false';
    resetEnvCache();
    expect(devMailboxVisibleTo('127.0.0.1')).toBe(false);
  });
});
