'use client';
import { ChevronsUpDown } from 'lucide-react';
import { useTranslations } from 'next-intl';
import { useLazyMenu } from '@/lib/use-lazy-component';

export interface WorkspaceItem {
  name: string;
  slug: string;
}

/** The trigger's look, shared with the menu's own trigger (workspace-switcher-content.tsx). */
export const WORKSPACE_SWITCHER_TRIGGER =
  'inline-flex h-9 min-w-0 items-center gap-2 rounded-md border border-border px-3 text-sm font-medium hover:bg-muted focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring';

const load = () => import('./workspace-switcher-content').then((m) => m.default);

/**
 * The workspace switcher. The menu (Radix DropdownMenu) is a chunk of its own, fetched when the page
 * is idle (PERF-3, ADR 0016); until then the same button stands in and opens the menu as soon as it
 * has loaded.
 */
export function WorkspaceSwitcher({ current }: { current: WorkspaceItem }) {
  const t = useTranslations('nav');
  const { Menu, menuProps, trigger } = useLazyMenu(load);
  if (Menu) return <Menu current={current} {...menuProps} />;
  return (
    <button
      {...trigger}
      className={WORKSPACE_SWITCHER_TRIGGER}
      aria-label={t('switchWorkspace')}
      data-testid="workspace-switcher"
    >
      <span className="max-w-40 truncate">{current.name}</span>
      <ChevronsUpDown className="h-4 w-4 shrink-0 opacity-60" aria-hidden />
    </button>
  );
}
