/**
 * How the benches speak tRPC over HTTP, as the browser's client does (one call per request, no
 * batching): a query is `GET /api/trpc/<path>?input=<url-encoded JSON>`, a mutation is
 * `POST /api/trpc/<path>` with the JSON body; the answer is `{ result: { data } }` or `{ error }`.
 *
 * The only thing that differs between encodings is here. `superjson` wraps values as
 * `{ json, meta? }` (the bench's inputs hold only strings and numbers, so no meta is ever needed);
 * `json` sends them as they are. `detectWire` asks the running app which one it speaks, so the
 * benches follow the app's transformer without being edited.
 */

export type Wire = 'superjson' | 'json';

/** The request body (mutation) or the `input` parameter (query) for `input`. */
export function encodeInput(wire: Wire, input: unknown): string {
  return JSON.stringify(wire === 'superjson' ? { json: input } : input);
}

/** The path of a query call, e.g. `/api/trpc/task.list?input=…`. */
export function queryPath(wire: Wire, procedure: string, input: unknown): string {
  return `/api/trpc/${procedure}?input=${encodeURIComponent(encodeInput(wire, input))}`;
}

export const mutationPath = (procedure: string): string => `/api/trpc/${procedure}`;

interface Envelope {
  result?: { data?: unknown };
  error?: unknown;
}

/** Unwraps `{ json }` when it is there (dates stay ISO strings: the benches need no Date objects). */
function unwrap(value: unknown): unknown {
  return value !== null && typeof value === 'object' && 'json' in value ? (value as { json: unknown }).json : value;
}

/** The result data of a response body, or undefined when it is an error or unreadable. */
export function decodeResult<T>(body: string): T | undefined {
  try {
    const parsed = JSON.parse(body) as Envelope;
    return parsed.result ? (unwrap(parsed.result.data) as T) : undefined;
  } catch {
    return undefined;
  }
}

/** The error's `data` of a response body (code, httpStatus, current …), or undefined. */
export function decodeErrorData<T = Record<string, unknown>>(body: string): T | undefined {
  try {
    const parsed = JSON.parse(body) as Envelope;
    const error = unwrap(parsed.error) as { data?: unknown } | undefined;
    return error?.data as T | undefined;
  } catch {
    return undefined;
  }
}

/** Which encoding the app at `baseUrl` speaks: a public query without input, and the shape of its answer. */
export async function detectWire(baseUrl: string): Promise<Wire> {
  const response = await fetch(`${baseUrl}/api/trpc/auth.listProviders`, { headers: { 'x-kanso-locale': 'en' } });
  const body = (await response.json()) as Envelope;
  const data = body.result?.data;
  if (!response.ok || data === undefined) throw new Error(`cannot tell the tRPC wire format: auth.listProviders answered ${response.status}`);
  return data !== null && typeof data === 'object' && 'json' in data ? 'superjson' : 'json';
}

export interface CallOptions {
  cookie?: string;
  headers?: Record<string, string>;
}

/** Browser-like headers of a call: the session cookie, and Origin on mutations (a same-origin page sends it). */
export function callHeaders(baseUrl: string, kind: 'query' | 'mutation', options: CallOptions = {}): Record<string, string> {
  return {
    accept: 'application/json',
    'x-kanso-locale': 'en',
    ...(kind === 'mutation' ? { 'content-type': 'application/json', origin: baseUrl } : {}),
    ...(options.cookie ? { cookie: options.cookie } : {}),
    ...options.headers,
  };
}

/** One call with fetch (seeding and checks; the load itself goes through autocannon). */
export async function call<T>(baseUrl: string, wire: Wire, kind: 'query' | 'mutation', procedure: string, input: unknown, options: CallOptions = {}): Promise<{ status: number; data: T | undefined; body: string; headers: Headers }> {
  const headers = callHeaders(baseUrl, kind, options);
  const response =
    kind === 'query'
      ? await fetch(`${baseUrl}${queryPath(wire, procedure, input)}`, { headers })
      : await fetch(`${baseUrl}${mutationPath(procedure)}`, { method: 'POST', headers, body: encodeInput(wire, input) });
  const body = await response.text();
  return { status: response.status, data: decodeResult<T>(body), body, headers: response.headers };
}

/** `call`, throwing unless it answered 2xx with a result. */
export async function callOk<T>(baseUrl: string, wire: Wire, kind: 'query' | 'mutation', procedure: string, input: unknown, options: CallOptions = {}): Promise<T> {
  const answer = await call<T>(baseUrl, wire, kind, procedure, input, options);
  if (answer.status >= 300 || answer.data === undefined) throw new Error(`${procedure} answered ${answer.status}: ${answer.body.slice(0, 300)}`);
  return answer.data;
}
