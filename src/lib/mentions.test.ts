import { describe, expect, it } from 'vitest';
import { mentionedUserIds, mentionQueryAt, mentionToken, MENTIONS_MAX } from './mentions';

const a = '11111111-2222-4333-8444-555555555555';
const b = 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee';

describe('mentions', () => {
  it('builds a token the parser reads back (brackets dropped from the name)', () => {
    expect(mentionToken('Ann [Lee]', a)).toBe(`@[Ann Lee](user:${a})`);
    expect(mentionedUserIds(`x ${mentionToken('Ann', a)} y`)).toEqual([a]);
  });

  it('answers distinct ids in order, lower-cased, ignoring malformed tokens', () => {
    const text = `@[B](user:${b.toUpperCase()}) @[A](user:${a}) @[B again](user:${b}) @[bad](user:123) @A (user:${a}) [x](user:${a})`;
    expect(mentionedUserIds(text)).toEqual([b, a]);
    expect(mentionedUserIds('')).toEqual([]);
    expect(mentionedUserIds(null)).toEqual([]);
  });

  it('caps how many users one text mentions', () => {
    const many = Array.from({ length: MENTIONS_MAX + 5 }, (_, i) => `@[U](user:${String(i).padStart(8, '0')}-2222-4333-8444-555555555555)`).join(' ');
    expect(mentionedUserIds(many)).toHaveLength(MENTIONS_MAX);
  });

  it('finds the @query being typed before the caret', () => {
    expect(mentionQueryAt('hello @an', 9)).toEqual({ start: 6, query: 'an' });
    expect(mentionQueryAt('@', 1)).toEqual({ start: 0, query: '' });
    expect(mentionQueryAt('mail me@example', 15)).toBeNull();
    expect(mentionQueryAt('hello @an there', 15)).toBeNull();
  });
});
