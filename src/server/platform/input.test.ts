import { describe, expect, it } from 'vitest';
import { emailSchema, signUpInput } from '@/server/auth/schemas';
import { INT4_MAX, INVALID_CHARACTERS, int4, text } from './input';

const messages = (result: { success: boolean; error?: { issues: { message: string }[] } }) => result.error?.issues.map((i) => i.message) ?? [];

describe('text()', () => {
  it('refuses NUL and lone surrogates, first, with the invalidCharacters key', () => {
    const schema = text().trim().min(1).max(5);
    for (const value of ['\u0000', 'a\u0000b', 'a\ud800', '\ud800', '\udc00b', 'x\udfff', ' \u0000 ', 'much too long\u0000']) {
      expect(messages(schema.safeParse(value)), JSON.stringify(value)).toEqual([INVALID_CHARACTERS]);
    }
  });

  it('accepts well-formed text, emoji (surrogate pairs) included, and still applies the chained checks', () => {
    const schema = text().trim().min(1).max(5);
    expect(schema.parse(' 🚀ok ')).toBe('🚀ok');
    expect(schema.parse('\ud83d\ude80')).toBe('🚀');
    expect(schema.safeParse('').success).toBe(false);
    expect(schema.safeParse('toolong').success).toBe(false);
  });

  it('covers the account schemas the magic-link action parses (email) and the anonymous sign-up name', () => {
    expect(messages(emailSchema.safeParse('ann\u0000@example.com'))).toContain(INVALID_CHARACTERS);
    expect(emailSchema.parse(' Ann@Example.COM ')).toBe('ann@example.com');
    const signUp = signUpInput.safeParse({ email: 'ann@example.com', password: 'x'.repeat(20), name: 'Ann\ud800' });
    expect(signUp.error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual([['name', INVALID_CHARACTERS]]);
  });
});

describe('int4()', () => {
  it('holds what a PostgreSQL integer column holds', () => {
    expect(int4(1).parse(INT4_MAX)).toBe(2_147_483_647);
    expect(int4(1).safeParse(INT4_MAX + 1).success).toBe(false);
    expect(int4(1).safeParse(0).success).toBe(false);
    expect(int4().safeParse(-1).success).toBe(false);
    expect(int4().safeParse(1.5).success).toBe(false);
  });
});
