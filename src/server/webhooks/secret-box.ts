/**
 * Webhook signing secrets at rest (JOBS-3): AES-256-GCM with a key derived from AUTH_SECRET by HKDF
 * (SHA-256, its own salt and info, so the key is used for nothing else). The endpoint's id is the
 * additional authenticated data: a sealed secret copied onto another endpoint does not open.
 *
 * AUTH_SECRET may list several secrets (comma-separated, the first one signs): sealing uses the
 * first, opening tries each, so rotating AUTH_SECRET keeps existing endpoints working (re-seal them
 * by rotating their secret before the old AUTH_SECRET is dropped).
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { env } from '@/server/platform/env';

const SALT = 'kanso:webhooks';
const INFO = 'webhook-signing-secret:aes-256-gcm:v1';

function keyFor(authSecret: string): Buffer {
  return Buffer.from(hkdfSync('sha256', authSecret, SALT, INFO, 32));
}

function keys(): Buffer[] {
  return env()
    .AUTH_SECRET.split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map(keyFor);
}

/** A new Standard Webhooks secret: `whsec_` + 32 random bytes, base64. */
export function newSigningSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

/** `v1.<iv>.<tag>.<ciphertext>` (base64url parts) of `secret`, bound to `endpointId`. */
export function sealSecret(secret: string, endpointId: string): string {
  const [key] = keys();
  if (!key) throw new Error('AUTH_SECRET is empty');
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(endpointId));
  const ciphertext = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
  return ['v1', iv, cipher.getAuthTag(), ciphertext].map((p) => (typeof p === 'string' ? p : p.toString('base64url'))).join('.');
}

/** The secret sealed by `sealSecret` for `endpointId`; throws when no AUTH_SECRET opens it. */
export function openSecret(sealed: string, endpointId: string): string {
  const [version, iv, tag, ciphertext] = sealed.split('.');
  if (version !== 'v1' || !iv || !tag || ciphertext === undefined) throw new Error('not a sealed webhook secret');
  for (const key of keys()) {
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
      decipher.setAAD(Buffer.from(endpointId));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
    } catch {
      // the next AUTH_SECRET, if any
    }
  }
  throw new Error('the webhook secret does not open with any AUTH_SECRET');
}
