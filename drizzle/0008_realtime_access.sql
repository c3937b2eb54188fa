-- The realtime sidecar's access check for many users in one call (PERF-2; ADR 0015).
--
-- The sidecar re-checks its connected users (membership, and which of their joined projects they
-- may see) every 10 s and whenever the workspace's access fingerprint changes, and checks each
-- socket it admits. It did that with one transaction per user: at 10,000 people in a room, 10,000
-- transactions of five statements each. This function does the same checks for a list of users in
-- one call, each one AS THAT USER: for every user it sets app.user_id (and app.workspace_id) and
-- only then reads, so row-level security applies per user exactly as in the per-user transaction
-- (a plpgsql statement sees the settings made by the ones before it). It is SECURITY INVOKER (the
-- default): it can do nothing the caller could not do in those statements. The project rule is
-- `canViewProject`'s (src/server/projects/access.ts): not deleted, and workspace-visible, or the
-- user a workspace owner/admin, or a project member — with RLS applying the same rule underneath.
--
-- p_asks: a JSON array of {"u": <user id>, "p": [<project id>, …]}. Answers one row per user:
-- their role (null: not a member — then no project is visible) and the asked projects they may see.
-- It leaves the transaction scoped to the last user; callers run it in a transaction of its own.
CREATE FUNCTION app_realtime_access(p_workspace_id uuid, p_asks jsonb)
  RETURNS TABLE (user_id uuid, role workspace_role, visible uuid[])
  LANGUAGE plpgsql VOLATILE
  AS $$
#variable_conflict use_column
DECLARE
  ask record;
BEGIN
  FOR ask IN SELECT x.u, coalesce(x.p, '{}') AS p FROM jsonb_to_recordset(p_asks) AS x(u uuid, p uuid[]) LOOP
    -- Membership as the user alone (workspace_members_read: their own rows).
    PERFORM set_config('app.user_id', ask.u::text, true);
    PERFORM set_config('app.workspace_id', '', true);
    user_id := ask.u;
    role := NULL;
    visible := '{}';
    SELECT m.role INTO role FROM workspace_members m WHERE m.workspace_id = p_workspace_id AND m.user_id = ask.u;
    IF role IS NOT NULL AND cardinality(ask.p) > 0 THEN
      -- Projects as the user in the workspace (projects_visible applies).
      PERFORM set_config('app.workspace_id', p_workspace_id::text, true);
      SELECT coalesce(array_agg(p.id), '{}') INTO visible
        FROM projects p
       WHERE p.id = ANY(ask.p)
         AND p.workspace_id = p_workspace_id
         AND p.deleted_at IS NULL
         AND (p.visibility = 'workspace'
              OR role IN ('owner', 'admin')
              OR EXISTS (SELECT 1 FROM project_members pm WHERE pm.project_id = p.id AND pm.user_id = ask.u));
    END IF;
    RETURN NEXT;
  END LOOP;
END
$$;
