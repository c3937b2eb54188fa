import type { ReactNode } from 'react';
import { TRPCReactProvider } from '@/lib/trpc/client';

/** These pages call the API: the tRPC + TanStack Query provider (not in the locale layout, ADR 0016). */
export default function ApiLayout({ children }: { children: ReactNode }) {
  return <TRPCReactProvider>{children}</TRPCReactProvider>;
}
