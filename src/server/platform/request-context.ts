/**
 * The request a piece of server code runs for (OBS-1, OBS-2), carried by AsyncLocalStorage so that
 * every log line of a request names its request id — including lines written through the process
 * logger by code that has no request context of its own (mail, Auth.js callbacks, after-commit work).
 *
 * The id is the `x-request-id` src/proxy.ts sets on every request (validated there); entry points
 * (route handlers, server actions) run their work inside `withRequestContext`.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

export interface RequestContext {
  requestId: string;
}

// Next builds several module graphs (route handlers, server components, instrumentation): one store.
const globalForContext = globalThis as unknown as { kansoRequestContext?: AsyncLocalStorage<RequestContext> };
const storage = (globalForContext.kansoRequestContext ??= new AsyncLocalStorage<RequestContext>());

/** The request id of these headers (set by the proxy), or a new one when there is none (tests, direct calls). */
export function requestIdOf(headers: Headers): string {
  return headers.get('x-request-id') ?? currentRequestId() ?? crypto.randomUUID();
}

/** Runs `fn` (and everything it awaits) as part of the request `context`. */
export function withRequestContext<T>(context: RequestContext, fn: () => T): T {
  return storage.run(context, fn);
}

/** The context of the request this code runs for, if any (an identity for per-request caches). */
export function currentRequestContext(): RequestContext | undefined {
  return storage.getStore();
}

/** The id of the request this code runs for, if any. */
export function currentRequestId(): string | undefined {
  return storage.getStore()?.requestId;
}

/** A route handler whose work (and every log line of it) runs inside its request's context. */
export function withRequestId<Q extends Request, A extends unknown[], R>(handler: (req: Q, ...rest: A) => R): (req: Q, ...rest: A) => R {
  return (req, ...rest) => withRequestContext({ requestId: requestIdOf(req.headers) }, () => handler(req, ...rest));
}
