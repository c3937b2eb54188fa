/** Every audit action (SEC-4); shared by the server (recording, filters) and the UI (filter list). */
export const AUDIT_ACTIONS = [
  // account and security
  'auth.signed_up',
  'auth.signed_in',
  'auth.sign_in_failed',
  'auth.signed_out',
  'auth.email_verified',
  'auth.password_changed',
  'auth.password_reset',
  'auth.sessions_revoked',
  'auth.account_locked',
  'auth.account_unlocked',
  'auth.captcha_failed',
  // workspace
  'workspace.created',
  'workspace.renamed',
  'workspace.slug_changed',
  'workspace.deleted',
  'workspace.ownership_transferred',
  // membership
  'member.joined',
  'member.role_changed',
  'member.removed',
  'member.left',
  // invitations
  'invitation.created',
  'invitation.resent',
  'invitation.revoked',
  'invitation.accepted',
  'invite_link.created',
  'invite_link.revoked',
  'invite_link.used',
  // exports
  'audit.exported',
  // webhooks (JOBS-3)
  'webhook.created',
  'webhook.updated',
  'webhook.rotated',
  'webhook.deleted',
  'webhook.disabled',
  // operations (the operations chain: operators through the CLI, no workspace)
  'jobs.dead_letter_retried',
  'jobs.dead_letters_purged',
  'mail.address_suppressed',
  'mail.address_unsuppressed',
  'webhooks.delivery_retried',
  'webhooks.dead_deliveries_purged',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];
