/* store_fixture.h: the backend parameter of the store's unit tests. With
 * REBOUND_TEST_PG unset they run on SQLite files in a temporary directory;
 * with REBOUND_TEST_PG set to the conninfo of a PostgreSQL server's
 * maintenance database (tests/run starts a private one), every fixture
 * gets a new database of its own on that server, dropped afterwards. The
 * same tests run on both: one suite with a backend parameter. Also the
 * one setup and teardown of a test's store (struct store_fixture). Header
 * only, for tests/unit/test_store*.c and test_hooks.c. */
#ifndef REBOUND_TEST_STORE_FIXTURE_H
#define REBOUND_TEST_STORE_FIXTURE_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libpq-fe.h>

#include "policy.h"
#include "store.h"

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

/* struct store_fixture: one test's store on the run's backend. */
struct store_fixture {
	char dir[64];      /* a temporary directory of the test's own (the SQLite file, other files) */
	char path[512];    /* the database: dir/rebound.db, or the PostgreSQL database's conninfo */
	char pgname[64];   /* the PostgreSQL database, dropped afterwards; "" on SQLite */
	struct store *st;  /* open on path, created */
	struct policy pol; /* the documented defaults */
};

/* fixture_open: fill fx (zeroed) with a new store; fails the test when it
 * cannot. */
static inline void fixture_open(struct store_fixture *fx)
{
	char err[256] = "";

	snprintf(fx->dir, sizeof(fx->dir), "/tmp/rebound-test-store.XXXXXX");
	assert_non_null(mkdtemp(fx->dir));
	if (fixture_db_new(fx->dir, fx->path, sizeof(fx->path), fx->pgname, sizeof(fx->pgname)) != 0)
		fail_msg("cannot make a database");
	if (store_open(fx->path, 5, STORE_CREATE, &fx->st, err, sizeof(err)) != STORE_OK)
		fail_msg("store_open: %s", err);
	policy_defaults(&fx->pol);
}

/* fixture_close: close fx's store, drop its database and remove its
 * directory; -1 when something is left behind. */
static inline int fixture_close(struct store_fixture *fx)
{
	char cmd[200];

	store_close(fx->st);
	fx->st = NULL;
	if (fixture_db_drop(fx->pgname) != 0)
		return -1;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", fx->dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* fixture_setup, fixture_teardown: the cmocka setup and teardown of a
 * test with one store: *state is a struct store_fixture (calloc'd here,
 * freed by fixture_teardown). */
static inline int fixture_setup(void **state)
{
	struct store_fixture *fx = calloc(1, sizeof(*fx));

	assert_non_null(fx);
	fixture_open(fx);
	*state = fx;
	return 0;
}

static inline int fixture_teardown(void **state)
{
	struct store_fixture *fx = *state;
	int rc = fixture_close(fx);

	free(fx);
	return rc;
}

/* fixture_record: record a bounce of class cls ("hard": 5.1.1, else
 * 4.2.2) and reason for rcpt at when, with the fixture's policy; its
 * effect. queue_id "" for none. */
static inline enum store_effect fixture_record(struct store_fixture *fx, const char *rcpt, const char *cls,
					       const char *reason, time_t when, int verified, const char *queue_id)
{
	struct store_bounce b = {
		.received_at = when, .recipient = rcpt, .verified = verified,
		.return_path = "bounces+x@bounce.example.org", .queue_id = queue_id, .kind = "dsn",
		.action = "failed", .status = !strcmp(cls, "hard") ? "5.1.1" : "4.2.2", .reason = reason,
		.class_name = cls, .permanent = !strcmp(cls, "hard"), .diagnostic = "550 no such user",
	};
	enum store_effect e = (enum store_effect)-1;
	char err[256] = "";

	if (store_bounce_record(fx->st, &b, &fx->pol, &e, err, sizeof(err)) != STORE_OK)
		fail_msg("store_bounce_record: %s", err);
	return e;
}

/* fixture_copy: a second, new store of fx's backend (*dst) holding a
 * store_copy of fx's (*res); every table holds as many rows as were
 * copied into it. name (64 bytes): the copy's PostgreSQL database, ""
 * on SQLite: the caller store_closes *dst, then fixture_db_drop(name). */
static inline void fixture_copy(struct store_fixture *fx, struct store **dst, char *name,
				struct store_copy_result *res)
{
	char path[600], err[256] = "";

	assert_int_equal(fixture_db_new(fx->dir, path, sizeof(path), name, 64), 0);
	if (!*name)
		snprintf(path, sizeof(path), "%s/copy.db", fx->dir);
	assert_int_equal(store_open(path, 5, STORE_CREATE, dst, err, sizeof(err)), STORE_OK);
	if (store_copy(fx->st, *dst, res, err, sizeof(err)) != STORE_OK)
		fail_msg("store_copy: %s", err);
	for (int t = 0; t < STORE_COPY_NTABLES; t++)
		assert_int_equal(res->rows[t], res->target[t]);
}

#endif
