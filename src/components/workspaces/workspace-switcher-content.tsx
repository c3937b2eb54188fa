'use client';
import { useQuery } from '@tanstack/react-query';
import { Check, ChevronsUpDown, Plus } from 'lucide-react';
import { DropdownMenu } from 'radix-ui';
import { useTranslations } from 'next-intl';
import { Link } from '@/i18n/navigation';
import { useTRPC } from '@/lib/trpc/client';

import { WORKSPACE_SWITCHER_TRIGGER, type WorkspaceItem } from './workspace-switcher';

/** The switcher menu itself (Radix DropdownMenu); loaded lazily by workspace-switcher.tsx. */
export default function WorkspaceSwitcherContent({ current, defaultOpen = false, autoFocus = false }: { current: WorkspaceItem; defaultOpen?: boolean; autoFocus?: boolean }) {
  const t = useTranslations('nav');
  const trpc = useTRPC();
  // Prefetched by the server layout, so this renders without a loading state.
  const { data: workspaces = [current] } = useQuery(trpc.workspace.list.queryOptions());
  return (
    <DropdownMenu.Root defaultOpen={defaultOpen}>
      <DropdownMenu.Trigger
        className={WORKSPACE_SWITCHER_TRIGGER}
        autoFocus={autoFocus}
        aria-label={t('switchWorkspace')}
        data-testid="workspace-switcher"
      >
        <span className="max-w-40 truncate">{current.name}</span>
        <ChevronsUpDown className="h-4 w-4 shrink-0 opacity-60" aria-hidden />
      </DropdownMenu.Trigger>
      <DropdownMenu.Portal>
        <DropdownMenu.Content align="start" sideOffset={6} className="z-50 min-w-56 rounded-md border border-border bg-card p-1 shadow-md">
          <DropdownMenu.Label className="px-2 py-1.5 text-xs text-muted-foreground">{t('workspaces')}</DropdownMenu.Label>
          {workspaces.map((w) => (
            <DropdownMenu.Item key={w.slug} asChild className="flex cursor-pointer items-center justify-between rounded px-2 py-1.5 text-sm outline-none data-[highlighted]:bg-muted">
              <Link href={`/w/${w.slug}`}>
                <span className="truncate">{w.name}</span>
                {w.slug === current.slug ? <Check className="h-4 w-4" aria-hidden /> : null}
              </Link>
            </DropdownMenu.Item>
          ))}
          <DropdownMenu.Separator className="my-1 h-px bg-border" />
          <DropdownMenu.Item asChild className="flex cursor-pointer items-center gap-2 rounded px-2 py-1.5 text-sm outline-none data-[highlighted]:bg-muted">
            <Link href="/onboarding">
              <Plus className="h-4 w-4" aria-hidden />
              {t('newWorkspace')}
            </Link>
          </DropdownMenu.Item>
        </DropdownMenu.Content>
      </DropdownMenu.Portal>
    </DropdownMenu.Root>
  );
}
