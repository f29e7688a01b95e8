/* reputation.c: counts of list mail in memory, the cache of paused lists,
 * and the periodic tick that writes, evaluates and reloads them; see
 * reputation.h. The counts live in a GHashTable keyed "BUCKET LIST"
 * (lowercased), swapped for an empty one under the lock at each tick and
 * written outside it. The cache is a sorted array of lowercased lists,
 * replaced whole under the lock. */
#include "reputation.h"

#include <ctype.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <glib.h>

#include "log.h"
#include "rates.h"
#include "store.h"

/* Keys counted between two ticks at most; more are dropped (logged). */
#define COUNTS_MAX 100000
/* Intervals kept in table list_counts (rebound stats shows 7 days). */
#define KEEP_SECONDS (30 * 86400L)
/* The longest window the rates need (rate_window's maximum, 7 days). */
#define READ_SECONDS (7 * 86400L + RATES_BUCKET)

struct count {
	long messages, recipients;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static GHashTable *counts;     /* "BUCKET list" -> struct count; under lock */
static int counts_dropped;     /* under lock */
static char **paused;          /* sorted lowercased lists; under lock */
static size_t npaused;         /* under lock */
static atomic_int any_paused;  /* npaused != 0, read without the lock */
static struct store *tick_store; /* main thread only */
static char *tick_database;       /* what tick_store has open (a reload may change it) */

/* lower_copy: list lowercased into buf; -1 if it does not fit. */
static int lower_copy(const char *list, char *buf, size_t len)
{
	size_t n = strlen(list);

	if (n >= len)
		return -1;
	for (size_t i = 0; i <= n; i++)
		buf[i] = (char)tolower((unsigned char)list[i]);
	return 0;
}

void reputation_count(const char *list, size_t nrcpt, time_t now)
{
	char key[REPUTATION_LIST_MAX + 32];
	int n = snprintf(key, sizeof(key), "%lld ", (long long)rates_bucket_start(now));
	struct count *c;

	if (!list || !*list || n < 0 || lower_copy(list, key + n, sizeof(key) - (size_t)n) < 0)
		return;
	pthread_mutex_lock(&lock);
	if (!counts)
		counts = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	if (!(c = g_hash_table_lookup(counts, key))) {
		if (g_hash_table_size(counts) >= COUNTS_MAX) {
			counts_dropped++;
			pthread_mutex_unlock(&lock);
			return;
		}
		c = g_new0(struct count, 1);
		g_hash_table_insert(counts, g_strdup(key), c);
	}
	c->messages++;
	c->recipients += (long)nrcpt;
	pthread_mutex_unlock(&lock);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int reputation_paused(const char *list)
{
	char buf[REPUTATION_LIST_MAX], *key = buf;
	int found;

	if (!atomic_load(&any_paused) || !list || lower_copy(list, buf, sizeof(buf)) < 0)
		return 0;
	pthread_mutex_lock(&lock);
	found = npaused && bsearch(&key, paused, npaused, sizeof(char *), cmp_str) != NULL;
	pthread_mutex_unlock(&lock);
	return found;
}

/* --- The tick (main thread) ------------------------------------------------- */

static int cmp_sent(const void *a, const void *b)
{
	const struct store_list_sent *x = a, *y = b;
	int c = strcmp(x->list, y->list);

	return c ? c : (x->bucket > y->bucket) - (x->bucket < y->bucket);
}

/* counts_take: the counts so far, emptied; the caller owns the table. */
static GHashTable *counts_take(int *dropped)
{
	GHashTable *t;

	pthread_mutex_lock(&lock);
	t = counts;
	counts = NULL;
	*dropped = counts_dropped;
	counts_dropped = 0;
	pthread_mutex_unlock(&lock);
	return t;
}

/* counts_give_back: counts that could not be written, added back. */
static void counts_give_back(GHashTable *t)
{
	GHashTableIter it;
	gpointer k, v;

	pthread_mutex_lock(&lock);
	if (!counts) {
		counts = t;
		t = NULL;
	} else {
		g_hash_table_iter_init(&it, t);
		while (g_hash_table_iter_next(&it, &k, &v)) {
			struct count *c = g_hash_table_lookup(counts, k), *old = v;

			if (c) {
				c->messages += old->messages;
				c->recipients += old->recipients;
			} else {
				g_hash_table_iter_steal(&it);
				g_hash_table_insert(counts, k, v);
			}
		}
	}
	pthread_mutex_unlock(&lock);
	if (t)
		g_hash_table_destroy(t);
}

/* tick_open: the tick's store handle, opened when needed. */
static struct store *tick_open(const struct config *cfg)
{
	char err[512];

	if (tick_store && strcmp(tick_database, cfg->database)) {
		store_close(tick_store); /* the configuration names another database */
		tick_store = NULL;
	}
	if (!tick_store) {
		g_free(tick_database);
		tick_database = g_strdup(cfg->database);
	}
	if (!tick_store &&
	    store_open(cfg->database, cfg->database_timeout, STORE_CREATE, &tick_store, err, sizeof(err)) != STORE_OK) {
		log_error("reputation: cannot open the store: %s", err);
		tick_store = NULL;
	}
	return tick_store;
}

static void tick_broken(void)
{
	store_close(tick_store);
	tick_store = NULL;
}

/* flush: write the counts; 0 or -1 (they are kept for the next tick). */
static int flush(const struct config *cfg, time_t now)
{
	struct store_list_sent *rows;
	struct store *st;
	GHashTableIter it;
	gpointer k, v;
	GHashTable *t;
	size_t n = 0;
	char err[512];
	int dropped, rc = 0;

	t = counts_take(&dropped);
	if (dropped)
		log_warn("reputation: %d list messages not counted (more than %d lists and intervals between two "
			 "writes)", dropped, COUNTS_MAX);
	if (!t)
		return 0;
	if (!(st = tick_open(cfg))) {
		counts_give_back(t);
		return -1;
	}
	rows = g_new(struct store_list_sent, g_hash_table_size(t));
	g_hash_table_iter_init(&it, t);
	while (g_hash_table_iter_next(&it, &k, &v)) {
		const char *key = k, *sp = strchr(key, ' ');
		const struct count *c = v;

		rows[n].bucket = (time_t)strtoll(key, NULL, 10);
		rows[n].list = sp ? sp + 1 : "";
		rows[n].messages = c->messages;
		rows[n].recipients = c->recipients;
		n++;
	}
	/* one order on every host: concurrent writers take row locks alike */
	qsort(rows, n, sizeof(rows[0]), cmp_sent);
	if (store_list_sent_add(st, rows, n, now - KEEP_SECONDS, err, sizeof(err)) != STORE_OK) {
		log_error("reputation: cannot write the list counts (kept for the next try): %s", err);
		tick_broken();
		rc = -1;
	}
	g_free(rows);
	if (rc < 0)
		counts_give_back(t);
	else
		g_hash_table_destroy(t);
	return rc;
}

/* The buckets of one list, as read from the store, and its state. */
struct list_rates {
	char *list;
	struct rates_bucket *b;
	size_t n, cap;
	time_t resumed;
	int paused;
};

struct lists {
	struct list_rates *l;
	size_t n, cap;
};

static struct list_rates *lists_get(struct lists *ls, const char *list)
{
	if (ls->n && !strcmp(ls->l[ls->n - 1].list, list))
		return &ls->l[ls->n - 1];
	for (size_t i = 0; i < ls->n; i++)
		if (!strcmp(ls->l[i].list, list))
			return &ls->l[i];
	if (ls->n == ls->cap) {
		ls->cap = ls->cap ? 2 * ls->cap : 16;
		ls->l = g_renew(struct list_rates, ls->l, ls->cap);
	}
	memset(&ls->l[ls->n], 0, sizeof(ls->l[0]));
	ls->l[ls->n].list = g_ascii_strdown(list, -1);
	return &ls->l[ls->n++];
}

static int lists_bucket(void *ctx, const char *list, const struct rates_bucket *b)
{
	struct list_rates *r = lists_get(ctx, list);

	if (r->n == r->cap) {
		r->cap = r->cap ? 2 * r->cap : 64;
		r->b = g_renew(struct rates_bucket, r->b, r->cap);
	}
	r->b[r->n++] = *b;
	return 0;
}

static int lists_state(void *ctx, const struct store_list_state *s)
{
	struct list_rates *r = lists_get(ctx, s->list);

	r->paused = s->paused;
	r->resumed = store_list_counted_since(s);
	return 0;
}

static void lists_free(struct lists *ls)
{
	for (size_t i = 0; i < ls->n; i++) {
		g_free(ls->l[i].list);
		g_free(ls->l[i].b);
	}
	g_free(ls->l);
}

/* list_event: in st's open transaction, the event type about list
 * (docs/hooks.md): address "", lists: the list. */
static enum store_status list_event(struct store *st, const char *type, const char *list, const char *cause,
				    const char *why, time_t now, char *err, size_t errlen)
{
	struct store_event_new e = { .at = now, .type = type, .address = "", .lists = list, .cause = cause,
				     .reason = why };

	return store_event_add(st, &e, NULL, err, errlen);
}

/* list_pause: pause list and record its event, in one transaction; *was: it
 * was paused already (another MTA got there first: no event). */
static enum store_status list_pause(struct store *st, const char *list, time_t now, const char *why, int *was, char *err,
			       size_t errlen)
{
	enum store_status status = store_begin(st, err, errlen);

	if (status == STORE_OK && (status = store_list_pause(st, list, now, why, was, err, errlen)) == STORE_OK &&
	    !*was)
		status = list_event(st, "list-paused", list, "rate", why, now, err, errlen);
	if (status == STORE_OK)
		return store_commit(st, err, errlen);
	store_rollback(st);
	return status;
}

/* list_warn: claim the window's warning about list and record its event, in
 * one transaction; *claimed: this call gives the warning. */
static enum store_status list_warn(struct store *st, const char *list, time_t now, long window, const char *why,
			      int *claimed, char *err, size_t errlen)
{
	enum store_status status = store_begin(st, err, errlen);

	if (status == STORE_OK &&
	    (status = store_list_warn_claim(st, list, now, window, why, claimed, err, errlen)) == STORE_OK &&
	    *claimed)
		status = list_event(st, "rate-warning", list, "rate", why, now, err, errlen);
	if (status == STORE_OK)
		return store_commit(st, err, errlen);
	store_rollback(st);
	return status;
}

/* evaluate: every list's rates at now; pauses and warnings. Fills the
 * new cache of paused lists (lowercased, sorted). -1 on a store error. */
static int evaluate(const struct config *cfg, struct store *st, time_t now, GPtrArray *now_paused)
{
	struct lists ls = { 0 };
	char err[512];
	int rc = 0;

	if (store_list_buckets(st, now - READ_SECONDS, NULL, lists_bucket, &ls, err, sizeof(err)) != STORE_OK ||
	    store_list_states(st, 0, lists_state, &ls, err, sizeof(err)) != STORE_OK) {
		log_error("reputation: cannot read the list counts: %s", err);
		lists_free(&ls);
		return -1;
	}
	for (size_t i = 0; i < ls.n && rc == 0; i++) {
		struct list_rates *r = &ls.l[i];
		struct rates_limits lim;
		struct rates_counts sum;
		struct rates_verdict v;
		int was = 0, claimed = 0;

		config_rate_limits(cfg, r->list, &lim);
		rates_window_sum(r->b, r->n, now, lim.window, r->resumed, &sum);
		rates_evaluate(&sum, &lim, &v);
		if (v.level == RATES_PAUSE && !r->paused) {
			if (list_pause(st, r->list, now, v.why, &was, err, sizeof(err)) != STORE_OK) {
				log_error("reputation: cannot pause list <%s>: %s", r->list, err);
				rc = -1;
				break;
			}
			r->paused = 1;
			if (!was)
				log_warn("list <%s> paused: %s; its new mail is %s until `rebound resume %s`", r->list,
					 v.why, lim.action == RATES_ACTION_HOLD ? "held (Postfix's hold queue)"
									      : "deferred (tempfail)", r->list);
		} else if (v.level == RATES_WARN) {
			if (list_warn(st, r->list, now, lim.window, v.why, &claimed, err, sizeof(err)) != STORE_OK) {
				log_error("reputation: cannot record a warning for list <%s>: %s", r->list, err);
				rc = -1;
				break;
			}
			if (claimed)
				log_warn("list <%s>: %s", r->list, v.why);
		}
		if (r->paused)
			g_ptr_array_add(now_paused, g_strdup(r->list));
	}
	lists_free(&ls);
	return rc;
}

static void cache_install(GPtrArray *a)
{
	char **old;
	size_t nold;

	qsort(a->pdata, a->len, sizeof(gpointer), cmp_str);
	pthread_mutex_lock(&lock);
	old = paused;
	nold = npaused;
	npaused = a->len;
	paused = (char **)g_ptr_array_free(a, FALSE);
	atomic_store(&any_paused, npaused > 0);
	pthread_mutex_unlock(&lock);
	for (size_t i = 0; i < nold; i++)
		g_free(old[i]);
	g_free(old);
}

void reputation_tick(const struct config *cfg, time_t now, int final)
{
	GPtrArray *a;
	struct store *st;

	if (flush(cfg, now) < 0 || final || !(st = tick_open(cfg)))
		return;
	a = g_ptr_array_new_with_free_func(g_free);
	if (evaluate(cfg, st, now, a) < 0) {
		/* the cache stays as it was until a tick succeeds */
		tick_broken();
		g_ptr_array_free(a, TRUE);
		return;
	}
	cache_install(a);
}

void reputation_shutdown(void)
{
	GPtrArray *empty = g_ptr_array_new_with_free_func(g_free);
	int dropped;
	GHashTable *t = counts_take(&dropped);

	if (t)
		g_hash_table_destroy(t);
	cache_install(empty);
	if (tick_store)
		tick_broken();
	g_free(tick_database);
	tick_database = NULL;
}
