import { getTranslations } from 'next-intl/server';
import type { ReactNode } from 'react';
import { Link } from '@/i18n/navigation';
import { LocaleSwitcher } from './locale-switcher';
import { ThemeToggle } from './theme-toggle';

export async function SiteHeader({ signedIn, children }: { signedIn: boolean; children?: ReactNode }) {
  const t = await getTranslations('common');
  return (
    <header className="border-b border-border">
      <div className="mx-auto flex h-14 max-w-6xl items-center gap-3 px-4">
        <Link href="/" className="text-lg font-semibold tracking-tight">
          {t('appName')}
        </Link>
        <div className="flex flex-1 items-center gap-2">{children}</div>
        <LocaleSwitcher signedIn={signedIn} />
        <ThemeToggle />
      </div>
    </header>
  );
}
