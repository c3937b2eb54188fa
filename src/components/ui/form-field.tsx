import type { ComponentProps } from 'react';
import { Input } from './input';
import { Label } from './label';

/** The ids a control's hint and error get, for `aria-describedby`. */
export function describedByIds(id: string, error?: string, hint?: string): string | undefined {
  return [error ? `${id}-error` : null, hint ? `${id}-hint` : null].filter(Boolean).join(' ') || undefined;
}

/** A control's hint (hidden while there is an error) and its server-side error. */
export function FieldHelp({ id, error, hint }: { id: string; error?: string; hint?: string }) {
  return (
    <>
      {hint && !error ? (
        <p id={`${id}-hint`} className="text-xs text-muted-foreground">
          {hint}
        </p>
      ) : null}
      {error ? (
        <p id={`${id}-error`} className="text-xs text-destructive">
          {error}
        </p>
      ) : null}
    </>
  );
}

/** A labelled input with its server-side error, wired for screen readers. */
export function FormField({ id, label, error, hint, ...props }: ComponentProps<'input'> & { id: string; label: string; error?: string; hint?: string }) {
  return (
    <div className="grid gap-1.5">
      <Label htmlFor={id}>{label}</Label>
      <Input id={id} name={id} aria-invalid={error ? true : undefined} aria-describedby={describedByIds(id, error, hint)} {...props} />
      <FieldHelp id={id} error={error} hint={hint} />
    </div>
  );
}
