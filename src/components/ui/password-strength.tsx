'use client';
/**
 * The password strength meter (AUTH-3) under a new-password field: a four-step bar and, in words,
 * how strong the password is and why it would be refused. Advisory — the server decides
 * (src/server/auth/password-policy.ts) with the same estimator plus the breach check.
 *
 * The estimator's dictionaries are large (~850 KB gzipped), so they are fetched in a chunk of their
 * own when the field is first focused (`preloadPasswordStrength`) or typed in — never with the page.
 * The verdict is announced politely once typing pauses, and the bar is never the only signal (the
 * level is written out; the number of filled steps carries it without colour).
 */
import { useTranslations } from 'next-intl';
import { useEffect, useState } from 'react';
import type { PasswordContext, PasswordWeakness } from '@/lib/password-rules';
import type { PasswordAssessment, PasswordScore } from '@/lib/password-strength';
import { cn } from '@/lib/utils';

type StrengthModule = typeof import('@/lib/password-strength');

let loading: Promise<StrengthModule> | undefined;

/** Starts fetching the estimator (once); call it when a password field gets focus. */
export function preloadPasswordStrength(): Promise<StrengthModule> {
  loading ??= import('@/lib/password-strength').catch((error: unknown) => {
    // Offline or a failed chunk: the next focus or keystroke tries again.
    loading = undefined;
    throw error;
  });
  return loading;
}

/** Time the user must pause typing before the verdict is computed and announced. */
const SETTLE_MS = 250;

const LEVEL_KEYS = ['score0', 'score1', 'score2', 'score3', 'score4'] as const;

/** Steps of the bar filled per score: 0 and 1 both fill one, so an entered password always shows something. */
const FILLED: Record<PasswordScore, number> = { 0: 1, 1: 1, 2: 2, 3: 3, 4: 4 };

const FILL_CLASS: Record<PasswordScore, string> = {
  0: 'bg-destructive',
  1: 'bg-destructive',
  2: 'bg-amber-500 dark:bg-amber-400',
  3: 'bg-success dark:bg-emerald-400',
  4: 'bg-success dark:bg-emerald-400',
};

/** What the meter shows for one password. */
interface Verdict extends PasswordAssessment {
  password: string;
}

/**
 * `fieldError`: the server's error shown under the same field; the meter does not repeat it word for
 * word (it still shows the level).
 */
export function PasswordStrength({ id, password, context, fieldError }: { id: string; password: string; context?: PasswordContext; fieldError?: string }) {
  const t = useTranslations();
  const [estimator, setEstimator] = useState<StrengthModule | null>(null);
  const [verdict, setVerdict] = useState<Verdict | null>(null);
  const email = context?.email ?? null;
  const name = context?.name ?? null;

  // Typed into before it was focused (autofill, a password manager): fetch now.
  useEffect(() => {
    if (!password || estimator) return;
    let live = true;
    preloadPasswordStrength().then(
      (loaded) => {
        if (live) setEstimator(loaded);
      },
      () => {},
    );
    return () => {
      live = false;
    };
  }, [password, estimator]);

  useEffect(() => {
    if (!estimator || !password) return;
    const timer = setTimeout(() => setVerdict({ password, ...estimator.assessPassword(password, { email, name }) }), SETTLE_MS);
    return () => clearTimeout(timer);
  }, [estimator, password, email, name]);

  const current = password && verdict?.password === password ? verdict : null;
  // While the user types on, the last verdict stays up (no flicker); an emptied field clears it.
  const shown = password ? (current ?? verdict) : null;
  const reason = shown ? reasonText(t, shown.weakness) : null;

  return (
    <div id={id} className="grid gap-1.5" data-testid="password-strength" data-score={shown?.score ?? ''} data-weakness={shown ? (shown.weakness ?? 'none') : ''}>
      <div aria-hidden="true" className={cn('grid grid-cols-4 gap-1', !password && 'opacity-0')}>
        {[1, 2, 3, 4].map((step) => (
          <span
            key={step}
            className={cn('h-1.5 rounded-full transition-colors', shown && step <= FILLED[shown.score] ? FILL_CLASS[shown.score] : 'bg-border')}
          />
        ))}
      </div>
      <p aria-live="polite" aria-atomic="true" className="min-h-4 text-xs text-muted-foreground">
        {password ? (
          shown ? (
            <>
              <span className="font-medium text-foreground">
                {t('auth.passwordStrength.label')}: {t(`auth.passwordStrength.${LEVEL_KEYS[shown.score]}`)}.
              </span>{' '}
              {reason !== fieldError ? <span data-testid="password-strength-reason">{reason}</span> : null}
            </>
          ) : (
            t('auth.passwordStrength.loading')
          )
        ) : null}
      </p>
    </div>
  );
}

function reasonText(t: ReturnType<typeof useTranslations>, weakness: PasswordWeakness | null): string {
  return weakness ? t(`errors.auth.passwordWeak.${weakness}` as never) : t('auth.passwordStrength.ok');
}
