CREATE TABLE "mail_messages" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"kind" text NOT NULL,
	"to" text NOT NULL,
	"subject" text NOT NULL,
	"html" text,
	"text" text,
	"state" text DEFAULT 'queued' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"message_id" text,
	"last_error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "dead_jobs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"job_id" bigint NOT NULL,
	"task" text NOT NULL,
	"payload" jsonb NOT NULL,
	"job_key" text,
	"queue_name" text,
	"attempts" smallint NOT NULL,
	"max_attempts" smallint NOT NULL,
	"last_error" text NOT NULL,
	"state" text DEFAULT 'dead' NOT NULL,
	"retries" integer DEFAULT 0 NOT NULL,
	"died_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "dead_jobs_job_id_unique" UNIQUE("job_id")
);
--> statement-breakpoint
CREATE TABLE "job_effects" (
	"key" text PRIMARY KEY NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "job_probe_runs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"probe_key" text NOT NULL,
	"attempt" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "job_worker_heartbeats" (
	"process_id" text PRIMARY KEY NOT NULL,
	"host" text NOT NULL,
	"pid" integer NOT NULL,
	"worker_ids" text[] DEFAULT '{}'::text[] NOT NULL,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"seen_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "outbox_cursors" (
	"consumer" text NOT NULL,
	"workspace_id" uuid NOT NULL,
	"last_event_id" bigint DEFAULT 0 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "outbox_cursors_consumer_workspace_id_pk" PRIMARY KEY("consumer","workspace_id")
);
--> statement-breakpoint
CREATE TABLE "outbox_inbox" (
	"consumer" text NOT NULL,
	"event_id" bigint NOT NULL,
	"handled_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "outbox_inbox_consumer_event_id_pk" PRIMARY KEY("consumer","event_id")
);
--> statement-breakpoint
CREATE TABLE "outbox_retention" (
	"workspace_id" uuid PRIMARY KEY NOT NULL,
	"pruned_through_id" bigint NOT NULL,
	"pruned_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "mail_messages_state_idx" ON "mail_messages" USING btree ("state","created_at");--> statement-breakpoint
CREATE INDEX "dead_jobs_state_idx" ON "dead_jobs" USING btree ("state","died_at");--> statement-breakpoint
CREATE INDEX "dead_jobs_task_idx" ON "dead_jobs" USING btree ("task","died_at");--> statement-breakpoint
CREATE INDEX "job_effects_created_at_idx" ON "job_effects" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "job_probe_runs_key_idx" ON "job_probe_runs" USING btree ("probe_key");--> statement-breakpoint
CREATE INDEX "outbox_inbox_handled_at_idx" ON "outbox_inbox" USING btree ("handled_at");
--> statement-breakpoint
-- ---- Hand-written below (drizzle-kit does not generate functions or policies) --------------
-- The worker's system scope (ADR 0030): a transaction that set `app.system = 'on'` (only
-- withSystem() in src/server/db/tenant.ts does) may read every workspace's outbox events — the
-- relay's and the retention's view. Same trust model as app.workspace_id: row-level security
-- guards against a query that forgot its scope, not against SQL of the app role itself.
CREATE FUNCTION app_is_system() RETURNS boolean
  LANGUAGE sql STABLE PARALLEL SAFE
  AS $$ SELECT coalesce(current_setting('app.system', true), '') = 'on' $$;
--> statement-breakpoint
CREATE POLICY outbox_events_system_read ON outbox_events FOR SELECT USING (app_is_system());
--> statement-breakpoint
-- The app role has no DELETE on the outbox (APPEND_ONLY_TABLES); only app_outbox_prune, run as
-- the owner, deletes — and only in the system scope.
CREATE POLICY outbox_events_system_prune ON outbox_events FOR DELETE USING (app_is_system());
--> statement-breakpoint
-- Retention (JOBS-2): deletes events created before p_before that every consumer in p_consumers
-- has relayed (an event no consumer has seen yet is kept, however old), at most p_limit per call,
-- and records per workspace the highest id pruned (realtime.events answers "too old" below it).
CREATE FUNCTION app_outbox_prune(p_before timestamptz, p_consumers text[], p_limit integer)
  RETURNS integer
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER
  SET search_path = public, pg_temp
  AS $$
DECLARE
  pruned integer;
BEGIN
  PERFORM set_config('app.system', 'on', true);
  WITH relayed AS (
    SELECT c.workspace_id, min(c.last_event_id) AS through_id
      FROM outbox_cursors c
     WHERE c.consumer = ANY(p_consumers)
     GROUP BY c.workspace_id
    HAVING count(DISTINCT c.consumer) = cardinality(p_consumers)
  ), doomed AS (
    SELECT e.id, e.workspace_id
      FROM outbox_events e
      JOIN relayed r ON r.workspace_id = e.workspace_id AND e.id <= r.through_id
     WHERE e.created_at < p_before
     ORDER BY e.id
     LIMIT p_limit
  ), deleted AS (
    DELETE FROM outbox_events e USING doomed d WHERE e.id = d.id RETURNING e.id, e.workspace_id
  ), marks AS (
    INSERT INTO outbox_retention AS r (workspace_id, pruned_through_id)
    SELECT workspace_id, max(id) FROM deleted GROUP BY workspace_id
    ON CONFLICT (workspace_id) DO UPDATE
      SET pruned_through_id = greatest(r.pruned_through_id, excluded.pruned_through_id), pruned_at = now()
    RETURNING 1
  )
  SELECT count(*)::integer INTO pruned FROM deleted;
  PERFORM set_config('app.system', '', true);
  RETURN pruned;
END
$$;
--> statement-breakpoint
-- The cleanup cron (cleanup.expired) deletes invitations that expired long ago, across workspaces.
CREATE POLICY invitations_system_cleanup ON invitations FOR DELETE USING (app_is_system());
--> statement-breakpoint
CREATE POLICY invitations_system_read ON invitations FOR SELECT USING (app_is_system());
--> statement-breakpoint
-- The operations audit chain (OPERATIONS_CHAIN_ID in src/server/audit/audit-service.ts): operators'
-- actions through the CLI, written in the system scope; nothing else may append to or read it.
CREATE POLICY audit_chains_operations ON audit_chains FOR ALL
  USING (app_is_system() AND chain_id = '00000000-0000-0000-0000-000000000002'::uuid)
  WITH CHECK (app_is_system() AND chain_id = '00000000-0000-0000-0000-000000000002'::uuid);
--> statement-breakpoint
CREATE POLICY audit_log_operations ON audit_log FOR ALL
  USING (app_is_system() AND chain_id = '00000000-0000-0000-0000-000000000002'::uuid)
  WITH CHECK (app_is_system() AND chain_id = '00000000-0000-0000-0000-000000000002'::uuid);
--> statement-breakpoint
-- The relay's cursors and the retention marks name workspaces: under row-level security like every
-- tenant table. Only the system scope (the relay, the retention) reads or writes cursors; a tenant
-- reads its own workspace's retention mark (realtime.events' "too old").
ALTER TABLE outbox_cursors ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE outbox_cursors FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY outbox_cursors_system ON outbox_cursors FOR ALL USING (app_is_system()) WITH CHECK (app_is_system());
--> statement-breakpoint
ALTER TABLE outbox_retention ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE outbox_retention FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY outbox_retention_read ON outbox_retention FOR SELECT USING (workspace_id = app_workspace_id());
--> statement-breakpoint
CREATE POLICY outbox_retention_system ON outbox_retention FOR ALL USING (app_is_system()) WITH CHECK (app_is_system());
