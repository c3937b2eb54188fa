'use client';
/**
 * The API's reachability as React state (REL-2), for the "reconnecting" notice, the board's sync
 * status and the error pages. Apart from connection-notice.tsx so that the error boundary of every
 * page (error-fallback.tsx) does not pull TanStack Query onto the public pages (PERF-3).
 */
import { useEffect, useRef, useSyncExternalStore } from 'react';
import { connectionMonitor, ONLINE, type ConnectionState } from '@/lib/connection-status';

export function useConnectionState(): ConnectionState {
  return useSyncExternalStore(connectionMonitor.subscribe, connectionMonitor.get, () => ONLINE);
}

/** Calls `onBack` each time the API comes back after having been unreachable. */
export function useOnReconnected(onBack: () => void): void {
  const { status } = useConnectionState();
  const previous = useRef(status);
  const latest = useRef(onBack);
  useEffect(() => {
    latest.current = onBack;
  });
  useEffect(() => {
    if (previous.current === 'reconnecting' && status === 'online') latest.current();
    previous.current = status;
  }, [status]);
}
