'use client';
import { CircleUser } from 'lucide-react';
import { useTranslations } from 'next-intl';
import { useState } from 'react';
import { opensMenu, useLazyComponent } from '@/lib/use-lazy-component';
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
  const [Menu, request] = useLazyComponent(load);
  const [wanted, setWanted] = useState(false);
  // Keeps the keyboard focus on the button when the stand-in is swapped for the real one.
  const [focused, setFocused] = useState(false);
  if (Menu) return <Menu {...props} defaultOpen={wanted} autoFocus={focused && !wanted} />;
  const open = () => {
    setWanted(true);
    request();
  };
  return (
    <button
      type="button"
      className={USER_MENU_TRIGGER}
      aria-label={t('account')}
      aria-haspopup="menu"
      aria-expanded={false}
      data-testid="user-menu"
      onFocus={() => setFocused(true)}
      onBlur={() => setFocused(false)}
      onPointerDown={(e) => e.button === 0 && open()}
      onKeyDown={(e) => {
        if (!opensMenu(e.key)) return;
        e.preventDefault();
        open();
      }}
    >
      <CircleUser className="h-5 w-5" aria-hidden />
    </button>
  );
}
