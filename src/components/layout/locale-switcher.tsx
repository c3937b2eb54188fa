'use client';
import { useMutation } from '@tanstack/react-query';
import { useLocale, useTranslations } from 'next-intl';
import { useTransition } from 'react';
import { usePathname, useRouter } from '@/i18n/navigation';
import { locales, type Locale } from '@/i18n/routing';
import { useTRPC } from '@/lib/trpc/client';

/** Switches the UI language; for a signed-in user the choice is saved on the account. */
export function LocaleSwitcher({ signedIn }: { signedIn: boolean }) {
  const t = useTranslations();
  const locale = useLocale();
  const router = useRouter();
  const pathname = usePathname();
  const trpc = useTRPC();
  const save = useMutation(trpc.user.setLocale.mutationOptions());
  const [pending, startTransition] = useTransition();

  const onChange = async (next: Locale) => {
    if (signedIn) await save.mutateAsync({ locale: next });
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
        disabled={pending || save.isPending}
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
