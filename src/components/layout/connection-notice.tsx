'use client';
/**
 * "Kanso is reconnecting…" (REL-2): shown while the API answers 503 or cannot be reached, in every
 * signed-in page. The live region is always in the page (so screen readers announce the change);
 * writes meanwhile stay queued exactly as offline. At the top on wide screens (over the header's empty
 * middle), at the bottom on phones (the header has no room). When the API is back, reads that failed are
 * fetched again.
 */
import { useQueryClient } from '@tanstack/react-query';
import { RefreshCw } from 'lucide-react';
import { useTranslations } from 'next-intl';
import { Button } from '@/components/ui/button';
import { connectionMonitor } from '@/lib/connection-status';
import { useConnectionState, useOnReconnected } from './connection-state';

export { useConnectionState, useOnReconnected };

export function ConnectionNotice() {
  const t = useTranslations('connection');
  const { status } = useConnectionState();
  const queryClient = useQueryClient();
  useOnReconnected(() => void queryClient.refetchQueries({ predicate: (query) => query.state.status === 'error' }));
  return (
    <div role="status" aria-live="polite" className="pointer-events-none fixed inset-x-0 bottom-3 z-50 flex justify-center px-3 sm:bottom-auto sm:top-2">
      {status === 'reconnecting' && (
        <div
          data-testid="connection-notice"
          className="pointer-events-auto flex w-full max-w-lg items-start gap-3 rounded-md border border-border bg-card px-4 py-3 text-sm text-foreground shadow-lg"
        >
          <RefreshCw className="mt-0.5 h-4 w-4 shrink-0 animate-spin text-primary motion-reduce:animate-none" aria-hidden />
          <div className="grid min-w-0 flex-1 gap-0.5">
            <p className="font-medium">{t('reconnecting')}</p>
            <p className="text-muted-foreground">{t('reconnectingDetail')}</p>
          </div>
          <Button size="sm" variant="outline" className="shrink-0" onClick={() => void connectionMonitor.probeNow()}>
            {t('retryNow')}
          </Button>
        </div>
      )}
    </div>
  );
}
