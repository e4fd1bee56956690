-- Wake the outbox relay as soon as a transaction that wrote events commits: NOTIFY is delivered at
-- commit (never for a rolled-back transaction), once per statement. Channel: users_outbox.
CREATE OR REPLACE FUNCTION "outbox_notify"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('users_outbox', '');
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER "outbox_notify_after_insert"
  AFTER INSERT ON "outbox"
  FOR EACH STATEMENT
  EXECUTE FUNCTION "outbox_notify"();
