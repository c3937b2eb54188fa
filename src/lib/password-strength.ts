/**
 * How guessable a new password is (AUTH-3), the same on the server (the authority,
 * src/server/auth/password-policy.ts) and in the browser (the advisory meter,
 * src/components/ui/password-strength.tsx): zxcvbn-ts with its common-password list and the English
 * dictionaries, offline, plus the user's own context (email, name, the app's name).
 *
 * LARGE: the dictionaries are about 850 KB gzipped. Import this module with `import()` only — the
 * meter loads it when a password field is first used — never statically from a client component
 * or anything the landing page or the board reach.
 *
 * The verdict is ours, not zxcvbn's text: zxcvbn runs without translations, so its feedback comes
 * back as keys (`userInputs`, `sequences`, …) which pick one of OUR reasons (PasswordWeakness);
 * its English sentences are never shown.
 */
import { ZxcvbnFactory, type MatchExtended, type ZxcvbnResult } from '@zxcvbn-ts/core';
import { adjacencyGraphs, dictionary as commonDictionary } from '@zxcvbn-ts/language-common';
import { dictionary as englishDictionary } from '@zxcvbn-ts/language-en';
import {
  contextWords,
  PASSWORD_MAX,
  PASSWORD_MIN,
  PASSWORD_MIN_SCORE,
  withoutContextWords,
  type PasswordContext,
  type PasswordWeakness,
} from './password-rules';

export type PasswordScore = 0 | 1 | 2 | 3 | 4;

export interface PasswordAssessment {
  /** zxcvbn's score, capped at 2 when the password is refused (the meter never looks "strong" then). */
  score: PasswordScore;
  /** Why the password is refused; null when it meets the policy (offline part: no breach check here). */
  weakness: PasswordWeakness | null;
}

const COMMON_LIST = 'passwords-common';

let factory: ZxcvbnFactory | undefined;
let commonPasswords: ReadonlySet<string> | undefined;

function estimator(): ZxcvbnFactory {
  factory ??= new ZxcvbnFactory({
    dictionary: { ...commonDictionary, ...englishDictionary },
    graphs: adjacencyGraphs,
    // zxcvbn's default (100 l33t substitution combinations) costs ~0.7 s of CPU for a random
    // 128-character password on the server's event loop; 10 keeps that under 0.1 s and still
    // recognises "p@ssw0rd"-style variants.
    l33tMaxSubstitutions: 10,
  });
  return factory;
}

/** The bundled list of common passwords, lower-cased. */
function isCommonPassword(password: string): boolean {
  commonPasswords ??= new Set((commonDictionary[COMMON_LIST] ?? []).map((entry) => String(entry).toLowerCase()));
  return commonPasswords.has(password.toLowerCase());
}

/** zxcvbn's warning keys (it returns keys when given no translations) → our reasons. */
const WARNING_REASONS: Record<string, PasswordWeakness> = {
  userInputs: 'personal',
  topTen: 'common',
  topHundred: 'common',
  common: 'common',
  similarToCommon: 'common',
  pwned: 'breached',
  simpleRepeat: 'repeated',
  extendedRepeat: 'repeated',
  sequences: 'sequence',
  straightRow: 'keyboard',
  keyPattern: 'keyboard',
  recentYears: 'dates',
  dates: 'dates',
};

/** The reason for a low score: zxcvbn's warning if it has one we know, else the pattern that dominates. */
function reasonOf(result: ZxcvbnResult): PasswordWeakness {
  const fromWarning = result.feedback.warning ? WARNING_REASONS[result.feedback.warning] : undefined;
  if (fromWarning) return fromWarning;
  const longest = [...result.sequence].sort((a, b) => b.token.length - a.token.length)[0] as MatchExtended | undefined;
  switch (longest?.pattern) {
    case 'repeat':
      return 'repeated';
    case 'sequence':
      return 'sequence';
    case 'spatial':
      return 'keyboard';
    case 'date':
      return 'dates';
    case 'dictionary':
      if (longest.dictionaryName === COMMON_LIST) return 'common';
      if (longest.dictionaryName === 'userInputs') return 'personal';
      return 'predictable';
    default:
      return 'predictable';
  }
}

/** The whole password is one entry of the common list (or a capitalised, reversed or l33t form of one). */
function isCommonVariant(result: ZxcvbnResult, password: string): boolean {
  const [only, ...rest] = result.sequence;
  return rest.length === 0 && only?.pattern === 'dictionary' && only.dictionaryName === COMMON_LIST && only.token.length === password.length;
}

function refused(score: PasswordScore, weakness: PasswordWeakness): PasswordAssessment {
  return { score: Math.min(score, 2) as PasswordScore, weakness };
}

/**
 * The offline verdict on a new password for the user in `context`. Refused when it is shorter than
 * PASSWORD_MIN or longer than PASSWORD_MAX, is on the common list, scores below PASSWORD_MIN_SCORE,
 * or is only strong because of words an attacker would try for this user (their email, name or
 * "kanso": what is left without them must score PASSWORD_MIN_SCORE on its own — "kanso2026kanso" is
 * refused though zxcvbn alone scores it 3).
 */
export function assessPassword(password: string, context: PasswordContext = {}): PasswordAssessment {
  if (password.length > PASSWORD_MAX) return { score: 0, weakness: 'tooLong' };
  const zxcvbn = estimator();
  const words = contextWords(context);
  const result = zxcvbn.check(password, words);
  const score = result.score as PasswordScore;
  if (password.length < PASSWORD_MIN) return refused(score, 'tooShort');
  if (isCommonPassword(password) || isCommonVariant(result, password)) return refused(score, 'common');
  const rest = withoutContextWords(password, words);
  const containsContext = rest !== password;
  if (score < PASSWORD_MIN_SCORE) return refused(score, containsContext ? 'personal' : reasonOf(result));
  if (containsContext && (rest.length === 0 || zxcvbn.check(rest, words).score < PASSWORD_MIN_SCORE)) return refused(score, 'personal');
  return { score, weakness: null };
}
