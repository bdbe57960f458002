-- The notification outbox of NOTIFY_MODE=outbox (docs/notify.md): a create
-- writes its article and a row here in one statement; articles' dispatchers
-- deliver each row to notify, at least once, and mark it delivered. No
-- trigger NOTIFYs on insert: a transaction that NOTIFYs holds a lock that
-- serialises every such commit, which cost creates most of their rate
-- (measured in docs/notify.md); dispatchers are woken by their own process
-- instead, and NOTIFY each other only when they hand work over.
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
