/* store_sqlite.c: the store (store.h) on SQLite: opening with WAL, busy
 * timeout and foreign keys, schema migrations at open, prepared
 * statements cached per handle, the SQL steps of the policy applied when
 * a bounce is recorded (lib/store_policy.c decides), message mode, its
 * probes and the VERP id map. One handle per thread. */
#include "store_backend.h"
#include "store_schema.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#define DAY 86400L
/* Expired messages removed per store_message_add. */
#define MESSAGE_EXPIRE_BATCH 100

enum stmt_id {
	S_DUPLICATE,
	S_BOUNCE_INSERT,
	S_RCPT_STATE,
	S_RCPT_ENSURE,
	S_SOFT_TIMES,
	S_RCPT_UPDATE,
	S_RCPT_SUPPRESS,
	S_LIST_ALL,
	S_LIST_RCPT,
	S_LIST_ALL_NEWEST,
	S_LIST_RCPT_NEWEST,
	S_RCPT_GET,
	S_SUPPRESSED,
	S_MANUAL_ENSURE,
	S_MANUAL_SUPPRESS,
	S_UNSUPPRESS,
	S_MSG_EXPIRE,
	S_MSG_INSERT,
	S_MSG_RCPT_INSERT,
	S_MSG_HAS,
	S_VERP_PUT,
	S_VERP_GET,
	S_PROBE_CLAIM,
	S_PROBE_RELEASE,
	S_LIST_OF_MSG,
	S_LIST_OF_RCPT,
	S_LIST_SEEN_GET,
	S_LIST_SEEN_PUT,
	S_LISTS_OF,
	S_EVENT_INSERT,
	S_EVENT_INSERT_LISTS,
	S_EVENTS_LIST,
	S_HOOK_CLAIM,
	S_HOOK_FINISH,
	S_COUNT
};

#define BOUNCE_COLUMNS \
	"id, received_at, recipient, verified, return_path, queue_id, message_token, kind, action, " \
	"status, smtp_code, reason, class, permanent, diagnostic, remote_mta, reporting_mta, " \
	"original_message_id, original_envelope_id, effect, list"
/* ?1 is always bound ('' for all): a range on the index, never a scan */
#define LIST_FILTER \
	"received_at >= ?1 AND (?2 IS NULL OR class = ?2) AND (?3 IS NULL OR reason = ?3) " \
	"AND (?6 IS NULL OR list = ?6)"
/* the newest ?5 rows, handed oldest first */
#define NEWEST(inner) "SELECT * FROM (" inner " ORDER BY received_at DESC, id DESC LIMIT ?5) ORDER BY 2, 1"
#define EVENT_COLUMNS \
	"id, created_at, type, address, lists, cause, reason, status, class, ifnull(bounce_id, 0), " \
	"hook_state, hook_attempts, hook_next_at, hook_note"
/* Lists named in one event at most. */
#define EVENT_LISTS_MAX 20
#define STR_(x) #x
#define STR(x) STR_(x)
#define RCPT_COLUMNS \
	"address, state, hard_bounces, soft_bounces, complaints, ifnull(first_bounce_at, ''), " \
	"ifnull(last_bounce_at, ''), ifnull(suppressed_at, ''), ifnull(suppressed_reason, '')"

static const char *const stmt_sql[S_COUNT] = {
	[S_DUPLICATE] = "SELECT 1 FROM bounces WHERE queue_id = ?1 AND return_path = ?2 AND recipient = ?3 "
			"AND received_at >= ?4 LIMIT 1",
	[S_BOUNCE_INSERT] = "INSERT INTO bounces (received_at, recipient, verified, return_path, queue_id, "
			    "message_token, kind, action, status, smtp_code, reason, class, permanent, diagnostic, "
			    "remote_mta, reporting_mta, original_message_id, original_envelope_id, effect, list) "
			    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, "
			    "?20)",
	[S_RCPT_STATE] = "SELECT state, ifnull(counted_since, '') FROM recipients WHERE address = ?1",
	[S_RCPT_ENSURE] = "INSERT INTO recipients (address, first_bounce_at, last_bounce_at) VALUES (?1, ?2, ?2) "
			  "ON CONFLICT (address) DO NOTHING",
	[S_SOFT_TIMES] = "SELECT CAST(strftime('%s', received_at) AS INTEGER) FROM bounces "
			 "WHERE recipient = ?1 AND verified = 1 AND class = 'soft' "
			 "AND effect IN ('counted', 'suppressed', 'already-suppressed') AND received_at >= ?2 "
			 "ORDER BY received_at DESC LIMIT ?3",
	[S_RCPT_UPDATE] = "UPDATE recipients SET hard_bounces = hard_bounces + ?2, complaints = complaints + ?3, "
			  "soft_bounces = ifnull(?4, soft_bounces), "
			  "first_bounce_at = min(ifnull(first_bounce_at, ?5), ?5), "
			  "last_bounce_at = max(ifnull(last_bounce_at, ?5), ?5) WHERE address = ?1",
	[S_RCPT_SUPPRESS] = "UPDATE recipients SET state = 'suppressed', suppressed_at = ?2, suppressed_reason = ?3 "
			    "WHERE address = ?1 AND state = 'active'",
	[S_LIST_ALL] = "SELECT " BOUNCE_COLUMNS " FROM bounces WHERE " LIST_FILTER
		       " ORDER BY received_at, id LIMIT ?5",
	[S_LIST_RCPT] = "SELECT " BOUNCE_COLUMNS " FROM bounces WHERE recipient = ?4 AND " LIST_FILTER
			" ORDER BY received_at, id LIMIT ?5",
	[S_LIST_ALL_NEWEST] = NEWEST("SELECT " BOUNCE_COLUMNS " FROM bounces WHERE " LIST_FILTER),
	[S_LIST_RCPT_NEWEST] = NEWEST("SELECT " BOUNCE_COLUMNS " FROM bounces WHERE recipient = ?4 AND " LIST_FILTER),
	[S_RCPT_GET] = "SELECT " RCPT_COLUMNS " FROM recipients WHERE address = ?1",
	/* what store_suppressed_list gives, all of it in the index
	 * recipients_suppressed_listing (schema/0008-suppressed-listing.sql) */
	[S_SUPPRESSED] = "SELECT address, state, 0, 0, 0, '', '', ifnull(suppressed_at, ''), "
			 "ifnull(suppressed_reason, '') FROM recipients WHERE state = 'suppressed' ORDER BY address",
	[S_MANUAL_ENSURE] = "INSERT INTO recipients (address) VALUES (?1) ON CONFLICT (address) DO NOTHING",
	[S_MANUAL_SUPPRESS] = "UPDATE recipients SET state = 'suppressed', suppressed_at = ?2, suppressed_reason = ?3 "
			      "WHERE address = ?1",
	[S_UNSUPPRESS] = "UPDATE recipients SET state = 'active', suppressed_at = NULL, suppressed_reason = NULL, "
			 "soft_bounces = 0, counted_since = ?2 WHERE address = ?1",
	[S_MSG_EXPIRE] = "DELETE FROM messages WHERE token IN "
			 "(SELECT token FROM messages WHERE expires_at <= ?1 LIMIT " "100" ")",
	[S_MSG_INSERT] = "INSERT INTO messages (token, created_at, expires_at, list) VALUES (?1, ?2, ?3, ?4) "
			 "ON CONFLICT (token) DO UPDATE SET expires_at = max(expires_at, excluded.expires_at)",
	[S_MSG_RCPT_INSERT] = "INSERT INTO message_recipients (token, recipient) VALUES (?1, ?2) "
			      "ON CONFLICT DO NOTHING",
	[S_MSG_HAS] = "SELECT 1 FROM message_recipients r JOIN messages m ON m.token = r.token "
		      "WHERE r.token = ?1 AND r.recipient = ?2 AND m.expires_at > ?3",
	[S_VERP_PUT] = "INSERT INTO verp_ids (id, recipient, created_at, last_used_at) VALUES (?1, ?2, ?3, ?3) "
		       "ON CONFLICT (id) DO UPDATE SET last_used_at = excluded.last_used_at "
		       "WHERE verp_ids.recipient = excluded.recipient",
	[S_VERP_GET] = "SELECT recipient FROM verp_ids WHERE id = ?1",
	/* one row back (the address as the milter recorded it) only for a
	 * recipient of the message, not suppressed, not probed since ?4 */
	[S_PROBE_CLAIM] = "INSERT INTO probes (recipient, token, sent_at) "
			  "SELECT r.recipient, r.token, ?3 FROM message_recipients r "
			  "WHERE r.token = ?2 AND r.recipient = ?1 "
			  "AND NOT EXISTS (SELECT 1 FROM recipients WHERE address = ?1 AND state = 'suppressed') "
			  "ON CONFLICT (recipient) DO UPDATE SET recipient = excluded.recipient, "
			  "token = excluded.token, sent_at = excluded.sent_at WHERE probes.sent_at <= ?4 "
			  "RETURNING recipient",
	[S_PROBE_RELEASE] = "DELETE FROM probes WHERE recipient = ?1 AND sent_at = ?2",
	[S_LIST_OF_MSG] = "SELECT list FROM messages WHERE token = ?1",
	[S_LIST_OF_RCPT] = "SELECT list FROM list_recipients WHERE recipient = ?1 "
			   "ORDER BY last_sent_at DESC, list LIMIT 1",
	[S_LIST_SEEN_GET] = "SELECT last_sent_at FROM list_recipients WHERE recipient = ?1 AND list = ?2",
	[S_LIST_SEEN_PUT] = "INSERT INTO list_recipients (recipient, list, first_sent_at, last_sent_at) "
			    "VALUES (?1, ?2, ?3, ?3) ON CONFLICT (recipient, list) DO UPDATE "
			    "SET last_sent_at = max(last_sent_at, excluded.last_sent_at)",
	[S_LISTS_OF] = "SELECT list, last_sent_at FROM list_recipients WHERE recipient = ?1 "
		       "ORDER BY last_sent_at DESC, list",
	/* the lists: ?9 (the bounce's, "" for none) first, then the others
	 * that mailed the address, latest first */
	[S_EVENT_INSERT] = "INSERT INTO events (created_at, type, address, lists, cause, reason, status, class, "
			   "bounce_id, hook_next_at) VALUES (?1, ?2, ?3, "
			   "ifnull((SELECT group_concat(list, ' ') FROM (SELECT list FROM ("
			   "SELECT ?9 AS list, 0 AS o, '' AS t WHERE ?9 <> '' UNION ALL "
			   "SELECT list, 1, last_sent_at FROM list_recipients WHERE recipient = ?3 AND list <> ?9) "
			   "ORDER BY o, t DESC, list LIMIT " STR(EVENT_LISTS_MAX) ")), ''), "
			   "?4, ?5, ?6, ?7, ?8, ?1)",
	[S_EVENT_INSERT_LISTS] = "INSERT INTO events (created_at, type, address, lists, cause, reason, status, "
				 "class, bounce_id, hook_next_at) VALUES (?1, ?2, ?3, ?9, ?4, ?5, ?6, ?7, ?8, ?1)",
	[S_EVENTS_LIST] = "SELECT " EVENT_COLUMNS " FROM events WHERE id > ?1 ORDER BY id LIMIT ?2",
	/* the oldest due event whose address has no older pending one */
	[S_HOOK_CLAIM] = "UPDATE events SET hook_lease_owner = ?1, hook_lease_until = ?3, "
			 "hook_attempts = hook_attempts + 1 WHERE id = (SELECT e.id FROM events e "
			 "WHERE e.hook_state = 'pending' AND e.hook_next_at <= ?2 "
			 "AND (e.hook_lease_until IS NULL OR e.hook_lease_until <= ?2) "
			 "AND NOT EXISTS (SELECT 1 FROM events p WHERE p.hook_state = 'pending' "
			 "AND p.address = e.address AND p.id < e.id) ORDER BY e.id LIMIT 1) "
			 "RETURNING " EVENT_COLUMNS,
	[S_HOOK_FINISH] = "UPDATE events SET hook_state = ?3, hook_next_at = ?4, hook_note = ?5, "
			  "hook_lease_owner = NULL, hook_lease_until = NULL WHERE id = ?1 AND hook_lease_owner = ?2",
};

struct sqlite_store {
	struct store base; /* first: lib/store.c sees this */
	sqlite3 *db;
	int flags;
	long timeout_ms;
	struct timespec busy_since; /* first SQLITE_BUSY of the current wait */
	unsigned int seed;
	int empty; /* read-only open of a database with no schema yet */
	time_t (*clock)(void);
	sqlite3_stmt *stmt[S_COUNT];
	struct verp_map map;
};

/* status_of: what an SQLite result code means for the caller. */
static enum store_status status_of(int rc)
{
	switch (rc & 0xff) {
	case SQLITE_OK:
	case SQLITE_ROW:
	case SQLITE_DONE:
		return STORE_OK;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
	case SQLITE_READONLY:
	case SQLITE_FULL:
	case SQLITE_IOERR:
	case SQLITE_NOMEM:
	case SQLITE_CANTOPEN:
	case SQLITE_PROTOCOL:
	case SQLITE_PERM:
	case SQLITE_INTERRUPT:
		return STORE_TEMPFAIL;
	default:
		return STORE_ERROR; /* corrupt, not a database, schema, constraint, misuse */
	}
}

/* fail: set err from the handle's last error; returns the status of rc. */
static enum store_status fail(struct sqlite_store *st, int rc, const char *what, char *err, size_t errlen)
{
	const char *msg = st && st->db ? sqlite3_errmsg(st->db) : sqlite3_errstr(rc);

	store_err(err, errlen, "%s: %s", what, msg);
	return status_of(rc);
}

/* busy_wait: SQLite's busy handler. SQLite's own sleeps grow to 100 ms,
 * which leaves the lock idle most of the time when many short writers
 * (one rebound-pipe per bounce) queue for it; short random sleeps keep it
 * busy, until timeout_ms after the first try. */
static int busy_wait(void *ctx, int count)
{
	struct sqlite_store *st = ctx;
	struct timespec now, pause;
	long elapsed_ms;

	clock_gettime(CLOCK_MONOTONIC, &now);
	if (count == 0)
		st->busy_since = now;
	elapsed_ms = (now.tv_sec - st->busy_since.tv_sec) * 1000 +
		     (now.tv_nsec - st->busy_since.tv_nsec) / 1000000;
	if (elapsed_ms >= st->timeout_ms)
		return 0;
	pause.tv_sec = 0;
	pause.tv_nsec = (200 + (long)(rand_r(&st->seed) % 1800)) * 1000; /* 0.2 to 2 ms */
	nanosleep(&pause, NULL);
	return 1;
}

static time_t clock_default(void)
{
	return time(NULL);
}

static void sq_set_clock(struct store *base, time_t (*clock)(void))
{
	struct sqlite_store *st = (struct sqlite_store *)base;

	st->clock = clock ? clock : clock_default;
}

/* exec: run fixed SQL (no parameters, no user data). */
static enum store_status exec(struct sqlite_store *st, const char *sql, char *err, size_t errlen)
{
	int rc = sqlite3_exec(st->db, sql, NULL, NULL, NULL);

	if (rc != SQLITE_OK)
		return fail(st, rc, sql, err, errlen);
	return STORE_OK;
}

/* pragma_int: the integer a pragma query returns. */
static enum store_status pragma_int(struct sqlite_store *st, const char *sql, long *out, char *err, size_t errlen)
{
	sqlite3_stmt *s;
	int rc = sqlite3_prepare_v2(st->db, sql, -1, &s, NULL);

	if (rc != SQLITE_OK)
		return fail(st, rc, sql, err, errlen);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		*out = (long)sqlite3_column_int64(s, 0);
	else if (rc != SQLITE_DONE) {
		enum store_status status = fail(st, rc, sql, err, errlen);

		sqlite3_finalize(s);
		return status;
	}
	sqlite3_finalize(s);
	return STORE_OK;
}

/* migrate: bring the schema to STORE_SCHEMA_VERSION in one exclusive
 * transaction; a second process waits on the lock, then finds it done. */
static enum store_status migrate(struct sqlite_store *st, char *err, size_t errlen)
{
	enum store_status status;
	long version = 0;
	char sql[64];

	if ((status = pragma_int(st, "PRAGMA user_version", &version, err, errlen)) != STORE_OK)
		return status;
	if (version == STORE_SCHEMA_VERSION)
		return STORE_OK;
	if (version > STORE_SCHEMA_VERSION) {
		store_err(err, errlen, "database schema version %ld is newer than this program's (%d)", version,
			STORE_SCHEMA_VERSION);
		return STORE_ERROR;
	}
	if ((status = exec(st, "BEGIN EXCLUSIVE", err, errlen)) != STORE_OK)
		return status;
	if ((status = pragma_int(st, "PRAGMA user_version", &version, err, errlen)) != STORE_OK)
		goto rollback;
	for (size_t i = 0; i < store_nmigrations; i++) {
		const struct store_migration *m = &store_migrations[i];

		if (m->version <= version)
			continue;
		if ((status = exec(st, m->sql, err, errlen)) != STORE_OK) {
			/* keep the file name in the message, not the whole SQL */
			char msg[512];

			snprintf(msg, sizeof(msg), "%s: %s", m->file, sqlite3_errmsg(st->db));
			store_err(err, errlen, "%s", msg);
			goto rollback;
		}
		snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", m->version);
		if ((status = exec(st, sql, err, errlen)) != STORE_OK)
			goto rollback;
	}
	if ((status = exec(st, "COMMIT", err, errlen)) != STORE_OK)
		goto rollback;
	return STORE_OK;
rollback:
	sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
	return status;
}

static const struct store_ops sqlite_ops;
static void sq_close(struct store *base);
static void sq_rollback(struct store *base);

enum store_status store_sqlite_open(const char *path, long timeout_seconds, int flags, struct store **out,
				    char *err, size_t errlen)
{
	struct sqlite_store *st;
	enum store_status status;
	int oflags, rc, created, memory = !strcmp(path, ":memory:");
	long ms, version = 0;
	struct stat sb;

	*out = NULL;
	if (!(flags & STORE_CREATE) && !memory && stat(path, &sb) < 0) {
		if (errno == ENOENT) {
			/* read-only: nothing recorded yet; read-write: a writer
			 * (rebound-pipe) may create it later */
			store_err(err, errlen, "%s: no such database", path);
			return (flags & STORE_READONLY) ? STORE_NOTFOUND : STORE_TEMPFAIL;
		}
		store_err(err, errlen, "%s: %s", path, strerror(errno));
		return errno == EACCES ? STORE_TEMPFAIL : STORE_ERROR;
	}
	if (!(st = calloc(1, sizeof(*st)))) {
		store_err(err, errlen, "out of memory");
		return STORE_TEMPFAIL;
	}
	st->base.ops = &sqlite_ops;
	st->flags = flags;
	st->clock = clock_default;
	if (flags & STORE_READONLY)
		oflags = SQLITE_OPEN_READONLY;
	else
		oflags = SQLITE_OPEN_READWRITE | ((flags & STORE_CREATE) ? SQLITE_OPEN_CREATE : 0);
	/* One handle per thread: no SQLite mutex needed on it. */
	oflags |= SQLITE_OPEN_NOMUTEX;
	created = (flags & STORE_CREATE) && !memory && stat(path, &sb) < 0 && errno == ENOENT;
	rc = sqlite3_open_v2(path, &st->db, oflags, NULL);
	if (rc != SQLITE_OK) {
		status = fail(st, rc, path, err, errlen);
		goto fail;
	}
	/* SQLite creates files 0644 (less the umask), and gives the -wal and
	 * -shm files the database's mode: 0660 lets the group (Postfix's
	 * sqlite: table, the milter) read through the WAL. */
	if (created && chmod(path, 0660) < 0 && errno != ENOENT) {
		store_err(err, errlen, "%s: chmod: %s", path, strerror(errno));
		status = STORE_TEMPFAIL;
		goto fail;
	}
	sqlite3_extended_result_codes(st->db, 1);
	ms = timeout_seconds > INT_MAX / 1000 ? INT_MAX : timeout_seconds * 1000;
	st->timeout_ms = ms < 0 ? 0 : ms;
	st->seed = (unsigned int)getpid() ^ (unsigned int)(uintptr_t)st;
	sqlite3_busy_handler(st->db, busy_wait, st);
	if ((status = exec(st, "PRAGMA foreign_keys = ON", err, errlen)) != STORE_OK)
		goto fail;
	if (flags & STORE_READONLY) {
		if ((status = pragma_int(st, "PRAGMA user_version", &version, err, errlen)) != STORE_OK)
			goto fail;
		if (version == 0) {
			st->empty = 1; /* created but never migrated: nothing in it */
		} else if (version != STORE_SCHEMA_VERSION) {
			store_err(err, errlen,
				"%s: schema version %ld, this program reads version %d%s", path, version,
				STORE_SCHEMA_VERSION,
				version < STORE_SCHEMA_VERSION ? " (a writer, e.g. rebound-pipe, migrates it)" : "");
			status = STORE_ERROR;
			goto fail;
		}
	} else {
		/* WAL: readers (the CLI, Postfix's sqlite: table) never block the
		 * writer; FULL: a commit survives a power loss, since exit 0 makes
		 * Postfix delete the bounce. */
		if (!memory) {
			char mode[16] = "";
			sqlite3_stmt *s;

			rc = sqlite3_prepare_v2(st->db, "PRAGMA journal_mode = WAL", -1, &s, NULL);
			if (rc == SQLITE_OK && (rc = sqlite3_step(s)) == SQLITE_ROW)
				snprintf(mode, sizeof(mode), "%s", (const char *)sqlite3_column_text(s, 0));
			if (rc != SQLITE_ROW) {
				status = fail(st, rc, "PRAGMA journal_mode = WAL", err, errlen);
				sqlite3_finalize(s);
				goto fail;
			}
			sqlite3_finalize(s);
			if (strcmp(mode, "wal") != 0) {
				store_err(err, errlen, "%s: cannot switch to WAL journal (mode is \"%s\")", path, mode);
				status = STORE_TEMPFAIL;
				goto fail;
			}
		}
		if ((status = exec(st, "PRAGMA synchronous = FULL", err, errlen)) != STORE_OK)
			goto fail;
		if ((status = migrate(st, err, errlen)) != STORE_OK)
			goto fail;
	}
	*out = &st->base;
	return STORE_OK;
fail:
	sq_close(&st->base);
	return status;
}

static void sq_close(struct store *base)
{
	struct sqlite_store *st = (struct sqlite_store *)base;

	if (!st)
		return;
	for (int i = 0; i < S_COUNT; i++)
		sqlite3_finalize(st->stmt[i]);
	sqlite3_close_v2(st->db);
	free(st);
}

/* stmt: the cached prepared statement id, reset and ready to bind; NULL
 * with err set (and *status) on failure. */
static sqlite3_stmt *stmt(struct sqlite_store *st, enum stmt_id id, enum store_status *status, char *err, size_t errlen)
{
	sqlite3_stmt *s = st->stmt[id];
	int rc;

	if (!s) {
		rc = sqlite3_prepare_v3(st->db, stmt_sql[id], -1, SQLITE_PREPARE_PERSISTENT, &s, NULL);
		if (rc != SQLITE_OK) {
			*status = fail(st, rc, "prepare", err, errlen);
			return NULL;
		}
		st->stmt[id] = s;
	}
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return s;
}

/* bind_text: NULL binds "" (never SQL NULL) unless null_ok. */
static int bind_text(sqlite3_stmt *s, int i, const char *v)
{
	return sqlite3_bind_text(s, i, v ? v : "", -1, SQLITE_TRANSIENT);
}

static int bind_opt(sqlite3_stmt *s, int i, const char *v)
{
	return v ? sqlite3_bind_text(s, i, v, -1, SQLITE_TRANSIENT) : sqlite3_bind_null(s, i);
}

static int bind_time(sqlite3_stmt *s, int i, time_t t)
{
	char buf[STORE_TIME_MAX];

	return sqlite3_bind_text(s, i, store_time_format(t, buf), -1, SQLITE_TRANSIENT);
}

static const char *col(sqlite3_stmt *s, int i)
{
	const unsigned char *v = sqlite3_column_text(s, i);

	return v ? (const char *)v : "";
}

/* step_done: run a statement that returns no rows. */
static enum store_status step_done(struct sqlite_store *st, sqlite3_stmt *s, const char *what, char *err, size_t errlen)
{
	int rc = sqlite3_step(s);
	enum store_status status = STORE_OK;

	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		status = fail(st, rc, what, err, errlen);
	sqlite3_reset(s);
	return status;
}

/* bind_check: one return code of a series of binds. */
#define BIND(expr) do { if ((rc = (expr)) != SQLITE_OK) goto bind_fail; } while (0)

static enum store_status sq_begin(struct store *base, char *err, size_t errlen)
{
	struct sqlite_store *st = (struct sqlite_store *)base;

	return exec(st, "BEGIN IMMEDIATE", err, errlen);
}

static enum store_status sq_commit(struct store *base, char *err, size_t errlen)
{
	struct sqlite_store *st = (struct sqlite_store *)base;
	enum store_status status = exec(st, "COMMIT", err, errlen);

	if (status != STORE_OK)
		sq_rollback(&st->base);
	return status;
}

static void sq_rollback(struct store *base)
{
	struct sqlite_store *st = (struct sqlite_store *)base;

	if (st && st->db && !sqlite3_get_autocommit(st->db))
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
}

/* tx_open: begin a transaction unless the caller holds one; *own says
 * whether this call must end it. */
static enum store_status tx_open(struct sqlite_store *st, int *own, char *err, size_t errlen)
{
	*own = sqlite3_get_autocommit(st->db);
	return *own ? sq_begin(&st->base, err, errlen) : STORE_OK;
}

static enum store_status tx_close(struct sqlite_store *st, int own, enum store_status status, char *err, size_t errlen)
{
	if (!own)
		return status;
	if (status == STORE_OK)
		return sq_commit(&st->base, err, errlen);
	sq_rollback(&st->base);
	return status;
}

/* no_schema: a read-only handle on a database with no tables yet. */
static int no_schema(const struct sqlite_store *st)
{
	return st->empty;
}

/* writable: refuse writes on a read-only handle with a clear message. */
static enum store_status writable(const struct sqlite_store *st, char *err, size_t errlen)
{
	if (st->flags & STORE_READONLY) {
		store_err(err, errlen, "database opened read-only");
		return STORE_ERROR;
	}
	return STORE_OK;
}

/* sq_policy_row: store_ops.policy_row. */
static enum store_status sq_policy_row(struct store *base, const char *address, time_t at, char *state, time_t *since,
				       char *err, size_t errlen)
{
	struct sqlite_store *st = (struct sqlite_store *)base;
	enum store_status status = STORE_OK;
	sqlite3_stmt *s;
	char counted[STORE_TIME_MAX + 8] = "";
	int rc;

	state[0] = '\0';
	*since = 0;
	if (!(s = stmt(st, S_RCPT_ENSURE, &status, err, errlen)))
		return status;
	BIND(bind_text(s, 1, address));
	BIND(bind_time(s, 2, at));
	if ((status = step_done(st, s, "recipient insert", err, errlen)) != STORE_OK)
		return status;
	if (!(s = stmt(st, S_RCPT_STATE, &status, err, errlen)))
		return status;
	BIND(bind_text(s, 1, address));
	if ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		snprintf(state, 16, "%s", col(s, 0));
		snprintf(counted, sizeof(counted), "%s", col(s, 1));
	}
	sqlite3_reset(s);
	if (rc != SQLITE_ROW)
		return fail(st, rc, "recipient state", err, errlen);
	if (*counted) {
		struct tm tm = { 0 };

		if (strptime(counted, "%Y-%m-%dT%H:%M:%SZ", &tm))
			*since = timegm(&tm);
	}
	return STORE_OK;
bind_fail:
	return fail(st, rc, "bind", err, errlen);
}

/* sq_policy_soft_times: store_ops.policy_soft_times. */
static enum store_status sq_policy_soft_times(struct store *base, const char *address, time_t from, time_t *times,
					      size_t max, size_t *n, char *err, size_t errlen)
{
	struct sqlite_store *st = (struct sqlite_store *)base;
	enum store_status status = STORE_OK;
	sqlite3_stmt *s = stmt(st, S_SOFT_TIMES, &status, err, errlen);
	int rc;

	*n = 0;
	if (!s)
		return status;
	BIND(bind_text(s, 1, address));
	BIND(bind_time(s, 2, from));
	BIND(sqlite3_bind_int64(s, 3, (sqlite3_int64)max));
	while (*n < max && (rc = sqlite3_step(s)) == SQLITE_ROW)
		times[(*n)++] = (time_t)sqlite3_column_int64(s, 0);
	if (*n < max && rc != SQLITE_DONE)
		status = fail(st, rc, "soft bounce history", err, errlen);
	sqlite3_reset(s);
	return status;
bind_fail:
	return fail(st, rc, "bind", err, errlen);
}

/* sq_policy_count: store_ops.policy_count. */
static enum store_status sq_policy_count(struct store *base, const char *address, int hard, int complaint, long soft,
					 time_t at, char *err, size_t errlen)
{
	struct sqlite_store *st = (struct sqlite_store *)base;
	enum store_status status = STORE_OK;
	sqlite3_stmt *s = stmt(st, S_RCPT_UPDATE, &status, err, errlen);
	int rc;

	if (!s)
		return status;
	BIND(bind_text(s, 1, address));
	BIND(sqlite3_bind_int(s, 2, hard));
	BIND(sqlite3_bind_int(s, 3, complaint));
	BIND(soft >= 0 ? sqlite3_bind_int64(s, 4, soft) : sqlite3_bind_null(s, 4));
	BIND(bind_time(s, 5, at));
	return step_done(st, s, "recipient update", err, errlen);
bind_fail:
	return fail(st, rc, "bind", err, errlen);
}

/* sq_policy_suppress: store_ops.policy_suppress. */
static enum store_status sq_policy_suppress(struct store *base, const char *address, time_t at, const char *reason,
					    char *err, size_t errlen)
{
	struct sqlite_store *st = (struct sqlite_store *)base;
	enum store_status status = STORE_OK;
	sqlite3_stmt *s = stmt(st, S_RCPT_SUPPRESS, &status, err, errlen);
	int rc;

	if (!s)
		return status;
	BIND(bind_text(s, 1, address));
	BIND(bind_time(s, 2, at));
	BIND(bind_text(s, 3, reason));
	return step_done(st, s, "suppress", err, errlen);
bind_fail:
	return fail(st, rc, "bind", err, errlen);
}

/* sq_bounce_duplicate: store_ops.bounce_duplicate. */
static enum store_status sq_bounce_duplicate(struct store *base, const struct store_bounce *b, int *dup, char *err,
					     size_t errlen)
{
	struct sqlite_store *st = (struct sqlite_store *)base;
	enum store_status status = STORE_OK;
	sqlite3_stmt *s;
	int rc;

	*dup = 0;
	if (!b->queue_id || !*b->queue_id)
		return STORE_OK;
	if (!(s = stmt(st, S_DUPLICATE, &status, err, errlen)))
		return status;
	BIND(bind_text(s, 1, b->queue_id));
	BIND(bind_text(s, 2, b->return_path));
	BIND(bind_text(s, 3, b->recipient));
	BIND(bind_time(s, 4, b->received_at - DAY));
	rc = sqlite3_step(s);
	sqlite3_reset(s);
	if (rc == SQLITE_ROW)
		*dup = 1;
	else if (rc != SQLITE_DONE)
		return fail(st, rc, "duplicate check", err, errlen);
	return STORE_OK;
bind_fail:
	return fail(st, rc, "bind", err, errlen);
}

/* sq_bounce_insert: store_ops.bounce_insert. */
static enum store_status sq_bounce_insert(struct store *base, const struct store_bounce *b, enum store_effect effect,
					  const char *list, long long *id, char *err, size_t errlen)
{
	struct sqlite_store *st = (struct sqlite_store *)base;
	enum store_status status = STORE_OK;
	sqlite3_stmt *s = stmt(st, S_BOUNCE_INSERT, &status, err, errlen);
	int rc;

	if (!s)
		return status;
	/* parameters 1..19 in the column order of S_BOUNCE_INSERT; 1, 3
	 * and 13 are not text (bound above) */
	const char *text[] = {
		NULL, b->recipient, NULL, b->return_path, b->queue_id, b->message_token, b->kind, b->action,
		b->status, b->smtp_code, b->reason, b->class_name, NULL, b->diagnostic, b->remote_mta,
		b->reporting_mta, b->original_message_id, b->original_envelope_id, store_effect_name(effect), list,
	};

	BIND(bind_time(s, 1, b->received_at));
	BIND(sqlite3_bind_int(s, 3, b->verified ? 1 : 0));
	BIND(sqlite3_bind_int(s, 13, b->permanent ? 1 : 0));
	for (int i = 0; i < (int)(sizeof(text) / sizeof(text[0])); i++)
		if (i + 1 != 1 && i + 1 != 3 && i + 1 != 13)
			BIND(bind_text(s, i + 1, text[i]));
	if ((status = step_done(st, s, "bounce insert", err, errlen)) == STORE_OK)
		*id = (long long)sqlite3_last_insert_rowid(st->db);
	return status;
bind_fail:
	return fail(st, rc, "bind", err, errlen);
}

/* one_text: the first column of the first row of s (bound) into buf, ""
 * when no row. */
static enum store_status one_text(struct sqlite_store *st, sqlite3_stmt *s, char *buf, size_t len, const char *what,
				  char *err, size_t errlen)
{
	int rc = sqlite3_step(s);

	buf[0] = '\0';
	if (rc == SQLITE_ROW)
		snprintf(buf, len, "%s", col(s, 0));
	sqlite3_reset(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return fail(st, rc, what, err, errlen);
	return STORE_OK;
}

/* sq_bounce_list: store_ops.bounce_list: the list of b's message
 * (message mode), else the list that most recently mailed its recipient
 * (recipient mode). */
static enum store_status sq_bounce_list(struct store *base, const struct store_bounce *b, char *list, char *err,
					size_t errlen)
{
	struct sqlite_store *st = (struct sqlite_store *)base;
	enum store_status status = STORE_OK;
	int token = b->message_token && *b->message_token;
	sqlite3_stmt *s = stmt(st, token ? S_LIST_OF_MSG : S_LIST_OF_RCPT, &status, err, errlen);
	int rc;

	list[0] = '\0';
	if (!s)
		return status;
	if (!token && !*b->recipient)
		return STORE_OK;
	BIND(bind_text(s, 1, token ? b->message_token : b->recipient));
	return one_text(st, s, list, STORE_LIST_MAX + 1, "bounce list", err, errlen);
bind_fail:
	return fail(st, rc, "bind", err, errlen);
}

/* event_insert: one row of events; lists NULL: computed from the
 * attribution of address, with list (the bounce's, "" for none) first. */
static enum store_status event_insert(struct sqlite_store *st, time_t at, const char *type, const char *address,
				      const char *cause, const char *reason, const char *status_code,
				      const char *class_name, long long bounce_id, const char *list, const char *lists,
				      char *err, size_t errlen)
{
	enum store_status status = STORE_OK;
	sqlite3_stmt *s = stmt(st, lists ? S_EVENT_INSERT_LISTS : S_EVENT_INSERT, &status, err, errlen);
	int rc;

	if (!s)
		return status;
	BIND(bind_time(s, 1, at));
	BIND(bind_text(s, 2, type));
	BIND(bind_text(s, 3, address));
	BIND(bind_text(s, 4, cause));
	BIND(bind_text(s, 5, reason));
	BIND(bind_text(s, 6, status_code));
	BIND(bind_text(s, 7, class_name));
	BIND(bounce_id > 0 ? sqlite3_bind_int64(s, 8, bounce_id) : sqlite3_bind_null(s, 8));
	BIND(bind_text(s, 9, lists ? lists : list));
	return step_done(st, s, "event insert", err, errlen);
bind_fail:
	return fail(st, rc, "bind", err, errlen);
}

/* sq_bounce_event: store_ops.bounce_event. */
static enum store_status sq_bounce_event(struct store *base, const struct store_bounce *b, const char *cause,
					 long long id, const char *list, char *err, size_t errlen)
{
	return event_insert((struct sqlite_store *)base, b->received_at, "suppressed", b->recipient, cause, b->reason,
			    b->status, b->class_name, id, list, NULL, err, errlen);
}

static enum store_status sq_bounce_record(struct store *base, const struct store_bounce *b, const struct policy *p,
				      enum store_effect *effect, char *err, size_t errlen)
{
	struct sqlite_store *st = (struct sqlite_store *)base;
	enum store_effect e = STORE_EFFECT_UNVERIFIED;
	enum store_status status;
	int own;

	if ((status = writable(st, err, errlen)) != STORE_OK)
		return status;
	if ((status = tx_open(st, &own, err, errlen)) != STORE_OK)
		return status;
	status = store_policy_record(base, b, p, &e, err, errlen);
	status = tx_close(st, own, status, err, errlen);
	if (status == STORE_OK && effect)
		*effect = e;
	return status;
}

/* each_bounce: step s and hand every row to fn. */
static enum store_status each_bounce(struct sqlite_store *st, sqlite3_stmt *s, store_bounce_fn fn, void *ctx, char *err,
				     size_t errlen)
{
	enum store_status status = STORE_OK;
	int rc;

	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct store_bounce_row r = {
			.id = sqlite3_column_int64(s, 0),
			.received_at = col(s, 1),
			.recipient = col(s, 2),
			.verified = sqlite3_column_int(s, 3),
			.return_path = col(s, 4),
			.queue_id = col(s, 5),
			.message_token = col(s, 6),
			.kind = col(s, 7),
			.action = col(s, 8),
			.status = col(s, 9),
			.smtp_code = col(s, 10),
			.reason = col(s, 11),
			.class_name = col(s, 12),
			.permanent = sqlite3_column_int(s, 13),
			.diagnostic = col(s, 14),
			.remote_mta = col(s, 15),
			.reporting_mta = col(s, 16),
			.original_message_id = col(s, 17),
			.original_envelope_id = col(s, 18),
			.effect = col(s, 19),
			.list = col(s, 20),
		};

		if (fn(ctx, &r))
			break;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		status = fail(st, rc, "read bounces", err, errlen);
	sqlite3_reset(s);
	return status;
}

static enum store_status sq_bounces_list(struct store *base, const struct store_filter *f, store_bounce_fn fn,
				     void *ctx, char *err, size_t errlen)
{
	struct sqlite_store *st = (struct sqlite_store *)base;
	enum store_status status = STORE_OK;
	sqlite3_stmt *s;
	int rc;

	if (no_schema(st))
		return STORE_OK;
	if (!(s = stmt(st, f->newest && f->limit > 0 ? (f->recipient ? S_LIST_RCPT_NEWEST : S_LIST_ALL_NEWEST)
							      : (f->recipient ? S_LIST_RCPT : S_LIST_ALL),
		       &status, err, errlen)))
		return status;
	BIND(f->since ? bind_time(s, 1, f->since) : bind_text(s, 1, ""));
	BIND(bind_opt(s, 2, f->class_name));
	BIND(bind_opt(s, 3, f->reason));
	if (f->recipient)
		BIND(bind_text(s, 4, f->recipient));
	BIND(sqlite3_bind_int64(s, 5, f->limit > 0 ? f->limit : -1));
	BIND(bind_opt(s, 6, f->list));
	return each_bounce(st, s, fn, ctx, err, errlen);
bind_fail:
	return fail(st, rc, "bind", err, errlen);
}

static enum store_status each_recipient(struct sqlite_store *st, sqlite3_stmt *s, store_recipient_fn fn, void *ctx,
					int *found, char *err, size_t errlen)
{
	enum store_status status = STORE_OK;
	int rc;

	*found = 0;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct store_recipient r = {
			.address = col(s, 0),
			.state = col(s, 1),
			.hard_bounces = (long)sqlite3_column_int64(s, 2),
			.soft_bounces = (long)sqlite3_column_int64(s, 3),
			.complaints = (long)sqlite3_column_int64(s, 4),
			.first_bounce_at = col(s, 5),
			.last_bounce_at = col(s, 6),
			.suppressed_at = col(s, 7),
			.suppressed_reason = col(s, 8),
		};

		*found = 1;
		if (fn && fn(ctx, &r))
			break;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		status = fail(st, rc, "read recipients", err, errlen);
	sqlite3_reset(s);
	return status;
}

static enum store_status sq_recipient_get(struct store *base, const char *address, store_recipient_fn fn, void *ctx,
				      char *err, size_t errlen)
{
	struct sqlite_store *st = (struct sqlite_store *)base;
	enum store_status status = STORE_OK;
	sqlite3_stmt *s;
	int rc, found;

	if (no_schema(st))
		return STORE_NOTFOUND;
	if (!(s = stmt(st, S_RCPT_GET, &status, err, errlen)))
		return status;
	BIND(bind_text(s, 1, address));
	if ((status = each_recipient(st, s, fn, ctx, &found, err, errlen)) != STORE_OK)
		return status;
	return found ? STORE_OK : STORE_NOTFOUND;
bind_fail:
	return fail(st, rc, "bind", err, errlen);
}

static enum store_status sq_recipients_each(struct store *base, int suppressed_only, store_recipient_fn fn,
					     void *ctx, char *err, size_t errlen)
{
	struct sqlite_store *st = (struct sqlite_store *)base;
	enum store_status status = STORE_OK;
	sqlite3_stmt *s;
	int found;

	(void)suppressed_only; /* only the suppressed ones are listed */
	if (no_schema(st))
		return STORE_OK;
	if (!(s = stmt(st, S_SUPPRESSED, &status, err, errlen)))
		return status;
	return each_recipient(st, s, fn, ctx, &found, err, errlen);
}

/* current_state: "active", "suppressed" or "" (no row) into state. */
static enum store_status current_state(struct sqlite_store *st, const char *address, char state[16], char *err,
				       size_t errlen)
{
	enum store_status status = STORE_OK;
	sqlite3_stmt *s = stmt(st, S_RCPT_STATE, &status, err, errlen);
	int rc;

	state[0] = '\0';
	if (!s)
		return status;
	BIND(bind_text(s, 1, address));
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		snprintf(state, 16, "%s", col(s, 0));
	sqlite3_reset(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return fail(st, rc, "recipient state", err, errlen);
	return STORE_OK;
bind_fail:
	return fail(st, rc, "bind", err, errlen);
}

/* change_state: suppress (by hand, creating the row) or unsuppress
 * (STORE_NOTFOUND if no row) an address, in one transaction. */
static enum store_status sq_change_state(struct store *base, const char *address, int suppress, const char *reason,
				      time_t now, int *was_suppressed, char *err, size_t errlen)
{
	struct sqlite_store *st = (struct sqlite_store *)base;
	enum store_status status;
	sqlite3_stmt *s;
	char state[16];
	int own, rc;

	if ((status = writable(st, err, errlen)) != STORE_OK)
		return status;
	if ((status = tx_open(st, &own, err, errlen)) != STORE_OK)
		return status;
	if ((status = current_state(st, address, state, err, errlen)) != STORE_OK)
		goto out;
	if (was_suppressed)
		*was_suppressed = !strcmp(state, "suppressed");
	if (suppress) {
		if (!(s = stmt(st, S_MANUAL_ENSURE, &status, err, errlen)))
			goto out;
		BIND(bind_text(s, 1, address));
		if ((status = step_done(st, s, "recipient insert", err, errlen)) != STORE_OK)
			goto out;
	} else if (!*state) {
		store_err(err, errlen, "%s: unknown address", address);
		if (own)
			sq_rollback(&st->base);
		return STORE_NOTFOUND;
	}
	if (!(s = stmt(st, suppress ? S_MANUAL_SUPPRESS : S_UNSUPPRESS, &status, err, errlen)))
		goto out;
	BIND(bind_text(s, 1, address));
	BIND(bind_time(s, 2, now));
	if (suppress)
		BIND(bind_text(s, 3, reason && *reason ? reason : "by hand"));
	if ((status = step_done(st, s, suppress ? "suppress" : "unsuppress", err, errlen)) != STORE_OK)
		goto out;
	/* an event only for a change: suppressed -> suppressed (a new
	 * reason) and active -> active are none */
	if (suppress != !strcmp(state, "suppressed"))
		status = event_insert(st, now, suppress ? "suppressed" : "unsuppressed", address, "manual",
				      suppress ? (reason && *reason ? reason : "by hand") : "", "", "", 0, "", NULL, err,
				      errlen);
	goto out;
bind_fail:
	status = fail(st, rc, "bind", err, errlen);
out:
	return tx_close(st, own, status, err, errlen);
}

/* Stats: whole days from bounce_counts (?2: the first whole day, 'YYYY-MM-DD'),
 * the part-day before it from bounces (?1 <= received_at < ?3). */
#define STATS_SUM(grp, expr) \
	"SELECT k, sum(n) FROM (SELECT key AS k, sum(n) AS n FROM bounce_counts WHERE grp = '" grp "' " \
	"AND day >= ?2 AND (?4 IS NULL OR list = ?4) GROUP BY 1 " \
	"UNION ALL SELECT " expr ", count(*) FROM bounces WHERE received_at >= ?1 AND received_at < ?3 " \
	"AND (?4 IS NULL OR list = ?4) GROUP BY 1) " \
	"GROUP BY k HAVING sum(n) > 0 ORDER BY 2 DESC, 1"

/* stats_bounds: since as ?1, its first whole UTC day as ?2 and ?3. */
static void stats_bounds(time_t since, char from[STORE_TIME_MAX], char day[STORE_TIME_MAX],
			 char midnight[STORE_TIME_MAX])
{
	time_t d;

	if (!since) {
		from[0] = day[0] = midnight[0] = '\0';
		return;
	}
	store_time_format(since, from);
	d = since % DAY ? since - since % DAY + DAY : since;
	store_time_format(d, midnight);
	snprintf(day, STORE_TIME_MAX, "%.10s", midnight);
}

static enum store_status sq_stats(struct store *base, time_t since, const char *list, store_stat_fn fn, void *ctx,
				  char *err, size_t errlen)
{
	struct sqlite_store *st = (struct sqlite_store *)base;
	static const struct {
		const char *group, *sql;
	} queries[] = {
		{ "total", "SELECT 'bounces', coalesce(sum(n), 0) FROM (SELECT sum(n) AS n FROM bounce_counts "
			   "WHERE grp = 'class' AND day >= ?2 AND (?4 IS NULL OR list = ?4) UNION ALL SELECT count(*) "
			   "FROM bounces WHERE received_at >= ?1 AND received_at < ?3 AND (?4 IS NULL OR list = ?4))" },
		{ "class", STATS_SUM("class", "class") },
		{ "reason", STATS_SUM("reason", "reason") },
		{ "domain", STATS_SUM("domain", "lower(substr(recipient, instr(recipient, '@') + 1))") },
		{ "effect", STATS_SUM("effect", "effect") },
		{ "list", STATS_SUM("list", "list") },
		{ "state", "SELECT state, sum(n) FROM recipient_counts GROUP BY 1 HAVING sum(n) > 0 ORDER BY 2 DESC, 1" },
	};
	enum store_status status = STORE_OK;
	char from[STORE_TIME_MAX], day[STORE_TIME_MAX], midnight[STORE_TIME_MAX];

	if (no_schema(st)) {
		struct store_stat zero = { "total", "bounces", 0 };

		fn(ctx, &zero);
		return STORE_OK;
	}
	stats_bounds(since, from, day, midnight);
	for (size_t i = 0; i < sizeof(queries) / sizeof(queries[0]) && status == STORE_OK; i++) {
		sqlite3_stmt *s;
		int rc = sqlite3_prepare_v2(st->db, queries[i].sql, -1, &s, NULL);
		int stop = 0;

		if (rc != SQLITE_OK)
			return fail(st, rc, "stats", err, errlen);
		if (strstr(queries[i].sql, "?1") &&
		    ((rc = bind_text(s, 1, from)) != SQLITE_OK || (rc = bind_text(s, 2, day)) != SQLITE_OK ||
		     (rc = bind_text(s, 3, midnight)) != SQLITE_OK || (rc = bind_opt(s, 4, list)) != SQLITE_OK)) {
			sqlite3_finalize(s);
			return fail(st, rc, "bind", err, errlen);
		}
		while (!stop && (rc = sqlite3_step(s)) == SQLITE_ROW) {
			struct store_stat row = { queries[i].group, col(s, 0), (long)sqlite3_column_int64(s, 1) };

			stop = fn(ctx, &row);
		}
		if (!stop && rc != SQLITE_DONE)
			status = fail(st, rc, "stats", err, errlen);
		sqlite3_finalize(s);
		if (stop)
			break;
	}
	return status;
}

/* Rows deleted per transaction by purge: a few milliseconds of the write
 * lock each, so that a pipe waiting for it never waits long; between two
 * batches the lock stays free for PURGE_PAUSE_US, longer than the longest
 * sleep of busy_wait, so that every writer waiting then gets its turn. */
#define PURGE_BATCH 1000
#define PURGE_PAUSE_US 5000

static enum store_status sq_purge(struct store *base, time_t before, time_t now, time_t verp_before,
				  struct store_purge_result *res, char *err, size_t errlen)
{
	struct sqlite_store *st = (struct sqlite_store *)base;
	static const char *const sql[] = {
		"DELETE FROM bounces WHERE id IN (SELECT id FROM bounces WHERE received_at < ?1 "
		"ORDER BY received_at LIMIT " STR(PURGE_BATCH) ")",
		"DELETE FROM recipients WHERE address IN (SELECT address FROM recipients WHERE state = 'active' "
		"AND ifnull(last_bounce_at, '') < ?1 LIMIT " STR(PURGE_BATCH) ")",
		"DELETE FROM messages WHERE token IN (SELECT token FROM messages WHERE expires_at <= ?1 LIMIT "
		STR(PURGE_BATCH) ")",
		"DELETE FROM probes WHERE recipient IN (SELECT recipient FROM probes WHERE sent_at < ?1 LIMIT "
		STR(PURGE_BATCH) ")",
		"DELETE FROM verp_ids WHERE id IN (SELECT id FROM verp_ids WHERE last_used_at < ?1 LIMIT "
		STR(PURGE_BATCH) ")",
		"DELETE FROM list_recipients WHERE (recipient, list) IN (SELECT recipient, list FROM list_recipients "
		"WHERE last_sent_at < ?1 LIMIT " STR(PURGE_BATCH) ")",
		"DELETE FROM events WHERE id IN (SELECT id FROM events WHERE created_at < ?1 ORDER BY created_at LIMIT "
		STR(PURGE_BATCH) ")",
		/* the counts of whole days now gone, and keys counted down to 0 */
		"DELETE FROM bounce_counts WHERE day < substr(?1, 1, 10) OR n <= 0",
	};
	long probes = 0; /* not counted in res */
	long *counts[] = { &res->bounces, &res->recipients, &res->messages, &probes, &res->verp_ids,
			   &res->list_recipients, &res->events, NULL };
	time_t when[] = { before, before, now, before, verp_before, verp_before, before, before };
	enum store_status status = STORE_OK;

	memset(res, 0, sizeof(*res));
	if ((status = writable(st, err, errlen)) != STORE_OK)
		return status;
	for (size_t i = 0; i < sizeof(sql) / sizeof(sql[0]); i++) {
		sqlite3_stmt *s;
		long n;
		int rc;

		if ((i == 4 || i == 5) && verp_before == 0)
			continue;
		if ((rc = sqlite3_prepare_v2(st->db, sql[i], -1, &s, NULL)) != SQLITE_OK)
			return fail(st, rc, "purge", err, errlen);
		do {
			int own;

			n = 0;
			if ((status = tx_open(st, &own, err, errlen)) != STORE_OK)
				break;
			sqlite3_reset(s);
			if ((rc = bind_time(s, 1, when[i])) != SQLITE_OK)
				status = fail(st, rc, "bind", err, errlen);
			else if ((rc = sqlite3_step(s)) != SQLITE_DONE)
				status = fail(st, rc, "purge", err, errlen);
			else
				n = sqlite3_changes(st->db);
			if ((status = tx_close(st, own, status, err, errlen)) != STORE_OK)
				break;
			if (counts[i])
				*counts[i] += n;
			if (own && counts[i] && n == PURGE_BATCH) {
				struct timespec pause = { 0, PURGE_PAUSE_US * 1000L };

				nanosleep(&pause, NULL);
			}
		} while (counts[i] && n == PURGE_BATCH);
		sqlite3_finalize(s);
		if (status != STORE_OK)
			return status;
	}
	return STORE_OK;
}

static enum store_status sq_message_add(struct store *base, const char *token, const char *list,
				     const char *const *recipients, size_t n, time_t now, time_t expires, char *err,
				     size_t errlen)
{
	struct sqlite_store *st = (struct sqlite_store *)base;
	enum store_status status;
	sqlite3_stmt *s;
	char created[STORE_TIME_MAX];
	int own, rc;

	if ((status = writable(st, err, errlen)) != STORE_OK)
		return status;
	if (!token || !*token || (n && !recipients)) {
		store_err(err, errlen, "store_message_add: no token or no recipients");
		return STORE_ERROR;
	}
	if ((status = tx_open(st, &own, err, errlen)) != STORE_OK)
		return status;
	store_time_format(now, created);
	if (!(s = stmt(st, S_MSG_EXPIRE, &status, err, errlen)))
		goto out;
	BIND(bind_text(s, 1, created));
	if ((status = step_done(st, s, "expire messages", err, errlen)) != STORE_OK)
		goto out;
	if (!(s = stmt(st, S_MSG_INSERT, &status, err, errlen)))
		goto out;
	BIND(bind_text(s, 1, token));
	BIND(bind_text(s, 2, created));
	BIND(bind_time(s, 3, expires));
	BIND(bind_text(s, 4, list));
	if ((status = step_done(st, s, "message insert", err, errlen)) != STORE_OK)
		goto out;
	for (size_t i = 0; i < n; i++) {
		if (!recipients[i]) {
			store_err(err, errlen, "store_message_add: recipient %zu is NULL", i);
			status = STORE_ERROR;
			goto out;
		}
		if (!(s = stmt(st, S_MSG_RCPT_INSERT, &status, err, errlen)))
			goto out;
		BIND(bind_text(s, 1, token));
		BIND(bind_text(s, 2, recipients[i]));
		if ((status = step_done(st, s, "message recipient insert", err, errlen)) != STORE_OK)
			goto out;
	}
	goto out;
bind_fail:
	status = fail(st, rc, "bind", err, errlen);
out:
	return tx_close(st, own, status, err, errlen);
}

static enum store_status sq_message_has(struct store *base, const char *token, const char *recipient, char *err,
				    size_t errlen)
{
	struct sqlite_store *st = (struct sqlite_store *)base;
	enum store_status status = STORE_OK;
	sqlite3_stmt *s;
	int rc;

	if (no_schema(st))
		return STORE_NOTFOUND;
	if (!token || !recipient) {
		store_err(err, errlen, "store_message_has: no token or recipient");
		return STORE_ERROR;
	}
	if (!(s = stmt(st, S_MSG_HAS, &status, err, errlen)))
		return status;
	BIND(bind_text(s, 1, token));
	BIND(bind_text(s, 2, recipient));
	BIND(bind_time(s, 3, st->clock()));
	rc = sqlite3_step(s);
	sqlite3_reset(s);
	if (rc == SQLITE_ROW)
		return STORE_OK;
	if (rc == SQLITE_DONE)
		return STORE_NOTFOUND;
	return fail(st, rc, "message lookup", err, errlen);
bind_fail:
	return fail(st, rc, "bind", err, errlen);
}

static enum store_status sq_probe_claim(struct store *base, const char *token, const char *recipient, time_t now,
				       long interval, char *to, size_t tolen, char *err, size_t errlen)
{
	struct sqlite_store *st = (struct sqlite_store *)base;
	enum store_status status;
	sqlite3_stmt *s;
	int own, rc;

	if (to && tolen)
		*to = '\0';
	if ((status = writable(st, err, errlen)) != STORE_OK)
		return status;
	if (!recipient || !token || !to || tolen == 0) {
		store_err(err, errlen, "store_probe_claim: no token, recipient or buffer");
		return STORE_ERROR;
	}
	if ((status = tx_open(st, &own, err, errlen)) != STORE_OK)
		return status;
	if (!(s = stmt(st, S_PROBE_CLAIM, &status, err, errlen)))
		goto out;
	BIND(bind_text(s, 1, recipient));
	BIND(bind_text(s, 2, token));
	BIND(bind_time(s, 3, now));
	BIND(bind_time(s, 4, now - interval));
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		if ((size_t)snprintf(to, tolen, "%s", col(s, 0)) >= tolen) {
			store_err(err, errlen, "store_probe_claim: address longer than the buffer");
			status = STORE_ERROR;
		}
		rc = sqlite3_step(s);
	}
	sqlite3_reset(s);
	if (rc != SQLITE_DONE && status == STORE_OK)
		status = fail(st, rc, "probe", err, errlen);
	goto out;
bind_fail:
	status = fail(st, rc, "bind", err, errlen);
out:
	status = tx_close(st, own, status, err, errlen);
	if (status != STORE_OK)
		*to = '\0';
	return status;
}

static enum store_status sq_probe_release(struct store *base, const char *recipient, time_t now, char *err,
					 size_t errlen)
{
	struct sqlite_store *st = (struct sqlite_store *)base;
	enum store_status status;
	sqlite3_stmt *s;
	int own, rc;

	if ((status = writable(st, err, errlen)) != STORE_OK)
		return status;
	if ((status = tx_open(st, &own, err, errlen)) != STORE_OK)
		return status;
	if (!(s = stmt(st, S_PROBE_RELEASE, &status, err, errlen)))
		goto out;
	BIND(bind_text(s, 1, recipient));
	BIND(bind_time(s, 2, now));
	status = step_done(st, s, "probe release", err, errlen);
	goto out;
bind_fail:
	status = fail(st, rc, "bind", err, errlen);
out:
	return tx_close(st, own, status, err, errlen);
}

static enum store_status sq_list_seen(struct store *base, const char *list, const char *recipient, time_t now,
				      char *err, size_t errlen)
{
	struct sqlite_store *st = (struct sqlite_store *)base;
	enum store_status status;
	sqlite3_stmt *s;
	char last[STORE_TIME_MAX + 8], fresh[STORE_TIME_MAX];
	int own = 0, rc; /* own 0: a failed bind before tx_open ends nothing */

	if ((status = writable(st, err, errlen)) != STORE_OK)
		return status;
	/* a read first, outside any write lock: most messages of a list
	 * that mails the address often need no write */
	if (!(s = stmt(st, S_LIST_SEEN_GET, &status, err, errlen)))
		return status;
	BIND(bind_text(s, 1, recipient));
	BIND(bind_text(s, 2, list));
	if ((status = one_text(st, s, last, sizeof(last), "list lookup", err, errlen)) != STORE_OK)
		return status;
	store_time_format(now - STORE_LIST_REFRESH, fresh);
	if (*last && strcmp(last, fresh) > 0)
		return STORE_OK;
	/* A commit of its own is not synced to disk (synchronous = NORMAL,
	 * WAL): a power loss may forget the last attributions (their bounces
	 * then name no list), never a bounce; the next FULL commit (any
	 * other write) syncs them. It saves the milter an fdatasync per
	 * recipient-mode message (docs/verp.md, "Attribution"). */
	own = sqlite3_get_autocommit(st->db);
	if (own && (status = exec(st, "PRAGMA synchronous = NORMAL", err, errlen)) != STORE_OK)
		return status;
	if ((status = tx_open(st, &own, err, errlen)) != STORE_OK)
		goto sync;
	if (!(s = stmt(st, S_LIST_SEEN_PUT, &status, err, errlen)))
		goto out;
	BIND(bind_text(s, 1, recipient));
	BIND(bind_text(s, 2, list));
	BIND(bind_time(s, 3, now));
	status = step_done(st, s, "list record", err, errlen);
	goto out;
bind_fail:
	status = fail(st, rc, "bind", err, errlen);
out:
	status = tx_close(st, own, status, err, errlen);
sync:
	if (own) {
		char e2[256];
		enum store_status s2 = exec(st, "PRAGMA synchronous = FULL", e2, sizeof(e2));

		if (s2 != STORE_OK && status == STORE_OK) {
			store_err(err, errlen, "%s", e2);
			status = s2;
		}
	}
	return status;
}

static enum store_status sq_lists_of(struct store *base, const char *address, store_list_fn fn, void *ctx,
				     char *err, size_t errlen)
{
	struct sqlite_store *st = (struct sqlite_store *)base;
	enum store_status status = STORE_OK;
	sqlite3_stmt *s;
	int rc;

	if (no_schema(st))
		return STORE_OK;
	if (!(s = stmt(st, S_LISTS_OF, &status, err, errlen)))
		return status;
	BIND(bind_text(s, 1, address));
	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		if (fn(ctx, col(s, 0), col(s, 1)))
			break;
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		status = fail(st, rc, "lists", err, errlen);
	sqlite3_reset(s);
	return status;
bind_fail:
	return fail(st, rc, "bind", err, errlen);
}

/* each_event: step s (bound) and hand every EVENT_COLUMNS row to fn;
 * *n: rows seen. */
static enum store_status each_event(struct sqlite_store *st, sqlite3_stmt *s, store_event_fn fn, void *ctx, int *n,
				    char *err, size_t errlen)
{
	enum store_status status = STORE_OK;
	int rc, stop = 0;

	*n = 0;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct store_event e = {
			.id = sqlite3_column_int64(s, 0),
			.created_at = col(s, 1),
			.type = col(s, 2),
			.address = col(s, 3),
			.lists = col(s, 4),
			.cause = col(s, 5),
			.reason = col(s, 6),
			.status = col(s, 7),
			.class_name = col(s, 8),
			.bounce_id = sqlite3_column_int64(s, 9),
			.hook_state = col(s, 10),
			.hook_attempts = (long)sqlite3_column_int64(s, 11),
			.hook_next_at = col(s, 12),
			.hook_note = col(s, 13),
		};

		(*n)++;
		/* a stop ends a read; an UPDATE ... RETURNING is stepped to
		 * its end all the same */
		if (!stop && fn && fn(ctx, &e) && (stop = 1) && sqlite3_stmt_readonly(s))
			break;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		status = fail(st, rc, "read events", err, errlen);
	sqlite3_reset(s);
	return status;
}

static enum store_status sq_events_list(struct store *base, long long after, long limit, store_event_fn fn,
					void *ctx, char *err, size_t errlen)
{
	struct sqlite_store *st = (struct sqlite_store *)base;
	enum store_status status = STORE_OK;
	sqlite3_stmt *s;
	int rc, n;

	if (no_schema(st))
		return STORE_OK;
	if (!(s = stmt(st, S_EVENTS_LIST, &status, err, errlen)))
		return status;
	BIND(sqlite3_bind_int64(s, 1, after));
	BIND(sqlite3_bind_int64(s, 2, limit > 0 ? limit : -1));
	return each_event(st, s, fn, ctx, &n, err, errlen);
bind_fail:
	return fail(st, rc, "bind", err, errlen);
}

static enum store_status sq_event_add(struct store *base, const struct store_event_new *e, long long *id, char *err,
				      size_t errlen)
{
	struct sqlite_store *st = (struct sqlite_store *)base;
	enum store_status status;
	int own;

	if ((status = writable(st, err, errlen)) != STORE_OK)
		return status;
	if ((status = tx_open(st, &own, err, errlen)) != STORE_OK)
		return status;
	status = event_insert(st, e->at, e->type, e->address ? e->address : "", e->cause, e->reason, e->status,
			      e->class_name, e->bounce_id, "", e->lists ? e->lists : "", err, errlen);
	if (status == STORE_OK && id)
		*id = (long long)sqlite3_last_insert_rowid(st->db);
	return tx_close(st, own, status, err, errlen);
}

/* write_begin: the start of a call that writes with the cached statement
 * id: a read-only handle refused, the call's own transaction opened unless
 * the caller holds one (*own: tx_close ends it), *s ready to bind. */
static enum store_status write_begin(struct sqlite_store *st, enum stmt_id id, sqlite3_stmt **s, int *own, char *err,
				     size_t errlen)
{
	enum store_status status;

	*own = 0;
	if ((status = writable(st, err, errlen)) != STORE_OK || (status = tx_open(st, own, err, errlen)) != STORE_OK)
		return status;
	if (!(*s = stmt(st, id, &status, err, errlen)))
		return tx_close(st, *own, status, err, errlen);
	return STORE_OK;
}

static enum store_status sq_hook_claim(struct store *base, const char *owner, time_t now, time_t until,
				       store_event_fn fn, void *ctx, int *claimed, char *err, size_t errlen)
{
	struct sqlite_store *st = (struct sqlite_store *)base;
	enum store_status status;
	sqlite3_stmt *s;
	int own, rc;

	if ((status = write_begin(st, S_HOOK_CLAIM, &s, &own, err, errlen)) != STORE_OK)
		return status;
	BIND(bind_text(s, 1, owner));
	BIND(bind_time(s, 2, now));
	BIND(bind_time(s, 3, until));
	return tx_close(st, own, each_event(st, s, fn, ctx, claimed, err, errlen), err, errlen);
bind_fail:
	return tx_close(st, own, fail(st, rc, "bind", err, errlen), err, errlen);
}

static enum store_status sq_hook_finish(struct store *base, long long id, const char *owner, const char *state,
					time_t next_at, const char *note, long *changed, char *err, size_t errlen)
{
	struct sqlite_store *st = (struct sqlite_store *)base;
	enum store_status status;
	sqlite3_stmt *s;
	int own, rc;

	if ((status = write_begin(st, S_HOOK_FINISH, &s, &own, err, errlen)) != STORE_OK)
		return status;
	BIND(sqlite3_bind_int64(s, 1, id));
	BIND(bind_text(s, 2, owner));
	BIND(bind_text(s, 3, state));
	BIND(bind_time(s, 4, next_at));
	BIND(bind_text(s, 5, note));
	if ((status = step_done(st, s, "hook outcome", err, errlen)) == STORE_OK)
		*changed = sqlite3_changes(st->db);
	return tx_close(st, own, status, err, errlen);
bind_fail:
	return tx_close(st, own, fail(st, rc, "bind", err, errlen), err, errlen);
}

/* verp_put: struct verp_map's put on the verp_ids table. An id already
 * taken by another recipient is an error (-1), never an overwrite. */
static int verp_put(void *ctx, const char *id, const char *recipient, time_t now)
{
	struct sqlite_store *st = ctx;
	enum store_status status = STORE_OK;
	sqlite3_stmt *s;

	if (writable(st, NULL, 0) != STORE_OK || !(s = stmt(st, S_VERP_PUT, &status, NULL, 0)))
		return -1;
	if (bind_text(s, 1, id) != SQLITE_OK || bind_text(s, 2, recipient) != SQLITE_OK ||
	    bind_time(s, 3, now) != SQLITE_OK)
		return -1;
	if (step_done(st, s, "verp id", NULL, 0) != STORE_OK)
		return -1;
	return sqlite3_changes(st->db) == 1 ? 0 : -1;
}

static int verp_get(void *ctx, const char *id, char **recipient)
{
	struct sqlite_store *st = ctx;
	enum store_status status = STORE_OK;
	sqlite3_stmt *s;
	int rc, ret = -1;

	*recipient = NULL;
	if (no_schema(st))
		return 1;
	if (!(s = stmt(st, S_VERP_GET, &status, NULL, 0)) || bind_text(s, 1, id) != SQLITE_OK)
		return -1;
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		ret = (*recipient = strdup(col(s, 0))) ? 0 : -1;
	else if (rc == SQLITE_DONE)
		ret = 1;
	sqlite3_reset(s);
	return ret;
}

static const struct verp_map *sq_verp_map(struct store *base)
{
	struct sqlite_store *st = (struct sqlite_store *)base;

	st->map.put = verp_put;
	st->map.get = verp_get;
	st->map.ctx = st;
	return &st->map;
}

static int sq_conflict(struct store *base)
{
	(void)base; /* BEGIN IMMEDIATE: one writer at a time, no conflict */
	return 0;
}

/* The rows of store_copy, every column as text, in store.h's table order;
 * the column lists are the same in lib/store_pgsql.c. */
static const char *const copy_select[STORE_COPY_NTABLES] = {
	"SELECT address, state, hard_bounces, soft_bounces, complaints, first_bounce_at, last_bounce_at, "
	"suppressed_at, suppressed_reason, counted_since FROM recipients ORDER BY address",
	"SELECT received_at, recipient, verified, return_path, queue_id, message_token, kind, action, status, "
	"smtp_code, reason, class, permanent, diagnostic, remote_mta, reporting_mta, original_message_id, "
	"original_envelope_id, effect, list, id FROM bounces ORDER BY id",
	"SELECT token, created_at, expires_at, list FROM messages ORDER BY token",
	"SELECT token, recipient FROM message_recipients ORDER BY token, recipient",
	"SELECT id, recipient, created_at, last_used_at FROM verp_ids ORDER BY id",
	"SELECT recipient, token, sent_at FROM probes ORDER BY recipient",
	"SELECT recipient, list, first_sent_at, last_sent_at FROM list_recipients ORDER BY recipient, list",
	"SELECT id, created_at, type, address, lists, cause, reason, status, class, bounce_id, hook_state, "
	"hook_attempts, hook_next_at, hook_lease_owner, hook_lease_until, hook_note FROM events ORDER BY id",
	"SELECT list, paused, paused_at, pause_reason, resumed_at, warned_at, warn_reason FROM list_states ORDER BY list",
	"SELECT list, bucket, sum(messages), sum(recipients), sum(hard), sum(soft), sum(complaints) FROM list_counts "
	"GROUP BY list, bucket ORDER BY list, bucket",
};
static const char *const copy_insert[STORE_COPY_NTABLES] = {
	"INSERT INTO recipients (address, state, hard_bounces, soft_bounces, complaints, first_bounce_at, "
	"last_bounce_at, suppressed_at, suppressed_reason, counted_since) "
	"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
	"INSERT INTO bounces (received_at, recipient, verified, return_path, queue_id, message_token, kind, action, "
	"status, smtp_code, reason, class, permanent, diagnostic, remote_mta, reporting_mta, original_message_id, "
	"original_envelope_id, effect, list, id) "
	"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21)",
	"INSERT INTO messages (token, created_at, expires_at, list) VALUES (?1, ?2, ?3, ?4)",
	"INSERT INTO message_recipients (token, recipient) VALUES (?1, ?2)",
	"INSERT INTO verp_ids (id, recipient, created_at, last_used_at) VALUES (?1, ?2, ?3, ?4)",
	"INSERT INTO probes (recipient, token, sent_at) VALUES (?1, ?2, ?3)",
	"INSERT INTO list_recipients (recipient, list, first_sent_at, last_sent_at) VALUES (?1, ?2, ?3, ?4)",
	"INSERT INTO events (id, created_at, type, address, lists, cause, reason, status, class, bounce_id, "
	"hook_state, hook_attempts, hook_next_at, hook_lease_owner, hook_lease_until, hook_note) "
	"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
	"INSERT INTO list_states (list, paused, paused_at, pause_reason, resumed_at, warned_at, warn_reason) "
	"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
	"INSERT INTO list_counts (list, bucket, shard, messages, recipients, hard, soft, complaints) "
	"VALUES (lower(?1), ?2, 0, ?3, ?4, ?5, ?6, ?7)",
};

static enum store_status sq_copy_each(struct store *base, enum store_copy_table t, store_copy_fn fn, void *ctx,
				      char *err, size_t errlen)
{
	struct sqlite_store *st = (struct sqlite_store *)base;
	const char *values[32];
	enum store_status status = STORE_OK;
	sqlite3_stmt *s;
	int rc, n;

	if (no_schema(st))
		return STORE_OK;
	if ((rc = sqlite3_prepare_v2(st->db, copy_select[t], -1, &s, NULL)) != SQLITE_OK)
		return fail(st, rc, "copy", err, errlen);
	n = sqlite3_column_count(s);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		for (int i = 0; i < n && i < 32; i++)
			values[i] = (const char *)sqlite3_column_text(s, i);
		if (fn(ctx, values, (size_t)n))
			break;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		status = fail(st, rc, "copy", err, errlen);
	sqlite3_finalize(s);
	return status;
}

static enum store_status sq_copy_put(struct store *base, enum store_copy_table t, const char *const *values,
				     char *err, size_t errlen)
{
	struct sqlite_store *st = (struct sqlite_store *)base;
	enum store_status status;
	sqlite3_stmt *s;
	int rc, n;

	if ((status = writable(st, err, errlen)) != STORE_OK)
		return status;
	if (!values)
		return STORE_OK; /* the end of a table: nothing to do here */
	if ((rc = sqlite3_prepare_v2(st->db, copy_insert[t], -1, &s, NULL)) != SQLITE_OK)
		return fail(st, rc, "copy", err, errlen);
	n = sqlite3_bind_parameter_count(s);
	for (int i = 0; i < n; i++)
		if ((rc = bind_opt(s, i + 1, values[i])) != SQLITE_OK)
			break;
	status = rc == SQLITE_OK ? step_done(st, s, "copy", err, errlen) : fail(st, rc, "bind", err, errlen);
	sqlite3_finalize(s);
	return status;
}


/* --- A list's reputation ----------------------------------------------------
 * Called once a rate_interval by rebound-milter and by the CLI: statements
 * prepared per call, not cached. */

/* prep: prepare sql (fixed text) into *s. */
static enum store_status prep(struct sqlite_store *st, const char *sql, sqlite3_stmt **s, char *err, size_t errlen)
{
	int rc = sqlite3_prepare_v2(st->db, sql, -1, s, NULL);

	return rc == SQLITE_OK ? STORE_OK : fail(st, rc, "prepare", err, errlen);
}

/* run_finalize: step s to its end (rows counted into *rows, may be NULL),
 * then finalize it. */
static enum store_status run_finalize(struct sqlite_store *st, sqlite3_stmt *s, const char *what, long *rows,
				      char *err, size_t errlen)
{
	enum store_status status = STORE_OK;
	int rc;

	if (rows)
		*rows = 0;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		if (rows)
			(*rows)++;
	if (rc != SQLITE_DONE)
		status = fail(st, rc, what, err, errlen);
	sqlite3_finalize(s);
	return status;
}

static enum store_status sq_copy_begin(struct store *base, enum store_copy_table t, char *err, size_t errlen)
{
	struct sqlite_store *st = (struct sqlite_store *)base;
	enum store_status status;
	sqlite3_stmt *s;

	if (t != STORE_COPY_LIST_COUNTS)
		return STORE_OK;
	/* store_copy found none before: all there is came from the trigger */
	if ((status = writable(st, err, errlen)) != STORE_OK ||
	    (status = prep(st, "DELETE FROM list_counts", &s, err, errlen)) != STORE_OK)
		return status;
	return run_finalize(st, s, "copy", NULL, err, errlen);
}

static enum store_status sq_list_sent_add(struct store *base, const struct store_list_sent *rows, size_t n,
					  time_t before, char *err, size_t errlen)
{
	struct sqlite_store *st = (struct sqlite_store *)base;
	enum store_status status;
	sqlite3_stmt *s = NULL;
	int own, rc;

	if ((status = writable(st, err, errlen)) != STORE_OK)
		return status;
	if ((status = tx_open(st, &own, err, errlen)) != STORE_OK)
		return status;
	if ((status = prep(st, "INSERT INTO list_counts (list, bucket, shard, messages, recipients) "
			   "VALUES (lower(?1), ?2, 0, ?3, ?4) ON CONFLICT (list, bucket, shard) DO UPDATE SET "
			   "messages = messages + excluded.messages, recipients = recipients + excluded.recipients",
			   &s, err, errlen)) != STORE_OK)
		goto out;
	for (size_t i = 0; i < n && status == STORE_OK; i++) {
		sqlite3_reset(s);
		BIND(bind_text(s, 1, rows[i].list));
		BIND(sqlite3_bind_int64(s, 2, (sqlite3_int64)rows[i].bucket));
		BIND(sqlite3_bind_int64(s, 3, rows[i].messages));
		BIND(sqlite3_bind_int64(s, 4, rows[i].recipients));
		if ((rc = sqlite3_step(s)) != SQLITE_DONE)
			status = fail(st, rc, "list counts", err, errlen);
	}
	sqlite3_finalize(s);
	s = NULL;
	if (status == STORE_OK && before) {
		if ((status = prep(st, "DELETE FROM list_counts WHERE bucket < ?1", &s, err, errlen)) != STORE_OK)
			goto out;
		BIND(sqlite3_bind_int64(s, 1, (sqlite3_int64)before));
		status = run_finalize(st, s, "list counts purge", NULL, err, errlen);
		s = NULL;
	}
	goto out;
bind_fail:
	status = fail(st, rc, "bind", err, errlen);
	sqlite3_finalize(s);
out:
	return tx_close(st, own, status, err, errlen);
}

static enum store_status sq_list_buckets(struct store *base, time_t since, const char *list, store_list_bucket_fn fn,
					 void *ctx, char *err, size_t errlen)
{
	struct sqlite_store *st = (struct sqlite_store *)base;
	enum store_status status;
	sqlite3_stmt *s;
	int rc, stop = 0;

	if (no_schema(st))
		return STORE_OK;
	if ((status = prep(st, "SELECT list, bucket, sum(messages), sum(recipients), sum(hard), sum(soft), "
			   "sum(complaints) FROM list_counts WHERE bucket >= ?1 AND (?2 IS NULL OR list = ?2) "
			   "GROUP BY list, bucket ORDER BY list, bucket", &s, err, errlen)) != STORE_OK)
		return status;
	if ((rc = sqlite3_bind_int64(s, 1, (sqlite3_int64)since)) != SQLITE_OK || (rc = bind_opt(s, 2, list)) != SQLITE_OK) {
		sqlite3_finalize(s);
		return fail(st, rc, "bind", err, errlen);
	}
	while (!stop && (rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct rates_bucket b = { (time_t)sqlite3_column_int64(s, 1),
					  { (long)sqlite3_column_int64(s, 2), (long)sqlite3_column_int64(s, 3),
					    (long)sqlite3_column_int64(s, 4), (long)sqlite3_column_int64(s, 5),
					    (long)sqlite3_column_int64(s, 6) } };

		stop = fn(ctx, col(s, 0), &b);
	}
	if (!stop && rc != SQLITE_DONE)
		status = fail(st, rc, "list counts", err, errlen);
	sqlite3_finalize(s);
	return status;
}

static enum store_status sq_list_states(struct store *base, int paused_only, store_list_state_fn fn, void *ctx,
					char *err, size_t errlen)
{
	struct sqlite_store *st = (struct sqlite_store *)base;
	enum store_status status;
	sqlite3_stmt *s;
	int rc, stop = 0;

	if (no_schema(st))
		return STORE_OK;
	if ((status = prep(st, "SELECT list, paused, ifnull(paused_at, ''), ifnull(pause_reason, ''), "
			   "ifnull(resumed_at, ''), ifnull(warned_at, ''), ifnull(warn_reason, '') FROM list_states "
			   "WHERE paused >= ?1 ORDER BY list", &s, err, errlen)) != STORE_OK)
		return status;
	if ((rc = sqlite3_bind_int(s, 1, paused_only ? 1 : 0)) != SQLITE_OK) {
		sqlite3_finalize(s);
		return fail(st, rc, "bind", err, errlen);
	}
	while (!stop && (rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct store_list_state ls = { col(s, 0), sqlite3_column_int(s, 1), col(s, 2), col(s, 3),
					       col(s, 4), col(s, 5), col(s, 6) };

		stop = fn(ctx, &ls);
	}
	if (!stop && rc != SQLITE_DONE)
		status = fail(st, rc, "list states", err, errlen);
	sqlite3_finalize(s);
	return status;
}

/* list_change: one statement on list_states with list ?1, time ?2 and
 * text ?3 (may be NULL), time ?4 (0: unbound); *rows: rows it returned. */
static enum store_status list_change(struct sqlite_store *st, const char *sql, const char *list, time_t t,
				     const char *text, time_t t2, long *rows, char *err, size_t errlen)
{
	enum store_status status;
	sqlite3_stmt *s;
	int rc;

	if ((status = prep(st, sql, &s, err, errlen)) != STORE_OK)
		return status;
	if ((rc = bind_text(s, 1, list)) != SQLITE_OK || (rc = bind_time(s, 2, t)) != SQLITE_OK ||
	    (text && (rc = bind_text(s, 3, text)) != SQLITE_OK) || (t2 && (rc = bind_time(s, 4, t2)) != SQLITE_OK)) {
		sqlite3_finalize(s);
		return fail(st, rc, "bind", err, errlen);
	}
	return run_finalize(st, s, "list state", rows, err, errlen);
}

static enum store_status sq_list_pause(struct store *base, const char *list, time_t now, const char *reason,
				       long *rows, char *err, size_t errlen)
{
	struct sqlite_store *st = (struct sqlite_store *)base;
	enum store_status status;

	if ((status = writable(st, err, errlen)) != STORE_OK)
		return status;
	/* one statement: a row back only when this call paused it */
	return list_change(st, "INSERT INTO list_states (list, paused, paused_at, pause_reason) "
			   "VALUES (lower(?1), 1, ?2, ?3) ON CONFLICT (list) DO UPDATE SET paused = 1, "
			   "paused_at = excluded.paused_at, pause_reason = excluded.pause_reason "
			   "WHERE list_states.paused = 0 RETURNING 1", list, now, reason, 0, rows, err, errlen);
}

static enum store_status sq_list_resume(struct store *base, const char *list, time_t now, int *known, int *paused,
					char *err, size_t errlen)
{
	struct sqlite_store *st = (struct sqlite_store *)base;
	enum store_status status;
	long ever = 0, was = 0;
	int own;

	if ((status = writable(st, err, errlen)) != STORE_OK)
		return status;
	if ((status = tx_open(st, &own, err, errlen)) != STORE_OK)
		return status;
	/* as PostgreSQL's: only a list ever paused is resumed */
	if ((status = list_change(st, "SELECT 1 FROM list_states WHERE list = ?1 AND paused_at IS NOT NULL "
				  "AND ?2 IS NOT NULL", list, now, NULL, 0, &ever, err, errlen)) == STORE_OK &&
	    (status = list_change(st, "UPDATE list_states SET paused = 0, resumed_at = ?2 WHERE list = ?1 "
				  "AND paused = 1 AND paused_at IS NOT NULL RETURNING 1", list, now, NULL, 0, &was, err,
				  errlen)) == STORE_OK) {
		*known = ever > 0;
		*paused = was > 0;
	}
	return tx_close(st, own, status, err, errlen);
}

static enum store_status sq_list_warn(struct store *base, const char *list, time_t now, time_t since,
				      const char *reason, long *rows, char *err, size_t errlen)
{
	struct sqlite_store *st = (struct sqlite_store *)base;
	enum store_status status;

	if ((status = writable(st, err, errlen)) != STORE_OK)
		return status;
	/* a warning stamped after now (the clock went back) still counts */
	return list_change(st, "INSERT INTO list_states (list, warned_at, warn_reason) VALUES (lower(?1), ?2, ?3) "
			   "ON CONFLICT (list) DO UPDATE SET warned_at = excluded.warned_at, "
			   "warn_reason = excluded.warn_reason "
			   "WHERE list_states.warned_at IS NULL OR list_states.warned_at <= ?4 RETURNING 1",
			   list, now, reason, since, rows, err, errlen);
}

static const struct store_ops sqlite_ops = {
	.name = "sqlite",
	.close = sq_close,
	.set_clock = sq_set_clock,
	.begin = sq_begin,
	.commit = sq_commit,
	.rollback = sq_rollback,
	.conflict = sq_conflict,
	.bounce_record = sq_bounce_record,
	.policy_row = sq_policy_row,
	.policy_soft_times = sq_policy_soft_times,
	.policy_count = sq_policy_count,
	.policy_suppress = sq_policy_suppress,
	.bounce_duplicate = sq_bounce_duplicate,
	.bounce_list = sq_bounce_list,
	.bounce_insert = sq_bounce_insert,
	.bounce_event = sq_bounce_event,
	.bounces_list = sq_bounces_list,
	.recipient_get = sq_recipient_get,
	.recipients_each = sq_recipients_each,
	.change_state = sq_change_state,
	.stats = sq_stats,
	.purge = sq_purge,
	.message_add = sq_message_add,
	.message_has = sq_message_has,
	.list_seen = sq_list_seen,
	.lists_of = sq_lists_of,
	.events_list = sq_events_list,
	.event_add = sq_event_add,
	.hook_claim = sq_hook_claim,
	.hook_finish = sq_hook_finish,
	.probe_claim = sq_probe_claim,
	.probe_release = sq_probe_release,
	.verp_map = sq_verp_map,
	.copy_each = sq_copy_each,
	.copy_begin = sq_copy_begin,
	.copy_put = sq_copy_put,
	.list_sent_add = sq_list_sent_add,
	.list_buckets = sq_list_buckets,
	.list_states = sq_list_states,
	.list_pause = sq_list_pause,
	.list_resume = sq_list_resume,
	.list_warn = sq_list_warn,
};
