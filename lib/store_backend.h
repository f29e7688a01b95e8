/* store_backend.h: what a storage backend gives lib/store.c, the one
 * door of store.h. Every backend (lib/store_sqlite.c, lib/store_pgsql.c)
 * embeds struct store as the first member of its handle and fills a
 * struct store_ops; lib/store.c picks the backend from the database name
 * and forwards each store_* call through ops. Private to lib/store*.c and
 * their tests. */
#ifndef REBOUND_STORE_BACKEND_H
#define REBOUND_STORE_BACKEND_H

#include "store.h"

struct store_ops {
	const char *name; /* "sqlite", "postgresql" */
	void (*close)(struct store *st);
	void (*set_clock)(struct store *st, time_t (*clock)(void));
	enum store_status (*begin)(struct store *st, char *err, size_t errlen);
	enum store_status (*commit)(struct store *st, char *err, size_t errlen);
	void (*rollback)(struct store *st);
	int (*conflict)(struct store *st);
	enum store_status (*bounce_record)(struct store *st, const struct store_bounce *b, const struct policy *p,
					   enum store_effect *effect, char *err, size_t errlen);
	/* The steps of the bounce policy on address (lib/store_policy.c,
	 * called from bounce_record in its transaction): its row, created
	 * at at if missing, with state (16 bytes) and counted_since (*since,
	 * 0 none), locked to the commit; the times of its counted soft
	 * bounces at or after from, newest first, at most max into times
	 * (*n); its counters grown (soft < 0: soft_bounces unchanged) and
	 * first/last bounce times widened to at; its suppression at at for
	 * reason, unless it is suppressed already. */
	enum store_status (*policy_row)(struct store *st, const char *address, time_t at, char *state, time_t *since,
					char *err, size_t errlen);
	enum store_status (*policy_soft_times)(struct store *st, const char *address, time_t from, time_t *times,
					       size_t max, size_t *n, char *err, size_t errlen);
	enum store_status (*policy_count)(struct store *st, const char *address, int hard, int complaint, long soft,
					  time_t at, char *err, size_t errlen);
	enum store_status (*policy_suppress)(struct store *st, const char *address, time_t at, const char *reason,
					     char *err, size_t errlen);
	/* The other steps of recording bounce b (store_policy_record, called
	 * from bounce_record in its transaction): *dup: the same delivery
	 * (queue id, return path, recipient) was recorded within a day before
	 * (Postfix redelivered it); b's list into list (STORE_LIST_MAX + 1
	 * bytes, "" when none is known); b's row of bounces with effect and
	 * list (*id); the `suppressed` event of that row, for cause, its lists
	 * from the attribution of b's recipient with list first. */
	enum store_status (*bounce_duplicate)(struct store *st, const struct store_bounce *b, int *dup, char *err,
					      size_t errlen);
	enum store_status (*bounce_list)(struct store *st, const struct store_bounce *b, char *list, char *err,
					 size_t errlen);
	enum store_status (*bounce_insert)(struct store *st, const struct store_bounce *b, enum store_effect effect,
					   const char *list, long long *id, char *err, size_t errlen);
	enum store_status (*bounce_event)(struct store *st, const struct store_bounce *b, const char *cause,
					  long long id, const char *list, char *err, size_t errlen);
	enum store_status (*bounces_list)(struct store *st, const struct store_filter *f, store_bounce_fn fn,
					  void *ctx, char *err, size_t errlen);
	enum store_status (*recipient_get)(struct store *st, const char *address, store_recipient_fn fn, void *ctx,
					   char *err, size_t errlen);
	enum store_status (*recipients_each)(struct store *st, int suppressed_only, store_recipient_fn fn, void *ctx,
					     char *err, size_t errlen);
	enum store_status (*change_state)(struct store *st, const char *address, int suppress, const char *reason,
					  time_t now, int *was_suppressed, char *err, size_t errlen);
	enum store_status (*stats)(struct store *st, time_t since, const char *list, store_stat_fn fn, void *ctx,
				   char *err, size_t errlen);
	enum store_status (*purge)(struct store *st, time_t before, time_t now, time_t verp_before,
				   struct store_purge_result *res, char *err, size_t errlen);
	enum store_status (*message_add)(struct store *st, const char *token, const char *list,
					 const char *const *recipients, size_t n, time_t now, time_t expires, char *err,
					 size_t errlen);
	enum store_status (*list_seen)(struct store *st, const char *list, const char *recipient, time_t now,
				       char *err, size_t errlen);
	enum store_status (*lists_of)(struct store *st, const char *address, store_list_fn fn, void *ctx,
				      char *err, size_t errlen);
	enum store_status (*message_has)(struct store *st, const char *token, const char *recipient, char *err,
					 size_t errlen);
	enum store_status (*probe_claim)(struct store *st, const char *token, const char *recipient, time_t now,
					 long interval, char *to, size_t tolen, char *err, size_t errlen);
	enum store_status (*probe_release)(struct store *st, const char *recipient, time_t now, char *err,
					   size_t errlen);
	const struct verp_map *(*verp_map)(struct store *st);
	enum store_status (*events_list)(struct store *st, long long after, long limit, store_event_fn fn, void *ctx,
					 char *err, size_t errlen);
	enum store_status (*event_add)(struct store *st, const struct store_event_new *e, long long *id, char *err,
				       size_t errlen);
	/* the due event's lease becomes (owner, until); *claimed: rows
	 * claimed (0 or 1) */
	enum store_status (*hook_claim)(struct store *st, const char *owner, time_t now, time_t until,
					store_event_fn fn, void *ctx, int *claimed, char *err, size_t errlen);
	/* *changed: rows updated (0: owner holds no lease on id) */
	enum store_status (*hook_finish)(struct store *st, long long id, const char *owner, const char *state,
					 time_t next_at, const char *note, long *changed, char *err, size_t errlen);
	/* the raw rows of `rebound db copy` (store_copy) */
	enum store_status (*copy_each)(struct store *st, enum store_copy_table t, store_copy_fn fn, void *ctx,
				       char *err, size_t errlen);
	/* before the rows of table t: empty what dst's triggers wrote into t
	 * while earlier tables were copied (list_counts: the bounce side
	 * counted from the copied bounces; the copied rows hold it) */
	enum store_status (*copy_begin)(struct store *st, enum store_copy_table t, char *err, size_t errlen);
	/* values NULL: table t is complete (PostgreSQL: its id sequence is
	 * moved past the ids copied) */
	enum store_status (*copy_put)(struct store *st, enum store_copy_table t, const char *const *values,
				      char *err, size_t errlen);
	/* a list's reputation */
	enum store_status (*list_sent_add)(struct store *st, const struct store_list_sent *rows, size_t n,
					   time_t before, char *err, size_t errlen);
	enum store_status (*list_buckets)(struct store *st, time_t since, const char *list, store_list_bucket_fn fn,
					  void *ctx, char *err, size_t errlen);
	enum store_status (*list_states)(struct store *st, int paused_only, store_list_state_fn fn, void *ctx,
					 char *err, size_t errlen);
	/* list_pause: pause list unless it is paused; *rows: 1 when this
	 * call paused it. list_resume: *known: it was ever paused; *paused:
	 * it was paused until this call. list_warn: record a warning at now
	 * unless one was given after since; *rows: 1 when recorded. Reasons
	 * are never NULL. */
	enum store_status (*list_pause)(struct store *st, const char *list, time_t now, const char *reason,
					long *rows, char *err, size_t errlen);
	enum store_status (*list_resume)(struct store *st, const char *list, time_t now, int *known, int *paused,
					 char *err, size_t errlen);
	enum store_status (*list_warn)(struct store *st, const char *list, time_t now, time_t since,
				       const char *reason, long *rows, char *err, size_t errlen);
};

struct store {
	const struct store_ops *ops;
};

/* The backends' open functions, called by store_open. */
enum store_status store_sqlite_open(const char *path, long timeout_seconds, int flags, struct store **out,
				    char *err, size_t errlen);
enum store_status store_pgsql_open(const char *conninfo, long timeout_seconds, int flags, struct store **out,
				   char *err, size_t errlen);

/* store_err: printf into err (errlen bytes; nothing if err is NULL). */
void store_err(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* store_policy_record (lib/store_policy.c): record bounce b under policy
 * p (*effect) through the backend's policy_* and bounce_* steps, in the
 * transaction of its bounce_record (which opens and ends it). */
enum store_status store_policy_record(struct store *st, const struct store_bounce *b, const struct policy *p,
				      enum store_effect *effect, char *err, size_t errlen);

#endif
