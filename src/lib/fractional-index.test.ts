import { describe, expect, it } from 'vitest';
import { isValidKey, keyBetween, keysBetween } from './fractional-index';

function check(a: string | null, b: string | null): string {
  const key = keyBetween(a, b);
  expect(isValidKey(key)).toBe(true);
  if (a !== null) expect(a < key).toBe(true);
  if (b !== null) expect(key < b).toBe(true);
  return key;
}

describe('keyBetween', () => {
  it('answers a key for an empty list and at either open end', () => {
    const first = check(null, null);
    const after = check(first, null);
    const before = check(null, first);
    expect([before, first, after]).toEqual([...[before, first, after]].sort());
  });

  it('finds room between adjacent and prefix keys', () => {
    check('a', 'b');
    check('a', 'a1');
    check('a0001', 'a0002');
    check('az', 'b');
    check('1', '2');
    check('zzz', null);
    check(null, '01');
    check(null, '001');
  });

  it('keeps inserting at the same spot without collisions (100 times at the front, middle and end)', () => {
    let front = 'V';
    let end = 'V';
    const keys: string[] = ['V'];
    for (let i = 0; i < 100; i += 1) {
      front = check(null, front);
      end = check(end, null);
      keys.push(front, end);
    }
    let a = 'k';
    const b = 'l';
    for (let i = 0; i < 100; i += 1) {
      a = check(a, b);
      keys.push(a);
    }
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('agrees with a model list under random moves', () => {
    const list: string[] = [];
    let seed = 42;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let i = 0; i < 500; i += 1) {
      const at = Math.floor(random() * (list.length + 1));
      const key = check(list[at - 1] ?? null, list[at] ?? null);
      list.splice(at, 0, key);
    }
    expect([...list].sort()).toEqual(list);
    expect(new Set(list).size).toBe(list.length);
  });

  it('refuses keys out of order and malformed keys', () => {
    expect(() => keyBetween('b', 'a')).toThrow();
    expect(() => keyBetween('a', 'a')).toThrow();
    expect(() => keyBetween('a0', null)).toThrow();
    expect(() => keyBetween('a-', null)).toThrow();
  });
});

describe('keysBetween', () => {
  it('answers ascending distinct keys', () => {
    const keys = keysBetween(null, null, 50);
    expect(keys).toHaveLength(50);
    expect([...keys].sort()).toEqual(keys);
    expect(new Set(keys).size).toBe(50);
  });
});

describe('isValidKey (validates client-sent positions)', () => {
  it('accepts base-62 keys that do not end in the smallest digit', () => {
    for (const key of ['1', 'V', 'a', 'zz', 'a01', 'Zz9']) expect(isValidKey(key)).toBe(true);
  });
  it('rejects empty keys, a trailing 0 and characters outside base 62', () => {
    for (const key of ['', '0', 'a0', 'a-b', 'a b', 'ä', 'a~', 'a\n']) expect(isValidKey(key)).toBe(false);
  });
});
