/**
 * Sends one signed delivery (JOBS-3). `node:http(s).request` through request-filtering-agent — the
 * global `fetch` ignores agents — so the address each connection uses is checked after DNS (SSRF,
 * DNS rebinding; address-guard.ts). Redirects are never followed (a 3xx is a failure: following one
 * would let a public receiver point us at a private address). One timeout covers the whole exchange.
 * Only the first 1 KB of the response body is kept; nothing of the request is logged.
 */
import http from 'node:http';
import https from 'node:https';
import { RequestFilteringHttpAgent, RequestFilteringHttpsAgent } from 'request-filtering-agent';
import type { WEBHOOK_ERROR_KINDS } from '@/server/db/schema';
import { allowedNonPublicRanges, hostOf, webhookLookup } from './address-guard';

export type WebhookErrorKind = (typeof WEBHOOK_ERROR_KINDS)[number];

export const RESPONSE_EXCERPT_BYTES = 1024;

export interface SendResult {
  ok: boolean;
  statusCode: number | null;
  latencyMs: number;
  responseExcerpt: string | null;
  errorKind: WebhookErrorKind | null;
}

export interface SendRequest {
  url: string;
  body: string;
  headers: Record<string, string>;
  timeoutMs: number;
}

/** Why a request failed before a response (never the error's message: it names hosts and addresses). */
function kindOf(error: unknown, timedOut: boolean): WebhookErrorKind {
  if (timedOut) return 'timeout';
  const message = error instanceof Error ? error.message : '';
  if (/is not allowed\. Because/.test(message)) return 'blocked_address';
  return 'connection';
}

export function sendWebhook(request: SendRequest): Promise<SendResult> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  return new Promise((resolve) => {
    let url: URL;
    try {
      url = new URL(request.url);
    } catch {
      resolve({ ok: false, statusCode: null, latencyMs: 0, responseExcerpt: null, errorKind: 'connection' });
      return;
    }
    const secure = url.protocol === 'https:';
    const filter = { allowIPAddressList: allowedNonPublicRanges(), allowPrivateIPAddress: false, allowMetaIPAddress: false, keepAlive: false };
    const agent = secure ? new RequestFilteringHttpsAgent(filter) : new RequestFilteringHttpAgent(filter);
    let settled = false;
    let timedOut = false;
    const finish = (result: Omit<SendResult, 'latencyMs'>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      agent.destroy();
      resolve({ ...result, latencyMs: elapsed() });
    };
    const body = Buffer.from(request.body, 'utf8');
    const req = (secure ? https : http).request({
      protocol: url.protocol,
      hostname: hostOf(url),
      port: url.port || undefined,
      path: `${url.pathname}${url.search}`,
      method: 'POST',
      agent,
      lookup: webhookLookup(),
      headers: { ...request.headers, 'content-length': String(body.length) },
    });
    const timer = setTimeout(() => {
      timedOut = true;
      req.destroy(new Error('webhook request timed out'));
    }, request.timeoutMs);
    req.on('error', (error) => finish({ ok: false, statusCode: null, responseExcerpt: null, errorKind: kindOf(error, timedOut) }));
    req.on('response', (res) => {
      const status = res.statusCode ?? 0;
      const chunks: Buffer[] = [];
      let kept = 0;
      const done = () => {
        const excerpt = kept > 0 ? Buffer.concat(chunks).subarray(0, RESPONSE_EXCERPT_BYTES).toString('utf8') : null;
        const ok = status >= 200 && status < 300;
        finish({ ok, statusCode: status, responseExcerpt: excerpt, errorKind: ok ? null : status >= 300 && status < 400 ? 'redirect' : 'http_status' });
      };
      res.on('data', (chunk: Buffer) => {
        if (kept >= RESPONSE_EXCERPT_BYTES) return;
        chunks.push(chunk);
        kept += chunk.length;
        // Enough kept: stop reading a large body (the status is what counts).
        if (kept >= RESPONSE_EXCERPT_BYTES) {
          done();
          res.destroy();
        }
      });
      res.on('end', done);
      res.on('error', done);
    });
    req.end(body);
  });
}
