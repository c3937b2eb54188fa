/** Invitations (TEN-3) and the audit log (SEC-4). Tenant tables: RLS policies in drizzle/0001_*.sql. */
import { sql } from 'drizzle-orm';
import { bigint, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { users } from './auth';
import { workspaceRole, workspaces } from './workspaces';

/** An email invitation: hashed single-use token, 7-day expiry, resend counted. */
export const invitations = pgTable(
  'invitations',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    email: text('email').notNull(),
    role: workspaceRole('role').notNull(),
    tokenHash: text('token_hash').notNull(),
    invitedBy: uuid('invited_by').references(() => users.id, { onDelete: 'set null' }),
    expiresAt: timestamp('expires_at', { withTimezone: true, mode: 'date' }).notNull(),
    lastSentAt: timestamp('last_sent_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    sendCount: integer('send_count').notNull().default(1),
    acceptedAt: timestamp('accepted_at', { withTimezone: true, mode: 'date' }),
    acceptedBy: uuid('accepted_by').references(() => users.id, { onDelete: 'set null' }),
    revokedAt: timestamp('revoked_at', { withTimezone: true, mode: 'date' }),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('invitations_token_hash_key').on(t.tokenHash),
    // At most one open invitation per address and workspace.
    uniqueIndex('invitations_open_email_key')
      .on(t.workspaceId, t.email)
      .where(sql`${t.acceptedAt} is null and ${t.revokedAt} is null`),
    index('invitations_workspace_idx').on(t.workspaceId, t.createdAt),
  ],
);

/** A shareable invite link, optionally limited to email domains. */
export const inviteLinks = pgTable(
  'invite_links',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    role: workspaceRole('role').notNull(),
    tokenHash: text('token_hash').notNull(),
    /** Lower-case domains ("example.com"); empty = any address. */
    allowedDomains: text('allowed_domains').array().notNull().default(sql`'{}'::text[]`),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    expiresAt: timestamp('expires_at', { withTimezone: true, mode: 'date' }),
    revokedAt: timestamp('revoked_at', { withTimezone: true, mode: 'date' }),
    uses: integer('uses').notNull().default(0),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('invite_links_token_hash_key').on(t.tokenHash), index('invite_links_workspace_idx').on(t.workspaceId)],
);

/**
 * The id of the one account chain of account-level events written before migration 0006. Since
 * then every user has an account chain of their own (chain id = user id, ADR 0014), so sign-ins
 * of different users do not wait for each other; this chain is closed (the app can no longer
 * append to it) and is still verified.
 */
export const ACCOUNT_CHAIN_ID = '00000000-0000-0000-0000-000000000000';

/**
 * The chain that records the opening of every per-user account chain (one `audit.chain_opened`
 * entry each, ADR 0014), so that removing a user's whole chain — entries and head — is still
 * found by `audit:verify`. Appended to once per user (their first account event), not per sign-in.
 */
export const ACCOUNT_CHAINS_REGISTRY_ID = '00000000-0000-0000-0000-000000000001';
/**
 * The operations chain: what operators do through the CLI (dead-letter retries and purges…), with no
 * workspace and no acting user; written in the system scope (policies in drizzle/0012).
 */
export const OPERATIONS_CHAIN_ID = '00000000-0000-0000-0000-000000000002';

/**
 * The head of each audit chain (one per workspace, one per user for account events, and the closed
 * legacy account chain): the last sequence number and hash. Appending locks this row, so a chain's
 * appends are serialised.
 */
export const auditChains = pgTable('audit_chains', {
  chainId: uuid('chain_id').primaryKey(),
  seq: bigint('seq', { mode: 'number' }).notNull(),
  hash: text('hash').notNull(),
});

/**
 * Append-only, hash-chained audit log. `workspace_id` is null for account-level security events.
 * `chain_id` names the chain a row belongs to: its workspace, or for an account event its actor
 * (rows from before migration 0006: ACCOUNT_CHAIN_ID). No foreign key: entries outlive a deleted
 * workspace or user. The app role may only SELECT and INSERT here (see src/server/db/migrate.ts).
 */
export const auditLog = pgTable(
  'audit_log',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    chainId: uuid('chain_id').notNull(),
    workspaceId: uuid('workspace_id'),
    seq: bigint('seq', { mode: 'number' }).notNull(),
    actorId: uuid('actor_id'),
    action: text('action').notNull(),
    targetType: text('target_type'),
    targetId: text('target_id'),
    data: jsonb('data').$type<Record<string, unknown>>().notNull().default({}),
    ip: text('ip'),
    requestId: text('request_id'),
    prevHash: text('prev_hash').notNull(),
    hash: text('hash').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull(),
  },
  (t) => [
    uniqueIndex('audit_log_chain_seq_key').on(t.chainId, t.seq),
    index('audit_log_workspace_created_idx').on(t.workspaceId, t.createdAt),
    index('audit_log_actor_idx').on(t.actorId, t.createdAt),
  ],
);
