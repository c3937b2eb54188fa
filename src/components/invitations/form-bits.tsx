'use client';
/** Small pieces the invitation forms share: the role select and the server's error text. */
import { TRPCClientError } from '@trpc/client';
import { useTranslations } from 'next-intl';
import type { ComponentProps } from 'react';
import { describedByIds, FieldHelp } from '@/components/ui/form-field';
import { Label } from '@/components/ui/label';
import type { Role } from '@/lib/permissions';
import { cn } from '@/lib/utils';

/** The server's localised message; a generic localised line for network failures. */
export function useServerMessage(error: unknown): string | null {
  const t = useTranslations('errors.generic');
  if (!error) return null;
  if (error instanceof TRPCClientError && (error.data as { appCode?: string } | undefined)?.appCode) return error.message;
  return t('internal');
}

export const selectClass =
  'h-10 w-full rounded-md border border-border bg-background px-3 text-sm focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring aria-[invalid=true]:border-destructive disabled:opacity-50';

/** A labelled native select of roles (only those the current member may grant), with its error. */
export function RoleSelect({
  id,
  label,
  roles,
  error,
  hint,
  className,
  ...props
}: ComponentProps<'select'> & { id: string; label: string; roles: readonly Role[]; error?: string; hint?: string }) {
  const t = useTranslations('workspace.roles');
  const describedBy = describedByIds(id, error, hint);
  return (
    <div className={cn('grid gap-1.5', className)}>
      <Label htmlFor={id}>{label}</Label>
      <select id={id} name={id} className={selectClass} aria-invalid={error ? true : undefined} aria-describedby={describedBy} {...props}>
        {roles.map((role) => (
          <option key={role} value={role}>
            {t(role)}
          </option>
        ))}
      </select>
      <FieldHelp id={id} error={error} hint={hint} />
    </div>
  );
}
