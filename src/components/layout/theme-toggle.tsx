'use client';
import { useTranslations } from 'next-intl';
import type { ReactNode } from 'react';
import { buttonVariants } from '@/components/ui/button-variants';
import { THEME_COOKIE } from '@/lib/theme';

/**
 * Dark mode: a class on <html>, remembered in a cookie so the server renders it without a flash.
 * The sun/moon icons come as children from the server component (site-header.tsx), like the landing
 * page's other icons, rather than being imported here (PERF-3, ADR 0016: 0.7 KiB less on the landing page).
 */
export function ThemeToggle({ children }: { children: ReactNode }) {
  const t = useTranslations('common');
  const toggle = () => {
    const dark = document.documentElement.classList.toggle('dark');
    document.cookie = `${THEME_COOKIE}=${dark ? 'dark' : 'light'}; Path=/; Max-Age=31536000; SameSite=Lax`;
  };
  return (
    <button type="button" className={buttonVariants({ variant: 'ghost', size: 'icon' })} onClick={toggle} aria-label={t('toggleTheme')} title={t('toggleTheme')}>
      {children}
    </button>
  );
}
