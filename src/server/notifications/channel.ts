/**
 * The live badge's NOTIFY channel (COLLAB-7): the notifications trigger (drizzle/0015) sends the
 * recipient's user id on COMMIT of a notification insert or read; the realtime sidecar LISTENs.
 * No `import 'server-only'`: the sidecar (a plain Node process) imports it.
 */
export const NOTIFICATIONS_CHANNEL = 'kanso_notifications';
