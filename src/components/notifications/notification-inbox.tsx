'use client';
/** The inbox list (COLLAB-7): unread first; mark one read (also by opening its task), mark all read. */
import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { useFormatter, useNow, useTranslations } from 'next-intl';
import { useState } from 'react';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { LoadError } from '@/components/ui/load-error';
import { Spinner } from '@/components/ui/spinner';
import { Link } from '@/i18n/navigation';
import { useTRPC } from '@/lib/trpc/client';
import { cn } from '@/lib/utils';

export function NotificationInbox() {
  const t = useTranslations('notifications');
  const format = useFormatter();
  const now = useNow({ updateInterval: 60_000 });
  const tc = useTranslations('common');
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [failed, setFailed] = useState(false);
  const list = useInfiniteQuery(trpc.notification.list.infiniteQueryOptions({}, { getNextPageParam: (page) => page.nextCursor ?? undefined }));
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.notification.pathKey() });
  const markRead = useMutation(
    trpc.notification.markRead.mutationOptions({ onSuccess: () => (setFailed(false), refresh()), onError: () => setFailed(true) }),
  );
  const markAll = useMutation(trpc.notification.markAllRead.mutationOptions({ onSuccess: () => (setFailed(false), refresh()), onError: () => setFailed(true) }));

  if (list.isPending) {
    return (
      <div className="mt-8 flex justify-center">
        <Spinner label={tc('loading')} />
      </div>
    );
  }
  if (list.isError) return <LoadError className="mt-6" message={t('loadError')} onRetry={() => void list.refetch()} />;
  const items = list.data.pages.flatMap((p) => p.items);
  const unread = items.filter((n) => !n.read).length;

  return (
    <section className="mt-6 grid gap-3" aria-labelledby="inbox-heading">
      <div className="flex items-center justify-between gap-2">
        <h2 id="inbox-heading" className="text-sm font-medium text-muted-foreground">
          {t('unread')}: <span data-testid="inbox-unread">{unread}</span>
        </h2>
        <Button size="sm" variant="outline" disabled={unread === 0 || markAll.isPending} onClick={() => markAll.mutate()}>
          {markAll.isPending ? t('markingAllRead') : t('markAllRead')}
        </Button>
      </div>
      {failed && <Alert variant="error">{t('markReadError')}</Alert>}
      {items.length === 0 ? (
        <div className="rounded-md border border-dashed border-border p-8 text-center" data-testid="inbox-empty">
          <p className="font-medium">{t('empty')}</p>
          <p className="mt-1 text-sm text-muted-foreground">{t('emptyBody')}</p>
        </div>
      ) : (
        <ul className="grid gap-2" aria-label={t('title')}>
          {items.map((n) => {
            const actor = n.actor?.name ?? t('someone');
            const title = n.task?.title ?? t('unavailableTask');
            return (
              <li
                key={n.id}
                data-testid="notification-item"
                data-kind={n.kind}
                data-read={n.read ? 'true' : 'false'}
                className={cn('flex items-start gap-3 rounded-md border p-3', n.read ? 'border-border' : 'border-primary/40 bg-muted/60')}
              >
                <span aria-hidden className={cn('mt-1.5 h-2 w-2 shrink-0 rounded-full', n.read ? 'bg-transparent' : 'bg-primary')} />
                <div className="min-w-0 flex-1">
                  <p className="text-sm">
                    {!n.read && <span className="sr-only">{t('unread')}: </span>}
                    {t(`kind.${n.kind}`, { actor })}
                  </p>
                  {n.task ? (
                    <Link
                      href={`/w/${n.workspace.slug}/p/${n.projectId}?task=${n.task.id}`}
                      className="block font-medium break-words text-primary underline-offset-2 hover:underline"
                      onClick={() => {
                        if (!n.read) markRead.mutate({ id: n.id });
                      }}
                    >
                      {n.task.title}
                    </Link>
                  ) : (
                    <span className="block text-muted-foreground italic">{title}</span>
                  )}
                  <p className="mt-0.5 text-xs text-muted-foreground">
                    {t('inWorkspace', { workspace: n.workspace.name })} ·{' '}
                    <time dateTime={n.createdAt} title={format.dateTime(new Date(n.createdAt), { dateStyle: 'medium', timeStyle: 'short' })}>
                      {format.relativeTime(new Date(n.createdAt), now)}
                    </time>
                  </p>
                </div>
                {!n.read && (
                  <Button size="sm" variant="ghost" aria-label={t('markReadLabel', { task: title })} disabled={markRead.isPending} onClick={() => markRead.mutate({ id: n.id })}>
                    {t('markRead')}
                  </Button>
                )}
              </li>
            );
          })}
        </ul>
      )}
      {list.hasNextPage && (
        <Button variant="outline" className="justify-self-center" disabled={list.isFetchingNextPage} onClick={() => void list.fetchNextPage()}>
          {t('loadMore')}
        </Button>
      )}
    </section>
  );
}
