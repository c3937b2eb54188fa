import { afterEach, describe, expect, it } from 'vitest';
import { EnvError, env, parseEnv, resetEnvCache } from './env';

const valid = {
  NODE_ENV: 'development',
  DATABASE_URL: 'postgres://kanso_app:secret@127.0.0.1:5432/kanso',
  AUTH_SECRET: 'x'.repeat(32),
} satisfies Record<string, string>;

/** The EnvError thrown for `source` (fails the test if parsing succeeds or throws something else). */
function envError(source: Record<string, string | undefined>): EnvError {
  try {
    parseEnv(source);
  } catch (error) {
    expect(error).toBeInstanceOf(EnvError);
    return error as EnvError;
  }
  throw new Error(`expected parseEnv to reject ${JSON.stringify(source)}`);
}

describe('parseEnv', () => {
  it('parses a minimal valid environment and applies defaults', () => {
    const parsed = parseEnv(valid);
    expect(parsed.DATABASE_URL).toBe(valid.DATABASE_URL);
    expect(parsed.AUTH_SECRET).toBe(valid.AUTH_SECRET);
    expect(parsed.DATABASE_POOL_MAX).toBe(10);
    expect(parsed.APP_URL).toBe('http://localhost:3000');
    expect(parsed.DEV_MAILBOX).toBe(false);
    expect(parsed.LOG_LEVEL).toBe('info');
  });

  it('coerces numbers and booleans from strings', () => {
    const parsed = parseEnv({ ...valid, DATABASE_POOL_MAX: '3', DEV_MAILBOX: '1', SMTP_URL: 'smtp://u:p@localhost:2525' });
    expect(parsed.DATABASE_POOL_MAX).toBe(3);
    expect(parsed.DEV_MAILBOX).toBe(true);
    expect(parsed.SMTP_URL).toBe('smtp://u:p@localhost:2525');
  });

  it('leaves the breached-password check off by default and validates its URL (AUTH-3)', () => {
    const parsed = parseEnv(valid);
    expect(parsed.HIBP_ENABLED).toBe(false);
    expect(parsed.HIBP_API_URL).toBe('https://api.pwnedpasswords.com');
    expect(parseEnv({ ...valid, HIBP_ENABLED: 'true', HIBP_API_URL: 'http://127.0.0.1:9999' })).toMatchObject({ HIBP_ENABLED: true, HIBP_API_URL: 'http://127.0.0.1:9999' });
    expect(envError({ ...valid, HIBP_ENABLED: 'yes', HIBP_API_URL: 'not a url' }).problems.map((p) => p.split(' ')[0]).sort()).toEqual(['HIBP_API_URL', 'HIBP_ENABLED']);
  });

  it('refuses a missing DATABASE_URL, naming it', () => {
    const { DATABASE_URL: _omitted, ...rest } = valid;
    const error = envError(rest);
    expect(error.message).toContain('DATABASE_URL');
    expect(error.problems).toHaveLength(1);
  });

  it('treats an empty DATABASE_URL as missing', () => {
    expect(envError({ ...valid, DATABASE_URL: '' }).message).toContain('DATABASE_URL');
  });

  it('refuses a DATABASE_URL that is not a postgres URL', () => {
    expect(envError({ ...valid, DATABASE_URL: 'mysql://localhost/kanso' }).message).toMatch(/DATABASE_URL must be a postgres:\/\/ URL/);
  });

  it('refuses an AUTH_SECRET shorter than 32 characters, naming it', () => {
    const error = envError({ ...valid, AUTH_SECRET: 'x'.repeat(31) });
    expect(error.message).toContain('AUTH_SECRET');
    expect(error.message).toContain('at least 32 characters');
  });

  it('refuses a malformed SMTP_URL, naming it', () => {
    const error = envError({ ...valid, SMTP_URL: 'http://mail.example.com' });
    expect(error.message).toContain('SMTP_URL');
    expect(error.problems).toHaveLength(1);
  });

  it('names every bad variable at once', () => {
    const error = envError({ AUTH_SECRET: 'short', SMTP_URL: 'nope' });
    expect(error.problems.map((p) => p.split(' ')[0]).sort()).toEqual(['AUTH_SECRET', 'DATABASE_URL', 'SMTP_URL']);
  });

  describe('in production', () => {
    const production = { ...valid, NODE_ENV: 'production', SMTP_URL: 'smtps://u:p@mail.example.com:465' };

    it('accepts a complete production environment', () => {
      expect(parseEnv(production).NODE_ENV).toBe('production');
    });

    it('refuses DEV_MAILBOX=true', () => {
      const error = envError({ ...production, DEV_MAILBOX: 'true' });
      expect(error.message).toContain('DEV_MAILBOX');
      expect(error.problems).toHaveLength(1);
    });

    it('refuses to start without SMTP_URL', () => {
      const { SMTP_URL: _omitted, ...rest } = production;
      const error = envError(rest);
      expect(error.message).toContain('SMTP_URL');
      expect(error.problems).toHaveLength(1);
    });
  });

  describe('OAuth / OIDC pairs', () => {
    it('refuses an OIDC client id without its secret', () => {
      const error = envError({ ...valid, AUTH_OIDC_ISSUER: 'https://idp.example.com', AUTH_OIDC_ID: 'kanso' });
      expect(error.message).toContain('AUTH_OIDC_SECRET');
      expect(error.message).toContain('must be set together with AUTH_OIDC_ID');
      expect(error.problems).toHaveLength(1);
    });

    it('refuses an OIDC client id without an issuer', () => {
      const error = envError({ ...valid, AUTH_OIDC_ID: 'kanso', AUTH_OIDC_SECRET: 's3cret' });
      expect(error.message).toContain('AUTH_OIDC_ISSUER');
    });

    it('refuses a GitHub secret without its id', () => {
      expect(envError({ ...valid, AUTH_GITHUB_SECRET: 's3cret' }).message).toContain('AUTH_GITHUB_ID');
    });

    it('accepts a complete OIDC configuration', () => {
      const parsed = parseEnv({ ...valid, AUTH_OIDC_ISSUER: 'https://idp.example.com', AUTH_OIDC_ID: 'kanso', AUTH_OIDC_SECRET: 's3cret' });
      expect(parsed.AUTH_OIDC_NAME).toBe('SSO');
    });
  });
});

describe('env()', () => {
  const saved = process.env.AUTH_SECRET;
  afterEach(() => {
    process.env.AUTH_SECRET = saved;
    resetEnvCache();
  });

  it('reads process.env once and re-reads it after resetEnvCache()', () => {
    resetEnvCache();
    expect(env().NODE_ENV).toBe('test');
    const first = env().AUTH_SECRET;
    process.env.AUTH_SECRET = 'y'.repeat(40);
    expect(env().AUTH_SECRET).toBe(first);
    resetEnvCache();
    expect(env().AUTH_SECRET).toBe('y'.repeat(40));
  });
});
