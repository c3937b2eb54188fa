/**
 * The password policy's numbers and words (AUTH-3, NIST SP 800-63B §3.1.1.2), light enough for any
 * bundle: the forms and the zod schema read the bounds from here; the zxcvbn-based estimate that
 * uses them lives in ./password-strength (large, loaded on demand).
 */

/** Length bounds of a new password (no composition rules: length and guessability only). */
export const PASSWORD_MIN = 10;
export const PASSWORD_MAX = 128;

/** The lowest zxcvbn score (0–4) a new password may have: 3 ≈ 10^8 guesses. */
export const PASSWORD_MIN_SCORE = 3;

/** Context-specific words every user's password is checked against: the service's name. */
export const APP_WORDS: readonly string[] = ['kanso'];

/**
 * Why a password is refused; each is a message under `errors.auth.passwordWeak.` in messages/*.json,
 * which both the server's refusal and the strength meter show.
 */
export const PASSWORD_WEAKNESSES = [
  'tooShort',
  'tooLong',
  'common',
  'personal',
  'breached',
  'repeated',
  'sequence',
  'keyboard',
  'dates',
  'predictable',
] as const;
export type PasswordWeakness = (typeof PASSWORD_WEAKNESSES)[number];

/** Who the password is for: what an attacker who targets this account would try first. */
export interface PasswordContext {
  email?: string | null;
  name?: string | null;
}

/** Shorter context fragments are only handed to zxcvbn (as user inputs), not cut out of the password. */
const MIN_STRIP_LENGTH = 4;

/**
 * The words of `context` an attacker would guess, lower-cased and de-duplicated: the whole address,
 * its local part (with and without a +tag) and the local part's pieces, the domain's labels but the
 * last, the name, its parts and the name without spaces, and the app's name. Fragments shorter than
 * three characters are dropped (they would match everywhere).
 */
export function contextWords(context: PasswordContext): string[] {
  const words = new Set<string>(APP_WORDS);
  const add = (word: string) => {
    const w = word.trim().toLowerCase();
    if (w.length >= 3) words.add(w);
  };
  const email = context.email?.trim().toLowerCase() ?? '';
  if (email) {
    add(email);
    const at = email.lastIndexOf('@');
    const local = at >= 0 ? email.slice(0, at) : email;
    const domain = at >= 0 ? email.slice(at + 1) : '';
    add(local);
    add(local.replace(/\+.*$/, ''));
    for (const piece of local.split(/[^\p{L}\p{N}]+/u)) add(piece);
    for (const label of domain.split('.').slice(0, -1)) add(label);
  }
  const name = context.name?.trim().toLowerCase() ?? '';
  if (name) {
    add(name);
    const parts = name.split(/[^\p{L}\p{N}]+/u).filter(Boolean);
    for (const part of parts) add(part);
    add(parts.join(''));
  }
  return [...words];
}

/**
 * The password with every context word of at least four characters cut out (case-insensitive,
 * longest first): what is left for an attacker who knows who the user is. Equal to the input
 * when it contains none.
 */
export function withoutContextWords(password: string, words: readonly string[]): string {
  const strippable = words.filter((w) => w.length >= MIN_STRIP_LENGTH || APP_WORDS.includes(w)).sort((a, b) => b.length - a.length);
  // Case folding that changes the length (e.g. "İ") would shift the indexes: work on the folded text then.
  let rest = password.toLowerCase().length === password.length ? password : password.toLowerCase();
  for (const word of strippable) {
    let lower = rest.toLowerCase();
    let index = lower.indexOf(word);
    while (index >= 0) {
      rest = rest.slice(0, index) + rest.slice(index + word.length);
      lower = rest.toLowerCase();
      index = lower.indexOf(word);
    }
  }
  return rest;
}
