-- Entering a workspace in one statement (PERF-1; ADR 0014).
--
-- A workspace procedure used to send three statements, each waiting for the last: set app.user_id,
-- look the membership up by slug (row-level security lets a user see their own memberships), set
-- app.workspace_id. This function does the same three steps, in that order, in one call — so the
-- lookup is guaranteed to see the user setting, which one SELECT with both set_config calls would
-- not guarantee (PostgreSQL does not promise when a policy is evaluated relative to the select
-- list). It is SECURITY INVOKER (the default): it runs as the caller, under the caller's row-level
-- security, and can do nothing the caller could not do in three statements.
--
-- Answers the membership (one row) and leaves the transaction scoped to the workspace, or answers
-- no row and leaves it scoped to the user alone (app.workspace_id = '').
CREATE FUNCTION app_enter_workspace(p_user_id uuid, p_slug text)
  RETURNS TABLE (id uuid, slug text, name text, role workspace_role)
  LANGUAGE plpgsql VOLATILE
  AS $$
#variable_conflict use_column
BEGIN
  PERFORM set_config('app.user_id', coalesce(p_user_id::text, ''), true);
  PERFORM set_config('app.workspace_id', '', true);
  SELECT w.id, w.slug, w.name, m.role INTO id, slug, name, role
    FROM workspaces w
    JOIN workspace_members m ON m.workspace_id = w.id AND m.user_id = p_user_id
   WHERE w.slug = p_slug;
  IF FOUND THEN
    PERFORM set_config('app.workspace_id', id::text, true);
    RETURN NEXT;
  END IF;
END
$$;
