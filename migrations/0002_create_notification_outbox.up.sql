-- The notification outbox of NOTIFY_MODE=outbox (docs/notify.md): a create
-- writes its article and a row here in one statement; articles' dispatcher
-- delivers each row to notify, at least once, and marks it delivered.
CREATE TABLE notification_outbox (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    article_id integer NOT NULL,
    title varchar(255) NOT NULL,
    -- sent as Idempotency-Key, so that notify counts a redelivery once
    idempotency_key uuid NOT NULL DEFAULT gen_random_uuid(),
    -- the create's trace context, which the delivery's span continues
    traceparent text,
    tracestate text,
    created_at timestamptz NOT NULL DEFAULT now(),
    attempts integer NOT NULL DEFAULT 0,
    -- due from then on; a dispatcher that claims a row moves it past its lease
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    delivered_at timestamptz,
    last_error text
);

-- What the dispatchers look for: rows not delivered yet, by due time.
CREATE INDEX notification_outbox_due ON notification_outbox (next_attempt_at, id)
    WHERE delivered_at IS NULL;

-- Wakes the dispatchers (LISTEN notification_outbox) when rows are written;
-- NOTIFY is sent at commit, so a woken dispatcher sees them.
CREATE FUNCTION notification_outbox_wake() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('notification_outbox', '');
    RETURN NULL;
END
$$;

CREATE TRIGGER notification_outbox_wake AFTER INSERT ON notification_outbox
    FOR EACH STATEMENT EXECUTE FUNCTION notification_outbox_wake();
