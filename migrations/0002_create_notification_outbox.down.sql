DROP TABLE notification_outbox;
DROP FUNCTION notification_outbox_wake();
