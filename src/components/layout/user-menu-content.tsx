'use client';
import { CircleUser } from 'lucide-react';
import { DropdownMenu } from 'radix-ui';
import { useTranslations } from 'next-intl';
import { Link } from '@/i18n/navigation';
import { can, type Role } from '@/lib/permissions';
import { useSignOut } from '@/lib/use-sign-out';
import { USER_MENU_TRIGGER } from './user-menu';

export interface UserMenuProps {
  email: string;
  workspaceSlug: string;
  role: Role;
}

/** The account menu itself (Radix DropdownMenu); loaded lazily by user-menu.tsx. */
export default function UserMenuContent({ email, workspaceSlug, role, defaultOpen = false, autoFocus = false }: UserMenuProps & { defaultOpen?: boolean; autoFocus?: boolean }) {
  const t = useTranslations('nav');
  const signOut = useSignOut();
  const item = 'flex cursor-pointer items-center rounded px-2 py-1.5 text-sm outline-none data-[highlighted]:bg-muted';
  return (
    <DropdownMenu.Root defaultOpen={defaultOpen}>
      <DropdownMenu.Trigger
        className={USER_MENU_TRIGGER}
        autoFocus={autoFocus}
        aria-label={t('account')}
        data-testid="user-menu"
      >
        <CircleUser className="h-5 w-5" aria-hidden />
      </DropdownMenu.Trigger>
      <DropdownMenu.Portal>
        <DropdownMenu.Content align="end" sideOffset={6} className="z-50 min-w-56 rounded-md border border-border bg-card p-1 shadow-md">
          <DropdownMenu.Label className="truncate px-2 py-1.5 text-xs text-muted-foreground">{email}</DropdownMenu.Label>
          <DropdownMenu.Item asChild className={item}>
            <Link href={can(role, 'workspace:update') ? `/w/${workspaceSlug}/settings` : `/w/${workspaceSlug}/settings/members`}>
              {t('settings')}
            </Link>
          </DropdownMenu.Item>
          <DropdownMenu.Item asChild className={item}>
            <Link href="/account/security">{t('account')}</Link>
          </DropdownMenu.Item>
          <DropdownMenu.Separator className="my-1 h-px bg-border" />
          <DropdownMenu.Item className={item} onSelect={() => signOut.mutate()} data-testid="sign-out">
            {t('signOut')}
          </DropdownMenu.Item>
        </DropdownMenu.Content>
      </DropdownMenu.Portal>
    </DropdownMenu.Root>
  );
}
