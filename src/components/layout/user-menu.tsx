'use client';
import { CircleUser } from 'lucide-react';
import { useTranslations } from 'next-intl';
import { useLazyMenu } from '@/lib/use-lazy-component';
import type { UserMenuProps } from './user-menu-content';

/** The trigger's look, shared with the menu's own trigger (user-menu-content.tsx). */
export const USER_MENU_TRIGGER =
  'inline-flex h-9 w-9 items-center justify-center rounded-full hover:bg-muted focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring';
const load = () => import('./user-menu-content').then((m) => m.default);

/**
 * The account menu. The menu (Radix DropdownMenu with its popper and focus handling) is a chunk of
 * its own, fetched when the page is idle (PERF-3, ADR 0016); until then the same button stands in
 * and opens the menu as soon as it has loaded.
 */
export function UserMenu(props: UserMenuProps) {
  const t = useTranslations('nav');
  const { Menu, menuProps, trigger } = useLazyMenu(load);
  if (Menu) return <Menu {...props} {...menuProps} />;
  return (
    <button
      {...trigger}
      className={USER_MENU_TRIGGER}
      aria-label={t('account')}
      data-testid="user-menu"
    >
      <CircleUser className="h-5 w-5" aria-hidden />
    </button>
  );
}
