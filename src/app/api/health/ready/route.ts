import { logger } from '@/server/platform/logger';
import { checkReadiness, probeResponse } from '@/server/platform/health';
import { requestIdOf } from '@/server/platform/request-context';

export const dynamic = 'force-dynamic';

/**
 * Readiness: 200 when the database answers and no migration is pending; 503 with the causes
 * otherwise — always within READINESS_DEADLINE_MS. The body names causes, never hosts or ports.
 */
export async function GET(req: Request) {
  const requestId = requestIdOf(req.headers);
  const report = await checkReadiness({ log: logger.child({ requestId, probe: 'ready' }) });
  return probeResponse(report.ready ? 'ready' : 'not_ready', report, requestId);
}
