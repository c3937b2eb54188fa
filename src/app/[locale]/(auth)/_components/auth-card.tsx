import type { ReactNode } from 'react';
import { Card, CardDescription, CardTitle } from '@/components/ui/card';
import { TRPCReactProvider } from '@/lib/trpc/client';

/**
 * The card every account page is built from: a heading, an optional line, the content. It also
 * provides the API client to the forms inside: here, below the (auth) loading boundary, rather than in
 * the layout, so that prefetching an account page from the landing page (a <Link>) does not fetch
 * the tRPC client with the layout (PERF-3, ADR 0016).
 */
export function AuthCard({ title, description, children, footer }: { title: string; description?: ReactNode; children?: ReactNode; footer?: ReactNode }) {
  return (
    <TRPCReactProvider>
      <Card className="w-full">
        <CardTitle>{title}</CardTitle>
        {description ? <CardDescription className="mt-2">{description}</CardDescription> : null}
        {children ? <div className="mt-6 grid gap-4">{children}</div> : null}
        {footer ? <div className="mt-6 border-t border-border pt-4 text-sm text-muted-foreground">{footer}</div> : null}
      </Card>
    </TRPCReactProvider>
  );
}
