-- Account audit chains per user (SEC-4, PERF-1; ADR 0014).
--
-- Every account event (sign-in, sign-out, password …) was appended to ONE chain for all users,
-- whose head row in audit_chains is locked from the append to COMMIT: every sign-in of every user
-- queued behind every other. Now each user's account events form a chain of their own (chain id =
-- the user's id), so only sign-ins of the same user wait for each other.
--
-- audit_log.chain_id names the chain of each row: its workspace for workspace events, its actor for
-- account events. Rows written before this migration keep their places in the old account chain
-- (chain id 00000000-0000-0000-0000-000000000000): re-chaining them would mean re-hashing history,
-- which is exactly what the chain exists to make visible. That chain is closed — the app role can
-- no longer see or extend its head — and `npm run cli -- audit:verify` still walks it.
--
-- One chain per user could be removed whole (entries and head) without breaking any other chain,
-- which the one shared chain did not allow. So the opening of each user's chain is itself chained:
-- the registry chain (chain id 00000000-0000-0000-0000-000000000001) gets one `audit.chain_opened`
-- entry (target: the user's chain; no actor, so it is no one's account entry) with the user's first
-- account event — once per user, not per sign-in — and audit:verify checks both directions.

-- The owner backfills the column with row-level security lifted for this transaction only (the
-- table FORCEs it, and the owner has no UPDATE policy — nor does anyone else).
ALTER TABLE "audit_log" ADD COLUMN "chain_id" uuid;--> statement-breakpoint
ALTER TABLE "audit_log" NO FORCE ROW LEVEL SECURITY;--> statement-breakpoint
UPDATE "audit_log" SET "chain_id" = coalesce("workspace_id", '00000000-0000-0000-0000-000000000000'::uuid);--> statement-breakpoint
ALTER TABLE "audit_log" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "audit_log" ALTER COLUMN "chain_id" SET NOT NULL;--> statement-breakpoint
DROP INDEX "audit_log_chain_seq_key";--> statement-breakpoint
CREATE UNIQUE INDEX "audit_log_chain_seq_key" ON "audit_log" USING btree ("chain_id","seq");--> statement-breakpoint

-- The app appends a workspace's entries to that workspace's chain, a user's account entries (actor =
-- the user the transaction is scoped to) to that user's chain, and to the registry only the opening
-- of that user's chain; nothing else.
DROP POLICY audit_log_append ON audit_log;--> statement-breakpoint
CREATE POLICY audit_log_append ON audit_log FOR INSERT
  WITH CHECK ((workspace_id = app_workspace_id() AND chain_id = workspace_id)
           OR (workspace_id IS NULL AND actor_id = app_user_id() AND chain_id = actor_id)
           OR (chain_id = '00000000-0000-0000-0000-000000000001'::uuid AND workspace_id IS NULL AND actor_id IS NULL
               AND action = 'audit.chain_opened' AND target_type = 'audit_chain' AND target_id = app_user_id()::text));--> statement-breakpoint

-- Chain heads: the transaction's workspace, the transaction's user, and the registry. The closed
-- account chain's head is no longer visible to the app (audit_chains_owner_verify still lets the
-- owner read it).
DROP POLICY audit_chains_tenant ON audit_chains;--> statement-breakpoint
CREATE POLICY audit_chains_tenant ON audit_chains FOR ALL
  USING (chain_id = app_workspace_id() OR chain_id = app_user_id() OR chain_id = '00000000-0000-0000-0000-000000000001'::uuid)
  WITH CHECK (chain_id = app_workspace_id() OR chain_id = app_user_id() OR chain_id = '00000000-0000-0000-0000-000000000001'::uuid);
