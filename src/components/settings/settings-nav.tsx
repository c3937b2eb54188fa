'use client';
import { useTranslations } from 'next-intl';
import { useCan } from '@/components/workspaces/workspace-role';
import { Link, usePathname } from '@/i18n/navigation';
import { cn } from '@/lib/utils';

/** Settings tabs; each shows only for roles that may use it (the pages and the server check again). */
export function SettingsNav({ slug }: { slug: string }) {
  const t = useTranslations('settingsNav');
  const pathname = usePathname();
  const canInvite = useCan('invitation:read');
  const canAudit = useCan('audit:read');
  const canWebhooks = useCan('webhook:manage');
  const base = `/w/${slug}/settings`;
  const items = [
    { href: base, label: t('general'), show: true },
    { href: `${base}/members`, label: t('members'), show: true },
    { href: `${base}/invitations`, label: t('invitations'), show: canInvite },
    { href: `${base}/audit`, label: t('audit'), show: canAudit },
    { href: `${base}/webhooks`, label: t('webhooks'), show: canWebhooks },
  ];
  return (
    <ul className="flex gap-1 overflow-x-auto md:flex-col">
      {items
        .filter((item) => item.show)
        .map((item) => {
          const active = pathname === item.href;
          return (
            <li key={item.href}>
              <Link
                href={item.href}
                aria-current={active ? 'page' : undefined}
                className={cn('block rounded-md px-3 py-2 text-sm hover:bg-muted', active && 'bg-muted font-medium')}
              >
                {item.label}
              </Link>
            </li>
          );
        })}
    </ul>
  );
}
