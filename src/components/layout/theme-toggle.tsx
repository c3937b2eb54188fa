'use client';
import { Moon, Sun } from 'lucide-react';
import { useTranslations } from 'next-intl';
import { buttonVariants } from '@/components/ui/button-variants';
import { THEME_COOKIE } from '@/lib/theme';

/** Dark mode: a class on <html>, remembered in a cookie so the server renders it without a flash. */
export function ThemeToggle() {
  const t = useTranslations('common');
  const toggle = () => {
    const dark = document.documentElement.classList.toggle('dark');
    document.cookie = `${THEME_COOKIE}=${dark ? 'dark' : 'light'}; Path=/; Max-Age=31536000; SameSite=Lax`;
  };
  return (
    <button type="button" className={buttonVariants({ variant: 'ghost', size: 'icon' })} onClick={toggle} aria-label={t('toggleTheme')} title={t('toggleTheme')}>
      <Sun className="h-4 w-4 dark:hidden" aria-hidden />
      <Moon className="hidden h-4 w-4 dark:block" aria-hidden />
    </button>
  );
}
