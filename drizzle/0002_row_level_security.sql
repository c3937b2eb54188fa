-- Tenant isolation below the application (TEN-4). Every tenant table has row-level security
-- ENABLEd and FORCEd (the owner role is subject to it too); policies read two per-transaction
-- settings that the workspace-scoped data path sets with set_config(..., true):
--   app.workspace_id  the workspace the transaction acts in
--   app.user_id       the signed-in user (lets a user see their own memberships across workspaces)
-- A query that forgot to set them sees no tenant rows and cannot write any.

CREATE FUNCTION app_workspace_id() RETURNS uuid
  LANGUAGE sql STABLE PARALLEL SAFE
  AS $$ SELECT nullif(current_setting('app.workspace_id', true), '')::uuid $$;
--> statement-breakpoint
CREATE FUNCTION app_user_id() RETURNS uuid
  LANGUAGE sql STABLE PARALLEL SAFE
  AS $$ SELECT nullif(current_setting('app.user_id', true), '')::uuid $$;
--> statement-breakpoint

ALTER TABLE workspaces ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE workspaces FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY workspaces_read ON workspaces FOR SELECT
  USING (id = app_workspace_id()
     OR EXISTS (SELECT 1 FROM workspace_members m WHERE m.workspace_id = workspaces.id AND m.user_id = app_user_id()));
--> statement-breakpoint
CREATE POLICY workspaces_insert ON workspaces FOR INSERT WITH CHECK (id = app_workspace_id());
--> statement-breakpoint
CREATE POLICY workspaces_update ON workspaces FOR UPDATE USING (id = app_workspace_id()) WITH CHECK (id = app_workspace_id());
--> statement-breakpoint
CREATE POLICY workspaces_delete ON workspaces FOR DELETE USING (id = app_workspace_id());
--> statement-breakpoint

ALTER TABLE workspace_members ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE workspace_members FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY workspace_members_read ON workspace_members FOR SELECT
  USING (workspace_id = app_workspace_id() OR user_id = app_user_id());
--> statement-breakpoint
CREATE POLICY workspace_members_write ON workspace_members FOR ALL
  USING (workspace_id = app_workspace_id()) WITH CHECK (workspace_id = app_workspace_id());
--> statement-breakpoint

ALTER TABLE invitations ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE invitations FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY invitations_tenant ON invitations FOR ALL
  USING (workspace_id = app_workspace_id()) WITH CHECK (workspace_id = app_workspace_id());
--> statement-breakpoint

ALTER TABLE invite_links ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE invite_links FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY invite_links_tenant ON invite_links FOR ALL
  USING (workspace_id = app_workspace_id()) WITH CHECK (workspace_id = app_workspace_id());
--> statement-breakpoint

-- Audit: a workspace's entries within that workspace; account-level entries (workspace_id null)
-- are written for and readable by their actor. No UPDATE/DELETE policy (and no grant either).
-- The schema owner (migrations, `npm run cli -- audit:verify`) may read every entry to verify the chains.
ALTER TABLE audit_log ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE audit_log FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY audit_log_read ON audit_log FOR SELECT
  USING (workspace_id = app_workspace_id() OR (workspace_id IS NULL AND actor_id = app_user_id()));
--> statement-breakpoint
CREATE POLICY audit_log_append ON audit_log FOR INSERT
  WITH CHECK (workspace_id = app_workspace_id() OR (workspace_id IS NULL AND actor_id IS NOT DISTINCT FROM app_user_id()));

--> statement-breakpoint
CREATE POLICY audit_log_owner_verify ON audit_log FOR SELECT TO CURRENT_USER USING (true);
--> statement-breakpoint

ALTER TABLE audit_chains ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE audit_chains FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY audit_chains_tenant ON audit_chains FOR ALL
  USING (chain_id = app_workspace_id() OR chain_id = '00000000-0000-0000-0000-000000000000'::uuid)
  WITH CHECK (chain_id = app_workspace_id() OR chain_id = '00000000-0000-0000-0000-000000000000'::uuid);
--> statement-breakpoint
CREATE POLICY audit_chains_owner_verify ON audit_chains FOR SELECT TO CURRENT_USER USING (true);
