/**
 * The production web process's direct API path (ADR 0018): `/api/trpc/*` served by the tRPC
 * handler of src/server/api/http.ts straight from node:http, without Next's request pipeline
 * (its router, proxy adapter, route-module plumbing and web-stream response piping cost more CPU
 * per API call than the call's own work: docs/performance.md). The edge policy is the proxy's own
 * (src/server/platform/edge.ts): the same request id and the same response headers.
 *
 * Loaded by scripts/web-server.ts unless KANSO_API_DIRECT=false (then Next serves the API through
 * src/app/api/trpc/[trpc]/route.ts, as it does under `next dev`).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { incomingMessageToRequest } from '@trpc/server/adapters/node-http';
import { handleTrpcRequest } from '@/server/api/http';
import { header } from '@/server/platform/client-ip';
import { edgeRefusal, edgeRefusalBody, edgeRefusalMessage, edgeRequestId, edgeResponseHeaders, TRPC_BODY_LIMIT } from '@/server/platform/edge';
import { env } from '@/server/platform/env';

/** Serves one API request: edge policy, the tRPC handler, the response written in one piece. */
export async function serveApi(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const requestId = edgeRequestId(req.headers['x-request-id'] as string | undefined);
  req.headers['x-request-id'] = requestId;
  const url = new URL(req.url ?? '/', 'http://api.invalid');
  const refusal = edgeRefusal({ method: req.method ?? 'GET', pathname: url.pathname, header: (name) => header(req.headers, name) }, env().APP_URL);
  if (refusal) {
    const body = edgeRefusalBody(refusal, url, edgeRefusalMessage(refusal, header(req.headers, 'x-kanso-locale'), url.pathname), requestId);
    res.statusCode = refusal.status;
    for (const [name, value] of Object.entries(edgeResponseHeaders(requestId))) res.setHeader(name, value);
    res.setHeader('content-type', 'application/json');
    // The body is not read: close the connection rather than drain it.
    res.setHeader('connection', 'close');
    res.end(body);
    return;
  }
  // A body of unknown length is counted as it arrives and cut at the limit (413).
  const request = incomingMessageToRequest(req, res, { maxBodySize: TRPC_BODY_LIMIT });
  const response = await handleTrpcRequest(request);
  const body = Buffer.from(await response.arrayBuffer());
  res.statusCode = response.status;
  for (const [name, value] of response.headers) {
    if (name !== 'set-cookie') res.setHeader(name, value);
  }
  const cookies = response.headers.getSetCookie();
  if (cookies.length > 0) res.setHeader('set-cookie', cookies);
  for (const [name, value] of Object.entries(edgeResponseHeaders(requestId))) res.setHeader(name, value);
  res.setHeader('content-length', body.length);
  res.end(body);
}
