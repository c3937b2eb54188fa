'use client';
/** Small helpers the account forms share: server error text, field focus, the pending button. */
import { TRPCClientError } from '@trpc/client';
import { useTranslations } from 'next-intl';
import { useEffect, type ComponentProps, type ReactNode, type RefObject } from 'react';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { fieldErrorsOf } from '@/lib/trpc/client';

interface ServerErrorData {
  appCode?: string;
  fieldErrors?: Record<string, string> | null;
}

/** The app error code of a failed call (`UNAUTHORIZED`, `FORBIDDEN`, …), if the server sent one. */
export function appCodeOf(error: unknown): string | null {
  if (error instanceof TRPCClientError) return (error.data as ServerErrorData | undefined)?.appCode ?? null;
  return null;
}

/** The server's localised message, or a localised generic one for network failures. */
export function useErrorMessage(error: unknown): string | null {
  const t = useTranslations('errors.generic');
  if (!error) return null;
  if (error instanceof TRPCClientError && (error.data as ServerErrorData | undefined)?.appCode) return error.message;
  return t('internal');
}

/** Moves focus to the first field the server rejected, so keyboard and screen-reader users land on it. */
export function useFocusFirstError(formRef: RefObject<HTMLFormElement | null>, error: unknown): Record<string, string> {
  const fieldErrors = fieldErrorsOf(error);
  const first = Object.keys(fieldErrors)[0];
  useEffect(() => {
    if (!first) return;
    const field = formRef.current?.elements.namedItem(first);
    if (field instanceof HTMLElement) field.focus();
  }, [first, error, formRef]);
  return fieldErrors;
}

/** The form-level error (role=alert, announced when it appears). */
export function FormError({ message, children }: { message: string | null; children?: ReactNode }) {
  if (!message) return null;
  return (
    <Alert variant="error" data-testid="form-error">
      <p>{message}</p>
      {children}
    </Alert>
  );
}

/** A submit button that says what is happening while the request runs. */
export function SubmitButton({ pending, label, pendingLabel, ...props }: ComponentProps<typeof Button> & { pending: boolean; label: string; pendingLabel: string }) {
  return (
    <Button type="submit" disabled={pending} aria-disabled={pending} {...props}>
      {pending ? <span aria-hidden className="h-4 w-4 animate-spin rounded-full border-2 border-current border-t-transparent" /> : null}
      {pending ? pendingLabel : label}
    </Button>
  );
}

export function formString(form: HTMLFormElement, name: string): string {
  const value = new FormData(form).get(name);
  return typeof value === 'string' ? value : '';
}
