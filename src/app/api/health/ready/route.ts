import { checkReadiness } from '@/server/platform/health';

export const dynamic = 'force-dynamic';

/** Readiness: 200 when the database is reachable and no migration is pending; 503 with the reason otherwise. */
export async function GET() {
  const report = await checkReadiness();
  const reason = !report.checks.database.ok
    ? 'database unreachable'
    : report.checks.migrations.pending.length > 0
      ? `pending migrations: ${report.checks.migrations.pending.join(', ')}`
      : undefined;
  return Response.json(
    { status: report.ready ? 'ready' : 'not_ready', reason, checks: report.checks },
    { status: report.ready ? 200 : 503, headers: { 'cache-control': 'no-store' } },
  );
}
