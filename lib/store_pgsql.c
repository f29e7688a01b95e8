/* store_pgsql.c: the store (store.h) on PostgreSQL through libpq, for
 * several hosts sharing one store. Every statement is sent with its
 * parameters bound (PQsendQueryParams: the unnamed prepared statement, so
 * that a pooler such as pgbouncer in transaction mode may stand between),
 * and waited for with a deadline of database_timeout: a server that is
 * down, unreachable, read-only (a hot standby) or slower than that is
 * STORE_TEMPFAIL. The policy update takes the recipient's row lock (SELECT
 * ... FOR UPDATE) so that writers on many hosts neither lose an update nor
 * count a bounce twice; a serialisation failure or deadlock is retried a
 * few times inside calls that own their transaction, and reported through
 * store_conflict() to callers that own it. Schema migrations
 * (lib/store_schema.c, copies of schema/pgsql/) run under a
 * transaction-scoped advisory lock, so hosts may open the store at once.
 * One handle per thread. */
#include "store_backend.h"
#include "store_schema.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libpq-fe.h>

#define DAY 86400L
/* Calls that own their transaction run it again this often on a conflict. */
#define CONFLICT_RETRIES 5
/* Rows deleted per transaction by store_purge. */
#define PURGE_BATCH 5000
#define STR_(x) #x
#define STR(x) STR_(x)
/* The advisory lock key of schema migrations ("rebound" + issue 15). */
#define MIGRATE_LOCK_KEY "7240115000000015"

/* A time column as store.h's ISO text, in UTC. */
#define ISO(c) "to_char((" c ") AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"
#define ISO_OR_EMPTY(c) "coalesce(" ISO(c) ", '')"

#define BOUNCE_COLUMNS \
	"id, " ISO("received_at") ", recipient, verified::int, return_path, queue_id, message_token, kind, " \
	"action, status, smtp_code, reason, class, permanent::int, diagnostic, remote_mta, reporting_mta, " \
	"original_message_id, original_envelope_id, effect, list"
/* since is always bound ('-infinity' for all): a range on the index */
#define LIST_FILTER \
	"received_at >= $1::timestamptz AND ($2::text IS NULL OR class = $2::text) " \
	"AND ($3::text IS NULL OR reason = $3::text) AND ($6::text IS NULL OR list = $6::text)"
#define EVENT_COLUMNS \
	"id, " ISO("created_at") ", type, address, lists, cause, reason, status, class, coalesce(bounce_id, 0), " \
	"hook_state, hook_attempts, " ISO("hook_next_at") ", hook_note"
/* Lists named in one event at most. */
#define EVENT_LISTS_MAX 20
/* The advisory lock that gives event ids in commit order. */
#define EVENTS_LOCK_KEY "7240115000000016"
#define RCPT_COLUMNS \
	"address, state, hard_bounces, soft_bounces, complaints, " ISO_OR_EMPTY("first_bounce_at") ", " \
	ISO_OR_EMPTY("last_bounce_at") ", " ISO_OR_EMPTY("suppressed_at") ", coalesce(suppressed_reason, '')"

struct pg_store {
	struct store base; /* first: lib/store.c sees this */
	PGconn *conn;
	char *conninfo;
	int flags;
	long timeout_ms;
	struct timespec deadline; /* of the current call */
	int in_tx;                /* a transaction is open */
	int conflict;             /* the last failure was 40001 or 40P01 */
	int broke;                /* the last failure was a broken connection */
	int empty;                /* read-only open of a database with no schema yet */
	time_t (*clock)(void);
	struct verp_map map;
};

static const struct store_ops pg_ops;
static void pg_close(struct store *base);
static void pg_rollback(struct store *base);

static struct pg_store *pg(struct store *base)
{
	return (struct pg_store *)base;
}

static time_t clock_default(void)
{
	return time(NULL);
}

/* arm: the deadline of one store call, database_timeout from now. */
static void arm(struct pg_store *st)
{
	clock_gettime(CLOCK_MONOTONIC, &st->deadline);
	st->deadline.tv_sec += st->timeout_ms / 1000;
	st->deadline.tv_nsec += (st->timeout_ms % 1000) * 1000000L;
	if (st->deadline.tv_nsec >= 1000000000L) {
		st->deadline.tv_sec++;
		st->deadline.tv_nsec -= 1000000000L;
	}
}

/* left_ms: milliseconds to the deadline (0 when past). */
static int left_ms(const struct pg_store *st)
{
	struct timespec now;
	long ms;

	clock_gettime(CLOCK_MONOTONIC, &now);
	ms = (st->deadline.tv_sec - now.tv_sec) * 1000 + (st->deadline.tv_nsec - now.tv_nsec) / 1000000;
	return ms < 0 ? 0 : ms > 3600000 ? 3600000 : (int)ms;
}

/* wait_socket: until the connection's socket is readable (or writable),
 * or the deadline. 1 ready, 0 timed out, -1 error. */
static int wait_socket(struct pg_store *st, int writable)
{
	struct pollfd pfd = { .fd = PQsocket(st->conn), .events = writable ? POLLOUT : POLLIN };

	if (pfd.fd < 0)
		return -1;
	for (;;) {
		int ms = left_ms(st), rc;

		if (ms == 0)
			return 0;
		rc = poll(&pfd, 1, ms);
		if (rc > 0)
			return 1;
		if (rc == 0)
			return 0;
		if (errno != EINTR)
			return -1;
	}
}

/* one_line: libpq's message without its trailing newline. */
static void one_line(char *err, size_t errlen, const char *what, const char *msg)
{
	size_t n;

	store_err(err, errlen, "%s: %s", what, msg && *msg ? msg : "PostgreSQL error");
	if (err && (n = strlen(err)) > 0) {
		while (n > 0 && (err[n - 1] == '\n' || err[n - 1] == ' '))
			err[--n] = '\0';
		for (char *p = err; *p; p++)
			if (*p == '\n' || *p == '\t')
				*p = ' ';
	}
}

/* status_of_sqlstate: what a server error means for the caller. Temporary:
 * connection (08), conflicts (40), resources (53), operator intervention
 * and cancels (57), system errors (58), read-only transaction (25006, a
 * hot standby), lock not available (55P03). */
static enum store_status status_of_sqlstate(const char *state)
{
	if (!state || strlen(state) != 5)
		return STORE_TEMPFAIL; /* no answer at all: the connection broke */
	if (!strncmp(state, "08", 2) || !strncmp(state, "40", 2) || !strncmp(state, "53", 2) ||
	    !strncmp(state, "57", 2) || !strncmp(state, "58", 2) || !strcmp(state, "25006") ||
	    !strcmp(state, "55P03") || !strcmp(state, "25P02"))
		return STORE_TEMPFAIL;
	return STORE_ERROR;
}

/* drop_conn: forget a connection in an unknown state (timed out, broken). */
static void drop_conn(struct pg_store *st)
{
	if (st->conn)
		PQfinish(st->conn);
	st->conn = NULL;
	st->in_tx = 0;
}

/* connect_now: a new connection, waited for until the deadline. */
static enum store_status connect_now(struct pg_store *st, char *err, size_t errlen)
{
	const char *keys[] = { "dbname", "fallback_application_name", NULL };
	const char *vals[] = { st->conninfo, "rebound", NULL };
	PostgresPollingStatusType ps = PGRES_POLLING_WRITING;

	drop_conn(st);
	if (!(st->conn = PQconnectStartParams(keys, vals, 1))) {
		store_err(err, errlen, "PostgreSQL: out of memory");
		return STORE_TEMPFAIL;
	}
	if (PQstatus(st->conn) == CONNECTION_BAD)
		goto bad;
	while (ps != PGRES_POLLING_OK) {
		int rc;

		if (ps == PGRES_POLLING_FAILED)
			goto bad;
		rc = wait_socket(st, ps == PGRES_POLLING_WRITING);
		if (rc == 0) {
			store_err(err, errlen, "PostgreSQL: no connection within %ld s", st->timeout_ms / 1000);
			drop_conn(st);
			return STORE_TEMPFAIL;
		}
		if (rc < 0)
			goto bad;
		ps = PQconnectPoll(st->conn);
	}
	if (PQsetnonblocking(st->conn, 1) != 0)
		goto bad;
	return STORE_OK;
bad:
	one_line(err, errlen, "PostgreSQL connection", PQerrorMessage(st->conn));
	drop_conn(st);
	/* down, unreachable, refused, too many clients, login refused: the
	 * mail waits in Postfix's queue until it is mended */
	return STORE_TEMPFAIL;
}

/* run: send sql (n parameters, text; n < 0: several statements, no
 * parameters) and wait for its result until the deadline. *out gets the
 * last result (PQclear it) when not NULL. */
static enum store_status run_once(struct pg_store *st, const char *what, const char *sql, int n,
				  const char *const *params, PGresult **out, int *fresh, char *err, size_t errlen)
{
	PGresult *res, *last = NULL, *bad = NULL;
	enum store_status status = STORE_OK;
	int sent, rc;

	if (out)
		*out = NULL;
	st->conflict = 0;
	st->broke = 0;
	*fresh = 0;
	if (!st->conn || PQstatus(st->conn) != CONNECTION_OK) {
		if (st->in_tx) {
			drop_conn(st);
			store_err(err, errlen, "%s: the connection to PostgreSQL broke", what);
			return STORE_TEMPFAIL;
		}
		if ((status = connect_now(st, err, errlen)) != STORE_OK)
			return status;
		*fresh = 1;
	}
	sent = n < 0 ? PQsendQuery(st->conn, sql)
		     : PQsendQueryParams(st->conn, sql, n, NULL, params, NULL, NULL, 0);
	if (!sent)
		goto broken;
	while ((rc = PQflush(st->conn)) == 1)
		if (wait_socket(st, 1) <= 0)
			goto timeout;
	if (rc < 0)
		goto broken;
	for (;;) {
		while (PQisBusy(st->conn)) {
			if ((rc = wait_socket(st, 0)) == 0)
				goto timeout;
			if (rc < 0 || !PQconsumeInput(st->conn))
				goto broken;
		}
		if (!(res = PQgetResult(st->conn)))
			break;
		switch (PQresultStatus(res)) {
		case PGRES_COMMAND_OK:
		case PGRES_TUPLES_OK:
			PQclear(last);
			last = res;
			break;
		default:
			if (!bad)
				bad = res;
			else
				PQclear(res);
		}
	}
	if (bad) {
		const char *state = PQresultErrorField(bad, PG_DIAG_SQLSTATE);

		status = status_of_sqlstate(state);
		st->conflict = state && (!strcmp(state, "40001") || !strcmp(state, "40P01"));
		one_line(err, errlen, what, PQresultErrorMessage(bad));
		PQclear(bad);
		PQclear(last);
		if (PQstatus(st->conn) != CONNECTION_OK) {
			st->broke = 1; /* e.g. 57P01: the server was restarted */
			drop_conn(st);
		}
		return status;
	}
	if (out)
		*out = last;
	else
		PQclear(last);
	return STORE_OK;
timeout: {
	PGcancel *c = PQgetCancel(st->conn);
	char buf[256];

	/* the server may still be working on it: cancel, and never reuse a
	 * connection in an unknown state */
	if (c) {
		PQcancel(c, buf, sizeof(buf));
		PQfreeCancel(c);
	}
	PQclear(last);
	PQclear(bad);
	drop_conn(st);
	store_err(err, errlen, "%s: PostgreSQL did not answer within %ld s (database_timeout)", what,
		  st->timeout_ms / 1000);
	return STORE_TEMPFAIL;
}
broken:
	PQclear(last);
	PQclear(bad);
	one_line(err, errlen, what, PQerrorMessage(st->conn));
	st->broke = 1;
	drop_conn(st);
	return STORE_TEMPFAIL;
}

/* run: run_once, and once more on a new connection when a kept one (the
 * milter's, a pooled handle) turns out broken outside a transaction: the
 * server was restarted since. Every statement run outside a transaction
 * is a read, BEGIN or an idempotent upsert or delete, so a second try
 * never records anything twice. */
static enum store_status run(struct pg_store *st, const char *what, const char *sql, int n,
			     const char *const *params, PGresult **out, char *err, size_t errlen)
{
	int fresh, in_tx = st->in_tx;
	enum store_status status = run_once(st, what, sql, n, params, out, &fresh, err, errlen);

	if (status == STORE_TEMPFAIL && st->broke && !fresh && !in_tx)
		status = run_once(st, what, sql, n, params, out, &fresh, err, errlen);
	return status;
}

/* run1: run, expecting one value (row 0, column 0) into buf ("" and
 * *found 0 when no row). */
static enum store_status run1(struct pg_store *st, const char *what, const char *sql, int n,
			      const char *const *params, char *buf, size_t len, int *found, char *err, size_t errlen)
{
	PGresult *res;
	enum store_status status = run(st, what, sql, n, params, &res, err, errlen);

	if (found)
		*found = 0;
	if (buf && len)
		buf[0] = '\0';
	if (status != STORE_OK)
		return status;
	if (PQntuples(res) > 0 && PQnfields(res) > 0) {
		if (found)
			*found = 1;
		if (buf && len)
			snprintf(buf, len, "%s", PQgetvalue(res, 0, 0));
	}
	PQclear(res);
	return STORE_OK;
}

/* migrate: bring the schema to STORE_SCHEMA_VERSION in one transaction
 * under the advisory lock; a second host waits on the lock, then finds it
 * done. *version: the version found before. */
static enum store_status migrate(struct pg_store *st, long *version, char *err, size_t errlen)
{
	enum store_status status;
	char buf[32];
	int found;

	if ((status = run(st, "begin", "BEGIN", 0, NULL, NULL, err, errlen)) != STORE_OK)
		return status;
	st->in_tx = 1;
	if ((status = run(st, "migration lock", "SELECT pg_advisory_xact_lock(" MIGRATE_LOCK_KEY ")", 0, NULL, NULL,
			  err, errlen)) != STORE_OK)
		goto rollback;
	if ((status = run1(st, "schema version", "SELECT to_regclass('schema_version') IS NOT NULL", 0, NULL, buf,
			   sizeof(buf), &found, err, errlen)) != STORE_OK)
		goto rollback;
	*version = 0;
	if (!strcmp(buf, "t")) {
		if ((status = run1(st, "schema version", "SELECT coalesce(max(version), 0) FROM schema_version", 0,
				   NULL, buf, sizeof(buf), &found, err, errlen)) != STORE_OK)
			goto rollback;
		*version = atol(buf);
	}
	if (*version > STORE_SCHEMA_VERSION) {
		store_err(err, errlen, "database schema version %ld is newer than this program's (%d)", *version,
			  STORE_SCHEMA_VERSION);
		status = STORE_ERROR;
		goto rollback;
	}
	for (size_t i = 0; i < store_pgsql_nmigrations; i++) {
		const struct store_migration *m = &store_pgsql_migrations[i];
		char v[16];
		const char *p[] = { v };

		if (m->version <= *version)
			continue;
		if ((status = run(st, m->file, m->sql, -1, NULL, NULL, err, errlen)) != STORE_OK)
			goto rollback;
		snprintf(v, sizeof(v), "%d", m->version);
		if ((status = run(st, "schema version", "INSERT INTO schema_version (version) VALUES ($1::int)", 1, p,
				  NULL, err, errlen)) != STORE_OK)
			goto rollback;
	}
	if ((status = run(st, "commit", "COMMIT", 0, NULL, NULL, err, errlen)) != STORE_OK)
		goto rollback;
	st->in_tx = 0;
	return STORE_OK;
rollback:
	pg_rollback(&st->base);
	return status;
}

/* schema_version: the version of the database's schema, 0 if none. One
 * round trip when the schema is there. */
static enum store_status schema_version(struct pg_store *st, long *version, char *err, size_t errlen)
{
	PGresult *res;
	enum store_status status;

	*version = 0;
	status = run(st, "schema version", "SELECT coalesce(max(version), 0) FROM schema_version", 0, NULL, &res,
		     err, errlen);
	if (status == STORE_OK) {
		if (PQntuples(res) == 1)
			*version = atol(PQgetvalue(res, 0, 0));
		PQclear(res);
		return STORE_OK;
	}
	/* undefined_table: a database with no schema yet */
	if (st->conn && strstr(err ? err : "", "schema_version") && strstr(err ? err : "", "does not exist"))
		return STORE_OK;
	return status;
}

enum store_status store_pgsql_open(const char *conninfo, long timeout_seconds, int flags, struct store **out,
				   char *err, size_t errlen)
{
	struct pg_store *st;
	enum store_status status;
	long version = 0;
	char redacted[512];

	*out = NULL;
	if (!(st = calloc(1, sizeof(*st))) || !(st->conninfo = strdup(conninfo))) {
		free(st);
		store_err(err, errlen, "out of memory");
		return STORE_TEMPFAIL;
	}
	st->base.ops = &pg_ops;
	st->flags = flags;
	st->clock = clock_default;
	st->timeout_ms = timeout_seconds < 1 ? 1000 : timeout_seconds > 3600 ? 3600000 : timeout_seconds * 1000;
	arm(st);
	if ((status = connect_now(st, err, errlen)) != STORE_OK)
		goto fail;
	if ((status = schema_version(st, &version, err, errlen)) != STORE_OK)
		goto fail;
	if (flags & STORE_READONLY) {
		if (version == 0) {
			st->empty = 1; /* never migrated: nothing in it */
		} else if (version != STORE_SCHEMA_VERSION) {
			store_err(err, errlen, "%s: schema version %ld, this program reads version %d%s",
				  store_redact(conninfo, redacted, sizeof(redacted)), version, STORE_SCHEMA_VERSION,
				  version < STORE_SCHEMA_VERSION ? " (rebound init migrates it)" : "");
			status = STORE_ERROR;
			goto fail;
		}
	} else if (version != STORE_SCHEMA_VERSION) {
		if (version > STORE_SCHEMA_VERSION) {
			store_err(err, errlen, "database schema version %ld is newer than this program's (%d)",
				  version, STORE_SCHEMA_VERSION);
			status = STORE_ERROR;
			goto fail;
		}
		if ((status = migrate(st, &version, err, errlen)) != STORE_OK)
			goto fail;
	}
	*out = &st->base;
	return STORE_OK;
fail:
	pg_close(&st->base);
	return status;
}

static void pg_close(struct store *base)
{
	struct pg_store *st = pg(base);

	if (!st)
		return;
	drop_conn(st);
	free(st->conninfo);
	free(st);
}

static void pg_set_clock(struct store *base, time_t (*clock)(void))
{
	pg(base)->clock = clock ? clock : clock_default;
}

static enum store_status pg_begin(struct store *base, char *err, size_t errlen)
{
	struct pg_store *st = pg(base);
	enum store_status status;

	if (st->in_tx) {
		store_err(err, errlen, "cannot start a transaction within a transaction");
		return STORE_ERROR;
	}
	arm(st);
	if ((status = run(st, "begin", "BEGIN", 0, NULL, NULL, err, errlen)) == STORE_OK)
		st->in_tx = 1;
	return status;
}

static enum store_status pg_commit(struct store *base, char *err, size_t errlen)
{
	struct pg_store *st = pg(base);
	enum store_status status;

	arm(st);
	status = run(st, "commit", "COMMIT", 0, NULL, NULL, err, errlen);
	if (status != STORE_OK) {
		int conflict = st->conflict;

		pg_rollback(base);
		st->conflict = conflict;
		return status;
	}
	st->in_tx = 0;
	return STORE_OK;
}

static void pg_rollback(struct store *base)
{
	struct pg_store *st = pg(base);

	if (!st || !st->in_tx)
		return;
	st->in_tx = 0;
	if (st->conn && PQstatus(st->conn) == CONNECTION_OK) {
		arm(st);
		if (run(st, "rollback", "ROLLBACK", 0, NULL, NULL, NULL, 0) != STORE_OK)
			drop_conn(st);
	}
}

static int pg_conflict(struct store *base)
{
	return pg(base)->conflict;
}

static enum store_status writable(const struct pg_store *st, char *err, size_t errlen)
{
	if (st->flags & STORE_READONLY) {
		store_err(err, errlen, "database opened read-only");
		return STORE_ERROR;
	}
	return STORE_OK;
}

/* tx_open/tx_close: a transaction of the call's own unless the caller
 * holds one. */
static enum store_status tx_open(struct pg_store *st, int *own, char *err, size_t errlen)
{
	*own = !st->in_tx;
	return *own ? pg_begin(&st->base, err, errlen) : STORE_OK;
}

static enum store_status tx_close(struct pg_store *st, int own, enum store_status status, char *err,
				  size_t errlen)
{
	if (!own)
		return status;
	if (status == STORE_OK)
		return pg_commit(&st->base, err, errlen);
	{
		int conflict = st->conflict;

		pg_rollback(&st->base);
		st->conflict = conflict;
	}
	return status;
}

/* iso: t as ISO text into buf. */
static const char *iso(time_t t, char buf[STORE_TIME_MAX])
{
	return store_time_format(t, buf);
}

/* pg_policy_row: store_ops.policy_row; the recipient's row lock is held
 * from the read of its state to the commit: a second writer for the same
 * address (another host's pipe) waits, then reads what this one wrote. */
static enum store_status pg_policy_row(struct store *base, const char *address, time_t at, char *state, time_t *since,
				       char *err, size_t errlen)
{
	struct pg_store *st = pg(base);
	char when[STORE_TIME_MAX];
	const char *params[] = { address, iso(at, when) };
	enum store_status status;
	PGresult *res;

	state[0] = '\0';
	*since = 0;
	if ((status = run(st, "recipient insert",
			  "INSERT INTO recipients (address, first_bounce_at, last_bounce_at) "
			  "VALUES ($1::citext, $2::timestamptz, $2::timestamptz) ON CONFLICT (address) DO NOTHING",
			  2, params, NULL, err, errlen)) != STORE_OK)
		return status;
	if ((status = run(st, "recipient state",
			  "SELECT state, coalesce(extract(epoch FROM counted_since)::bigint, 0) FROM recipients "
			  "WHERE address = $1::citext FOR UPDATE",
			  1, params, &res, err, errlen)) != STORE_OK)
		return status;
	if (PQntuples(res) != 1) {
		PQclear(res);
		store_err(err, errlen, "recipient state: the row of %s is missing", address);
		return STORE_ERROR;
	}
	snprintf(state, 16, "%s", PQgetvalue(res, 0, 0));
	*since = (time_t)atoll(PQgetvalue(res, 0, 1));
	PQclear(res);
	return STORE_OK;
}

/* pg_policy_soft_times: store_ops.policy_soft_times; under the row lock. */
static enum store_status pg_policy_soft_times(struct store *base, const char *address, time_t from, time_t *times,
					      size_t max, size_t *n, char *err, size_t errlen)
{
	struct pg_store *st = pg(base);
	char since[STORE_TIME_MAX], limit[24];
	const char *params[] = { address, iso(from, since), limit };
	enum store_status status;
	PGresult *res;

	*n = 0;
	snprintf(limit, sizeof(limit), "%zu", max);
	if ((status = run(st, "soft bounce history",
			  "SELECT extract(epoch FROM received_at)::bigint FROM bounces "
			  "WHERE recipient = $1::citext AND verified AND class = 'soft' "
			  "AND effect IN ('counted', 'suppressed', 'already-suppressed') "
			  "AND received_at >= $2::timestamptz ORDER BY received_at DESC LIMIT $3::bigint",
			  3, params, &res, err, errlen)) != STORE_OK)
		return status;
	for (int i = 0; i < PQntuples(res) && *n < max; i++)
		times[(*n)++] = (time_t)atoll(PQgetvalue(res, i, 0));
	PQclear(res);
	return STORE_OK;
}

/* pg_policy_count: store_ops.policy_count. */
static enum store_status pg_policy_count(struct store *base, const char *address, int hard, int complaint, long soft,
					 time_t at, char *err, size_t errlen)
{
	char when[STORE_TIME_MAX], h[24], c[24], sb[24];
	const char *params[] = { address, h, c, soft >= 0 ? sb : NULL, iso(at, when) };

	snprintf(h, sizeof(h), "%d", hard);
	snprintf(c, sizeof(c), "%d", complaint);
	snprintf(sb, sizeof(sb), "%ld", soft);
	return run(pg(base), "recipient update",
		   "UPDATE recipients SET hard_bounces = hard_bounces + $2::int, "
		   "complaints = complaints + $3::int, soft_bounces = coalesce($4::int, soft_bounces), "
		   "first_bounce_at = least(coalesce(first_bounce_at, $5::timestamptz), $5::timestamptz), "
		   "last_bounce_at = greatest(coalesce(last_bounce_at, $5::timestamptz), $5::timestamptz) "
		   "WHERE address = $1::citext",
		   5, params, NULL, err, errlen);
}

/* pg_policy_suppress: store_ops.policy_suppress. */
static enum store_status pg_policy_suppress(struct store *base, const char *address, time_t at, const char *reason,
					    char *err, size_t errlen)
{
	char when[STORE_TIME_MAX];
	const char *params[] = { address, iso(at, when), reason };

	return run(pg(base), "suppress",
		   "UPDATE recipients SET state = 'suppressed', suppressed_at = $2::timestamptz, "
		   "suppressed_reason = $3::text WHERE address = $1::citext AND state = 'active'",
		   3, params, NULL, err, errlen);
}

/* pg_bounce_duplicate: store_ops.bounce_duplicate. */
static enum store_status pg_bounce_duplicate(struct store *base, const struct store_bounce *b, int *dup, char *err,
					     size_t errlen)
{
	struct pg_store *st = pg(base);
	char since[STORE_TIME_MAX];
	const char *params[] = { b->queue_id, b->return_path ? b->return_path : "", b->recipient,
				 iso(b->received_at - DAY, since) };

	enum store_status status;

	*dup = 0;
	if (!b->queue_id || !*b->queue_id)
		return STORE_OK;
	/* one writer at a time per delivery, to the end of its transaction:
	 * a second copy of it (another host, a redelivery) then sees the
	 * first once committed */
	if ((status = run(st, "duplicate lock",
			  "SELECT pg_advisory_xact_lock(hashtextextended($1::text || ' ' || $2::text || ' ' || "
			  "lower($3::text), 15))",
			  3, params, NULL, err, errlen)) != STORE_OK)
		return status;
	return run1(st, "duplicate check",
		    "SELECT 1 FROM bounces WHERE queue_id = $1::text AND return_path = $2::text "
		    "AND recipient = $3::citext AND received_at >= $4::timestamptz LIMIT 1",
		    4, params, NULL, 0, dup, err, errlen);
}

/* pg_bounce_insert: store_ops.bounce_insert. */
static enum store_status pg_bounce_insert(struct store *base, const struct store_bounce *b, enum store_effect effect,
					  const char *list, long long *id, char *err, size_t errlen)
{
	char when[STORE_TIME_MAX], buf[24];
	enum store_status status;
#define S(x) ((x) ? (x) : "")
	const char *params[] = {
		iso(b->received_at, when), b->recipient, b->verified ? "1" : "0", S(b->return_path), S(b->queue_id),
		S(b->message_token), S(b->kind), S(b->action), S(b->status), S(b->smtp_code), S(b->reason),
		S(b->class_name), b->permanent ? "1" : "0", S(b->diagnostic), S(b->remote_mta), S(b->reporting_mta),
		S(b->original_message_id), S(b->original_envelope_id), store_effect_name(effect), list,
	};
#undef S

	status = run1(pg(base), "bounce insert",
		      "INSERT INTO bounces (received_at, recipient, verified, return_path, queue_id, message_token, "
		      "kind, action, status, smtp_code, reason, class, permanent, diagnostic, remote_mta, "
		      "reporting_mta, original_message_id, original_envelope_id, effect, list) VALUES "
		      "($1::timestamptz, $2::citext, $3::boolean, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13::boolean, "
		      "$14, $15, $16, $17, $18, $19, $20) RETURNING id",
		      20, params, buf, sizeof(buf), NULL, err, errlen);
	if (status == STORE_OK)
		*id = atoll(buf);
	return status;
}

/* pg_bounce_list: store_ops.bounce_list: the list of b's message
 * (message mode), else the list that most recently mailed its recipient
 * (recipient mode). */
static enum store_status pg_bounce_list(struct store *base, const struct store_bounce *b, char *list, char *err,
					size_t errlen)
{
	struct pg_store *st = pg(base);
	const char *params[1];

	list[0] = '\0';
	if (b->message_token && *b->message_token) {
		params[0] = b->message_token;
		return run1(st, "bounce list", "SELECT list FROM messages WHERE token = $1::text", 1, params, list,
			    STORE_LIST_MAX + 1, NULL, err, errlen);
	}
	if (!*b->recipient)
		return STORE_OK;
	params[0] = b->recipient;
	return run1(st, "bounce list",
		    "SELECT list FROM list_recipients WHERE recipient = $1::citext "
		    "ORDER BY last_sent_at DESC, list COLLATE \"C\" LIMIT 1",
		    1, params, list, STORE_LIST_MAX + 1, NULL, err, errlen);
}

/* event_insert: one row of events; lists NULL: computed from the
 * attribution of address, with list (the bounce's, "" for none) first.
 * Under the events lock to the commit: ids are taken in commit order, so
 * that `rebound events --after ID` never misses a row committed late. */
static enum store_status event_insert(struct pg_store *st, time_t at, const char *type, const char *address,
				      const char *cause, const char *reason, const char *status_code,
				      const char *class_name, long long bounce_id, const char *list, const char *lists,
				      long long *id, char *err, size_t errlen)
{
	char when[STORE_TIME_MAX], bid[24], buf[24];
	const char *params[] = { iso(at, when), type, address, cause, reason ? reason : "",
				 status_code ? status_code : "", class_name ? class_name : "", NULL,
				 lists ? lists : list };
	enum store_status status;

	if (bounce_id > 0) {
		snprintf(bid, sizeof(bid), "%lld", bounce_id);
		params[7] = bid;
	}
	if ((status = run(st, "events lock", "SELECT pg_advisory_xact_lock(" EVENTS_LOCK_KEY ")", 0, NULL, NULL, err,
			  errlen)) != STORE_OK)
		return status;
	status = lists ? run1(st, "event insert",
			      "INSERT INTO events (created_at, type, address, lists, cause, reason, status, class, "
			      "bounce_id, hook_next_at) VALUES ($1::timestamptz, $2::text, $3::citext, $9::text, "
			      "$4::text, $5::text, $6::text, $7::text, $8::bigint, $1::timestamptz) RETURNING id",
			      9, params, buf, sizeof(buf), NULL, err, errlen)
		       : run1(st, "event insert",
			      "INSERT INTO events (created_at, type, address, lists, cause, reason, status, class, "
			      "bounce_id, hook_next_at) VALUES ($1::timestamptz, $2::text, $3::citext, "
			      "coalesce((SELECT string_agg(list, ' ' ORDER BY o, t DESC, list COLLATE \"C\") FROM ("
			      "SELECT list, o, t FROM (SELECT $9::text AS list, 0 AS o, NULL::timestamptz AS t "
			      "WHERE $9::text <> '' UNION ALL SELECT list, 1, last_sent_at FROM list_recipients "
			      "WHERE recipient = $3::citext AND list <> $9::text) AS a "
			      "ORDER BY o, t DESC, list COLLATE \"C\" LIMIT " STR(EVENT_LISTS_MAX) ") AS l), ''), "
			      "$4::text, $5::text, $6::text, $7::text, $8::bigint, $1::timestamptz) RETURNING id",
			      9, params, buf, sizeof(buf), NULL, err, errlen);
	if (status == STORE_OK && id)
		*id = atoll(buf);
	return status;
}

/* pg_bounce_event: store_ops.bounce_event. */
static enum store_status pg_bounce_event(struct store *base, const struct store_bounce *b, const char *cause,
					 long long id, const char *list, char *err, size_t errlen)
{
	return event_insert(pg(base), b->received_at, "suppressed", b->recipient, cause, b->reason, b->status,
			    b->class_name, id, list, NULL, NULL, err, errlen);
}

static enum store_status pg_bounce_record(struct store *base, const struct store_bounce *b, const struct policy *p,
					  enum store_effect *effect, char *err, size_t errlen)
{
	struct pg_store *st = pg(base);
	enum store_effect e = STORE_EFFECT_UNVERIFIED;
	enum store_status status;
	int own = !st->in_tx;

	if ((status = writable(st, err, errlen)) != STORE_OK)
		return status;
	for (int i = 0;; i++) {
		int mine;

		arm(st);
		e = STORE_EFFECT_UNVERIFIED;
		if ((status = tx_open(st, &mine, err, errlen)) == STORE_OK)
			status = tx_close(st, mine, store_policy_record(base, b, p, &e, err, errlen), err, errlen);
		if (status == STORE_OK || !own || !st->conflict || i >= CONFLICT_RETRIES)
			break;
	}
	if (status == STORE_OK && effect)
		*effect = e;
	return status;
}

/* bounce_row: row i of a BOUNCE_COLUMNS result. */
static void bounce_row(PGresult *res, int i, struct store_bounce_row *r)
{
#define V(c) PQgetvalue(res, i, c)
	*r = (struct store_bounce_row){
		.id = atoll(V(0)), .received_at = V(1), .recipient = V(2), .verified = atoi(V(3)),
		.return_path = V(4), .queue_id = V(5), .message_token = V(6), .kind = V(7), .action = V(8),
		.status = V(9), .smtp_code = V(10), .reason = V(11), .class_name = V(12), .permanent = atoi(V(13)),
		.diagnostic = V(14), .remote_mta = V(15), .reporting_mta = V(16), .original_message_id = V(17),
		.original_envelope_id = V(18), .effect = V(19), .list = V(20),
	};
#undef V
}

static enum store_status pg_bounces_list(struct store *base, const struct store_filter *f, store_bounce_fn fn,
					 void *ctx, char *err, size_t errlen)
{
	struct pg_store *st = pg(base);
	char since[STORE_TIME_MAX], limit[24];
	const char *params[] = { f->since ? iso(f->since, since) : "-infinity", f->class_name, f->reason,
				 f->recipient, NULL, f->list };
	PGresult *res;
	enum store_status status;

	if (st->empty)
		return STORE_OK;
	arm(st);
	if (f->limit > 0) {
		snprintf(limit, sizeof(limit), "%ld", f->limit);
		params[4] = limit;
	}
#define NEWEST(inner) \
	"SELECT " BOUNCE_COLUMNS " FROM (" inner " ORDER BY received_at DESC, id DESC LIMIT $5::bigint) AS b " \
	"ORDER BY received_at, id"
	if (f->newest && f->limit > 0)
		status = f->recipient
			? run(st, "list bounces",
			      NEWEST("SELECT * FROM bounces WHERE recipient = $4::citext AND "
				     LIST_FILTER),
			      6, params, &res, err, errlen)
			: run(st, "list bounces",
			      NEWEST("SELECT * FROM bounces WHERE $4::text IS NULL AND "
				     LIST_FILTER),
			      6, params, &res, err, errlen);
	else
		status = f->recipient
			? run(st, "list bounces",
			      "SELECT " BOUNCE_COLUMNS " FROM bounces WHERE recipient = $4::citext AND " LIST_FILTER
			      " ORDER BY received_at, id LIMIT $5::bigint",
			      6, params, &res, err, errlen)
			: run(st, "list bounces",
			      "SELECT " BOUNCE_COLUMNS " FROM bounces WHERE $4::text IS NULL AND " LIST_FILTER
			      " ORDER BY received_at, id LIMIT $5::bigint",
			      6, params, &res, err, errlen);
#undef NEWEST
	if (status != STORE_OK)
		return status;
	for (int i = 0; i < PQntuples(res); i++) {
		struct store_bounce_row r;

		bounce_row(res, i, &r);
		if (fn(ctx, &r))
			break;
	}
	PQclear(res);
	return STORE_OK;
}

/* each_recipient: hand every RCPT_COLUMNS row of res to fn. */
static int each_recipient(PGresult *res, store_recipient_fn fn, void *ctx)
{
	int n = PQntuples(res);

	for (int i = 0; i < n; i++) {
		struct store_recipient r = {
			.address = PQgetvalue(res, i, 0),
			.state = PQgetvalue(res, i, 1),
			.hard_bounces = atol(PQgetvalue(res, i, 2)),
			.soft_bounces = atol(PQgetvalue(res, i, 3)),
			.complaints = atol(PQgetvalue(res, i, 4)),
			.first_bounce_at = PQgetvalue(res, i, 5),
			.last_bounce_at = PQgetvalue(res, i, 6),
			.suppressed_at = PQgetvalue(res, i, 7),
			.suppressed_reason = PQgetvalue(res, i, 8),
		};

		if (fn && fn(ctx, &r))
			break;
	}
	return n > 0;
}

static enum store_status pg_recipient_get(struct store *base, const char *address, store_recipient_fn fn,
					  void *ctx, char *err, size_t errlen)
{
	struct pg_store *st = pg(base);
	const char *params[] = { address };
	PGresult *res;
	enum store_status status;
	int found;

	if (st->empty)
		return STORE_NOTFOUND;
	arm(st);
	if ((status = run(st, "recipient", "SELECT " RCPT_COLUMNS " FROM recipients WHERE address = $1::citext", 1,
			  params, &res, err, errlen)) != STORE_OK)
		return status;
	found = each_recipient(res, fn, ctx);
	PQclear(res);
	return found ? STORE_OK : STORE_NOTFOUND;
}

static enum store_status pg_recipients_each(struct store *base, int suppressed_only, store_recipient_fn fn,
					    void *ctx, char *err, size_t errlen)
{
	struct pg_store *st = pg(base);
	PGresult *res;
	enum store_status status;
	int n;

	(void)suppressed_only; /* only the suppressed ones are listed */
	if (st->empty)
		return STORE_OK;
	arm(st);
	/* ordered as SQLite's NOCASE orders: byte order of the lowercase
	 * address, the order of the index recipients_suppressed_listing
	 * (schema/pgsql/0008-suppressed-listing.sql), which holds every column
	 * read here: an index-only scan, no sort. The time comes as seconds and
	 * is formatted here: to_char per row cost more than the scan. */
	if ((status = run(st, "suppressed",
			  "SELECT address, floor(extract(epoch FROM suppressed_at))::bigint, "
			  "coalesce(suppressed_reason, '') FROM recipients WHERE state = 'suppressed' "
			  "ORDER BY lower(address::text) COLLATE \"C\"", 0,
			  NULL, &res, err, errlen)) != STORE_OK)
		return status;
	n = PQntuples(res);
	for (int i = 0; i < n; i++) {
		char at[STORE_TIME_MAX];
		struct store_recipient r = {
			.address = PQgetvalue(res, i, 0),
			.state = "suppressed",
			.first_bounce_at = "",
			.last_bounce_at = "",
			.suppressed_at = PQgetisnull(res, i, 1)
						 ? ""
						 : store_time_format((time_t)strtoll(PQgetvalue(res, i, 1), NULL, 10), at),
			.suppressed_reason = PQgetvalue(res, i, 2),
		};

		if (fn(ctx, &r))
			break;
	}
	PQclear(res);
	return STORE_OK;
}

static enum store_status change_once(struct pg_store *st, const char *address, int suppress, const char *reason,
				     time_t now, int *was_suppressed, char *err, size_t errlen)
{
	char when[STORE_TIME_MAX], state[16];
	enum store_status status;
	int own, found;

	if ((status = tx_open(st, &own, err, errlen)) != STORE_OK)
		return status;
	if (suppress) {
		const char *params[] = { address };

		if ((status = run(st, "recipient insert",
				  "INSERT INTO recipients (address) VALUES ($1::citext) ON CONFLICT (address) DO NOTHING",
				  1, params, NULL, err, errlen)) != STORE_OK)
			goto out;
	}
	{
		const char *params[] = { address };

		if ((status = run1(st, "recipient state",
				   "SELECT state FROM recipients WHERE address = $1::citext FOR UPDATE", 1, params,
				   state, sizeof(state), &found, err, errlen)) != STORE_OK)
			goto out;
	}
	if (was_suppressed)
		*was_suppressed = !strcmp(state, "suppressed");
	if (!found) {
		store_err(err, errlen, "%s: unknown address", address);
		if (own)
			pg_rollback(&st->base);
		return STORE_NOTFOUND;
	}
	if (suppress) {
		const char *params[] = { address, iso(now, when), reason && *reason ? reason : "by hand" };

		if (strcmp(state, "suppressed") &&
		    (status = event_insert(st, now, "suppressed", address, "manual", params[2], "", "", 0, "", NULL,
					   NULL, err, errlen)) != STORE_OK)
			goto out;
		status = run(st, "suppress",
			     "UPDATE recipients SET state = 'suppressed', suppressed_at = $2::timestamptz, "
			     "suppressed_reason = $3::text WHERE address = $1::citext",
			     3, params, NULL, err, errlen);
	} else {
		const char *params[] = { address, iso(now, when) };

		if (!strcmp(state, "suppressed") &&
		    (status = event_insert(st, now, "unsuppressed", address, "manual", "", "", "", 0, "", NULL, NULL,
					   err, errlen)) != STORE_OK)
			goto out;
		status = run(st, "unsuppress",
			     "UPDATE recipients SET state = 'active', suppressed_at = NULL, suppressed_reason = NULL, "
			     "soft_bounces = 0, counted_since = $2::timestamptz WHERE address = $1::citext",
			     2, params, NULL, err, errlen);
	}
out:
	return tx_close(st, own, status, err, errlen);
}

static enum store_status pg_change_state(struct store *base, const char *address, int suppress, const char *reason,
					 time_t now, int *was_suppressed, char *err, size_t errlen)
{
	struct pg_store *st = pg(base);
	enum store_status status;
	int own = !st->in_tx;

	if ((status = writable(st, err, errlen)) != STORE_OK)
		return status;
	for (int i = 0;; i++) {
		arm(st);
		status = change_once(st, address, suppress, reason, now, was_suppressed, err, errlen);
		if (status == STORE_OK || !own || !st->conflict || i >= CONFLICT_RETRIES)
			return status;
	}
}

/* the domain of a recipient, as SQLite's lower(substr(recipient, instr(...))) */
#define DOMAIN "lower(substr(recipient::text, strpos(recipient::text, '@') + 1))"

/* Stats: whole days from bounce_counts ($2: the first whole UTC day), the
 * part-day before it from bounces ($1 <= received_at < $3). */
#define STATS_SUM(grp, expr) \
	"SELECT k, sum(n) FROM (SELECT key AS k, sum(n) AS n FROM bounce_counts WHERE grp = '" grp "' " \
	"AND day >= $2::date AND ($4::text IS NULL OR list = $4::text) " \
	"GROUP BY 1 UNION ALL SELECT " expr ", count(*) FROM bounces WHERE received_at >= $1::timestamptz " \
	"AND received_at < $3::timestamptz AND ($4::text IS NULL OR list = $4::text) GROUP BY 1) AS u " \
	"GROUP BY k HAVING sum(n) > 0 " \
	"ORDER BY 2 DESC, k COLLATE \"C\""

static enum store_status pg_stats(struct store *base, time_t since, const char *list, store_stat_fn fn, void *ctx,
				  char *err, size_t errlen)
{
	static const struct {
		const char *group, *sql;
	} queries[] = {
		{ "total", "SELECT 'bounces', coalesce(sum(n), 0) FROM (SELECT sum(n) AS n FROM bounce_counts "
			   "WHERE grp = 'class' AND day >= $2::date AND ($4::text IS NULL OR list = $4::text) "
			   "UNION ALL SELECT count(*) "
			   "FROM bounces WHERE received_at >= $1::timestamptz AND received_at < $3::timestamptz "
			   "AND ($4::text IS NULL OR list = $4::text)) AS u" },
		{ "class", STATS_SUM("class", "class") },
		{ "reason", STATS_SUM("reason", "reason") },
		{ "domain", STATS_SUM("domain", DOMAIN) },
		{ "effect", STATS_SUM("effect", "effect") },
		{ "list", STATS_SUM("list", "list") },
		{ "state", "SELECT state, sum(n) FROM recipient_counts GROUP BY 1 HAVING sum(n) > 0 "
			   "ORDER BY 2 DESC, state COLLATE \"C\"" },
	};
	struct pg_store *st = pg(base);
	char from[STORE_TIME_MAX], midnight[STORE_TIME_MAX], day[16];
	const char *params[] = { "-infinity", "-infinity", "-infinity", list };

	if (st->empty) {
		struct store_stat zero = { "total", "bounces", 0 };

		fn(ctx, &zero);
		return STORE_OK;
	}
	if (since) {
		time_t d = since % DAY ? since - since % DAY + DAY : since;

		params[0] = iso(since, from);
		params[2] = iso(d, midnight);
		snprintf(day, sizeof(day), "%.10s", midnight);
		params[1] = day;
	}
	arm(st);
	for (size_t q = 0; q < sizeof(queries) / sizeof(queries[0]); q++) {
		PGresult *res;
		int n = strstr(queries[q].sql, "$1") ? 4 : 0;
		enum store_status status = run(st, "stats", queries[q].sql, n, params, &res, err, errlen);
		int stop = 0;

		if (status != STORE_OK)
			return status;
		for (int i = 0; i < PQntuples(res) && !stop; i++) {
			struct store_stat row = { queries[q].group, PQgetvalue(res, i, 0), atol(PQgetvalue(res, i, 1)) };

			stop = fn(ctx, &row);
		}
		PQclear(res);
		if (stop)
			break;
	}
	return STORE_OK;
}

/* purge_step: one DELETE of at most PURGE_BATCH rows; *n: rows deleted. */
static enum store_status purge_step(struct pg_store *st, const char *sql, const char *when, long *n, char *err,
				    size_t errlen)
{
	const char *params[] = { when };
	PGresult *res;
	enum store_status status = run(st, "purge", sql, 1, params, &res, err, errlen);

	*n = 0;
	if (status != STORE_OK)
		return status;
	*n = atol(PQcmdTuples(res));
	PQclear(res);
	return STORE_OK;
}

static enum store_status pg_purge(struct store *base, time_t before, time_t now, time_t verp_before,
				  struct store_purge_result *res, char *err, size_t errlen)
{
	/* in batches: each a short transaction of its own (unless the
	 * caller holds one), so that writers never wait long for a row */
	static const char *const sql[] = {
		"DELETE FROM bounces WHERE id IN (SELECT id FROM bounces WHERE received_at < $1::timestamptz "
		"ORDER BY received_at LIMIT " STR(PURGE_BATCH) " FOR UPDATE SKIP LOCKED)",
		"DELETE FROM recipients WHERE address IN (SELECT address FROM recipients WHERE state = 'active' "
		"AND coalesce(last_bounce_at, '-infinity') < $1::timestamptz LIMIT " STR(PURGE_BATCH) " FOR UPDATE SKIP LOCKED)",
		"DELETE FROM messages WHERE token IN (SELECT token FROM messages WHERE expires_at <= $1::timestamptz "
		"LIMIT " STR(PURGE_BATCH) " FOR UPDATE SKIP LOCKED)",
		"DELETE FROM probes WHERE recipient IN (SELECT recipient FROM probes WHERE sent_at < $1::timestamptz "
		"LIMIT " STR(PURGE_BATCH) " FOR UPDATE SKIP LOCKED)",
		"DELETE FROM verp_ids WHERE id IN (SELECT id FROM verp_ids WHERE last_used_at < $1::timestamptz "
		"LIMIT " STR(PURGE_BATCH) " FOR UPDATE SKIP LOCKED)",
		"DELETE FROM list_recipients WHERE (recipient, list) IN (SELECT recipient, list FROM list_recipients "
		"WHERE last_sent_at < $1::timestamptz LIMIT " STR(PURGE_BATCH) " FOR UPDATE SKIP LOCKED)",
		"DELETE FROM events WHERE id IN (SELECT id FROM events WHERE created_at < $1::timestamptz "
		"LIMIT " STR(PURGE_BATCH) " FOR UPDATE SKIP LOCKED)",
		/* the counts of whole days now gone */
		"DELETE FROM bounce_counts WHERE day < ($1::timestamptz AT TIME ZONE 'UTC')::date",
	};
	struct pg_store *st = pg(base);
	long probes = 0; /* not counted in res */
	long *counts[] = { &res->bounces, &res->recipients, &res->messages, &probes, &res->verp_ids,
			   &res->list_recipients, &res->events, NULL };
	time_t when[] = { before, before, now, before, verp_before, verp_before, before, before };
	enum store_status status;

	memset(res, 0, sizeof(*res));
	if ((status = writable(st, err, errlen)) != STORE_OK)
		return status;
	for (size_t i = 0; i < sizeof(sql) / sizeof(sql[0]); i++) {
		char t[STORE_TIME_MAX];
		long n;

		int tries = 0;

		if ((i == 4 || i == 5) && verp_before == 0)
			continue;
		iso(when[i], t);
		do {
			int mine;

			arm(st);
			if ((status = tx_open(st, &mine, err, errlen)) != STORE_OK)
				return status;
			status = purge_step(st, sql[i], t, &n, err, errlen);
			if ((status = tx_close(st, mine, status, err, errlen)) != STORE_OK) {
				/* a deadlock with a writer (count rows): this batch again */
				if (mine && st->conflict && ++tries <= CONFLICT_RETRIES) {
					n = PURGE_BATCH;
					continue;
				}
				return status;
			}
			if (counts[i])
				*counts[i] += n;
		} while (counts[i] && n == PURGE_BATCH);
	}
	return STORE_OK;
}

static enum store_status message_once(struct pg_store *st, const char *token, const char *list,
				      const char *const *recipients, size_t n, time_t now, time_t expires, char *err,
				      size_t errlen)
{
	char created[STORE_TIME_MAX], until[STORE_TIME_MAX];
	enum store_status status;
	int own;

	if ((status = tx_open(st, &own, err, errlen)) != STORE_OK)
		return status;
	iso(now, created);
	iso(expires, until);
	{
		const char *params[] = { created };

		if ((status = run(st, "expire messages",
				  "DELETE FROM messages WHERE token IN (SELECT token FROM messages "
				  "WHERE expires_at <= $1::timestamptz LIMIT 100 FOR UPDATE SKIP LOCKED)",
				  1, params, NULL, err, errlen)) != STORE_OK)
			goto out;
	}
	{
		const char *params[] = { token, created, until, list };

		if ((status = run(st, "message insert",
				  "INSERT INTO messages (token, created_at, expires_at, list) "
				  "VALUES ($1::text, $2::timestamptz, $3::timestamptz, $4::text) ON CONFLICT (token) DO UPDATE "
				  "SET expires_at = greatest(messages.expires_at, excluded.expires_at)",
				  4, params, NULL, err, errlen)) != STORE_OK)
			goto out;
	}
	for (size_t i = 0; i < n; i++) {
		const char *params[] = { token, recipients[i] };

		if (!recipients[i]) {
			store_err(err, errlen, "store_message_add: recipient %zu is NULL", i);
			status = STORE_ERROR;
			goto out;
		}
		if ((status = run(st, "message recipient insert",
				  "INSERT INTO message_recipients (token, recipient) VALUES ($1::text, $2::citext) "
				  "ON CONFLICT DO NOTHING",
				  2, params, NULL, err, errlen)) != STORE_OK)
			goto out;
	}
out:
	return tx_close(st, own, status, err, errlen);
}

static enum store_status pg_message_add(struct store *base, const char *token, const char *list,
					const char *const *recipients, size_t n, time_t now, time_t expires, char *err,
					size_t errlen)
{
	struct pg_store *st = pg(base);
	enum store_status status;
	int own = !st->in_tx;

	if ((status = writable(st, err, errlen)) != STORE_OK)
		return status;
	if (!token || !*token || (n && !recipients)) {
		store_err(err, errlen, "store_message_add: no token or no recipients");
		return STORE_ERROR;
	}
	for (int i = 0;; i++) {
		arm(st);
		status = message_once(st, token, list, recipients, n, now, expires, err, errlen);
		if (status == STORE_OK || !own || !st->conflict || i >= CONFLICT_RETRIES)
			return status;
	}
}

static enum store_status pg_message_has(struct store *base, const char *token, const char *recipient, char *err,
					size_t errlen)
{
	struct pg_store *st = pg(base);
	char now[STORE_TIME_MAX];
	const char *params[] = { token, recipient, iso(st->clock(), now) };
	enum store_status status;
	int found;

	if (st->empty)
		return STORE_NOTFOUND;
	if (!token || !recipient) {
		store_err(err, errlen, "store_message_has: no token or recipient");
		return STORE_ERROR;
	}
	arm(st);
	status = run1(st, "message lookup",
		      "SELECT 1 FROM message_recipients r JOIN messages m ON m.token = r.token "
		      "WHERE r.token = $1::text AND r.recipient = $2::citext AND m.expires_at > $3::timestamptz",
		      3, params, NULL, 0, &found, err, errlen);
	if (status != STORE_OK)
		return status;
	return found ? STORE_OK : STORE_NOTFOUND;
}

static enum store_status pg_list_seen(struct store *base, const char *list, const char *recipient, time_t now,
				      char *err, size_t errlen)
{
	struct pg_store *st = pg(base);
	char when[STORE_TIME_MAX], fresh[STORE_TIME_MAX];
	const char *params[] = { recipient, list, iso(now, when) };
	const char *lookup[] = { recipient, list, iso(now - STORE_LIST_REFRESH, fresh) };
	enum store_status status;
	int found;

	if ((status = writable(st, err, errlen)) != STORE_OK)
		return status;
	arm(st);
	/* a read first: most messages of a list that mails the address
	 * often need no write */
	if ((status = run1(st, "list lookup",
			   "SELECT 1 FROM list_recipients WHERE recipient = $1::citext AND list = $2::text "
			   "AND last_sent_at > $3::timestamptz",
			   3, lookup, NULL, 0, &found, err, errlen)) != STORE_OK || found)
		return status;
	/* one statement, idempotent: run() may send it again on a new
	 * connection */
	return run(st, "list record",
		   "INSERT INTO list_recipients (recipient, list, first_sent_at, last_sent_at) "
		   "VALUES ($1::citext, $2::text, $3::timestamptz, $3::timestamptz) ON CONFLICT (recipient, list) "
		   "DO UPDATE SET last_sent_at = greatest(list_recipients.last_sent_at, excluded.last_sent_at)",
		   3, params, NULL, err, errlen);
}

static enum store_status pg_lists_of(struct store *base, const char *address, store_list_fn fn, void *ctx,
				     char *err, size_t errlen)
{
	struct pg_store *st = pg(base);
	const char *params[] = { address };
	enum store_status status;
	PGresult *res;

	if (st->empty)
		return STORE_OK;
	arm(st);
	if ((status = run(st, "lists",
			  "SELECT list, " ISO("last_sent_at") " FROM list_recipients WHERE recipient = $1::citext "
			  "ORDER BY last_sent_at DESC, list COLLATE \"C\"",
			  1, params, &res, err, errlen)) != STORE_OK)
		return status;
	for (int i = 0; i < PQntuples(res); i++)
		if (fn(ctx, PQgetvalue(res, i, 0), PQgetvalue(res, i, 1)))
			break;
	PQclear(res);
	return STORE_OK;
}

/* each_event: hand every EVENT_COLUMNS row of res to fn. */
static void each_event(PGresult *res, store_event_fn fn, void *ctx)
{
	for (int i = 0; i < PQntuples(res); i++) {
#define V(c) PQgetvalue(res, i, c)
		struct store_event e = {
			.id = atoll(V(0)), .created_at = V(1), .type = V(2), .address = V(3), .lists = V(4),
			.cause = V(5), .reason = V(6), .status = V(7), .class_name = V(8), .bounce_id = atoll(V(9)),
			.hook_state = V(10), .hook_attempts = atol(V(11)), .hook_next_at = V(12), .hook_note = V(13),
		};
#undef V
		if (fn && fn(ctx, &e))
			break;
	}
}

static enum store_status pg_events_list(struct store *base, long long after, long limit, store_event_fn fn,
					void *ctx, char *err, size_t errlen)
{
	struct pg_store *st = pg(base);
	char a[24], l[24];
	const char *params[] = { a, limit > 0 ? l : NULL };
	enum store_status status;
	PGresult *res;

	if (st->empty)
		return STORE_OK;
	snprintf(a, sizeof(a), "%lld", after);
	snprintf(l, sizeof(l), "%ld", limit);
	arm(st);
	if ((status = run(st, "events",
			  "SELECT " EVENT_COLUMNS " FROM events WHERE id > $1::bigint ORDER BY id LIMIT $2::bigint", 2,
			  params, &res, err, errlen)) != STORE_OK)
		return status;
	each_event(res, fn, ctx);
	PQclear(res);
	return STORE_OK;
}

static enum store_status pg_event_add(struct store *base, const struct store_event_new *e, long long *id, char *err,
				      size_t errlen)
{
	struct pg_store *st = pg(base);
	enum store_status status;
	int own = !st->in_tx;

	if ((status = writable(st, err, errlen)) != STORE_OK)
		return status;
	for (int i = 0;; i++) {
		int mine;

		arm(st);
		if ((status = tx_open(st, &mine, err, errlen)) != STORE_OK)
			return status;
		status = event_insert(st, e->at, e->type, e->address ? e->address : "", e->cause, e->reason, e->status,
				      e->class_name, e->bounce_id, "", e->lists ? e->lists : "", id, err, errlen);
		status = tx_close(st, mine, status, err, errlen);
		if (status == STORE_OK || !own || !st->conflict || i >= CONFLICT_RETRIES)
			return status;
	}
}

static enum store_status pg_hook_claim(struct store *base, const char *owner, time_t now, time_t until,
				       store_event_fn fn, void *ctx, int *claimed, char *err, size_t errlen)
{
	struct pg_store *st = pg(base);
	char when[STORE_TIME_MAX], end[STORE_TIME_MAX];
	const char *params[] = { owner, iso(now, when), iso(until, end) };
	enum store_status status;
	PGresult *res;

	if ((status = writable(st, err, errlen)) != STORE_OK)
		return status;
	arm(st);
	/* one statement: its own transaction unless the caller holds one;
	 * SKIP LOCKED: a row another runner is claiming is passed over, and
	 * its address's later events wait behind it (NOT EXISTS) */
	if ((status = run(st, "hook claim",
			  "UPDATE events SET hook_lease_owner = $1::text, hook_lease_until = $3::timestamptz, "
			  "hook_attempts = hook_attempts + 1 WHERE id = (SELECT e.id FROM events e "
			  "WHERE e.hook_state = 'pending' AND e.hook_next_at <= $2::timestamptz "
			  "AND (e.hook_lease_until IS NULL OR e.hook_lease_until <= $2::timestamptz) "
			  "AND NOT EXISTS (SELECT 1 FROM events p WHERE p.hook_state = 'pending' "
			  "AND p.address = e.address AND p.id < e.id) ORDER BY e.id LIMIT 1 FOR UPDATE SKIP LOCKED) "
			  "AND hook_state = 'pending' AND (hook_lease_until IS NULL OR hook_lease_until <= $2::timestamptz) "
			  "RETURNING " EVENT_COLUMNS,
			  3, params, &res, err, errlen)) != STORE_OK)
		return status;
	*claimed = PQntuples(res);
	each_event(res, fn, ctx);
	PQclear(res);
	return STORE_OK;
}

static enum store_status pg_hook_finish(struct store *base, long long id, const char *owner, const char *state,
					time_t next_at, const char *note, long *changed, char *err, size_t errlen)
{
	struct pg_store *st = pg(base);
	char sid[24], when[STORE_TIME_MAX];
	const char *params[] = { sid, owner, state, iso(next_at, when), note };
	enum store_status status;
	PGresult *res;

	if ((status = writable(st, err, errlen)) != STORE_OK)
		return status;
	snprintf(sid, sizeof(sid), "%lld", id);
	arm(st);
	if ((status = run(st, "hook outcome",
			  "UPDATE events SET hook_state = $3::text, hook_next_at = $4::timestamptz, hook_note = $5::text, "
			  "hook_lease_owner = NULL, hook_lease_until = NULL WHERE id = $1::bigint "
			  "AND hook_lease_owner = $2::text",
			  5, params, &res, err, errlen)) != STORE_OK)
		return status;
	*changed = atol(PQcmdTuples(res));
	PQclear(res);
	return STORE_OK;
}

/* pg_probe_claim: store_probe_claim in the caller's transaction or one of
 * its own. */
static enum store_status pg_probe_claim(struct store *base, const char *token, const char *recipient, time_t now,
					long interval, char *to, size_t tolen, char *err, size_t errlen)
{
	struct pg_store *st = pg(base);
	char when[STORE_TIME_MAX], since[STORE_TIME_MAX];
	const char *params[] = { recipient, token, iso(now, when), iso(now - interval, since) };
	enum store_status status;
	PGresult *res;
	int own;

	if (to && tolen)
		*to = '\0';
	if ((status = writable(st, err, errlen)) != STORE_OK)
		return status;
	if (!recipient || !token || !to || tolen == 0) {
		store_err(err, errlen, "store_probe_claim: no token, recipient or buffer");
		return STORE_ERROR;
	}
	arm(st);
	if ((status = tx_open(st, &own, err, errlen)) != STORE_OK)
		return status;
	/* one row back (the address as the milter recorded it) only for a
	 * recipient of the message, not suppressed, not probed since $4 */
	status = run(st, "probe",
		     "INSERT INTO probes (recipient, token, sent_at) "
		     "SELECT r.recipient, r.token, $3::timestamptz FROM message_recipients r "
		     "WHERE r.token = $2::text AND r.recipient = $1::citext "
		     "AND NOT EXISTS (SELECT 1 FROM recipients WHERE address = $1::citext AND state = 'suppressed') "
		     "ON CONFLICT (recipient) DO UPDATE SET recipient = excluded.recipient, token = excluded.token, "
		     "sent_at = excluded.sent_at WHERE probes.sent_at <= $4::timestamptz RETURNING recipient",
		     4, params, &res, err, errlen);
	if (status == STORE_OK) {
		if (PQntuples(res) > 0 && (size_t)snprintf(to, tolen, "%s", PQgetvalue(res, 0, 0)) >= tolen) {
			store_err(err, errlen, "store_probe_claim: address longer than the buffer");
			status = STORE_ERROR;
		}
		PQclear(res);
	}
	status = tx_close(st, own, status, err, errlen);
	if (status != STORE_OK)
		*to = '\0';
	return status;
}

static enum store_status pg_probe_release(struct store *base, const char *recipient, time_t now, char *err,
					  size_t errlen)
{
	struct pg_store *st = pg(base);
	char when[STORE_TIME_MAX];
	const char *params[] = { recipient, iso(now, when) };
	enum store_status status;

	if ((status = writable(st, err, errlen)) != STORE_OK)
		return status;
	arm(st);
	return run(st, "probe release", "DELETE FROM probes WHERE recipient = $1::citext AND sent_at = $2::timestamptz",
		   2, params, NULL, err, errlen);
}

/* verp_put: struct verp_map's put on the verp_ids table. An id already
 * taken by another recipient is an error (-1), never an overwrite. */
static int verp_put(void *ctx, const char *id, const char *recipient, time_t now)
{
	struct pg_store *st = ctx;
	char when[STORE_TIME_MAX];
	const char *params[] = { id, recipient, iso(now, when) };
	PGresult *res;
	int ret;

	if (writable(st, NULL, 0) != STORE_OK)
		return -1;
	arm(st);
	if (run(st, "verp id",
		"INSERT INTO verp_ids (id, recipient, created_at, last_used_at) "
		"VALUES ($1::text, $2::text, $3::timestamptz, $3::timestamptz) "
		"ON CONFLICT (id) DO UPDATE SET last_used_at = excluded.last_used_at "
		"WHERE verp_ids.recipient = excluded.recipient",
		3, params, &res, NULL, 0) != STORE_OK)
		return -1;
	ret = !strcmp(PQcmdTuples(res), "1") ? 0 : -1;
	PQclear(res);
	return ret;
}

static int verp_get(void *ctx, const char *id, char **recipient)
{
	struct pg_store *st = ctx;
	const char *params[] = { id };
	PGresult *res;
	int ret = 1;

	*recipient = NULL;
	if (st->empty)
		return 1;
	arm(st);
	if (run(st, "verp id", "SELECT recipient FROM verp_ids WHERE id = $1::text", 1, params, &res, NULL, 0) !=
	    STORE_OK)
		return -1;
	if (PQntuples(res) > 0)
		ret = (*recipient = strdup(PQgetvalue(res, 0, 0))) ? 0 : -1;
	PQclear(res);
	return ret;
}

static const struct verp_map *pg_verp_map(struct store *base)
{
	struct pg_store *st = pg(base);

	st->map.put = verp_put;
	st->map.get = verp_get;
	st->map.ctx = st;
	return &st->map;
}

/* The rows of store_copy, every column as text, in the column order of
 * lib/store_sqlite.c's copy_select. */
static const char *const copy_select[STORE_COPY_NTABLES] = {
	"SELECT address, state, hard_bounces, soft_bounces, complaints, " ISO("first_bounce_at") ", "
	ISO("last_bounce_at") ", " ISO("suppressed_at") ", suppressed_reason, " ISO("counted_since")
	" FROM recipients ORDER BY address",
	"SELECT " ISO("received_at") ", recipient, verified::int, return_path, queue_id, message_token, kind, "
	"action, status, smtp_code, reason, class, permanent::int, diagnostic, remote_mta, reporting_mta, "
	"original_message_id, original_envelope_id, effect, list, id FROM bounces ORDER BY id",
	"SELECT token, " ISO("created_at") ", " ISO("expires_at") ", list FROM messages ORDER BY token",
	"SELECT token, recipient FROM message_recipients ORDER BY token, recipient",
	"SELECT id, recipient, " ISO("created_at") ", " ISO("last_used_at") " FROM verp_ids ORDER BY id",
	"SELECT recipient, token, " ISO("sent_at") " FROM probes ORDER BY recipient",
	"SELECT recipient, list, " ISO("first_sent_at") ", " ISO("last_sent_at")
	" FROM list_recipients ORDER BY recipient, list",
	"SELECT id, " ISO("created_at") ", type, address, lists, cause, reason, status, class, bounce_id, hook_state, "
	"hook_attempts, " ISO("hook_next_at") ", hook_lease_owner, " ISO("hook_lease_until") ", hook_note "
	"FROM events ORDER BY id",
	"SELECT list, paused::int, " ISO("paused_at") ", pause_reason, " ISO("resumed_at") ", " ISO("warned_at")
	", warn_reason FROM list_states ORDER BY list",
	"SELECT lower(list::text), bucket, sum(messages), sum(recipients), sum(hard), sum(soft), sum(complaints) "
	"FROM list_counts GROUP BY 1, 2 ORDER BY lower(list::text) COLLATE \"C\", 2",
};
static const char *const copy_insert[STORE_COPY_NTABLES] = {
	"INSERT INTO recipients (address, state, hard_bounces, soft_bounces, complaints, first_bounce_at, "
	"last_bounce_at, suppressed_at, suppressed_reason, counted_since) VALUES ($1::citext, $2, $3::int, "
	"$4::int, $5::int, $6::timestamptz, $7::timestamptz, $8::timestamptz, $9, $10::timestamptz)",
	"INSERT INTO bounces (received_at, recipient, verified, return_path, queue_id, message_token, kind, action, "
	"status, smtp_code, reason, class, permanent, diagnostic, remote_mta, reporting_mta, original_message_id, "
	"original_envelope_id, effect, list, id) VALUES ($1::timestamptz, $2::citext, $3::int::boolean, $4, $5, $6, "
	"$7, $8, $9, $10, $11, $12, $13::int::boolean, $14, $15, $16, $17, $18, $19, $20, $21::bigint)",
	"INSERT INTO messages (token, created_at, expires_at, list) VALUES ($1, $2::timestamptz, $3::timestamptz, $4)",
	"INSERT INTO message_recipients (token, recipient) VALUES ($1, $2::citext)",
	"INSERT INTO verp_ids (id, recipient, created_at, last_used_at) "
	"VALUES ($1, $2, $3::timestamptz, $4::timestamptz)",
	"INSERT INTO probes (recipient, token, sent_at) VALUES ($1::citext, $2, $3::timestamptz)",
	"INSERT INTO list_recipients (recipient, list, first_sent_at, last_sent_at) "
	"VALUES ($1::citext, $2, $3::timestamptz, $4::timestamptz)",
	"INSERT INTO events (id, created_at, type, address, lists, cause, reason, status, class, bounce_id, "
	"hook_state, hook_attempts, hook_next_at, hook_lease_owner, hook_lease_until, hook_note) "
	"VALUES ($1::bigint, $2::timestamptz, $3, $4::citext, $5, $6, $7, $8, $9, $10::bigint, $11, $12::int, "
	"$13::timestamptz, $14, $15::timestamptz, $16)",
	"INSERT INTO list_states (list, paused, paused_at, pause_reason, resumed_at, warned_at, warn_reason) "
	"VALUES ($1::citext, $2::int::boolean, $3::timestamptz, $4, $5::timestamptz, $6::timestamptz, $7)",
	"INSERT INTO list_counts (list, bucket, shard, messages, recipients, hard, soft, complaints) "
	"VALUES (lower($1::text), $2::bigint, 0, $3::bigint, $4::bigint, $5::bigint, $6::bigint, $7::bigint)",
};
static const int copy_ncols[STORE_COPY_NTABLES] = { 10, 21, 4, 2, 4, 3, 4, 16, 7, 7 };

static enum store_status pg_copy_each(struct store *base, enum store_copy_table t, store_copy_fn fn, void *ctx,
				      char *err, size_t errlen)
{
	struct pg_store *st = pg(base);
	enum store_status status;
	const char *values[32];
	PGresult *res;

	if (st->empty)
		return STORE_OK;
	arm(st);
	if ((status = run(st, "copy", copy_select[t], 0, NULL, &res, err, errlen)) != STORE_OK)
		return status;
	for (int i = 0; i < PQntuples(res); i++) {
		for (int c = 0; c < copy_ncols[t]; c++)
			values[c] = PQgetisnull(res, i, c) ? NULL : PQgetvalue(res, i, c);
		if (fn(ctx, values, (size_t)copy_ncols[t]))
			break;
	}
	PQclear(res);
	return STORE_OK;
}

static enum store_status pg_copy_begin(struct store *base, enum store_copy_table t, char *err, size_t errlen)
{
	struct pg_store *st = pg(base);
	enum store_status status;

	if (t != STORE_COPY_LIST_COUNTS)
		return STORE_OK;
	if ((status = writable(st, err, errlen)) != STORE_OK)
		return status;
	arm(st);
	/* store_copy found none before: all there is came from the trigger */
	return run(st, "copy", "DELETE FROM list_counts", 0, NULL, NULL, err, errlen);
}

static enum store_status pg_copy_put(struct store *base, enum store_copy_table t, const char *const *values,
				     char *err, size_t errlen)
{
	struct pg_store *st = pg(base);
	enum store_status status;

	if ((status = writable(st, err, errlen)) != STORE_OK)
		return status;
	arm(st);
	if (!values) {
		/* the ids were copied as they were: the sequence goes past them */
		if (t == STORE_COPY_BOUNCES)
			return run(st, "copy", "SELECT setval(pg_get_serial_sequence('bounces', 'id'), "
				   "(SELECT coalesce(max(id), 0) + 1 FROM bounces), false)", 0, NULL, NULL, err, errlen);
		if (t == STORE_COPY_EVENTS)
			return run(st, "copy", "SELECT setval(pg_get_serial_sequence('events', 'id'), "
				   "(SELECT coalesce(max(id), 0) + 1 FROM events), false)", 0, NULL, NULL, err, errlen);
		return STORE_OK;
	}
	return run(st, "copy", copy_insert[t], copy_ncols[t], values, NULL, err, errlen);
}


/* --- A list's reputation ---------------------------------------------------- */

static enum store_status list_sent_once(struct pg_store *st, const struct store_list_sent *rows, size_t n,
					time_t before, char *err, size_t errlen)
{
	enum store_status status;
	int own;

	arm(st);
	if ((status = tx_open(st, &own, err, errlen)) != STORE_OK)
		return status;
	for (size_t i = 0; i < n && status == STORE_OK; i++) {
		char bucket[32], msgs[32], rcpts[32];
		const char *params[] = { rows[i].list, bucket, msgs, rcpts };

		snprintf(bucket, sizeof(bucket), "%lld", (long long)rows[i].bucket);
		snprintf(msgs, sizeof(msgs), "%ld", rows[i].messages);
		snprintf(rcpts, sizeof(rcpts), "%ld", rows[i].recipients);
		status = run(st, "list counts",
			     "INSERT INTO list_counts AS c (list, bucket, shard, messages, recipients) "
			     "VALUES (lower($1::text), $2::bigint, 0, $3::bigint, $4::bigint) "
			     "ON CONFLICT (list, bucket, shard) DO UPDATE SET messages = c.messages + excluded.messages, "
			     "recipients = c.recipients + excluded.recipients",
			     4, params, NULL, err, errlen);
	}
	if (status == STORE_OK && before) {
		char b[32];
		const char *params[] = { b };

		snprintf(b, sizeof(b), "%lld", (long long)before);
		status = run(st, "list counts purge", "DELETE FROM list_counts WHERE bucket < $1::bigint", 1, params,
			     NULL, err, errlen);
	}
	return tx_close(st, own, status, err, errlen);
}

static enum store_status pg_list_sent_add(struct store *base, const struct store_list_sent *rows, size_t n,
					  time_t before, char *err, size_t errlen)
{
	struct pg_store *st = pg(base);
	enum store_status status;
	int own = !st->in_tx;

	if ((status = writable(st, err, errlen)) != STORE_OK)
		return status;
	for (int i = 0;; i++) {
		status = list_sent_once(st, rows, n, before, err, errlen);
		if (status == STORE_OK || !own || !st->conflict || i >= CONFLICT_RETRIES)
			return status;
	}
}

static enum store_status pg_list_buckets(struct store *base, time_t since, const char *list, store_list_bucket_fn fn,
					 void *ctx, char *err, size_t errlen)
{
	struct pg_store *st = pg(base);
	char from[32];
	const char *params[] = { from, list };
	enum store_status status;
	PGresult *res;

	if (st->empty)
		return STORE_OK;
	snprintf(from, sizeof(from), "%lld", (long long)since);
	arm(st);
	status = run(st, "list counts",
		     "SELECT lower(list::text), bucket, sum(messages), sum(recipients), sum(hard), sum(soft), "
		     "sum(complaints) FROM list_counts WHERE bucket >= $1::bigint AND ($2::citext IS NULL OR "
		     "list = $2::citext) GROUP BY 1, 2 ORDER BY lower(list::text) COLLATE \"C\", 2",
		     2, params, &res, err, errlen);
	if (status != STORE_OK)
		return status;
	for (int i = 0; i < PQntuples(res); i++) {
		struct rates_bucket b = { (time_t)strtoll(PQgetvalue(res, i, 1), NULL, 10),
					  { strtol(PQgetvalue(res, i, 2), NULL, 10), strtol(PQgetvalue(res, i, 3), NULL, 10),
					    strtol(PQgetvalue(res, i, 4), NULL, 10), strtol(PQgetvalue(res, i, 5), NULL, 10),
					    strtol(PQgetvalue(res, i, 6), NULL, 10) } };

		if (fn(ctx, PQgetvalue(res, i, 0), &b))
			break;
	}
	PQclear(res);
	return STORE_OK;
}

static enum store_status pg_list_states(struct store *base, int paused_only, store_list_state_fn fn, void *ctx,
					char *err, size_t errlen)
{
	struct pg_store *st = pg(base);
	const char *params[] = { paused_only ? "t" : "f" };
	enum store_status status;
	PGresult *res;

	if (st->empty)
		return STORE_OK;
	arm(st);
	status = run(st, "list states",
		     "SELECT lower(list::text), paused::int, " ISO_OR_EMPTY("paused_at") ", coalesce(pause_reason, ''), "
		     ISO_OR_EMPTY("resumed_at") ", " ISO_OR_EMPTY("warned_at") ", coalesce(warn_reason, '') "
		     "FROM list_states WHERE paused OR NOT $1::boolean ORDER BY lower(list::text) COLLATE \"C\"",
		     1, params, &res, err, errlen);
	if (status != STORE_OK)
		return status;
	for (int i = 0; i < PQntuples(res); i++) {
		struct store_list_state ls = { PQgetvalue(res, i, 0), atoi(PQgetvalue(res, i, 1)), PQgetvalue(res, i, 2),
					       PQgetvalue(res, i, 3), PQgetvalue(res, i, 4), PQgetvalue(res, i, 5),
					       PQgetvalue(res, i, 6) };

		if (fn(ctx, &ls))
			break;
	}
	PQclear(res);
	return STORE_OK;
}

/* list_returning: one statement (autocommit unless the caller holds a
 * transaction) whose rows back are counted into *rows. */
static enum store_status list_returning(struct pg_store *st, const char *sql, int n, const char *const *params,
					long *rows, char *err, size_t errlen)
{
	enum store_status status;
	PGresult *res;

	arm(st);
	if ((status = run(st, "list state", sql, n, params, &res, err, errlen)) != STORE_OK)
		return status;
	*rows = PQntuples(res);
	PQclear(res);
	return STORE_OK;
}

static enum store_status pg_list_pause(struct store *base, const char *list, time_t now, const char *reason,
				       long *rows, char *err, size_t errlen)
{
	struct pg_store *st = pg(base);
	char when[STORE_TIME_MAX];
	const char *params[] = { list, iso(now, when), reason };
	enum store_status status;

	if ((status = writable(st, err, errlen)) != STORE_OK)
		return status;
	return list_returning(st, "INSERT INTO list_states AS s (list, paused, paused_at, pause_reason) "
			      "VALUES (lower($1::text), true, $2::timestamptz, $3::text) ON CONFLICT (list) DO UPDATE "
			      "SET paused = true, paused_at = excluded.paused_at, pause_reason = excluded.pause_reason "
			      "WHERE NOT s.paused RETURNING 1",
			      3, params, rows, err, errlen);
}

static enum store_status pg_list_resume(struct store *base, const char *list, time_t now, int *known, int *paused,
					char *err, size_t errlen)
{
	struct pg_store *st = pg(base);
	char when[STORE_TIME_MAX];
	const char *params[] = { list, iso(now, when) };
	enum store_status status;
	PGresult *res;

	if ((status = writable(st, err, errlen)) != STORE_OK)
		return status;
	/* one statement: the row's state before, and the update */
	arm(st);
	status = run(st, "list resume",
		     "WITH old AS (SELECT list, paused FROM list_states WHERE list = $1::citext "
		     "AND paused_at IS NOT NULL FOR UPDATE), "
		     "upd AS (UPDATE list_states s SET paused = false, resumed_at = $2::timestamptz FROM old "
		     "WHERE s.list = old.list AND old.paused RETURNING 1) "
		     "SELECT old.paused::int FROM old",
		     2, params, &res, err, errlen);
	if (status != STORE_OK)
		return status;
	if (PQntuples(res) > 0) {
		*known = 1;
		*paused = atoi(PQgetvalue(res, 0, 0));
	}
	PQclear(res);
	return STORE_OK;
}

static enum store_status pg_list_warn(struct store *base, const char *list, time_t now, time_t since,
				      const char *reason, long *rows, char *err, size_t errlen)
{
	struct pg_store *st = pg(base);
	char when[STORE_TIME_MAX], from[STORE_TIME_MAX];
	const char *params[] = { list, iso(now, when), reason, iso(since, from) };
	enum store_status status;

	if ((status = writable(st, err, errlen)) != STORE_OK)
		return status;
	/* a warning stamped after now (the clock went back) still counts */
	return list_returning(st, "INSERT INTO list_states AS s (list, warned_at, warn_reason) "
			      "VALUES (lower($1::text), $2::timestamptz, $3::text) ON CONFLICT (list) DO UPDATE "
			      "SET warned_at = excluded.warned_at, warn_reason = excluded.warn_reason "
			      "WHERE s.warned_at IS NULL OR s.warned_at <= $4::timestamptz RETURNING 1",
			      4, params, rows, err, errlen);
}

static const struct store_ops pg_ops = {
	.name = "postgresql",
	.close = pg_close,
	.set_clock = pg_set_clock,
	.begin = pg_begin,
	.commit = pg_commit,
	.rollback = pg_rollback,
	.conflict = pg_conflict,
	.bounce_record = pg_bounce_record,
	.policy_row = pg_policy_row,
	.policy_soft_times = pg_policy_soft_times,
	.policy_count = pg_policy_count,
	.policy_suppress = pg_policy_suppress,
	.bounce_duplicate = pg_bounce_duplicate,
	.bounce_list = pg_bounce_list,
	.bounce_insert = pg_bounce_insert,
	.bounce_event = pg_bounce_event,
	.bounces_list = pg_bounces_list,
	.recipient_get = pg_recipient_get,
	.recipients_each = pg_recipients_each,
	.change_state = pg_change_state,
	.stats = pg_stats,
	.purge = pg_purge,
	.message_add = pg_message_add,
	.message_has = pg_message_has,
	.list_seen = pg_list_seen,
	.lists_of = pg_lists_of,
	.events_list = pg_events_list,
	.event_add = pg_event_add,
	.hook_claim = pg_hook_claim,
	.hook_finish = pg_hook_finish,
	.probe_claim = pg_probe_claim,
	.probe_release = pg_probe_release,
	.verp_map = pg_verp_map,
	.copy_each = pg_copy_each,
	.copy_begin = pg_copy_begin,
	.copy_put = pg_copy_put,
	.list_sent_add = pg_list_sent_add,
	.list_buckets = pg_list_buckets,
	.list_states = pg_list_states,
	.list_pause = pg_list_pause,
	.list_resume = pg_list_resume,
	.list_warn = pg_list_warn,
};
