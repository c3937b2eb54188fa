'use client';
import dynamic from 'next/dynamic';
import { LocaleSwitcher } from './locale-switcher';

/**
 * SavedLocaleSwitcher as a chunk of its own: pages that render the header for a visitor (landing,
 * sign-in) never fetch the tRPC client for it. Rendered on the server as usual; until the chunk is
 * there the plain switcher stands in (same markup).
 */
export const SignedInLocaleSwitcher = dynamic(() => import('./saved-locale-switcher'), {
  loading: () => <LocaleSwitcher saving />,
});
