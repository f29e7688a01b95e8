/* store.c: the one door of store.h: picks the backend from the database
 * name (a path: SQLite, lib/store_sqlite.c; a postgresql:// URI or a
 * conninfo string: PostgreSQL, lib/store_pgsql.c), forwards every call to
 * it, and holds what both share: status and effect names, time text,
 * printing a database name without its password, the checks and outcomes
 * of the hook and list-state calls, and copying one store into another
 * (rebound db copy). The policy applied to a bounce: lib/store_policy.c. */
#include "store_backend.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

void store_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (!err || errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

int store_is_server(const char *database)
{
	const char *eq;

	if (!database)
		return 0;
	if (!strncmp(database, "postgresql://", 13) || !strncmp(database, "postgres://", 11))
		return 1;
	/* conninfo: "keyword=value ...", a keyword of letters and '_' first */
	if (*database == '/' || !(eq = strchr(database, '=')) || eq == database)
		return 0;
	for (const char *p = database; p < eq; p++)
		if (!isalpha((unsigned char)*p) && *p != '_' && !(p > database && isspace((unsigned char)*p)))
			return 0;
	return 1;
}

/* redact_span: copy [s, e) into buf at *n, bounded. */
static void redact_span(char *buf, size_t len, size_t *n, const char *s, size_t k)
{
	while (k-- > 0 && *n + 1 < len)
		buf[(*n)++] = *s++;
	buf[*n] = '\0';
}

char *store_redact(const char *database, char *buf, size_t len)
{
	size_t n = 0;
	const char *p = database ? database : "";

	if (len == 0)
		return buf;
	buf[0] = '\0';
	if (!store_is_server(p)) {
		snprintf(buf, len, "%s", p);
		return buf;
	}
	if (strstr(p, "://")) {
		/* scheme://user:password@host... and ...?password=... */
		const char *auth = strstr(p, "://") + 3, *at = strchr(auth, '@'), *slash = strchr(auth, '/');
		const char *colon = strchr(auth, ':');

		if (at && (!slash || at < slash) && colon && colon < at) {
			redact_span(buf, len, &n, p, (size_t)(colon + 1 - p));
			redact_span(buf, len, &n, "***", 3);
			p = at;
		}
		while (*p) {
			const char *q = strstr(p, "password=");

			if (!q || (q != p && q[-1] != '?' && q[-1] != '&')) {
				if (!q) {
					redact_span(buf, len, &n, p, strlen(p));
					break;
				}
				redact_span(buf, len, &n, p, (size_t)(q + 9 - p));
				p = q + 9;
				continue;
			}
			redact_span(buf, len, &n, p, (size_t)(q + 9 - p));
			redact_span(buf, len, &n, "***", 3);
			p = q + 9;
			p += strcspn(p, "&");
		}
		return buf;
	}
	/* conninfo: password = 'quoted \' value' or password=value */
	while (*p) {
		const char *q = strstr(p, "password");
		const char *v;

		if (!q || (q != database && !isspace((unsigned char)q[-1]))) {
			size_t k = q ? (size_t)(q + 8 - p) : strlen(p);

			redact_span(buf, len, &n, p, k);
			if (!q)
				break;
			p = q + 8;
			continue;
		}
		v = q + 8;
		while (isspace((unsigned char)*v))
			v++;
		if (*v != '=') {
			redact_span(buf, len, &n, p, (size_t)(v - p));
			p = v;
			continue;
		}
		v++;
		while (isspace((unsigned char)*v))
			v++;
		redact_span(buf, len, &n, p, (size_t)(v - p));
		redact_span(buf, len, &n, "***", 3);
		if (*v == '\'') {
			for (v++; *v && *v != '\''; v++)
				if (*v == '\\' && v[1])
					v++;
			if (*v)
				v++;
		} else {
			while (*v && !isspace((unsigned char)*v))
				v++;
		}
		p = v;
	}
	return buf;
}

enum store_status store_open(const char *path, long timeout_seconds, int flags, struct store **out, char *err,
			     size_t errlen)
{
	*out = NULL;
	if (!path || !*path) {
		store_err(err, errlen, "no database named");
		return STORE_ERROR;
	}
	if (store_is_server(path))
		return store_pgsql_open(path, timeout_seconds, flags, out, err, errlen);
	return store_sqlite_open(path, timeout_seconds, flags, out, err, errlen);
}

void store_close(struct store *st)
{
	if (st)
		st->ops->close(st);
}

const char *store_backend_name(const struct store *st)
{
	return st->ops->name;
}

const char *store_strstatus(enum store_status status)
{
	switch (status) {
	case STORE_OK: return "ok";
	case STORE_NOTFOUND: return "not found";
	case STORE_TEMPFAIL: return "temporary failure";
	case STORE_ERROR: return "error";
	}
	return "error";
}

const char *store_effect_name(enum store_effect effect)
{
	switch (effect) {
	case STORE_EFFECT_UNVERIFIED: return "unverified";
	case STORE_EFFECT_NOT_COUNTED: return "not-counted";
	case STORE_EFFECT_COUNTED: return "counted";
	case STORE_EFFECT_SUPPRESSED: return "suppressed";
	case STORE_EFFECT_ALREADY: return "already-suppressed";
	case STORE_EFFECT_DUPLICATE: return "duplicate";
	}
	return "";
}

char *store_time_format(time_t t, char buf[STORE_TIME_MAX])
{
	struct tm tm;

	if (!gmtime_r(&t, &tm) || strftime(buf, STORE_TIME_MAX, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(buf, STORE_TIME_MAX, "1970-01-01T00:00:00Z");
	return buf;
}

void store_set_clock(struct store *st, time_t (*clock)(void))
{
	st->ops->set_clock(st, clock);
}

enum store_status store_begin(struct store *st, char *err, size_t errlen)
{
	return st->ops->begin(st, err, errlen);
}

enum store_status store_commit(struct store *st, char *err, size_t errlen)
{
	return st->ops->commit(st, err, errlen);
}

void store_rollback(struct store *st)
{
	if (st)
		st->ops->rollback(st);
}

int store_conflict(struct store *st)
{
	return st->ops->conflict(st);
}

enum store_status store_bounce_record(struct store *st, const struct store_bounce *b, const struct policy *p,
				      enum store_effect *effect, char *err, size_t errlen)
{
	if (!b->recipient) {
		store_err(err, errlen, "bounce without a recipient field");
		return STORE_ERROR;
	}
	return st->ops->bounce_record(st, b, p, effect, err, errlen);
}

enum store_status store_bounces_list(struct store *st, const struct store_filter *f, store_bounce_fn fn,
				     void *ctx, char *err, size_t errlen)
{
	return st->ops->bounces_list(st, f, fn, ctx, err, errlen);
}

enum store_status store_recipient_get(struct store *st, const char *address, store_recipient_fn fn, void *ctx,
				      char *err, size_t errlen)
{
	return st->ops->recipient_get(st, address, fn, ctx, err, errlen);
}

enum store_status store_suppressed_list(struct store *st, store_recipient_fn fn, void *ctx, char *err,
					size_t errlen)
{
	return st->ops->recipients_each(st, 1, fn, ctx, err, errlen);
}

enum store_status store_recipient_suppress(struct store *st, const char *address, const char *reason, time_t now,
					   int *was_suppressed, char *err, size_t errlen)
{
	return st->ops->change_state(st, address, 1, reason, now, was_suppressed, err, errlen);
}

enum store_status store_recipient_unsuppress(struct store *st, const char *address, time_t now,
					     int *was_suppressed, char *err, size_t errlen)
{
	return st->ops->change_state(st, address, 0, NULL, now, was_suppressed, err, errlen);
}

enum store_status store_stats(struct store *st, time_t since, const char *list, store_stat_fn fn, void *ctx,
			      char *err, size_t errlen)
{
	return st->ops->stats(st, since, list, fn, ctx, err, errlen);
}

enum store_status store_purge(struct store *st, time_t before, time_t now, time_t verp_before,
			      struct store_purge_result *res, char *err, size_t errlen)
{
	return st->ops->purge(st, before, now, verp_before, res, err, errlen);
}

enum store_status store_message_add(struct store *st, const char *token, const char *list,
				    const char *const *recipients, size_t n, time_t now, time_t expires, char *err,
				    size_t errlen)
{
	return st->ops->message_add(st, token, list && store_list_ok(list) ? list : "", recipients, n, now, expires,
				    err, errlen);
}

int store_list_ok(const char *list)
{
	size_t n = 0;

	if (!list || !*list)
		return 0;
	for (const unsigned char *p = (const unsigned char *)list; *p; p++, n++)
		if (*p <= 0x20 || *p == 0x7f || n >= STORE_LIST_MAX)
			return 0;
	return strchr(list, '@') != NULL;
}

enum store_status store_list_seen(struct store *st, const char *list, const char *recipient, time_t now,
				  char *err, size_t errlen)
{
	if (!store_list_ok(list) || !recipient || !*recipient)
		return STORE_OK;
	return st->ops->list_seen(st, list, recipient, now, err, errlen);
}

enum store_status store_lists_of(struct store *st, const char *address, store_list_fn fn, void *ctx, char *err,
				 size_t errlen)
{
	return st->ops->lists_of(st, address, fn, ctx, err, errlen);
}

enum store_status store_message_has(struct store *st, const char *token, const char *recipient, char *err,
				    size_t errlen)
{
	return st->ops->message_has(st, token, recipient, err, errlen);
}

enum store_status store_probe_claim(struct store *st, const char *token, const char *recipient, time_t now,
				    long interval, char *to, size_t tolen, char *err, size_t errlen)
{
	return st->ops->probe_claim(st, token, recipient, now, interval, to, tolen, err, errlen);
}

enum store_status store_probe_release(struct store *st, const char *recipient, time_t now, char *err,
				      size_t errlen)
{
	return st->ops->probe_release(st, recipient, now, err, errlen);
}

enum store_status store_events_list(struct store *st, long long after, long limit, store_event_fn fn, void *ctx,
				    char *err, size_t errlen)
{
	return st->ops->events_list(st, after, limit, fn, ctx, err, errlen);
}

enum store_status store_event_add(struct store *st, const struct store_event_new *e, long long *id, char *err,
				  size_t errlen)
{
	if (!e || !e->type || !*e->type || !e->cause || !*e->cause) {
		store_err(err, errlen, "store_event_add: no type or cause");
		return STORE_ERROR;
	}
	return st->ops->event_add(st, e, id, err, errlen);
}

enum store_status store_hook_claim(struct store *st, const char *owner, time_t now, long lease, store_event_fn fn,
				   void *ctx, int *claimed, char *err, size_t errlen)
{
	enum store_status status;

	*claimed = 0;
	status = st->ops->hook_claim(st, owner, now, now + lease, fn, ctx, claimed, err, errlen);
	if (status != STORE_OK)
		*claimed = 0;
	return status;
}

enum store_status store_hook_finish(struct store *st, long long id, const char *owner, const char *state,
				    time_t next_at, const char *note, char *err, size_t errlen)
{
	static const char *const states[] = { "pending", "done", "failed", "expired" };
	enum store_status status;
	long changed = 0;
	int ok = 0;

	for (size_t i = 0; i < sizeof(states) / sizeof(states[0]); i++)
		ok |= state && !strcmp(state, states[i]);
	if (!ok || !owner) {
		store_err(err, errlen, "store_hook_finish: bad state or no owner");
		return STORE_ERROR;
	}
	status = st->ops->hook_finish(st, id, owner, state, next_at, note ? note : "", &changed, err, errlen);
	if (status == STORE_OK && changed != 1) {
		store_err(err, errlen, "event %lld: the lease of %s is gone", id, owner);
		return STORE_NOTFOUND;
	}
	return status;
}

const struct verp_map *store_verp_map(struct store *st)
{
	return st->ops->verp_map(st);
}

const char *store_copy_table_name(enum store_copy_table t)
{
	static const char *const names[STORE_COPY_NTABLES] = {
		"recipients", "bounces", "messages", "message_recipients", "verp_ids", "probes", "list_recipients",
		"events", "list_states", "list_counts",
	};

	return (unsigned)t < STORE_COPY_NTABLES ? names[t] : "";
}

struct copy_ctx {
	struct store *dst;
	enum store_copy_table t;
	long rows;
	enum store_status status;
	char *err;
	size_t errlen;
};

static int copy_row(void *ctx, const char *const *values, size_t n)
{
	struct copy_ctx *c = ctx;

	(void)n;
	c->status = c->dst->ops->copy_put(c->dst, c->t, values, c->err, c->errlen);
	if (c->status != STORE_OK)
		return 1;
	c->rows++;
	return 0;
}

static int count_row(void *ctx, const char *const *values, size_t n)
{
	(void)values;
	(void)n;
	(*(long *)ctx)++;
	return 0;
}

enum store_status store_copy(struct store *src, struct store *dst, struct store_copy_result *res, char *err,
			     size_t errlen)
{
	enum store_status status;

	/* the tables a store in use has rows in: recipients and bounces
	 * (rebound-pipe), list_counts (rebound-milter's sent counts) */
	static const enum store_copy_table in_use[] = { STORE_COPY_RECIPIENTS, STORE_COPY_BOUNCES,
							 STORE_COPY_LIST_COUNTS };

	memset(res, 0, sizeof(*res));
	for (size_t i = 0; i < sizeof(in_use) / sizeof(in_use[0]); i++) {
		enum store_copy_table t = in_use[i];
		long n = 0;

		if ((status = dst->ops->copy_each(dst, t, count_row, &n, err, errlen)) != STORE_OK)
			return status;
		if (n > 0) {
			store_err(err, errlen, "the target already holds %ld %s: copy only into an empty store", n,
				  store_copy_table_name((enum store_copy_table)t));
			return STORE_ERROR;
		}
	}
	if ((status = store_begin(dst, err, errlen)) != STORE_OK)
		return status;
	/* messages before their recipients (foreign key) */
	for (int t = 0; t < STORE_COPY_NTABLES; t++) {
		struct copy_ctx c = { dst, (enum store_copy_table)t, 0, STORE_OK, err, errlen };

		status = dst->ops->copy_begin(dst, c.t, err, errlen);
		if (status == STORE_OK)
			status = src->ops->copy_each(src, c.t, copy_row, &c, err, errlen);
		if (status == STORE_OK)
			status = c.status;
		if (status == STORE_OK)
			status = dst->ops->copy_put(dst, c.t, NULL, err, errlen);
		if (status != STORE_OK) {
			store_rollback(dst);
			return status;
		}
		res->rows[t] = c.rows;
	}
	if ((status = store_commit(dst, err, errlen)) != STORE_OK)
		return status;
	for (int t = 0; t < STORE_COPY_NTABLES; t++)
		if ((status = dst->ops->copy_each(dst, (enum store_copy_table)t, count_row, &res->target[t], err,
						  errlen)) != STORE_OK)
			return status;
	return STORE_OK;
}

/* --- A list's reputation ---------------------------------------------------- */

enum store_status store_list_sent_add(struct store *st, const struct store_list_sent *rows, size_t n, time_t before,
				      char *err, size_t errlen)
{
	return st->ops->list_sent_add(st, rows, n, before, err, errlen);
}

enum store_status store_list_buckets(struct store *st, time_t since, const char *list, store_list_bucket_fn fn,
				     void *ctx, char *err, size_t errlen)
{
	return st->ops->list_buckets(st, since, list, fn, ctx, err, errlen);
}

enum store_status store_list_states(struct store *st, int paused_only, store_list_state_fn fn, void *ctx, char *err,
				    size_t errlen)
{
	return st->ops->list_states(st, paused_only, fn, ctx, err, errlen);
}

time_t store_list_counted_since(const struct store_list_state *s)
{
	struct tm tm;
	const char *end;

	if (!s || !s->resumed_at || !*s->resumed_at)
		return 0;
	memset(&tm, 0, sizeof(tm));
	end = strptime(s->resumed_at, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return end && !*end ? timegm(&tm) : 0;
}

enum store_status store_list_pause(struct store *st, const char *list, time_t now, const char *reason,
				   int *was_paused, char *err, size_t errlen)
{
	enum store_status status;
	long rows = 0;

	status = st->ops->list_pause(st, list, now, reason ? reason : "", &rows, err, errlen);
	if (status == STORE_OK && was_paused)
		*was_paused = rows == 0;
	return status;
}

enum store_status store_list_resume(struct store *st, const char *list, time_t now, int *was_paused, char *err,
				    size_t errlen)
{
	enum store_status status;
	int known = 0, paused = 0;

	if ((status = st->ops->list_resume(st, list, now, &known, &paused, err, errlen)) != STORE_OK)
		return status;
	if (!known) {
		store_err(err, errlen, "%s: never paused", list);
		return STORE_NOTFOUND;
	}
	if (was_paused)
		*was_paused = paused;
	return STORE_OK;
}

enum store_status store_list_warn_claim(struct store *st, const char *list, time_t now, long window,
					const char *reason, int *claimed, char *err, size_t errlen)
{
	enum store_status status;
	long rows = 0;

	status = st->ops->list_warn(st, list, now, now - window, reason ? reason : "", &rows, err, errlen);
	if (status == STORE_OK && claimed)
		*claimed = rows > 0;
	return status;
}
