/*
 * Schema migrations: migrations/NNNN_name.up.sql and .down.sql, applied in
 * order, each in its own transaction, recorded in schema_migrations, under a
 * PostgreSQL advisory lock so that instances starting together take turns.
 */
#ifndef ARTICLES_MIGRATE_H
#define ARTICLES_MIGRATE_H

/* Runs command ("up", "down" or "status") against conninfo with the files in
 * dir, reporting on stdout/stderr. Returns the process exit code. */
int articles_migrate(const char *conninfo, const char *dir, const char *command);

#endif
