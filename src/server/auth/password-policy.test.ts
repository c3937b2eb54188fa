/**
 * The password policy (AUTH-3): the offline verdict (zxcvbn + the bundled lists + the user's
 * context) and the Have I Been Pwned range check against a local fake of the range API (node:http on
 * 127.0.0.1, a random port, padded answers like the real one).
 */
import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { contextWords, withoutContextWords } from '@/lib/password-rules';
import { resetEnvCache } from '@/server/platform/env';
import { AppError } from '@/server/platform/errors';
import { checkNewPassword, passwordWeakness } from './password-policy';
import { checkPwnedPassword } from './pwned-passwords';
import { sha1, startFakeRangeApi, type FakeRangeApi } from '../../../test/support/hibp-fake';

const ALICE = { email: 'alice.smith@example.com', name: 'Alice Smith' };
const STRONG = 'violet harbour quietly sings';

async function refusal(promise: Promise<void>): Promise<AppError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(error instanceof AppError)) throw new Error(`expected an AppError, got ${String(error)}`);
  return error;
}

// ─── Offline ───────────────────────────────────────────────────────────────────────────────────

describe('password policy, offline', () => {
  it.each(['password123', 'Password1234', 'iloveyou2026', 'qwertyuiop', '1qaz2wsx3edc'])('refuses the common password %s', async (password) => {
    expect(await passwordWeakness(password, ALICE)).toBe('common');
  });

  it.each(['alice.smith@example.com', 'alicesmith1', 'AliceSmith2026!', 'alice.smith.alice', 'smith-alice-1990'])(
    'refuses %s, made of the email or the name',
    async (password) => {
      expect(await passwordWeakness(password, ALICE)).toBe('personal');
    },
  );

  it('refuses "kanso2026kanso" (zxcvbn alone scores it 3: the app name is what makes it long)', async () => {
    expect(await passwordWeakness('kanso2026kanso', {})).toBe('personal');
    expect(await passwordWeakness('Kanso2026Kanso', ALICE)).toBe('personal');
  });

  it('tells repeats, sequences and keyboard rows apart', async () => {
    expect(await passwordWeakness('aaaaaaaaaaaa', {})).toBe('repeated');
    expect(await passwordWeakness('abcdefghijkl', {})).toBe('sequence');
    expect(await passwordWeakness('zxcvbnm,./', {})).toBe('keyboard');
  });

  it('accepts a strong passphrase, also one that happens to contain the app name', async () => {
    expect(await passwordWeakness(STRONG, ALICE)).toBeNull();
    expect(await passwordWeakness('correct horse battery staple', ALICE)).toBeNull();
    expect(await passwordWeakness('kanso violet harbour quietly', ALICE)).toBeNull();
  });

  it('holds the length bounds 10–128 and nothing else (no composition rules)', async () => {
    expect(await passwordWeakness('Xq7#vL2!p', {})).toBe('tooShort');
    expect(await passwordWeakness('x'.repeat(129), {})).toBe('tooLong');
    // All lower case, no digit, no symbol — and fine.
    expect(await passwordWeakness('plumvioletharbourquiet', {})).toBeNull();
    // 128 characters is allowed; 10 random ones as well.
    expect(await passwordWeakness(randomBytes(96).toString('base64'), {})).toBeNull();
    expect(await passwordWeakness('Tq9vLx2mPw', {})).toBeNull();
  });

  it('throws a BAD_REQUEST whose field error sits under the field it is told', async () => {
    const signUp = await refusal(checkNewPassword('password123', ALICE));
    expect(signUp).toMatchObject({ code: 'BAD_REQUEST', key: 'auth.passwordWeak.common', fieldErrors: { password: 'auth.passwordWeak.common' } });
    const change = await refusal(checkNewPassword('alicesmith99', ALICE, { field: 'newPassword' }));
    expect(change.fieldErrors).toEqual({ newPassword: 'auth.passwordWeak.personal' });
    await expect(checkNewPassword(STRONG, ALICE)).resolves.toBeUndefined();
  });

  it('derives the context words from the address, the name and the app', () => {
    const words = contextWords({ email: 'Ann.Lee+work@Mail.Example.com', name: 'Ann  Lee-Park' });
    expect(words).toEqual(
      expect.arrayContaining(['kanso', 'ann.lee+work@mail.example.com', 'ann.lee+work', 'ann.lee', 'ann', 'lee', 'work', 'mail', 'example', 'ann  lee-park', 'park', 'annleepark']),
    );
    expect(words).not.toContain('com');
    expect(withoutContextWords('AnnLeePark-Kanso-x', words)).toBe('--x');
  });
});

// ─── Have I Been Pwned ─────────────────────────────────────────────────────────────────────────

describe('password policy, Have I Been Pwned range check', () => {
  let api: FakeRangeApi;
  const hibp = () => ({ enabled: true, baseUrl: api.url, timeoutMs: 500 });

  beforeAll(async () => {
    api = await startFakeRangeApi();
  });
  afterEach(() => {
    api.requests.length = 0;
    api.delay(0);
    api.status(200);
  });
  afterAll(async () => {
    await api.close();
  });

  it('refuses a password the range lists as breached, sending only the first five hex characters of its SHA-1', async () => {
    const password = 'lantern orbit meadow 42';
    api.breach(password, 3_861_493);
    expect(await passwordWeakness(password, ALICE, { hibp: hibp() })).toBe('breached');
    expect(api.requests).toHaveLength(1);
    const digest = sha1(password);
    expect(api.requests[0]?.path).toBe(`/range/${digest.slice(0, 5)}`);
    expect(api.requests[0]?.path).not.toContain(digest.slice(5));
    expect(api.requests[0]?.headers['add-padding']).toBe('true');
    const error = await refusal(checkNewPassword(password, ALICE, { hibp: hibp(), field: 'newPassword' }));
    expect(error.fieldErrors).toEqual({ newPassword: 'auth.passwordWeak.breached' });
  });

  it('accepts a password the range does not list (padding entries with a count of 0 are not hits)', async () => {
    expect(await passwordWeakness(STRONG, ALICE, { hibp: hibp() })).toBeNull();
    expect(api.requests).toHaveLength(1);
    // A suffix that is listed only as padding (count 0) is not a breach either.
    const padded = 'copper fjord whistle 77';
    api.breach(padded, 0);
    expect(await checkPwnedPassword(padded, { baseUrl: api.url })).toEqual({ status: 'not_found' });
  });

  it('does not ask at all for a password the offline check already refused, nor when disabled', async () => {
    expect(await passwordWeakness('password123', ALICE, { hibp: hibp() })).toBe('common');
    const listed = 'harbour violet tundra 9';
    api.breach(listed, 12);
    expect(await passwordWeakness(listed, ALICE, { hibp: { ...hibp(), enabled: false } })).toBeNull();
    expect(api.requests).toHaveLength(0);
  });

  it('fails open when the service answers with an error status or too slowly', async () => {
    const listed = 'saffron glacier pilot 5';
    api.breach(listed, 99);
    api.status(503);
    expect(await passwordWeakness(listed, ALICE, { hibp: hibp() })).toBeNull();
    api.status(200);
    api.delay(2_000);
    const started = Date.now();
    expect(await passwordWeakness(listed, ALICE, { hibp: { ...hibp(), timeoutMs: 200 } })).toBeNull();
    expect(Date.now() - started).toBeLessThan(1_900);
  });

  it('fails open when the service is down (nothing listens)', async () => {
    const down = await startFakeRangeApi();
    const url = down.url;
    await down.close();
    const result = await checkPwnedPassword(STRONG, { baseUrl: url, timeoutMs: 500 });
    expect(result).toEqual({ status: 'unavailable' });
    await expect(checkNewPassword(STRONG, ALICE, { hibp: { enabled: true, baseUrl: url, timeoutMs: 500 } })).resolves.toBeUndefined();
  });

  it('reads HIBP_ENABLED and HIBP_API_URL from the environment', async () => {
    const listed = 'ember quarry novel 31';
    api.breach(listed, 7);
    const saved = { enabled: process.env.HIBP_ENABLED, url: process.env.HIBP_API_URL };
    try {
      process.env.HIBP_ENABLED = 'true';
      process.env.HIBP_API_URL = api.url;
      resetEnvCache();
      expect(await passwordWeakness(listed, ALICE)).toBe('breached');
      process.env.HIBP_ENABLED = 'false';
      resetEnvCache();
      expect(await passwordWeakness(listed, ALICE)).toBeNull();
    } finally {
      for (const [name, value] of [['HIBP_ENABLED', saved.enabled], ['HIBP_API_URL', saved.url]] as const) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
      resetEnvCache();
    }
  });
});
