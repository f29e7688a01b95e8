/* store_schema.h: the schema migrations compiled into the SQLite store
 * (lib/store_schema.c), copies of schema/NNNN-*.sql. Private to
 * lib/store_sqlite.c and its tests. */
#ifndef REBOUND_STORE_SCHEMA_H
#define REBOUND_STORE_SCHEMA_H

#include <stddef.h>

struct store_migration {
	int version;      /* PRAGMA user_version after it */
	const char *file; /* schema/NNNN-name.sql */
	const char *sql;
};

extern const struct store_migration store_migrations[];
extern const size_t store_nmigrations;

#endif
