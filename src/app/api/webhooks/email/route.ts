/**
 * Bounce and complaint events from the mail provider (JOBS-4; payload and signature in
 * docs/email.md, logic in src/server/email/mail-webhook.ts). Server to server: the edge
 * (src/proxy.ts) caps the body (64 KiB, a body without a length is refused) and exempts
 * /api/webhooks/* from the Origin check and the locale/auth handling; the Standard Webhooks
 * signature authenticates the sender.
 */
import { db } from '@/server/db/client';
import { handleMailWebhook } from '@/server/email/mail-webhook';
import { edgeRequestId } from '@/server/platform/edge';

export const dynamic = 'force-dynamic';

export async function POST(request: Request): Promise<Response> {
  const requestId = edgeRequestId(request.headers.get('x-request-id'));
  const answer = await handleMailWebhook(db(), { body: await request.text(), header: (name) => request.headers.get(name) }, requestId);
  return Response.json(answer.body, { status: answer.status, headers: { 'cache-control': 'no-store' } });
}
