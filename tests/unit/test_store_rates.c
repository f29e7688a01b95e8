/* test_store_rates.c: unit tests of a list's reputation in the store
 * (lib/store.h, tables list_counts and list_states): counts added up per
 * list and interval (case-insensitively), read back from a time on, old
 * intervals purged; bounces counted for their list (the trigger of
 * 0006-list-rates.sql); pause, resume and the once-per-window warning. On
 * SQLite, and on PostgreSQL when tests/run gives one (store_fixture.h). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "store.h"
#include "store_fixture.h"

#define T0 1796644800L /* an interval start */

/* OK: a store call that must succeed; says why not */
#define OK(call) do { if ((call) != STORE_OK) fail_msg("%s: %s", #call, err); } while (0)

struct fixture {
	char pgname[64];
	struct store *st;
	struct policy pol;
};

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));
	char err[256], path[512] = ":memory:";

	assert_non_null(fx);
	if (fixture_pg() && fixture_db_new(NULL, path, sizeof(path), fx->pgname, sizeof(fx->pgname)) != 0)
		fail_msg("cannot make a database");
	if (store_open(path, 5, STORE_CREATE, &fx->st, err, sizeof(err)) != STORE_OK)
		fail_msg("%s", err);
	policy_defaults(&fx->pol);
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;

	store_close(fx->st);
	if (fixture_db_drop(fx->pgname) != 0)
		fail_msg("cannot drop the database");
	free(fx);
	return 0;
}

struct seen {
	char lists[8][64];
	struct rates_bucket b[8];
	size_t n;
};

static int keep_bucket(void *ctx, const char *list, const struct rates_bucket *b)
{
	struct seen *s = ctx;

	assert_true(s->n < 8);
	snprintf(s->lists[s->n], sizeof(s->lists[0]), "%s", list);
	s->b[s->n++] = *b;
	return 0;
}

static void test_counts(void **state)
{
	struct fixture *fx = *state;
	struct store_list_sent rows[] = {
		{ "news@lists.example.org", T0, 10, 12 },
		{ "bulk@lists.example.org", T0, 1, 1 },
		{ "News@Lists.Example.org", T0, 5, 5 }, /* the same list */
		{ "news@lists.example.org", T0 + RATES_BUCKET, 2, 2 },
	};
	struct seen s = { 0 };
	char err[256] = "";

	OK(store_list_sent_add(fx->st, rows, 4, 0, err, sizeof(err)));
	/* a second flush adds to the same rows */
	OK(store_list_sent_add(fx->st, rows, 1, 0, err, sizeof(err)));
	OK(store_list_buckets(fx->st, 0, NULL, keep_bucket, &s, err, sizeof(err)));
	assert_int_equal(s.n, 3);
	assert_string_equal(s.lists[0], "bulk@lists.example.org");
	assert_int_equal(s.b[0].c.recipients, 1);
	assert_string_equal(s.lists[1], "news@lists.example.org");
	assert_int_equal(s.b[1].start, T0);
	assert_int_equal(s.b[1].c.messages, 25);
	assert_int_equal(s.b[1].c.recipients, 29);
	assert_int_equal(s.b[1].c.hard, 0);
	assert_int_equal(s.b[2].start, T0 + RATES_BUCKET);
	/* one list, from a time on */
	memset(&s, 0, sizeof(s));
	OK(store_list_buckets(fx->st, T0 + 1, "NEWS@lists.example.org", keep_bucket, &s, err,
					    sizeof(err)));
	assert_int_equal(s.n, 1);
	assert_int_equal(s.b[0].c.messages, 2);
	/* intervals before `before` go */
	OK(store_list_sent_add(fx->st, NULL, 0, T0 + 1, err, sizeof(err)));
	memset(&s, 0, sizeof(s));
	OK(store_list_buckets(fx->st, 0, NULL, keep_bucket, &s, err, sizeof(err)));
	assert_int_equal(s.n, 1);
	assert_int_equal(s.b[0].start, T0 + RATES_BUCKET);
}

struct states {
	int n, paused;
	char reason[200], paused_at[32], resumed_at[32], warned_at[32];
};

static int keep_state(void *ctx, const struct store_list_state *ls)
{
	struct states *s = ctx;

	s->n++;
	s->paused = ls->paused;
	snprintf(s->reason, sizeof(s->reason), "%s", ls->pause_reason);
	snprintf(s->paused_at, sizeof(s->paused_at), "%s", ls->paused_at);
	snprintf(s->resumed_at, sizeof(s->resumed_at), "%s", ls->resumed_at);
	snprintf(s->warned_at, sizeof(s->warned_at), "%s", ls->warned_at);
	return 0;
}

static void test_pause_resume(void **state)
{
	struct fixture *fx = *state;
	struct states s = { 0 };
	char err[256] = "";
	int was = -1;

	/* never paused: nothing to resume */
	assert_int_equal(store_list_resume(fx->st, "news@lists.example.org", T0, &was, err, sizeof(err)),
			 STORE_NOTFOUND);
	OK(store_list_pause(fx->st, "News@lists.example.org", T0, "bounce rate 15%", &was, err,
					  sizeof(err)));
	assert_int_equal(was, 0);
	/* a second pause (another MTA, a later evaluation) changes nothing */
	OK(store_list_pause(fx->st, "news@lists.example.org", T0 + 60, "other", &was, err, sizeof(err)));
	assert_int_equal(was, 1);
	OK(store_list_states(fx->st, 1, keep_state, &s, err, sizeof(err)));
	assert_int_equal(s.n, 1);
	assert_int_equal(s.paused, 1);
	assert_string_equal(s.reason, "bounce rate 15%");
	assert_string_equal(s.paused_at, "2026-12-07T12:00:00Z");
	OK(store_list_resume(fx->st, "news@LISTS.example.org", T0 + 120, &was, err, sizeof(err)));
	assert_int_equal(was, 1);
	memset(&s, 0, sizeof(s));
	OK(store_list_states(fx->st, 1, keep_state, &s, err, sizeof(err)));
	assert_int_equal(s.n, 0);
	OK(store_list_states(fx->st, 0, keep_state, &s, err, sizeof(err)));
	assert_int_equal(s.n, 1);
	assert_int_equal(s.paused, 0);
	assert_string_equal(s.resumed_at, "2026-12-07T12:02:00Z");
	/* resumed twice: known, not paused */
	OK(store_list_resume(fx->st, "news@lists.example.org", T0 + 180, &was, err, sizeof(err)));
	assert_int_equal(was, 0);
	/* paused again later */
	OK(store_list_pause(fx->st, "news@lists.example.org", T0 + 240, "again", &was, err, sizeof(err)));
	assert_int_equal(was, 0);
}

static void test_warn_once(void **state)
{
	struct fixture *fx = *state;
	struct states s = { 0 };
	char err[256] = "";
	int claimed = -1, was = -1;

	OK(store_list_warn_claim(fx->st, "news@lists.example.org", T0, 3600, "w", &claimed, err,
					       sizeof(err)));
	assert_int_equal(claimed, 1);
	OK(store_list_warn_claim(fx->st, "news@lists.example.org", T0 + 3599, 3600, "w", &claimed, err,
					       sizeof(err)));
	assert_int_equal(claimed, 0);
	/* a clock gone back: the warning stamped later still counts */
	OK(store_list_warn_claim(fx->st, "news@lists.example.org", T0 - 600, 3600, "w", &claimed, err,
					       sizeof(err)));
	assert_int_equal(claimed, 0);
	OK(store_list_warn_claim(fx->st, "news@lists.example.org", T0 + 3600, 3600, "w", &claimed, err,
					       sizeof(err)));
	assert_int_equal(claimed, 1);
	/* a warning is no pause, and a list only warned cannot be resumed */
	OK(store_list_states(fx->st, 1, keep_state, &s, err, sizeof(err)));
	assert_int_equal(s.n, 0);
	assert_int_equal(store_list_resume(fx->st, "news@lists.example.org", T0, &was, err, sizeof(err)),
			 STORE_NOTFOUND);
	OK(store_list_states(fx->st, 0, keep_state, &s, err, sizeof(err)));
	assert_int_equal(s.n, 1);
	assert_string_equal(s.warned_at, "2026-12-07T13:00:00Z");
}

/* record: a bounce of rcpt of class cls at when, verified or not. */
static void record(struct fixture *fx, const char *rcpt, const char *cls, int verified, time_t when)
{
	struct store_bounce b = {
		.received_at = when, .recipient = rcpt, .verified = verified,
		.return_path = "bounces+x@bounce.example.org", .queue_id = rcpt, .message_token = "", .kind = "dsn",
		.action = "failed", .status = strcmp(cls, "hard") ? "4.2.2" : "5.1.1", .reason = "userunknown",
		.class_name = cls, .permanent = !strcmp(cls, "hard"),
	};
	char err[256] = "";

	OK(store_bounce_record(fx->st, &b, &fx->pol, NULL, err, sizeof(err)));
}

static void test_bounces_counted(void **state)
{
	struct fixture *fx = *state;
	struct store_list_sent sent = { "news@lists.example.org", T0, 3, 3 };
	struct seen s = { 0 };
	char err[256] = "";

	/* recipient mode's attribution: the list that mailed each address */
	OK(store_list_seen(fx->st, "News@lists.example.org", "a@example.net", T0 - 60, err, sizeof(err)));
	OK(store_list_seen(fx->st, "news@lists.example.org", "b@example.net", T0 - 60, err, sizeof(err)));
	OK(store_list_seen(fx->st, "news@lists.example.org", "c@example.net", T0 - 60, err, sizeof(err)));
	OK(store_list_seen(fx->st, "news@lists.example.org", "d@example.net", T0 - 60, err, sizeof(err)));
	OK(store_list_sent_add(fx->st, &sent, 1, 0, err, sizeof(err)));
	record(fx, "a@example.net", "hard", 1, T0 + 10);
	record(fx, "b@example.net", "soft", 1, T0 + 20);
	record(fx, "c@example.net", "complaint", 1, T0 + RATES_BUCKET + 5);
	/* not counted: unverified, of no known list, a class that is not rated */
	record(fx, "d@example.net", "hard", 0, T0 + 30);
	record(fx, "nobody@example.net", "hard", 1, T0 + 40);
	record(fx, "a@example.net", "delayed", 1, T0 + 50);
	OK(store_list_buckets(fx->st, 0, NULL, keep_bucket, &s, err, sizeof(err)));
	assert_int_equal(s.n, 2);
	assert_string_equal(s.lists[0], "news@lists.example.org");
	assert_int_equal(s.b[0].start, T0);
	assert_int_equal(s.b[0].c.recipients, 3);
	assert_int_equal(s.b[0].c.hard, 1);
	assert_int_equal(s.b[0].c.soft, 1);
	assert_int_equal(s.b[0].c.complaints, 0);
	assert_int_equal(s.b[1].start, T0 + RATES_BUCKET);
	assert_int_equal(s.b[1].c.complaints, 1);
	assert_int_equal(s.b[1].c.recipients, 0);
}

/* --- rebound db copy carries the rates (store_copy) ---------------------------- */

/* dump: every interval of every list and every list's state, as text */
struct dump {
	char text[4096];
	size_t len;
};

static int dump_bucket(void *ctx, const char *list, const struct rates_bucket *b)
{
	struct dump *d = ctx;
	int n = snprintf(d->text + d->len, sizeof(d->text) - d->len, "%s %lld %ld %ld %ld %ld %ld\n", list,
			 (long long)b->start, b->c.messages, b->c.recipients, b->c.hard, b->c.soft, b->c.complaints);

	assert_true(n > 0 && (size_t)n < sizeof(d->text) - d->len);
	d->len += (size_t)n;
	return 0;
}

static int dump_state(void *ctx, const struct store_list_state *ls)
{
	struct dump *d = ctx;
	int n = snprintf(d->text + d->len, sizeof(d->text) - d->len, "%s %d [%s] [%s] [%s] [%s] [%s] %lld\n",
			 ls->list, ls->paused, ls->paused_at, ls->pause_reason, ls->resumed_at, ls->warned_at,
			 ls->warn_reason, (long long)store_list_counted_since(ls));

	assert_true(n > 0 && (size_t)n < sizeof(d->text) - d->len);
	d->len += (size_t)n;
	return 0;
}

static void dump_rates(struct store *st, struct dump *d)
{
	char err[256] = "";

	memset(d, 0, sizeof(*d));
	OK(store_list_buckets(st, 0, NULL, dump_bucket, d, err, sizeof(err)));
	OK(store_list_states(st, 0, dump_state, d, err, sizeof(err)));
}

/* fill_rates: sent counts of two lists over three intervals (news@ from
 * two milters: two writes of one interval), its bounces (counted by the
 * trigger), one of them purged since (its count stays in list_counts), a
 * pause, a resume and a warning. */
static void fill_rates(struct store *st, struct policy *pol)
{
	struct store_list_sent sent[] = {
		{ "news@lists.example.org", T0, 10, 12 },
		{ "news@lists.example.org", T0 + RATES_BUCKET, 5, 5 },
		{ "bulk@lists.example.org", T0 + 2 * RATES_BUCKET, 100, 300 },
	};
	const char *bad[] = { "a@example.net", "b@example.net", "c@example.net" };
	struct store_purge_result pres;
	struct fixture tmp = { .st = st };
	char err[256] = "";
	int was, claimed;

	tmp.pol = *pol;
	OK(store_list_sent_add(st, sent, 3, 0, err, sizeof(err)));
	OK(store_list_sent_add(st, sent, 1, 0, err, sizeof(err))); /* a second MTA, same interval */
	for (int i = 0; i < 3; i++)
		OK(store_list_seen(st, "news@lists.example.org", bad[i], T0 - 60, err, sizeof(err)));
	record(&tmp, bad[0], "hard", 1, T0 - 2 * RATES_BUCKET + 5); /* purged below */
	record(&tmp, bad[1], "hard", 1, T0 + 10);
	record(&tmp, bad[2], "complaint", 1, T0 + RATES_BUCKET + 20);
	OK(store_purge(st, T0 - RATES_BUCKET, T0 + 3 * RATES_BUCKET, 0, &pres, err, sizeof(err)));
	assert_int_equal(pres.bounces, 1);
	OK(store_list_pause(st, "news@lists.example.org", T0 + 30, "bounce rate 15%", &was, err, sizeof(err)));
	OK(store_list_resume(st, "news@lists.example.org", T0 + RATES_BUCKET + 30, &was, err, sizeof(err)));
	OK(store_list_pause(st, "news@lists.example.org", T0 + 2 * RATES_BUCKET, "again", &was, err, sizeof(err)));
	OK(store_list_warn_claim(st, "bulk@lists.example.org", T0 + 2 * RATES_BUCKET, 86400, "bounce rate 6%",
				 &claimed, err, sizeof(err)));
	assert_int_equal(claimed, 1);
}

/* copy_rates_check: copy src into the new store at path; the target's
 * intervals, counts and states are the source's; a second copy into it is
 * refused. */
static void copy_rates_check(struct store *src, const char *path)
{
	struct store_copy_result res;
	struct store *dst;
	struct dump a, b;
	char err[256] = "";

	dump_rates(src, &a);
	/* what fill_rates made: the purged bounce's hard count stays */
	assert_non_null(strstr(a.text, "news@lists.example.org 1796644200 0 0 1 0 0\n"));
	assert_non_null(strstr(a.text, "news@lists.example.org 1796644800 20 24 1 0 0\n"));
	assert_non_null(strstr(a.text, "news@lists.example.org 1796645100 5 5 0 0 1\n"));
	assert_non_null(strstr(a.text, "bulk@lists.example.org 1796645400 100 300 0 0 0\n"));
	assert_non_null(strstr(a.text, "news@lists.example.org 1 [2026-12-07T12:10:00Z] [again] "
				       "[2026-12-07T12:05:30Z] [] [] 1796645130\n"));
	OK(store_open(path, 5, STORE_CREATE, &dst, err, sizeof(err)));
	if (store_copy(src, dst, &res, err, sizeof(err)) != STORE_OK)
		fail_msg("store_copy: %s", err);
	assert_int_equal(res.rows[STORE_COPY_LIST_COUNTS], 4);
	assert_int_equal(res.rows[STORE_COPY_LIST_STATES], 2);
	for (int t = 0; t < STORE_COPY_NTABLES; t++)
		assert_int_equal(res.rows[t], res.target[t]);
	dump_rates(dst, &b);
	assert_string_equal(a.text, b.text);
	store_close(dst);
}

static void test_copy_rates(void **state)
{
	struct fixture *fx = *state;
	struct store *dst;
	struct store_list_sent one = { "news@lists.example.org", T0, 1, 1 };
	struct store_copy_result res;
	char path[600] = ":memory:", name[64] = "", err[256] = "";

	fill_rates(fx->st, &fx->pol);
	/* into a new store of the same backend */
	if (fixture_pg() && fixture_db_new(NULL, path, sizeof(path), name, sizeof(name)) != 0)
		fail_msg("cannot make a database");
	copy_rates_check(fx->st, path);
	assert_int_equal(fixture_db_drop(name), 0);
	/* a target where a milter wrote counts already is refused */
	OK(store_open(":memory:", 5, STORE_CREATE, &dst, err, sizeof(err)));
	OK(store_list_sent_add(dst, &one, 1, 0, err, sizeof(err)));
	assert_int_equal(store_copy(fx->st, dst, &res, err, sizeof(err)), STORE_ERROR);
	assert_non_null(strstr(err, "the target already holds 1 list_counts"));
	store_close(dst);
}

/* SQLite to PostgreSQL, as docs/install.md moves a store */
static void test_copy_rates_sqlite_to_pg(void **state)
{
	struct fixture *fx = *state;
	struct store *src;
	char path[600], name[64], err[256] = "";

	if (!fixture_pg())
		skip(); /* needs the PostgreSQL server of tests/run */
	OK(store_open(":memory:", 5, STORE_CREATE, &src, err, sizeof(err)));
	fill_rates(src, &fx->pol);
	if (fixture_db_new(NULL, path, sizeof(path), name, sizeof(name)) != 0)
		fail_msg("cannot make a database");
	copy_rates_check(src, path);
	store_close(src);
	assert_int_equal(fixture_db_drop(name), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_counts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pause_resume, setup, teardown),
		cmocka_unit_test_setup_teardown(test_warn_once, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bounces_counted, setup, teardown),
		cmocka_unit_test_setup_teardown(test_copy_rates, setup, teardown),
		cmocka_unit_test_setup_teardown(test_copy_rates_sqlite_to_pg, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
