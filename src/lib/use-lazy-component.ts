'use client';
import { useCallback, useEffect, useState, type ComponentType } from 'react';
import { warmUp } from './warm-up';

/**
 * A component from a chunk of its own, for UI that is only needed on interaction (menus): null until
 * its chunk is there. The chunk is fetched when the page is idle (warmUp, so it is ready before most
 * clicks and also offline), or at once when `request()` is called (the user got there first).
 */
export function useLazyComponent<P>(load: () => Promise<ComponentType<P>>): [ComponentType<P> | null, () => void] {
  const [component, setComponent] = useState<ComponentType<P> | null>(null);
  const fetchIt = useCallback(
    () =>
      load().then((loaded) => {
        setComponent(() => loaded);
      }),
    [load],
  );
  useEffect(() => warmUp(fetchIt), [fetchIt]);
  const request = useCallback(() => {
    fetchIt().catch(() => {
      // Offline before the warm-up ran: the placeholder stays; the next attempt tries again.
    });
  }, [fetchIt]);
  return [component, request];
}

/** Keys that open a menu button (WAI-ARIA menu button; what Radix's trigger reacts to). */
export function opensMenu(key: string): boolean {
  return key === 'Enter' || key === ' ' || key === 'ArrowDown';
}
