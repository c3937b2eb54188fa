-- Outbox ids in commit order within a workspace (REL-2, ADR 0011).
--
-- Ids came from the column default (a sequence), taken when the row is inserted; a transaction that
-- took id N could commit after the one that took N+1, and a client whose cursor had reached N+1
-- (`realtime.events` reads id > afterId; `realtime.cursor` is the highest id) never saw N.
--
-- Now a BEFORE INSERT trigger first takes a transaction-scoped advisory lock per workspace, THEN
-- numbers the row. A second writer of the same workspace waits at its outbox insert until the first
-- one's transaction has ended; PostgreSQL makes a commit visible before it releases the
-- transaction's locks, so every id handed out after the lock was granted is higher than every id
-- of the workspace already committed or still to commit. Readers of one workspace therefore never
-- see id N+1 without N. The lock is per workspace (other workspaces do not wait) and is held from
-- the outbox insert to COMMIT: services append their event as the last write of the transaction.
--
-- The column default is dropped: defaults are evaluated before BEFORE triggers, so it must not be
-- what numbers a row — and without it a disabled trigger fails the insert (NOT NULL) instead of
-- silently handing out unordered ids. The sequence stays (owned by the column).
CREATE FUNCTION outbox_events_number() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
BEGIN
  -- Two-key form (class 'kans' = 1801547379, workspace hash): its own lock space, apart from
  -- single-key advisory locks of other tools. A hash collision only makes two workspaces wait on
  -- each other, never breaks the order.
  PERFORM pg_advisory_xact_lock(1801547379, hashtext(NEW.workspace_id::text));
  NEW.id := nextval('public.outbox_events_id_seq'::regclass);
  RETURN NEW;
END
$$;
--> statement-breakpoint
CREATE TRIGGER outbox_events_number BEFORE INSERT ON outbox_events
  FOR EACH ROW EXECUTE FUNCTION outbox_events_number();
--> statement-breakpoint
ALTER TABLE outbox_events ALTER COLUMN id DROP DEFAULT;
