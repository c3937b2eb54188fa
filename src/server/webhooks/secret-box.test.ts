import { afterEach, describe, expect, it } from 'vitest';
import { resetEnvCache } from '@/server/platform/env';
import { newSigningSecret, openSecret, sealSecret } from './secret-box';

const original = process.env.AUTH_SECRET;
afterEach(() => {
  process.env.AUTH_SECRET = original;
  resetEnvCache();
});

describe('webhook secrets at rest', () => {
  it('seals with AES-256-GCM: opens for its endpoint only, never shows the secret', () => {
    const secret = newSigningSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const sealed = sealSecret(secret, 'endpoint-a');
    expect(sealed).toMatch(/^v1\.[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(sealed).not.toContain(secret.slice(6));
    expect(openSecret(sealed, 'endpoint-a')).toBe(secret);
    // Bound to the endpoint (AAD), and tamper-evident.
    expect(() => openSecret(sealed, 'endpoint-b')).toThrow();
    const [v, iv, tag, ct] = sealed.split('.');
    const flipped = `${v}.${iv}.${tag}.${ct!.slice(0, -2)}${ct!.endsWith('A') ? 'B' : 'A'}${ct!.slice(-1)}`;
    expect(() => openSecret(flipped, 'endpoint-a')).toThrow();
    // Two seals of one secret differ (random IV).
    expect(sealSecret(secret, 'endpoint-a')).not.toBe(sealed);
  });

  it('keeps opening after AUTH_SECRET is rotated (old secret listed second), not after it is dropped', () => {
    const secret = newSigningSecret();
    const sealed = sealSecret(secret, 'e');
    const old = original!;
    process.env.AUTH_SECRET = `a-brand-new-auth-secret-of-enough-length-123,${old}`;
    resetEnvCache();
    expect(openSecret(sealed, 'e')).toBe(secret);
    process.env.AUTH_SECRET = 'a-brand-new-auth-secret-of-enough-length-123';
    resetEnvCache();
    expect(() => openSecret(sealed, 'e')).toThrow(/does not open/);
  });
});
