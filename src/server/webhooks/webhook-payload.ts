/**
 * The public payload of a delivery (JOBS-3, docs/webhooks.md): `{ type, version, timestamp, data }`.
 *
 * A stable shape, not the outbox row: `data.object` lists only documented fields of the record (new
 * internal columns never leak to receivers), plus the workspace, project and acting user's ids.
 * `version` (WEBHOOK_PAYLOAD_VERSION) changes only with a breaking change of this shape.
 */
import { WEBHOOK_PAYLOAD_VERSION, WEBHOOK_TEST_EVENT_TYPE, type WebhookEventType } from '@/lib/webhook-events';
import type { OutboxEvent } from '@/server/realtime-events/outbox';

export interface WebhookPayload {
  type: string;
  version: string;
  /** When the event happened (ISO 8601). */
  timestamp: string;
  data: {
    workspaceId: string;
    projectId: string | null;
    actorId: string | null;
    object: Record<string, unknown>;
  };
}

const FIELDS: Record<string, readonly string[]> = {
  project: ['id', 'name', 'description', 'visibility', 'version', 'createdAt', 'updatedAt'],
  task: ['id', 'projectId', 'title', 'description', 'status', 'priority', 'assigneeId', 'dueDate', 'labels', 'version', 'createdBy', 'createdAt', 'updatedAt'],
  comment: ['id', 'taskId', 'authorId', 'body', 'version', 'createdAt', 'updatedAt'],
  member: ['userId'],
};
const DELETED_FIELDS = ['id', 'projectId', 'taskId', 'version'];

function pick(source: Record<string, unknown>, fields: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of fields) if (field in source) out[field] = source[field];
  return out;
}

/** The payload for outbox event `event` of public type `type`. */
export function payloadOf(event: Pick<OutboxEvent, 'workspaceId' | 'projectId' | 'actorId' | 'payload' | 'createdAt'>, type: WebhookEventType): WebhookPayload {
  const [resource = '', verb] = type.split('.');
  const fields = verb === 'deleted' ? DELETED_FIELDS : (FIELDS[resource] ?? []);
  return {
    type,
    version: WEBHOOK_PAYLOAD_VERSION,
    timestamp: event.createdAt.toISOString(),
    data: { workspaceId: event.workspaceId, projectId: event.projectId, actorId: event.actorId, object: pick(event.payload, fields) },
  };
}

/** A test-fire's payload (`webhook.test`): who asked, and for which endpoint. */
export function testPayload(workspaceId: string, endpointId: string, actorId: string, at = new Date()): WebhookPayload {
  return {
    type: WEBHOOK_TEST_EVENT_TYPE,
    version: WEBHOOK_PAYLOAD_VERSION,
    timestamp: at.toISOString(),
    data: { workspaceId, projectId: null, actorId, object: { endpointId, message: 'Test event from Kanso' } },
  };
}
