/** Turns AppError and zod failures into localised tRPC error shapes (API-2, FND-6). */
import { TRPCError } from '@trpc/server';
import { ZodError, type core } from 'zod';
import { translator } from '@/i18n/messages';
import { AppError, ERROR_CODES, type ErrorCode } from '@/server/platform/errors';

type Translate = ReturnType<typeof translator>;

/** Localised message for one zod issue. Custom issues carry an `errors.` key as their message. */
export function zodIssueMessage(issue: core.$ZodIssue, t: Translate): string {
  if (issue.code === 'custom' && t.has(`errors.${issue.message}` as never)) return t(`errors.${issue.message}` as never);
  if (issue.code === 'invalid_format' && issue.format === 'email') return t('errors.validation.email');
  if (issue.code === 'too_small' && issue.origin === 'string') {
    return Number(issue.minimum) <= 1 ? t('errors.validation.required') : t('errors.validation.tooShort', { min: Number(issue.minimum) });
  }
  if (issue.code === 'too_big' && issue.origin === 'string') return t('errors.validation.tooLong', { max: Number(issue.maximum) });
  if (issue.code === 'invalid_type' && issue.input === undefined) return t('errors.validation.required');
  return t('errors.validation.invalid');
}

export function fieldErrorsFromZod(error: ZodError, t: Translate): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const issue of error.issues) {
    const key = issue.path.join('.') || '_form';
    fields[key] ??= zodIssueMessage(issue, t);
  }
  return fields;
}

export interface LocalisedError {
  message: string;
  appCode: ErrorCode;
  fieldErrors: Record<string, string> | null;
}

export function localiseError(error: TRPCError, locale: string): LocalisedError {
  const t = translator(locale);
  const cause = error.cause;
  if (cause instanceof AppError) {
    const fieldErrors = cause.fieldErrors
      ? Object.fromEntries(Object.entries(cause.fieldErrors).map(([f, k]) => [f, t(`errors.${k}` as never)]))
      : null;
    return { message: t(`errors.${cause.key}` as never, cause.params as never), appCode: cause.code, fieldErrors };
  }
  if (cause instanceof ZodError) {
    return { message: t('errors.validation.failed'), appCode: 'BAD_REQUEST', fieldErrors: fieldErrorsFromZod(cause, t) };
  }
  const appCode = (Object.keys(ERROR_CODES) as ErrorCode[]).find((c) => ERROR_CODES[c].trpc === error.code) ?? 'INTERNAL';
  const generic: Record<ErrorCode, string> = {
    BAD_REQUEST: 'errors.generic.badRequest',
    UNAUTHORIZED: 'errors.generic.unauthorized',
    FORBIDDEN: 'errors.generic.forbidden',
    NOT_FOUND: 'errors.generic.notFound',
    CONFLICT: 'errors.generic.conflict',
    UNPROCESSABLE: 'errors.generic.badRequest',
    TOO_MANY_REQUESTS: 'errors.generic.tooManyRequests',
    INTERNAL: 'errors.generic.internal',
    UNAVAILABLE: 'errors.generic.unavailable',
  };
  return { message: t(generic[appCode] as never), appCode, fieldErrors: null };
}

/** Wraps an AppError thrown by a service into the TRPCError tRPC expects. */
export function toTRPCError(error: unknown): unknown {
  if (error instanceof AppError) {
    return new TRPCError({ code: ERROR_CODES[error.code].trpc, message: error.key, cause: error });
  }
  return error;
}

/** The `Retry-After` (seconds) for a response carrying `errors`: the longest wait any UNAVAILABLE asks for. */
export function retryAfterOf(errors: readonly TRPCError[]): number | undefined {
  let seconds: number | undefined;
  for (const error of errors) {
    const cause = error.cause;
    if (!(cause instanceof AppError) || cause.code !== 'UNAVAILABLE') continue;
    const wait = typeof cause.details?.retryAfter === 'number' ? cause.details.retryAfter : 1;
    seconds = Math.max(seconds ?? 0, wait);
  }
  return seconds;
}
