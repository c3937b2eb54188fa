/**
 * The UI texts the specs look for, read from messages/<locale>.json — the same source the app
 * renders — so a copy edit does not break the suite, while a missing or untranslated key still does
 * (next-intl would render the key path, not this text).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

export type Locale = 'en' | 'de';

type Tree = { [key: string]: string | Tree };

const cache = new Map<Locale, Tree>();

function load(locale: Locale): Tree {
  let tree = cache.get(locale);
  if (!tree) {
    tree = JSON.parse(readFileSync(path.resolve('messages', `${locale}.json`), 'utf8')) as Tree;
    cache.set(locale, tree);
  }
  return tree;
}

/** `t('en', 'workspace.welcome', { name: 'Acme' })` → "Welcome to Acme" (simple `{arg}` placeholders only). */
export function t(locale: Locale, key: string, values: Record<string, string | number> = {}): string {
  let node: string | Tree | undefined = load(locale);
  for (const part of key.split('.')) {
    node = typeof node === 'object' ? node[part] : undefined;
  }
  if (typeof node !== 'string') throw new Error(`messages/${locale}.json has no text at ${key}`);
  return node.replace(/\{(\w+)\}/g, (all, name: string) => (name in values ? String(values[name]) : all));
}

/** English shortcut. */
export const en = (key: string, values?: Record<string, string | number>) => t('en', key, values);
export const de = (key: string, values?: Record<string, string | number>) => t('de', key, values);
