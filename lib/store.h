/* store.h: rebound's one storage interface. Everything the programs keep
 * (bounces, the state of recipients, the recipients of messages sent in
 * message mode, the ids of long VERP recipients) goes through these
 * functions, which speak in bounces, recipients and messages, never SQL.
 * lib/store.c picks the backend from the database name: a path is an
 * SQLite file (lib/store_sqlite.c), a postgresql:// URI or a libpq
 * conninfo string ("host=... dbname=...") a PostgreSQL database
 * (lib/store_pgsql.c). Both give the same semantics and policy.
 *
 * Threads: a handle is used by one thread at a time. Never share a
 * struct store between threads (rebound-milter opens one per thread);
 * separate handles on one database, in one or many processes, are safe.
 *
 * Errors: every call returns an enum store_status and, on failure, writes
 * a one-line message to err (errlen bytes, may be NULL/0). Never exits,
 * never logs. Times are time_t in, UTC ISO 8601 text out
 * ("2026-11-27T21:13:35Z"). */
#ifndef REBOUND_STORE_H
#define REBOUND_STORE_H

#include <stddef.h>
#include <time.h>

#include "policy.h"
#include "rates.h"
#include "verp.h"

enum store_status {
	STORE_OK = 0,
	STORE_NOTFOUND,
	STORE_TEMPFAIL, /* busy, locked, read-only, full, I/O, no memory: may pass */
	STORE_ERROR,    /* permanent: corrupt, bad schema, bug */
};

/* Flags of store_open. */
#define STORE_READONLY 0x1 /* the CLI's read commands: never writes, never migrates */
#define STORE_CREATE   0x2 /* create the database file if missing (not its directory) */

/* The schema version this program writes (SQLite: PRAGMA user_version;
 * PostgreSQL: the highest row of table schema_version). */
#define STORE_SCHEMA_VERSION 8

/* Longest ISO time text, with its NUL. */
#define STORE_TIME_MAX 21

struct store;

/* store_is_server: nonzero when database names a PostgreSQL server (a
 * postgresql:// or postgres:// URI, or a conninfo string of key=value
 * words), zero for a file path. */
int store_is_server(const char *database);

/* store_redact: database fit to print: the password of a URI or conninfo
 * replaced by "***" (passwords belong in a passfile, ~/.pgpass or
 * PGPASSFILE, not in the configuration). Returns buf. */
char *store_redact(const char *database, char *buf, size_t len);

/* store_backend_name: "sqlite" or "postgresql". */
const char *store_backend_name(const struct store *st);

/* store_open: open (and with STORE_CREATE create) the database at path;
 * migrate its schema to STORE_SCHEMA_VERSION unless STORE_READONLY. A
 * lock is waited for up to timeout_seconds. ":memory:" opens a private
 * in-memory database (tests). *out is freed with store_close. A database
 * file that does not exist is, without STORE_CREATE, "no such database":
 * STORE_NOTFOUND with STORE_READONLY (the CLI then shows nothing), else
 * STORE_TEMPFAIL (a writer may create it later). A missing
 * directory, a read-only file or directory, a full disk or a lock held
 * past the timeout are STORE_TEMPFAIL; a file that is not a database, or
 * a schema newer than this program, STORE_ERROR.
 * PostgreSQL: the database must exist (its administrator creates it);
 * STORE_CREATE is not needed for the schema, which every writer migrates
 * under an advisory lock (many hosts may open at once). A server that is
 * down, unreachable, refuses the login, or a read-only standby (on the
 * first write) is STORE_TEMPFAIL; every call gives up after
 * timeout_seconds (the server slower than that: STORE_TEMPFAIL). */
enum store_status store_open(const char *path, long timeout_seconds, int flags, struct store **out,
			     char *err, size_t errlen);
void store_close(struct store *st);

/* store_strstatus: "ok", "not found", "temporary failure", "error". */
const char *store_strstatus(enum store_status status);

/* store_set_clock: the clock of functions that take no time argument
 * (store_message_has); tests inject one. NULL restores time(). */
void store_set_clock(struct store *st, time_t (*clock)(void));

/* store_time_format: t as "YYYY-MM-DDTHH:MM:SSZ" into buf; returns buf. */
char *store_time_format(time_t t, char buf[STORE_TIME_MAX]);

/* --- Transactions -------------------------------------------------------
 * store_begin takes the write lock at once (waiting up to the timeout);
 * nothing is durable before store_commit returns STORE_OK. A failed commit
 * leaves nothing written. store_rollback is safe to call at any time. */
enum store_status store_begin(struct store *st, char *err, size_t errlen);
enum store_status store_commit(struct store *st, char *err, size_t errlen);
void store_rollback(struct store *st);
/* store_conflict: nonzero when the last failure ended the transaction
 * because of another writer (PostgreSQL: a serialisation failure or a
 * deadlock): the caller may run its whole transaction again. Calls that
 * run in a transaction of their own retry by themselves. SQLite: 0. */
int store_conflict(struct store *st);

/* --- Bounces -------------------------------------------------------------- */

/* One recipient's result of one bounce, as rebound-pipe records it. Strings
 * may be NULL (stored as ""); kind and class are bounce_kind_name() and
 * bounce_class_name() words. */
struct store_bounce {
	time_t received_at;
	const char *recipient;
	int verified;            /* the VERP tag checked out (and, in message
				    mode, the recipient was sent the message) */
	const char *return_path; /* the address the bounce came to */
	const char *queue_id;    /* Postfix's queue id of the bounce */
	const char *message_token; /* message mode: the token, else "" */
	const char *kind, *action, *status, *smtp_code, *reason, *class_name;
	int permanent;
	const char *diagnostic, *remote_mta, *reporting_mta;
	const char *original_message_id, *original_envelope_id;
};

/* What recording a bounce did to its address (bounces.effect). */
enum store_effect {
	STORE_EFFECT_UNVERIFIED,  /* tag bad or expired: recorded, no state change */
	STORE_EFFECT_NOT_COUNTED, /* delayed, delivered, auto-reply, sender's problem */
	STORE_EFFECT_COUNTED,     /* a soft bounce, below the limit */
	STORE_EFFECT_SUPPRESSED,  /* the address is now suppressed */
	STORE_EFFECT_ALREADY,     /* the address was already suppressed */
	STORE_EFFECT_DUPLICATE,   /* the same delivery was recorded before: not again */
};
/* store_effect_name: "unverified", "not-counted", "counted", "suppressed",
 * "already-suppressed", "duplicate". */
const char *store_effect_name(enum store_effect effect);

/* store_bounce_record: insert the bounce and apply the policy to its
 * recipient. Its list (bounces.list) is found here: the list of the
 * message (message_token) or, in recipient mode, the list that most
 * recently mailed the recipient (store_list_seen). When the bounce
 * suppresses its address (STORE_EFFECT_SUPPRESSED) a `suppressed` event
 * (cause "hard", "soft-limit" or "complaint") is written in the same
 * transaction; nothing for any other effect. Inside the caller's transaction if one is open (rebound-pipe
 * records all recipients of one bounce in one), else in one of its own.
 * A delivery already recorded (same queue id, return path and recipient
 * within a day: Postfix redelivered after a crash before exit) is not
 * recorded twice: *effect = STORE_EFFECT_DUPLICATE. effect may be NULL. */
enum store_status store_bounce_record(struct store *st, const struct store_bounce *b, const struct policy *p,
				      enum store_effect *effect, char *err, size_t errlen);

/* A bounce row as read back. Strings are never NULL and live only during
 * the callback. */
struct store_bounce_row {
	long long id;
	const char *received_at, *recipient, *return_path, *queue_id, *message_token;
	int verified, permanent;
	const char *kind, *action, *status, *smtp_code, *reason, *class_name;
	const char *diagnostic, *remote_mta, *reporting_mta;
	const char *original_message_id, *original_envelope_id, *effect;
	const char *list; /* the list it belongs to (docs/verp.md, "Attribution"), "" if unknown */
};

struct store_filter {
	time_t since;          /* 0: all */
	const char *class_name; /* NULL: any */
	const char *reason;    /* NULL: any */
	const char *recipient; /* NULL: any (case-insensitive) */
	const char *list;      /* NULL: any (exact) */
	long limit;            /* 0: no limit */
	int newest;            /* with limit: the newest `limit` rows (still handed oldest first) */
};

/* Callbacks return 0 to go on, nonzero to stop (the call then returns
 * STORE_OK). */
typedef int (*store_bounce_fn)(void *ctx, const struct store_bounce_row *row);

/* store_bounces_list: matching bounces, oldest first (since is a range
 * on the received_at index). */
enum store_status store_bounces_list(struct store *st, const struct store_filter *f, store_bounce_fn fn,
				     void *ctx, char *err, size_t errlen);

/* --- Recipients ----------------------------------------------------------- */

struct store_recipient {
	const char *address, *state; /* state: "active" or "suppressed" */
	long hard_bounces, soft_bounces, complaints;
	const char *first_bounce_at, *last_bounce_at; /* "" if none */
	const char *suppressed_at, *suppressed_reason; /* "" unless suppressed */
};
typedef int (*store_recipient_fn)(void *ctx, const struct store_recipient *r);

/* store_recipient_get: STORE_NOTFOUND if the address has no row. */
enum store_status store_recipient_get(struct store *st, const char *address, store_recipient_fn fn, void *ctx,
				      char *err, size_t errlen);
/* store_suppressed_list: suppressed addresses, by address (bytes of the
 * lowercase address). Only address, state, suppressed_at and
 * suppressed_reason are read (one index holds them: 20,000 of a million
 * addresses in tens of milliseconds); the counts are 0 and the other
 * times "". store_recipient_get gives an address's whole row. */
enum store_status store_suppressed_list(struct store *st, store_recipient_fn fn, void *ctx, char *err,
					size_t errlen);
/* store_recipient_suppress: suppress by hand (creates the row if needed).
 * *was_suppressed (may be NULL) tells whether it already was. A change of
 * state writes a `suppressed` event (cause "manual", reason the text) in
 * the same transaction; an address already suppressed gets none. */
enum store_status store_recipient_suppress(struct store *st, const char *address, const char *reason, time_t now,
					   int *was_suppressed, char *err, size_t errlen);
/* store_recipient_unsuppress: back to active, soft count reset (bounces
 * before now no longer count). STORE_NOTFOUND if unknown. An address that
 * was suppressed gets an `unsuppressed` event (cause "manual") in the
 * same transaction; one that was active gets none. */
enum store_status store_recipient_unsuppress(struct store *st, const char *address, time_t now,
					     int *was_suppressed, char *err, size_t errlen);

/* --- Statistics and purge ------------------------------------------------- */

/* One count: group is "total", "class", "reason", "domain", "effect",
 * "list" (key "" for bounces of no known list) or "state". */
struct store_stat {
	const char *group, *key;
	long count;
};
typedef int (*store_stat_fn)(void *ctx, const struct store_stat *s);
/* store_stats: counts of bounces received at or after since (0: all), of
 * list only unless it is NULL (recipients by state: all), by group, each
 * group by count descending. Read from table bounce_counts
 * (kept per day by triggers) for whole days, and from the bounces of the
 * part-day at since: a few hundred rows, not one per bounce. */
enum store_status store_stats(struct store *st, time_t since, const char *list, store_stat_fn fn, void *ctx,
			      char *err, size_t errlen);

struct store_purge_result {
	long bounces, recipients, messages, verp_ids, list_recipients, events;
};
/* store_purge: delete, in batches of a few thousand rows each in a short
 * transaction of its own (unless the caller holds one), so that writers
 * never wait long: bounces received and events made before `before`
 * (whatever their hooks' state), active recipients
 * whose last bounce is before it, messages whose token expired by now,
 * probes sent before it (not counted in res), and VERP ids and list
 * attributions (list_recipients) unused since verp_before (0: keep them). Suppressed addresses
 * are never purged. */
enum store_status store_purge(struct store *st, time_t before, time_t now, time_t verp_before,
			      struct store_purge_result *res, char *err, size_t errlen);

/* --- Message mode (rebound-milter) ----------------------------------------- */

/* store_message_add: remember that the message with token, of list
 * (the envelope sender before the rewrite; NULL or "" if none), went to
 * recipients[0..n), until expires. Also removes a bounded number of
 * expired messages. One transaction. */
enum store_status store_message_add(struct store *st, const char *token, const char *list,
				    const char *const *recipients, size_t n, time_t now, time_t expires, char *err,
				    size_t errlen);
/* store_message_has: STORE_OK if recipient was sent the message token and
 * the token has not expired (by the store's clock), STORE_NOTFOUND if not. */
enum store_status store_message_has(struct store *st, const char *token, const char *recipient, char *err,
				    size_t errlen);

/* --- Attribution (docs/verp.md, "Attribution") ------------------------------ */

/* Longest list address kept; a longer one, or one with a space or a
 * control character, is not recorded (its bounces get no list). */
#define STORE_LIST_MAX 256

/* store_list_ok: whether list may be recorded as a list address. */
int store_list_ok(const char *list);

/* store_list_seen: recipient mode: list mailed recipient at now. Writes
 * (table list_recipients) only when the pair is new or was last written
 * more than STORE_LIST_REFRESH seconds before now, so that a list mailing
 * an address often costs a read, not a commit. A list that is not
 * store_list_ok is ignored (STORE_OK). In the caller's transaction if one
 * is open. */
#define STORE_LIST_REFRESH 3600
enum store_status store_list_seen(struct store *st, const char *list, const char *recipient, time_t now,
				  char *err, size_t errlen);

typedef int (*store_list_fn)(void *ctx, const char *list, const char *last_sent_at);
/* store_lists_of: the lists attributed to address (recipient mode's
 * list_recipients), most recently mailed first. */
enum store_status store_lists_of(struct store *st, const char *address, store_list_fn fn, void *ctx, char *err,
				 size_t errlen);

/* --- Events (docs/hooks.md) -------------------------------------------------
 * Every change of an address's state, in the transaction that makes it;
 * ids only grow and are never reused. Each event is also delivered once
 * to event_hook by `rebound hooks run` (lib/hooks.c), which claims it with
 * a lease (store_hook_claim) and records the outcome (store_hook_finish). */

struct store_event {
	long long id;
	const char *created_at;
	const char *type;    /* "suppressed", "unsuppressed" (others may come) */
	const char *address;
	const char *lists;   /* the attributed lists, separated by single spaces; "" none */
	const char *cause;   /* "hard", "soft-limit", "complaint", "manual" */
	const char *reason;  /* the bounce's reason word, or the text given by hand */
	const char *status, *class_name; /* of the bounce; "" by hand */
	long long bounce_id; /* bounces.id of the bounce, 0 by hand */
	const char *hook_state; /* "pending", "done", "failed", "expired" */
	long hook_attempts;     /* runs started (claims) */
	const char *hook_next_at, *hook_note;
};
typedef int (*store_event_fn)(void *ctx, const struct store_event *e);

/* store_events_list: events with an id greater than after, oldest first,
 * at most limit (0: all). Strings live only during the callback. */
enum store_status store_events_list(struct store *st, long long after, long limit, store_event_fn fn, void *ctx,
				    char *err, size_t errlen);

/* A new event of a caller's own (store_bounce_record and the suppression
 * calls write theirs themselves). NULL strings are "". */
struct store_event_new {
	time_t at;
	const char *type, *address, *lists, *cause, *reason, *status, *class_name;
	long long bounce_id;
};
/* store_event_add: write e, in the caller's transaction if one is open;
 * *id (may be NULL) gets its id. type and cause must be set. */
enum store_status store_event_add(struct store *st, const struct store_event_new *e, long long *id, char *err,
				  size_t errlen);

/* store_hook_claim: claim the oldest event whose hook is due by now (state
 * pending, hook_next_at <= now, no lease or an expired one, and no older
 * pending event of the same address: in order per address): its lease
 * becomes (owner, now + lease seconds) and its attempts grow by one; fn
 * sees it (hook_attempts counts this run). *claimed: 0 when none was due.
 * One short transaction; two runners, on one host or many, never claim
 * one event while a lease holds. */
enum store_status store_hook_claim(struct store *st, const char *owner, time_t now, long lease, store_event_fn fn,
				   void *ctx, int *claimed, char *err, size_t errlen);
/* store_hook_finish: the outcome of event id claimed by owner: state
 * "done", "failed", "expired", or "pending" again (a retry) due at next_at;
 * note for people. The lease ends. STORE_NOTFOUND when owner no longer
 * holds the lease (it expired and another runner took the event). */
enum store_status store_hook_finish(struct store *st, long long id, const char *owner, const char *state,
				    time_t next_at, const char *note, char *err, size_t errlen);

/* --- Probes (message mode, rebound-pipe) -------------------------------------
 * A bounce to a message-mode return path that did not come from our own MTA
 * only points at a recipient; rebound-pipe may send that recipient a probe
 * (a short message with its own recipient-mode return path) whose bounce
 * then decides. Table probes: the last probe per address. */

/* store_probe_claim: whether a probe may go to recipient, named by a
 * bounce to the return path of message token, and if so record it. Only
 * for a recipient of that message (store_message_add), not suppressed,
 * and not probed less than interval seconds before now: then the probe is
 * recorded as sent at now and `to` (tolen bytes) receives the address as
 * the message's recipients list has it, the one to probe. Otherwise `to`
 * is "" (STORE_OK). In the caller's transaction if one is open. */
enum store_status store_probe_claim(struct store *st, const char *token, const char *recipient, time_t now,
				    long interval, char *to, size_t tolen, char *err, size_t errlen);
/* store_probe_release: forget the probe that store_probe_claim recorded
 * for recipient at now (it could not be sent), so that the next lead may
 * try again. Nothing to forget is STORE_OK. */
enum store_status store_probe_release(struct store *st, const char *recipient, time_t now, char *err,
				      size_t errlen);

/* --- Copying a store (rebound db copy) -------------------------------------- */

enum store_copy_table {
	STORE_COPY_RECIPIENTS,
	STORE_COPY_BOUNCES,
	STORE_COPY_MESSAGES,
	STORE_COPY_MESSAGE_RECIPIENTS,
	STORE_COPY_VERP_IDS,
	STORE_COPY_PROBES,
	STORE_COPY_LIST_RECIPIENTS,
	STORE_COPY_EVENTS,
	STORE_COPY_LIST_STATES,
	STORE_COPY_NTABLES
};
/* store_copy_table_name: "recipients", "bounces", ... */
const char *store_copy_table_name(enum store_copy_table t);
/* One row: values[0..n), text (times in ISO form), NULL for SQL NULL. */
typedef int (*store_copy_fn)(void *ctx, const char *const *values, size_t n);

struct store_copy_result {
	long rows[STORE_COPY_NTABLES];   /* copied */
	long target[STORE_COPY_NTABLES]; /* counted in dst afterwards */
};
/* store_copy: every row of src into dst (which must hold no bounces and no
 * recipients yet), in one transaction of dst, then counts dst's rows:
 * the caller compares rows and target. Bounce and event ids are kept
 * (pollers of `rebound events` hold event ids; events name bounces). */
enum store_status store_copy(struct store *src, struct store *dst, struct store_copy_result *res, char *err,
			     size_t errlen);

/* --- A list's reputation (lib/rates.h, docs/reputation.md) -------------------
 * Table list_counts: per list (the envelope sender before rebound-milter
 * rewrote it, compared without regard to case) and 5-minute interval,
 * what was sent and what came back. Table list_states: a list's pause and
 * last warning. */

/* What rebound-milter sent for one list in one interval. */
struct store_list_sent {
	const char *list;
	time_t bucket; /* rates_bucket_start() */
	long messages, recipients;
};
/* store_list_sent_add: add rows[0..n) to list_counts and delete counts of
 * intervals before `before` (0: none). In the caller's transaction if one
 * is open, else in one of its own. */
enum store_status store_list_sent_add(struct store *st, const struct store_list_sent *rows, size_t n, time_t before,
				      char *err, size_t errlen);

/* One interval of one list; list lives only during the callback. */
typedef int (*store_list_bucket_fn)(void *ctx, const char *list, const struct rates_bucket *b);
/* store_list_buckets: the intervals that start at or after since (a clock
 * gone back may have written some after now: they come too), by list,
 * then interval; list NULL for all lists. */
enum store_status store_list_buckets(struct store *st, time_t since, const char *list, store_list_bucket_fn fn,
				     void *ctx, char *err, size_t errlen);

/* A list's state as read back. Strings are never NULL ("" when not set)
 * and live only during the callback. */
struct store_list_state {
	const char *list;
	int paused;
	const char *paused_at, *pause_reason, *resumed_at, *warned_at, *warn_reason;
};
typedef int (*store_list_state_fn)(void *ctx, const struct store_list_state *s);
/* store_list_states: every list that was ever paused or warned about, by
 * list; paused_only: those paused now. */
enum store_status store_list_states(struct store *st, int paused_only, store_list_state_fn fn, void *ctx, char *err,
				    size_t errlen);

/* store_list_pause: pause list from now, for reason, unless it is paused
 * already (*was_paused, may be NULL, tells; then nothing changes). In the
 * caller's transaction if one is open. */
enum store_status store_list_pause(struct store *st, const char *list, time_t now, const char *reason,
				   int *was_paused, char *err, size_t errlen);
/* store_list_resume: end list's pause at now; counts from before now no
 * longer count for its rates. STORE_NOTFOUND if it was never paused. */
enum store_status store_list_resume(struct store *st, const char *list, time_t now, int *was_paused, char *err,
				    size_t errlen);
/* store_list_warn_claim: whether a rate warning about list may be given
 * at now: none was given in the `window` seconds before now (nor after
 * it: a clock gone back). If so, records now and reason and sets
 * *claimed; with several MTAs on one database only one of them claims. */
enum store_status store_list_warn_claim(struct store *st, const char *list, time_t now, long window,
					const char *reason, int *claimed, char *err, size_t errlen);

/* --- VERP ids -------------------------------------------------------------- */

/* store_verp_map: lib/verp.h's id -> recipient map on this handle (table
 * verp_ids). Owned by the store, valid until store_close; same thread
 * rules as the handle. */
const struct verp_map *store_verp_map(struct store *st);

#endif
