CREATE TABLE "notification_preferences" (
	"user_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"in_app" boolean DEFAULT true NOT NULL,
	"email" boolean DEFAULT true NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "notification_preferences_user_id_kind_pk" PRIMARY KEY("user_id","kind"),
	CONSTRAINT "notification_preferences_kind_check" CHECK ("notification_preferences"."kind" in ('assigned', 'mentioned', 'commented'))
);
--> statement-breakpoint
CREATE TABLE "notifications" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"workspace_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"task_id" uuid NOT NULL,
	"project_id" uuid NOT NULL,
	"comment_id" uuid,
	"actor_id" uuid,
	"event_id" bigint NOT NULL,
	"in_app" boolean DEFAULT true NOT NULL,
	"email" boolean DEFAULT true NOT NULL,
	"read_at" timestamp with time zone,
	"emailed_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "notifications_kind_check" CHECK ("notifications"."kind" in ('assigned', 'mentioned', 'commented'))
);
--> statement-breakpoint
CREATE TABLE "task_followers" (
	"workspace_id" uuid NOT NULL,
	"task_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"reason" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "task_followers_task_id_user_id_pk" PRIMARY KEY("task_id","user_id")
);
--> statement-breakpoint
ALTER TABLE "notification_preferences" ADD CONSTRAINT "notification_preferences_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_task_id_tasks_id_fk" FOREIGN KEY ("task_id") REFERENCES "public"."tasks"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_comment_id_task_comments_id_fk" FOREIGN KEY ("comment_id") REFERENCES "public"."task_comments"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_actor_id_users_id_fk" FOREIGN KEY ("actor_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "task_followers" ADD CONSTRAINT "task_followers_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "task_followers" ADD CONSTRAINT "task_followers_task_id_tasks_id_fk" FOREIGN KEY ("task_id") REFERENCES "public"."tasks"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "task_followers" ADD CONSTRAINT "task_followers_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "notifications_event_key" ON "notifications" USING btree ("user_id","event_id","kind");--> statement-breakpoint
CREATE INDEX "notifications_inbox_idx" ON "notifications" USING btree ("user_id","read_at","created_at");--> statement-breakpoint
CREATE INDEX "notifications_task_idx" ON "notifications" USING btree ("task_id");--> statement-breakpoint
CREATE INDEX "notifications_digest_idx" ON "notifications" USING btree ("user_id","created_at") WHERE "notifications"."email" AND "notifications"."emailed_at" IS NULL AND "notifications"."read_at" IS NULL;--> statement-breakpoint
CREATE INDEX "task_followers_user_idx" ON "task_followers" USING btree ("user_id");
--> statement-breakpoint
-- ---- Hand-written below (drizzle-kit does not generate functions, policies or triggers) ---------
-- Notifications (COLLAB-7, docs/notifications.md). The worker's consumer (system scope, ADR 0030)
-- writes them; the recipient reads them and marks them read — only their own, and only while they
-- are still a member of the notification's workspace. Scoped to a workspace (app.workspace_id
-- set), only that workspace's; scoped to the user alone (the inbox, the badge), all of theirs.
ALTER TABLE notifications ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE notifications FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY notifications_recipient_read ON notifications FOR SELECT
  USING (user_id = app_user_id()
     AND (app_workspace_id() IS NULL OR workspace_id = app_workspace_id())
     AND EXISTS (SELECT 1 FROM workspace_members m WHERE m.workspace_id = notifications.workspace_id AND m.user_id = app_user_id()));
--> statement-breakpoint
CREATE POLICY notifications_recipient_update ON notifications FOR UPDATE
  USING (user_id = app_user_id()
     AND (app_workspace_id() IS NULL OR workspace_id = app_workspace_id())
     AND EXISTS (SELECT 1 FROM workspace_members m WHERE m.workspace_id = notifications.workspace_id AND m.user_id = app_user_id()))
  WITH CHECK (user_id = app_user_id());
--> statement-breakpoint
CREATE POLICY notifications_system ON notifications FOR ALL USING (app_is_system()) WITH CHECK (app_is_system());
--> statement-breakpoint
-- Followers: only the consumer (system scope, in the event's workspace) reads and writes them.
ALTER TABLE task_followers ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE task_followers FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY task_followers_system ON task_followers FOR ALL
  USING (app_is_system() AND workspace_id = app_workspace_id())
  WITH CHECK (app_is_system() AND workspace_id = app_workspace_id());
--> statement-breakpoint
-- Preferences belong to a user (not a workspace): theirs to read and write; the consumer reads them.
ALTER TABLE notification_preferences ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE notification_preferences FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY notification_preferences_own ON notification_preferences FOR ALL
  USING (user_id = app_user_id()) WITH CHECK (user_id = app_user_id());
--> statement-breakpoint
CREATE POLICY notification_preferences_system_read ON notification_preferences FOR SELECT USING (app_is_system());
--> statement-breakpoint
-- Live badge: channel `kanso_notifications`, payload the recipient's user id, delivered on COMMIT
-- only (a rolled-back consumer run tells nobody). Also when rows are marked read, so the user's
-- other tabs refresh their count; PostgreSQL folds identical NOTIFYs of one transaction into one.
CREATE FUNCTION notifications_notify() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
BEGIN
  IF NEW.in_app THEN
    PERFORM pg_notify('kanso_notifications', NEW.user_id::text);
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER notifications_notify_insert AFTER INSERT ON notifications
  FOR EACH ROW EXECUTE FUNCTION notifications_notify();
--> statement-breakpoint
CREATE TRIGGER notifications_notify_read AFTER UPDATE OF read_at ON notifications
  FOR EACH ROW WHEN (OLD.read_at IS DISTINCT FROM NEW.read_at) EXECUTE FUNCTION notifications_notify();
