-- make bench's scale: articles' SELECT by id (articles/store.c), as pgbench runs it (with chr(58) for
-- the colons of the timestamp format, which pgbench would take for variables).
\set id random(1, :max_id)
SELECT id, title, body,
    to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24' || chr(58) || 'MI' || chr(58) || 'SS.US"Z"'),
    to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24' || chr(58) || 'MI' || chr(58) || 'SS.US"Z"')
  FROM articles WHERE id = :id;
