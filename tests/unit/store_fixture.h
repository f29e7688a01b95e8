/* store_fixture.h: the backend parameter of the store's unit tests. With
 * REBOUND_TEST_PG unset they run on SQLite files in a temporary directory;
 * with REBOUND_TEST_PG set to the conninfo of a PostgreSQL server's
 * maintenance database (tests/run starts a private one), every fixture
 * gets a new database of its own on that server, dropped afterwards. The
 * same tests run on both: one suite with a backend parameter. Header
 * only, for tests/unit/test_store*.c. */
#ifndef REBOUND_TEST_STORE_FIXTURE_H
#define REBOUND_TEST_STORE_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libpq-fe.h>

/* fixture_pg: the server's maintenance conninfo, or NULL (SQLite). */
static const char *fixture_pg(void)
{
	const char *v = getenv("REBOUND_TEST_PG");

	return v && *v ? v : NULL;
}

/* fixture_pg_exec: run fixed SQL on the maintenance database; 0 ok. */
static int fixture_pg_exec(const char *dbname, const char *sql)
{
	const char *keys[] = { "dbname", "dbname", NULL };
	const char *vals[] = { fixture_pg(), dbname, NULL };
	PGconn *c = PQconnectdbParams(keys, vals, 1);
	PGresult *r;
	int ok;

	if (PQstatus(c) != CONNECTION_OK) {
		fprintf(stderr, "# fixture: %s", PQerrorMessage(c));
		PQfinish(c);
		return -1;
	}
	r = PQexec(c, sql);
	ok = PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK;
	if (!ok)
		fprintf(stderr, "# fixture: %s: %s", sql, PQerrorMessage(c));
	PQclear(r);
	PQfinish(c);
	return ok ? 0 : -1;
}

/* fixture_db_new: a new, empty database: a file path in dir (SQLite) or
 * the conninfo of a new PostgreSQL database, into out; name (len bytes)
 * gets the PostgreSQL database's name ("" on SQLite). 0 ok. */
static int fixture_db_new(const char *dir, char *out, size_t outlen, char *name, size_t len)
{
	static unsigned int seq;
	char sql[128];

	name[0] = '\0';
	if (!fixture_pg()) {
		snprintf(out, outlen, "%s/rebound.db", dir ? dir : ".");
		return 0;
	}
	snprintf(name, len, "rbtest_%ld_%u", (long)getpid(), seq++);
	snprintf(sql, sizeof(sql), "CREATE DATABASE %s", name);
	if (fixture_pg_exec("postgres", sql) != 0)
		return -1;
	snprintf(out, outlen, "%s dbname=%s", fixture_pg(), name);
	return 0;
}

/* fixture_db_drop: drop the PostgreSQL database name (no-op for ""). */
static int fixture_db_drop(const char *name)
{
	char sql[128];

	if (!*name)
		return 0;
	snprintf(sql, sizeof(sql), "DROP DATABASE IF EXISTS %s WITH (FORCE)", name);
	return fixture_pg_exec("postgres", sql);
}

#endif
