'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Laptop, Smartphone } from 'lucide-react';
import { useFormatter, useNow, useTranslations } from 'next-intl';
import { useState } from 'react';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Spinner } from '@/components/ui/spinner';
import { useRouter } from '@/i18n/navigation';
import { useTRPC } from '@/lib/trpc/client';
import { LoadError } from '@/components/ui/load-error';

/** The devices signed in to this account (AUTH-2): revoke one, or sign out everywhere. */
export function SessionsList() {
  const t = useTranslations('account.security.sessions');
  const tc = useTranslations('common');
  const format = useFormatter();
  const now = useNow({ updateInterval: 60_000 });
  const router = useRouter();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [confirming, setConfirming] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);

  const leave = () => {
    // Nothing of the signed-out user may stay in the cache.
    queryClient.clear();
    router.replace('/sign-in');
    router.refresh();
  };
  const sessions = useQuery(trpc.auth.listSessions.queryOptions());
  const revoke = useMutation(
    trpc.auth.revokeSession.mutationOptions({
      onSuccess: async ({ signedOut }) => {
        if (signedOut) return leave();
        setNotice(t('revoked'));
        await queryClient.invalidateQueries({ queryKey: trpc.auth.listSessions.queryKey() });
      },
    }),
  );
  const everywhere = useMutation(trpc.auth.signOutEverywhere.mutationOptions({ onSuccess: leave }));
  const failure = revoke.error ?? everywhere.error;

  if (sessions.isPending) return <Spinner className="mt-4" label={tc('loading')} />;
  if (sessions.isError) {
    return (
      <LoadError className="mt-4" message={t('loadError')} onRetry={() => void sessions.refetch()} />
    );
  }

  return (
    <div className="mt-4 grid gap-4">
      {notice ? <Alert variant="success">{notice}</Alert> : null}
      {failure ? <Alert variant="error">{failure.message}</Alert> : null}
      {sessions.data.length === 0 ? (
        <p className="text-sm text-muted-foreground">{t('empty')}</p>
      ) : (
        <ul className="divide-y divide-border rounded-md border border-border" data-testid="sessions-list">
          {sessions.data.map((session) => {
            const device = t('device', { browser: session.browser ?? t('unknownBrowser'), os: session.os ?? t('unknownOs') });
            const Icon = session.mobile ? Smartphone : Laptop;
            const busy = revoke.isPending && revoke.variables?.sessionId === session.id;
            return (
              <li key={session.id} className="flex flex-wrap items-center gap-3 p-3" data-testid="session-row" data-current={session.current || undefined}>
                <Icon className="h-5 w-5 shrink-0 text-muted-foreground" aria-hidden />
                <div className="min-w-0 flex-1">
                  <p className="text-sm font-medium">
                    {device}
                    {session.current ? (
                      <span className="ml-2 rounded bg-muted px-1.5 py-0.5 text-xs font-normal text-muted-foreground">{t('current')}</span>
                    ) : null}
                  </p>
                  <p className="text-xs text-muted-foreground">
                    {session.ip ? t('ip', { ip: session.ip }) : t('unknownIp')} ·{' '}
                    {t('lastSeen', { time: format.relativeTime(new Date(session.lastSeenAt), now) })} ·{' '}
                    {t('signedIn', { date: format.dateTime(new Date(session.createdAt), { dateStyle: 'medium', timeStyle: 'short' }) })}
                  </p>
                </div>
                <Button
                  variant="outline"
                  size="sm"
                  disabled={busy}
                  aria-label={t('revokeLabel', { device })}
                  onClick={() => {
                    setNotice(null);
                    revoke.mutate({ sessionId: session.id });
                  }}
                >
                  {busy ? t('revoking') : t('revoke')}
                </Button>
              </li>
            );
          })}
        </ul>
      )}
      <div className="flex flex-wrap items-center gap-2">
        {confirming ? (
          <div role="group" aria-labelledby="sign-out-everywhere-confirm" className="grid gap-2">
            <p id="sign-out-everywhere-confirm" className="text-sm">
              {t('signOutEverywhereConfirm')}
            </p>
            <div className="flex gap-2">
              <Button variant="destructive" size="sm" disabled={everywhere.isPending} onClick={() => everywhere.mutate()} autoFocus>
                {everywhere.isPending ? t('revoking') : t('confirm')}
              </Button>
              <Button variant="ghost" size="sm" onClick={() => setConfirming(false)}>
                {tc('cancel')}
              </Button>
            </div>
          </div>
        ) : (
          <Button variant="outline" size="sm" onClick={() => setConfirming(true)} data-testid="sign-out-everywhere">
            {t('signOutEverywhere')}
          </Button>
        )}
      </div>
    </div>
  );
}
