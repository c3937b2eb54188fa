/**
 * The public webhook event types (JOBS-3, docs/webhooks.md): what an endpoint may subscribe to.
 * Shared by the server (validation, the outbox consumer) and the settings page (the checkboxes).
 * A public type is a promise to receivers: add types freely, never rename or remove one.
 */
export const WEBHOOK_EVENT_TYPES = [
  'project.created',
  'project.updated',
  'project.deleted',
  'task.created',
  'task.updated',
  'task.moved',
  'task.deleted',
  'comment.created',
  'comment.updated',
  'comment.deleted',
  'member.removed',
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/** The type of a test-fire (not subscribable: every endpoint receives it when asked). */
export const WEBHOOK_TEST_EVENT_TYPE = 'webhook.test';

/** The payload version every delivery carries (`version`); bumped only for a breaking change. */
export const WEBHOOK_PAYLOAD_VERSION = '2026-12-01';

export function isWebhookEventType(type: string): type is WebhookEventType {
  return (WEBHOOK_EVENT_TYPES as readonly string[]).includes(type);
}

/** Longest endpoint URL and description accepted. */
export const WEBHOOK_URL_MAX = 2048;
export const WEBHOOK_DESCRIPTION_MAX = 200;
/** Endpoints one workspace may have. */
export const WEBHOOK_ENDPOINTS_MAX = 20;
