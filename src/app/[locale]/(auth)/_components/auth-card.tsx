import type { ReactNode } from 'react';
import { Card, CardDescription, CardTitle } from '@/components/ui/card';

/** The card every account page is built from: a heading, an optional line, the content. */
export function AuthCard({ title, description, children, footer }: { title: string; description?: ReactNode; children?: ReactNode; footer?: ReactNode }) {
  return (
    <Card className="w-full">
      <CardTitle>{title}</CardTitle>
      {description ? <CardDescription className="mt-2">{description}</CardDescription> : null}
      {children ? <div className="mt-6 grid gap-4">{children}</div> : null}
      {footer ? <div className="mt-6 border-t border-border pt-4 text-sm text-muted-foreground">{footer}</div> : null}
    </Card>
  );
}
