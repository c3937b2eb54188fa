export const dynamic = 'force-dynamic';

/** Liveness: the process answers. No dependencies are checked here. */
export function GET() {
  return Response.json({ status: 'ok' }, { headers: { 'cache-control': 'no-store' } });
}
