/**
 * Where browsers report CSP violations (SEC-1; `report-uri` and `report-to` of the page policy).
 * Bounded: the edge caps the body (64 KiB) and exempts the path from the Origin check (reports are
 * sent without a page's Origin); the `csp-report` policy limits each address; at most 20 violations
 * per report are read. Always 204 for what it took, 429 when throttled, 400 for what is not a report.
 */
import { clientIpOf } from '@/server/platform/client-ip';
import { parseCspReports, recordCspViolations } from '@/server/platform/csp-reports';
import { enforceRateLimits, rateLimitHeaders, rateLimitRefusalOf } from '@/server/platform/rate-limit';

export const dynamic = 'force-dynamic';

export async function POST(request: Request): Promise<Response> {
  try {
    await enforceRateLimits([{ policy: 'csp-report', subject: clientIpOf(request.headers) }]);
  } catch (error) {
    const refusal = rateLimitRefusalOf(error);
    if (!refusal) throw error;
    return new Response(null, { status: 429, headers: rateLimitHeaders(refusal) });
  }
  let payload: unknown;
  try {
    payload = JSON.parse(await request.text());
  } catch {
    return new Response(null, { status: 400 });
  }
  const violations = parseCspReports(payload);
  if (violations.length === 0) return new Response(null, { status: 400 });
  recordCspViolations(violations);
  return new Response(null, { status: 204 });
}
