'use client';
import { useLocale, useTranslations } from 'next-intl';
import { useTransition } from 'react';
import { usePathname, useRouter } from '@/i18n/navigation';
import { locales, type Locale } from '@/i18n/routing';

/**
 * Switches the UI language (the URL's locale). Signed out this is all; signed in, SiteHeader renders
 * SavedLocaleSwitcher instead, which also saves the choice on the account. Kept free of tRPC so the
 * public pages do not ship the API client (PERF-3).
 */
export function LocaleSwitcher({ save, saving = false }: { save?: (locale: Locale) => Promise<unknown>; saving?: boolean }) {
  const t = useTranslations();
  const locale = useLocale();
  const router = useRouter();
  const pathname = usePathname();
  const [pending, startTransition] = useTransition();

  const onChange = async (next: Locale) => {
    if (save) await save(next);
    startTransition(() => {
      router.replace(`${pathname}${window.location.search}`, { locale: next });
    });
  };

  return (
    <label className="inline-flex items-center gap-2 text-sm">
      <span className="sr-only">{t('common.language')}</span>
      <select
        className="h-9 rounded-md border border-border bg-background px-2 text-sm"
        value={locale}
        disabled={pending || saving}
        onChange={(e) => void onChange(e.target.value as Locale)}
        data-testid="locale-switcher"
      >
        {locales.map((l) => (
          <option key={l} value={l}>
            {t(`locales.${l}`)}
          </option>
        ))}
      </select>
    </label>
  );
}
