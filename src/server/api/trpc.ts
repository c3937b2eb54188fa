/**
 * tRPC: 1. context → 2. init → 3. procedure tiers.
 *
 * Tiers: `publicProcedure`, `authedProcedure` (a valid server-side session), `workspaceProcedure(p)`
 * (a member of the workspace named by `workspaceSlug` whose role holds permission `p`), and
 * `platformAdminProcedure` (operators). Every procedure declares `.input()` and `.output()`.
 */
import { initTRPC, TRPCError } from '@trpc/server';
import { z } from 'zod';
import { isLocale, routing, type Locale } from '@/i18n/routing';
import { can, type Permission, type Role } from '@/lib/permissions';
import { lookupSession, sessionCookieName, type CurrentSession } from '@/server/auth/session';
import { db, type Database } from '@/server/db/client';
import { databaseErrorCode, databaseFailure, databaseUnavailableError } from '@/server/db/errors';
import { enterWorkspace } from '@/server/db/tenant';
import { AppError, isAppError } from '@/server/platform/errors';
import { text } from '@/server/platform/input';
import { loggableError, logger, type Logger } from '@/server/platform/logger';
import { currentRequestId, requestIdOf } from '@/server/platform/request-context';
import { toWire } from '@/server/platform/wire';
import { localiseError, toTRPCError } from './errors';
import { clientIpOf } from '@/server/platform/client-ip';
import { enforceRateLimits, rateLimitRefusalOf } from '@/server/platform/rate-limit';

// ─── 1. Context ────────────────────────────────────────────────────────────────────────────────

/** Writes cookies on the response (route handler) or records them (tests). */
export interface CookieJar {
  get(name: string): string | undefined;
  set(name: string, value: string, options: { expires?: Date; maxAge?: number }): void;
  delete(name: string): void;
}

export interface Context {
  db: Database;
  session: CurrentSession | null;
  requestId: string;
  log: Logger;
  locale: Locale;
  ip: string | null;
  userAgent: string | null;
  /** Whether the request arrived over HTTPS (decides `Secure` and the cookie name). */
  secure: boolean;
  cookies: CookieJar;
  /** Calls in this HTTP request (a tRPC batch); 1 for a single call or a server-side caller. */
  calls: number;
  /**
   * Why the context is incomplete: the session lookup failed (the database is down, typically). Every
   * procedure then fails with it — as a typed 503 for a database outage — carrying this request's id,
   * rather than createContext throwing (tRPC would answer without a context: no request id, no locale).
   */
  failure: unknown;
}

export function parseCookies(header: string | null): Map<string, string> {
  const jar = new Map<string, string>();
  for (const part of (header ?? '').split(';')) {
    const index = part.indexOf('=');
    if (index > 0) jar.set(part.slice(0, index).trim(), decodeURIComponent(part.slice(index + 1).trim()));
  }
  return jar;
}

export interface ContextInput {
  headers: Headers;
  cookies: CookieJar;
  /** Whether the request arrived over HTTPS (see `isSecureRequest`). */
  secure: boolean;
  /** Calls in the HTTP request (see Context.calls). */
  calls?: number;
  database?: Database;
}

/** HTTPS as seen by the client: the proxy's x-forwarded-proto, else the request URL's scheme. */
export function isSecureRequest(headers: Headers, url: string): boolean {
  return (headers.get('x-forwarded-proto') ?? new URL(url).protocol.replace(':', '')) === 'https';
}

export async function createContext({ headers, cookies, secure, calls = 1, database = db() }: ContextInput): Promise<Context> {
  const requestId = requestIdOf(headers);
  const token = cookies.get(sessionCookieName(secure));
  let session: CurrentSession | null = null;
  let failure: unknown = null;
  try {
    // Once per request (ADR 0014): another context of the same request reuses the answer.
    session = token ? await lookupSession(database, token) : null;
  } catch (error) {
    failure = error;
  }
  const headerLocale = headers.get('x-kanso-locale');
  const locale: Locale = isLocale(headerLocale) ? headerLocale : isLocale(session?.user.locale) ? session.user.locale : routing.defaultLocale;
  return {
    db: database,
    session,
    requestId,
    log: logger.child({ requestId, userId: session?.user.id }),
    locale,
    ip: clientIpOf(headers),
    userAgent: headers.get('user-agent'),
    secure,
    cookies,
    calls,
    failure,
  };
}

// ─── 2. Init ───────────────────────────────────────────────────────────────────────────────────

/** Procedure metadata: the permission a workspace procedure requires (read by the isolation tests). */
export interface Meta {
  permission?: Permission;
}

// Plain JSON on the wire, no transformer (ADR 0013): procedures return dates as ISO strings (`toWire`).
const t = initTRPC.context<Context>().meta<Meta>().create({
  errorFormatter({ shape, error, ctx }) {
    const localised = localiseError(error, ctx?.locale ?? routing.defaultLocale);
    if (error.code === 'INTERNAL_SERVER_ERROR') {
      (ctx?.log ?? logger).error({ err: loggableError(error.cause ?? error) }, 'unhandled error in procedure');
    }
    const details = error.cause instanceof AppError ? error.cause.details : undefined;
    return {
      ...shape,
      message: localised.message,
      data: {
        ...shape.data,
        stack: undefined,
        appCode: localised.appCode,
        fieldErrors: localised.fieldErrors,
        // The current record on a version CONFLICT (COLLAB-2): the client merges field by field.
        current: details && 'current' in details ? toWire(details.current) : undefined,
        // Seconds to wait before retrying a 503 (also sent as `Retry-After`).
        retryAfter: details && typeof details.retryAfter === 'number' ? details.retryAfter : undefined,
        // AUTH-4: the form shows the CAPTCHA and sends the request again with its answer.
        captchaRequired: details?.captchaRequired === true ? true : undefined,
        // JOBS-2: the events after the caller's cursor were pruned; reload instead of replaying.
        tooOld: details?.tooOld === true ? true : undefined,
        // Without a context (a request tRPC refused before creating one) the request's own id.
        requestId: ctx?.requestId ?? currentRequestId() ?? null,
      },
    };
  },
});

export const createCallerFactory = t.createCallerFactory;
export const router = t.router;

// ─── 3. Procedures ─────────────────────────────────────────────────────────────────────────────

/**
 * AppErrors thrown by services become typed tRPC errors; a database failure anywhere below (the
 * session lookup, a query, BEGIN or COMMIT) becomes UNAVAILABLE (503 + Retry-After); timing is logged.
 */
const base = t.procedure.use(async ({ ctx, path, type, next }) => {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  // The session could not be looked up: nothing below may run as if signed out.
  if (ctx.failure) throw explainFailure(ctx, ctx.failure, { path, type, ms: elapsed() }) ?? ctx.failure;
  await limitCall(ctx, path, type);
  const result = await next();
  if (!result.ok) {
    const explained = explainFailure(ctx, result.error.cause, { path, type, ms: elapsed() });
    if (explained) throw explained;
    ctx.log.info({ path, type, ms: elapsed(), code: result.error.code }, 'trpc call failed');
  } else {
    ctx.log.debug({ path, type, ms: elapsed() }, 'trpc call');
  }
  return result;
});

/** The typed error for a failure's cause (an AppError, or a database failure as UNAVAILABLE), logged; null otherwise. */
function explainFailure(ctx: Context, cause: unknown, fields: { path: string; type: string; ms: number }): TRPCError | null {
  if (isAppError(cause)) {
    ctx.log.info({ ...fields, code: cause.code }, 'trpc call failed');
    return toTRPCError(cause) as TRPCError;
  }
  const unavailable = databaseUnavailableError(cause);
  if (!unavailable) return null;
  ctx.log.warn({ ...fields, code: unavailable.code, database: databaseFailure(cause), dbCode: databaseErrorCode(cause) }, 'database unavailable');
  return toTRPCError(unavailable) as TRPCError;
}

/**
 * Every call spends a point of the API policy of its kind (SEC-2), per user, or per address when
 * signed out; a batch spends one per call. Account procedures (`auth.*`) answer only when sent alone,
 * so one HTTP request cannot try many passwords, mail many links or outrun their own policies.
 */
async function limitCall(ctx: Context, path: string, type: string): Promise<void> {
  if (ctx.calls > 1 && path.startsWith('auth.')) throw toTRPCError(new AppError('BAD_REQUEST', 'rateLimit.batchNotAllowed'));
  const subject = ctx.session ? `user:${ctx.session.user.id}` : ctx.ip && `ip:${ctx.ip}`;
  try {
    await enforceRateLimits([{ policy: type === 'query' ? 'trpc-read' : 'trpc-write', subject }]);
  } catch (error) {
    if (isAppError(error)) ctx.log.info({ path, type, code: error.code, policy: rateLimitRefusalOf(error)?.rateLimit.policy }, 'trpc call rate-limited');
    throw toTRPCError(error);
  }
}

export const publicProcedure = base;

export const authedProcedure = base.use(({ ctx, next }) => {
  if (!ctx.session) throw toTRPCError(new AppError('UNAUTHORIZED', 'generic.unauthorized'));
  return next({ ctx: { ...ctx, session: ctx.session, user: ctx.session.user } });
});

export const workspaceSlugSchema = text().min(1).max(64);

/**
 * Members of `input.workspaceSlug` whose role holds `permission`. Non-members get NOT_FOUND (the
 * workspace's existence is not revealed); members without the permission get FORBIDDEN.
 *
 * The procedure then runs in ONE transaction scoped to the workspace (`enterWorkspace`): `ctx.db` is
 * that transaction, row-level security confines it to this workspace, and a failure rolls
 * everything back.
 */
export function workspaceProcedure(permission: Permission) {
  return authedProcedure
    .meta({ permission })
    .input(z.object({ workspaceSlug: workspaceSlugSchema }))
    .use(async ({ ctx, input, next }) => {
      // Side effects that must not happen for a rolled-back change (mail): run after COMMIT.
      const afterCommit: AfterCommitTask[] = [];
      const committed = await ctx.db.transaction(async (tx) => {
        // One statement: scoped to the user, the membership looked up under RLS, scoped to the workspace.
        const row = await enterWorkspace(tx, ctx.user.id, input.workspaceSlug);
        if (!row) throw toTRPCError(new AppError('NOT_FOUND', 'workspace.notFound'));
        const role: Role = row.role;
        if (!can(role, permission)) throw toTRPCError(new AppError('FORBIDDEN', 'generic.forbidden'));
        const result = await next({
          ctx: {
            ...ctx,
            db: tx,
            workspace: { id: row.id, slug: row.slug, name: row.name },
            role,
            log: ctx.log.child({ workspaceId: row.id }),
            afterCommit: (task: AfterCommitTask) => void afterCommit.push(task),
          },
        });
        // tRPC hands failures back as results; throw so the transaction rolls back.
        if (!result.ok) throw result.error;
        return result;
      });
      await runAfterCommit(afterCommit, ctx.log);
      return committed;
    });
}

/** Work queued by a workspace procedure with `ctx.afterCommit(task)`; runs only once the change committed. */
export type AfterCommitTask = () => Promise<void>;

/**
 * Runs the queued tasks in order. The change is committed, so a failing task (e.g. the SMTP server
 * is down) does not fail the call: it is logged with the request id, and the user can retry the
 * side effect (e.g. "resend"). Until the outbox exists (JOBS-2) this is the mail path of procedures.
 */
async function runAfterCommit(tasks: AfterCommitTask[], log: Logger): Promise<void> {
  for (const task of tasks) {
    try {
      await task();
    } catch (err) {
      log.error({ err }, 'after-commit task failed');
    }
  }
}

export const platformAdminProcedure = authedProcedure.use(({ ctx, next }) => {
  if (!ctx.user.isPlatformAdmin) throw toTRPCError(new AppError('FORBIDDEN', 'generic.forbidden'));
  return next();
});

export { TRPCError };
