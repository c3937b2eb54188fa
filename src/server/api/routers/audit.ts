import { z } from 'zod';
import { text } from '@/server/platform/input';
import { isoTimestamp, isoTimestampInput, toWire } from '@/server/platform/wire';
import { AUDIT_ACTIONS, AUDIT_EXPORT_LIMIT, AUDIT_PAGE_SIZE, exportAuditCsv, listAuditPage } from '@/server/audit/audit-service';
import { router, workspaceProcedure } from '../trpc';

const filter = z.object({
  action: z.enum(AUDIT_ACTIONS).optional(),
  actorEmail: text().trim().toLowerCase().max(254).optional(),
  from: isoTimestampInput.optional(),
  to: isoTimestampInput.optional(),
});

const entry = z.object({
  id: z.string().uuid(),
  seq: z.number().int(),
  action: z.string(),
  actor: z.object({ id: z.string().uuid(), email: z.string().nullable(), name: z.string().nullable() }).nullable(),
  targetType: z.string().nullable(),
  targetId: z.string().nullable(),
  data: z.record(z.string(), z.unknown()),
  ip: z.string().nullable(),
  createdAt: isoTimestamp,
});

export const auditRouter = router({
  /** Newest first, filtered, cursor-paginated by sequence number (API-4). */
  list: workspaceProcedure('audit:read')
    .input(filter.extend({ cursor: z.number().int().positive().optional(), limit: z.number().int().min(1).max(AUDIT_PAGE_SIZE).optional() }))
    .output(z.object({ items: z.array(entry), nextCursor: z.number().int().nullable() }))
    .query(async ({ ctx, input }) => toWire(await listAuditPage(ctx.db, ctx.workspace.id, input))),

  /** The filtered log as CSV (at most AUDIT_EXPORT_LIMIT rows); the export itself is audited. */
  export: workspaceProcedure('audit:read')
    .input(filter)
    .output(z.object({ filename: z.string(), csv: z.string(), rows: z.number().int().max(AUDIT_EXPORT_LIMIT), truncated: z.boolean() }))
    .mutation(({ ctx, input }) =>
      exportAuditCsv(ctx.db, ctx.workspace, input, { actorId: ctx.user.id, ip: ctx.ip, requestId: ctx.requestId }),
    ),
});
