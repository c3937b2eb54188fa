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

/**
 * A menu whose content is a lazy component (`useLazyComponent`): until it has loaded, the caller
 * renders a stand-in button with `trigger`; a click or a menu key fetches the menu, which then opens
 * (`menuProps.defaultOpen`), and the keyboard focus stays on the button (`menuProps.autoFocus`).
 */
export function useLazyMenu<P>(load: () => Promise<ComponentType<P>>) {
  const [Menu, request] = useLazyComponent(load);
  const [wanted, setWanted] = useState(false);
  // Keeps the keyboard focus on the button when the stand-in is swapped for the real one.
  const [focused, setFocused] = useState(false);
  const open = () => {
    setWanted(true);
    request();
  };
  const trigger = {
    type: 'button' as const,
    'aria-haspopup': 'menu' as const,
    'aria-expanded': false,
    onFocus: () => setFocused(true),
    onBlur: () => setFocused(false),
    onPointerDown: (e: { button: number }) => e.button === 0 && open(),
    onKeyDown: (e: { key: string; preventDefault(): void }) => {
      if (!opensMenu(e.key)) return;
      e.preventDefault();
      open();
    },
  };
  return { Menu, menuProps: { defaultOpen: wanted, autoFocus: focused && !wanted }, trigger };
}
