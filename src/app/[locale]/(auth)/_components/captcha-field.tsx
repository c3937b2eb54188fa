'use client';
/**
 * The CAPTCHA of the account forms (AUTH-4): the self-hosted ALTCHA proof of work (`altcha/external`
 * + its CSS, the worker script served from our own origin, so the strict CSP holds), or Cloudflare Turnstile when
 * the server says so. It solves on its own as soon as it is shown and hands the answer up through
 * `onChange` (null while there is none). An answer is good for one request: `reset()` fetches and
 * solves a new one.
 */
import 'altcha/altcha.css';
import { useLocale, useTranslations } from 'next-intl';
import { forwardRef, useEffect, useImperativeHandle, useRef, useState } from 'react';

export type CaptchaWidgetConfig = { provider: 'altcha'; challengeUrl: string } | { provider: 'turnstile'; siteKey: string };

export interface CaptchaFieldHandle {
  /** Forgets the spent answer and starts on a new one. */
  reset(): void;
}

interface AltchaElement extends HTMLElement {
  reset(state?: string): void;
  verify(): Promise<unknown>;
  configure(options: Record<string, unknown>): void;
}

interface AltchaGlobal {
  algorithms: Map<string, () => Worker>;
  i18n: { get(language: string): Record<string, string> | undefined; set(language: string, strings: Record<string, string>): void };
}

interface TurnstileGlobal {
  render(element: HTMLElement, options: Record<string, unknown>): string;
  reset(id: string): void;
}

const ALTCHA_WORKER_PATH = '/api/captcha/worker';

let altchaLoading: Promise<void> | undefined;

/** Loads the widget once per page and registers the SHA worker (same origin). */
function loadAltcha(): Promise<void> {
  altchaLoading ??= import('altcha/external').then(() => {
    const altcha = (globalThis as unknown as { $altcha: AltchaGlobal }).$altcha;
    // A classic worker from our origin (worker-src 'self'): src/app/api/captcha/worker/route.ts.
    const createWorker = () => new Worker(ALTCHA_WORKER_PATH);
    for (const algorithm of ['SHA-256', 'SHA-384', 'SHA-512']) altcha.algorithms.set(algorithm, createWorker);
  });
  return altchaLoading;
}

let turnstileLoading: Promise<void> | undefined;

function loadTurnstile(): Promise<void> {
  turnstileLoading ??= new Promise<void>((resolve, reject) => {
    const script = document.createElement('script');
    script.src = 'https://challenges.cloudflare.com/turnstile/v0/api.js?render=explicit';
    script.async = true;
    script.onload = () => resolve();
    script.onerror = () => reject(new Error('turnstile did not load'));
    document.head.appendChild(script);
  });
  return turnstileLoading;
}

const ALTCHA_STRING_KEYS = [
  'ariaLinkLabel',
  'enterCode',
  'enterCodeAria',
  'error',
  'expired',
  'footer',
  'getAudioChallenge',
  'label',
  'loading',
  'reload',
  'verificationRequired',
  'verified',
  'verify',
  'verifying',
  'waitAlert',
] as const;

export const CaptchaField = forwardRef<CaptchaFieldHandle, { config: CaptchaWidgetConfig; onChange: (answer: string | null) => void }>(function CaptchaField(
  { config, onChange },
  ref,
) {
  const t = useTranslations('auth.captcha');
  const locale = useLocale();
  const host = useRef<HTMLDivElement>(null);
  const widget = useRef<AltchaElement | null>(null);
  const turnstileId = useRef<string | null>(null);
  const [loadFailed, setLoadFailed] = useState(false);
  const changed = useRef(onChange);
  changed.current = onChange;

  useImperativeHandle(ref, () => ({
    reset() {
      changed.current(null);
      if (widget.current) {
        widget.current.reset();
        void widget.current.verify();
      } else if (turnstileId.current) {
        (globalThis as unknown as { turnstile: TurnstileGlobal }).turnstile.reset(turnstileId.current);
      }
    },
  }));

  useEffect(() => {
    let cancelled = false;
    const element = host.current;
    if (!element) return;
    if (config.provider === 'turnstile') {
      loadTurnstile()
        .then(() => {
          if (cancelled) return;
          turnstileId.current = (globalThis as unknown as { turnstile: TurnstileGlobal }).turnstile.render(element, {
            sitekey: config.siteKey,
            language: locale,
            callback: (token: string) => changed.current(token),
            'expired-callback': () => changed.current(null),
            'error-callback': () => changed.current(null),
          });
        })
        .catch(() => setLoadFailed(true));
      return () => {
        cancelled = true;
      };
    }
    let created: AltchaElement | null = null;
    loadAltcha()
      .then(() => {
        if (cancelled) return;
        const altcha = (globalThis as unknown as { $altcha: AltchaGlobal }).$altcha;
        altcha.i18n.set(locale, { ...(altcha.i18n.get('en') ?? {}), ...Object.fromEntries(ALTCHA_STRING_KEYS.map((key) => [key, t(key)])) });
        created = document.createElement('altcha-widget') as AltchaElement;
        created.setAttribute('challenge', config.challengeUrl);
        created.setAttribute('language', locale);
        created.setAttribute('auto', 'onload');
        created.setAttribute('name', 'captcha');
        created.setAttribute('workers', '2');
        created.addEventListener('statechange', (event) => {
          const detail = (event as CustomEvent<{ state: string; payload?: string | null }>).detail;
          changed.current(detail.state === 'verified' && detail.payload ? detail.payload : null);
          element.dataset.state = detail.state;
        });
        element.appendChild(created);
        widget.current = created;
      })
      .catch(() => setLoadFailed(true));
    return () => {
      cancelled = true;
      created?.remove();
      widget.current = null;
    };
  }, [config, locale, t]);

  return (
    <div className="grid gap-1">
      <div ref={host} data-testid="captcha" data-provider={config.provider} />
      {loadFailed ? (
        <p role="alert" className="text-sm text-destructive">
          {t('loadFailed')}
        </p>
      ) : null}
    </div>
  );
});
