/** Every locale has every key of every other locale, no empty strings, and the same placeholders (I18N-1). */
import { describe, expect, it } from 'vitest';
import { messages } from '@/i18n/messages';
import { locales } from '@/i18n/routing';

type Tree = { [key: string]: string | Tree };

function flatten(tree: Tree, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(tree)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (typeof value === 'string') out.set(path, value);
    else for (const [k, v] of flatten(value, path)) out.set(k, v);
  }
  return out;
}

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)/g)].map((m) => m[1]).sort();

const flat = Object.fromEntries(locales.map((l) => [l, flatten(messages[l] as unknown as Tree)]));
const allKeys = new Set(locales.flatMap((l) => [...flat[l]!.keys()]));

describe('messages', () => {
  it.each(locales)('%s has every key', (locale) => {
    const missing = [...allKeys].filter((k) => !flat[locale]!.has(k));
    expect(missing).toEqual([]);
  });

  it.each(locales)('%s has no empty strings', (locale) => {
    const empty = [...flat[locale]!].filter(([, v]) => v.trim() === '').map(([k]) => k);
    expect(empty).toEqual([]);
  });

  it('uses the same placeholders in every locale', () => {
    const mismatched = [...allKeys].filter((key) => {
      const [first, ...rest] = locales.map((l) => JSON.stringify(placeholders(flat[l]!.get(key) ?? '')));
      return rest.some((p) => p !== first);
    });
    expect(mismatched).toEqual([]);
  });
});
