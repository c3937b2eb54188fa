'use client';
/** Per-kind notification preferences (COLLAB-7): in the app, by email. Each switch saves at once. */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslations } from 'next-intl';
import { useState } from 'react';
import { Alert } from '@/components/ui/alert';
import { LoadError } from '@/components/ui/load-error';
import { Spinner } from '@/components/ui/spinner';
import { useTRPC } from '@/lib/trpc/client';

type Channel = 'inApp' | 'email';

export function NotificationPreferences() {
  const t = useTranslations('notifications.preferences');
  const tc = useTranslations('common');
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [status, setStatus] = useState<'saved' | 'error' | null>(null);
  const prefs = useQuery(trpc.notification.preferences.get.queryOptions());
  const save = useMutation(
    trpc.notification.preferences.set.mutationOptions({
      onSuccess: (data) => {
        queryClient.setQueryData(trpc.notification.preferences.get.queryKey(), data);
        setStatus('saved');
      },
      onError: () => setStatus('error'),
    }),
  );
  if (prefs.isPending) {
    return (
      <div className="flex justify-center">
        <Spinner label={tc('loading')} />
      </div>
    );
  }
  if (prefs.isError) return <LoadError message={t('loadError')} onRetry={() => void prefs.refetch()} />;
  const channels: Array<{ key: Channel; label: string }> = [
    { key: 'inApp', label: t('inApp') },
    { key: 'email', label: t('email') },
  ];
  return (
    <div className="grid gap-3">
      <table className="w-full text-left text-sm">
        <thead>
          <tr className="border-b border-border">
            <th scope="col" className="py-2 pr-2 font-medium">
              {t('kindColumn')}
            </th>
            {channels.map((c) => (
              <th key={c.key} scope="col" className="w-24 px-2 py-2 text-center font-medium">
                {c.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {prefs.data.map((p) => (
            <tr key={p.kind} className="border-b border-border last:border-0">
              <th scope="row" className="py-3 pr-2 font-normal">
                {t(`kind.${p.kind}`)}
              </th>
              {channels.map((c) => (
                <td key={c.key} className="px-2 py-3 text-center">
                  <input
                    type="checkbox"
                    className="h-4 w-4 accent-primary"
                    data-testid={`pref-${p.kind}-${c.key}`}
                    aria-label={t('toggle', { kind: t(`kind.${p.kind}`), channel: c.label })}
                    checked={p[c.key]}
                    disabled={save.isPending}
                    onChange={(event) => save.mutate({ preferences: [{ ...p, [c.key]: event.target.checked }] })}
                  />
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      <div aria-live="polite">
        {status === 'saved' && <p className="text-sm text-muted-foreground">{t('saved')}</p>}
        {status === 'error' && <Alert variant="error">{t('saveError')}</Alert>}
      </div>
    </div>
  );
}
