import { Moon, Sun } from 'lucide-react';
import { getTranslations } from 'next-intl/server';
import type { ReactNode } from 'react';
import { Link } from '@/i18n/navigation';
import { LocaleSwitcher } from './locale-switcher';
import { SignedInLocaleSwitcher } from './signed-in-locale-switcher';
import { ThemeToggle } from './theme-toggle';

/**
 * `bell`: the notifications bell (COLLAB-7, `<NotificationBell />`), passed in by the signed-in pages
 * under (app) — not imported here, so pages without it (the landing page) do not ship its code.
 */
export async function SiteHeader({ signedIn, bell, children }: { signedIn: boolean; bell?: ReactNode; children?: ReactNode }) {
  const t = await getTranslations('common');
  return (
    <header className="border-b border-border">
      <div className="mx-auto flex h-14 max-w-6xl items-center gap-2 px-4 sm:gap-3">
        <Link href="/" className="text-lg font-semibold tracking-tight">
          {t('appName')}
        </Link>
        {/* min-w-0: on a phone the workspace name gives way (truncates) rather than pushing the row off-screen. */}
        <div className="flex min-w-0 flex-1 items-center gap-2">{children}</div>
        {signedIn ? bell : null}
        {signedIn ? <SignedInLocaleSwitcher /> : <LocaleSwitcher />}
        <ThemeToggle>
          <Sun className="h-4 w-4 dark:hidden" aria-hidden />
          <Moon className="hidden h-4 w-4 dark:block" aria-hidden />
        </ThemeToggle>
      </div>
    </header>
  );
}
