import { logger } from '@/server/platform/logger';
import { checkStartup, probeResponse } from '@/server/platform/health';
import { requestIdOf } from '@/server/platform/request-context';

export const dynamic = 'force-dynamic';

/** Start-up probe (OBS-5): 503 until this process has been ready once, then 200 without touching the database. */
export async function GET(req: Request) {
  const requestId = requestIdOf(req.headers);
  const { started, report } = await checkStartup({ log: logger.child({ requestId, probe: 'startup' }) });
  if (started && !report) return Response.json({ status: 'started', requestId }, { headers: { 'cache-control': 'no-store' } });
  return probeResponse(started ? 'started' : 'starting', report!, requestId);
}
