/* store_schema.h: the schema migrations compiled into the stores
 * (lib/store_schema.c): copies of schema/NNNN-*.sql for SQLite and of
 * schema/pgsql/NNNN-*.sql for PostgreSQL, the same versions in both.
 * Private to lib/store_sqlite.c, lib/store_pgsql.c and their tests. */
#ifndef REBOUND_STORE_SCHEMA_H
#define REBOUND_STORE_SCHEMA_H

#include <stddef.h>

struct store_migration {
	int version;      /* PRAGMA user_version (SQLite) or schema_version row after it */
	const char *file; /* schema/NNNN-name.sql */
	const char *sql;
};

extern const struct store_migration store_migrations[];
extern const size_t store_nmigrations;
extern const struct store_migration store_pgsql_migrations[];
extern const size_t store_pgsql_nmigrations;

#endif
