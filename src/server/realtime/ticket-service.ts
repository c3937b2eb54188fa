/**
 * Minting realtime tickets (COLLAB-3) for the `realtime.ticket` procedure. The caller is already a
 * member with `project:read` (the procedure's guard); a named project must also be visible to them.
 * The sidecar re-checks all of it on connect and on every join — the ticket only says who asks.
 */
import type { Role } from '@/lib/permissions';
import type { DbOrTx } from '@/server/db/client';
import { env } from '@/server/platform/env';
import { AppError } from '@/server/platform/errors';
import { canViewProject } from '@/server/projects/access';
import { realtimePublicUrl } from './public-url';
import { signTicket } from './ticket';

export async function mintRealtimeTicket(
  tx: DbOrTx,
  viewer: { userId: string; sessionId: string; role: Role; workspaceId: string },
  projectId?: string,
): Promise<{ ticket: string; url: string; expiresAt: Date }> {
  if (projectId && !(await canViewProject(tx, { userId: viewer.userId, role: viewer.role }, projectId))) {
    throw new AppError('NOT_FOUND', 'generic.notFound');
  }
  const { ticket, expiresAt } = signTicket(env().AUTH_SECRET, { userId: viewer.userId, sessionId: viewer.sessionId, workspaceId: viewer.workspaceId, projectId });
  return { ticket, url: realtimePublicUrl(), expiresAt };
}

/**
 * A user-level ticket (COLLAB-7): the socket of a signed-in page outside a workspace (the inbox,
 * account settings) — it receives only the user's own `notifications` frames. The sidecar checks
 * the session on connect and every second, as for workspace sockets.
 */
export function mintUserTicket(viewer: { userId: string; sessionId: string }): { ticket: string; url: string; expiresAt: Date } {
  const { ticket, expiresAt } = signTicket(env().AUTH_SECRET, { userId: viewer.userId, sessionId: viewer.sessionId });
  return { ticket, url: realtimePublicUrl(), expiresAt };
}
