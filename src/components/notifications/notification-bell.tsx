'use client';
/**
 * The header's bell (COLLAB-7): the unread count, updated live. The sidecar sends
 * `{type:'notifications'}` to every socket of the user when one is made or read; on a workspace
 * page the workspace live layer's socket carries it, elsewhere this opens a user-level socket of
 * its own (ticket from `realtime.userTicket`). A slow poll covers a sidecar that is away.
 */
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Bell } from 'lucide-react';
import { useTranslations } from 'next-intl';
import { useEffect, useSyncExternalStore } from 'react';
import { Link } from '@/i18n/navigation';
import { hasWorkspaceSocket, subscribeWorkspaceSockets } from '@/lib/notifications/live-sockets';
import { RealtimeClient } from '@/lib/realtime/realtime-client';
import { errorCodeOf, useTRPC, useTRPCClient } from '@/lib/trpc/client';

/** A workspace page's live layer registers its socket right after the header mounts: wait that long before opening one. */
const OWN_SOCKET_DELAY_MS = 300;
const POLL_MS = 120_000;

function useLiveNotifications(): void {
  const trpc = useTRPC();
  const client = useTRPCClient();
  const queryClient = useQueryClient();
  const covered = useSyncExternalStore(subscribeWorkspaceSockets, hasWorkspaceSocket, () => true);
  useEffect(() => {
    if (covered) return;
    let realtime: RealtimeClient | null = null;
    const timer = setTimeout(() => {
      realtime = new RealtimeClient({
        fetchTicket: () => client.realtime.userTicket.mutate(),
        isSignedOut: (error) => errorCodeOf(error) === 'UNAUTHORIZED',
        onMessage: (message) => {
          // `ready`: after a (re)connect, whatever changed meanwhile.
          if (message.type === 'notifications' || message.type === 'ready') void queryClient.invalidateQueries({ queryKey: trpc.notification.pathKey() });
        },
        onStatus: () => {},
      });
      realtime.start();
    }, OWN_SOCKET_DELAY_MS);
    return () => {
      clearTimeout(timer);
      realtime?.stop();
    };
  }, [client, covered, queryClient, trpc]);
}

export function NotificationBell() {
  const t = useTranslations('notifications');
  const trpc = useTRPC();
  const unread = useQuery({ ...trpc.notification.unreadCount.queryOptions(), refetchInterval: POLL_MS });
  useLiveNotifications();
  const count = unread.data?.count ?? 0;
  return (
    <Link
      href="/notifications"
      data-testid="notification-bell"
      aria-label={count > 0 ? t('bellLabelUnread', { count }) : t('bellLabel')}
      className="relative inline-flex h-9 w-9 shrink-0 items-center justify-center rounded-md hover:bg-muted focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring"
    >
      <Bell className="h-4 w-4" aria-hidden />
      {count > 0 && (
        <span
          data-testid="notification-count"
          aria-hidden
          className="absolute -top-0.5 -right-0.5 h-4 min-w-4 rounded-full bg-primary px-1 text-center text-[10px] leading-4 font-semibold text-primary-foreground"
        >
          {count > 99 ? t('countOverflow') : count}
        </span>
      )}
    </Link>
  );
}
