-- Live boards (COLLAB-1..3): row-level security for the board tables, following 0002's style.
-- Besides the workspace match, PRIVATE projects are visible only to their members and to the
-- workspace's owners/admins; tasks, comments, activity and outbox events inherit the visibility of
-- their project through an EXISTS on the parent table (which is itself subject to its policy).

CREATE FUNCTION app_is_workspace_admin() RETURNS boolean
  LANGUAGE sql STABLE PARALLEL SAFE
  AS $$ SELECT EXISTS (SELECT 1 FROM workspace_members m
                        WHERE m.workspace_id = app_workspace_id() AND m.user_id = app_user_id()
                          AND m.role IN ('owner', 'admin')) $$;
--> statement-breakpoint

ALTER TABLE project_members ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE project_members FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY project_members_tenant ON project_members FOR ALL
  USING (workspace_id = app_workspace_id()) WITH CHECK (workspace_id = app_workspace_id());
--> statement-breakpoint

ALTER TABLE projects ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE projects FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY projects_visible ON projects FOR ALL
  USING (workspace_id = app_workspace_id()
     AND (visibility = 'workspace'
       OR app_is_workspace_admin()
       OR EXISTS (SELECT 1 FROM project_members pm WHERE pm.project_id = projects.id AND pm.user_id = app_user_id())))
  WITH CHECK (workspace_id = app_workspace_id());
--> statement-breakpoint

ALTER TABLE tasks ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE tasks FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tasks_visible ON tasks FOR ALL
  USING (workspace_id = app_workspace_id() AND EXISTS (SELECT 1 FROM projects p WHERE p.id = tasks.project_id))
  WITH CHECK (workspace_id = app_workspace_id() AND EXISTS (SELECT 1 FROM projects p WHERE p.id = tasks.project_id));
--> statement-breakpoint

ALTER TABLE task_comments ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE task_comments FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY task_comments_visible ON task_comments FOR ALL
  USING (workspace_id = app_workspace_id() AND EXISTS (SELECT 1 FROM tasks t WHERE t.id = task_comments.task_id))
  WITH CHECK (workspace_id = app_workspace_id() AND EXISTS (SELECT 1 FROM tasks t WHERE t.id = task_comments.task_id));
--> statement-breakpoint

ALTER TABLE task_activity ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE task_activity FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY task_activity_visible ON task_activity FOR ALL
  USING (workspace_id = app_workspace_id() AND EXISTS (SELECT 1 FROM tasks t WHERE t.id = task_activity.task_id))
  WITH CHECK (workspace_id = app_workspace_id() AND EXISTS (SELECT 1 FROM tasks t WHERE t.id = task_activity.task_id));
--> statement-breakpoint

-- The outbox: append-only for the app role (see APPEND_ONLY_TABLES in src/server/db/migrate.ts).
-- Readers see a workspace's events only for projects they can see.
ALTER TABLE outbox_events ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE outbox_events FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY outbox_events_read ON outbox_events FOR SELECT
  USING (workspace_id = app_workspace_id()
     AND (project_id IS NULL OR EXISTS (SELECT 1 FROM projects p WHERE p.id = outbox_events.project_id)));
--> statement-breakpoint
CREATE POLICY outbox_events_append ON outbox_events FOR INSERT WITH CHECK (workspace_id = app_workspace_id());
--> statement-breakpoint

-- The contract with the realtime sidecar: channel `kanso_events`, payload `<workspace id>:<event id>`.
-- NOTIFY is delivered on COMMIT only, so a rolled-back write never reaches a client.
CREATE FUNCTION outbox_events_notify() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
BEGIN
  PERFORM pg_notify('kanso_events', NEW.workspace_id::text || ':' || NEW.id::text);
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER outbox_events_notify AFTER INSERT ON outbox_events
  FOR EACH ROW EXECUTE FUNCTION outbox_events_notify();
--> statement-breakpoint

-- Fractional-index keys (src/lib/fractional-index.ts) compare byte-wise: order tasks in "C" collation.
ALTER TABLE tasks ALTER COLUMN position SET DATA TYPE text COLLATE "C";
