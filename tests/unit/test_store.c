/* test_store.c: unit tests of the store (store.h) on temporary databases
 * with an injected clock, on SQLite (lib/store_sqlite.c) or, with
 * REBOUND_TEST_PG set, on PostgreSQL (lib/store_pgsql.c; tests/run runs
 * both, store_fixture.h): open and migration, the schema copies in
 * lib/store_schema.c against schema/ and schema/pgsql/, recording bounces
 * with the policy, duplicates, suppress/unsuppress, listing, stats, purge,
 * message mode, the VERP id map, copying a store; on PostgreSQL also a
 * server that is down, read-only or too slow, and many writers at once. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>

#include <sqlite3.h>

#include "store.h"
#include "store_schema.h"
#include "store_fixture.h"

#define DAY 86400L
#define T0 1795000000L /* 2026-11-18 */

struct rcpt_copy {
	char state[16], reason[128];
	long hard, soft, complaints;
};

static int copy_rcpt(void *ctx, const struct store_recipient *r)
{
	struct rcpt_copy *c = ctx;

	snprintf(c->state, sizeof(c->state), "%s", r->state);
	snprintf(c->reason, sizeof(c->reason), "%s", r->suppressed_reason);
	c->hard = r->hard_bounces;
	c->soft = r->soft_bounces;
	c->complaints = r->complaints;
	return 0;
}

static struct rcpt_copy get_rcpt(struct store_fixture *fx, const char *address, enum store_status expect)
{
	struct rcpt_copy c = { "", "", 0, 0, 0 };
	char err[256] = "";

	assert_int_equal(store_recipient_get(fx->st, address, copy_rcpt, &c, err, sizeof(err)), expect);
	return c;
}

static void schema_files_match(const struct store_migration *migrations, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		FILE *fp = fopen(migrations[i].file, "r");
		static char buf[1 << 16];
		size_t len;

		if (!fp)
			fail_msg("cannot open %s (run from the top of the tree)", migrations[i].file);
		len = fread(buf, 1, sizeof(buf) - 1, fp);
		fclose(fp);
		buf[len] = '\0';
		if (strcmp(buf, migrations[i].sql) != 0)
			fail_msg("%s differs from its copy in lib/store_schema.c", migrations[i].file);
		assert_int_equal(migrations[i].version, (int)i + 1);
	}
	assert_int_equal(migrations[n - 1].version, STORE_SCHEMA_VERSION);
}

static void test_schema_file_matches(void **state)
{
	(void)state;
	schema_files_match(store_migrations, store_nmigrations);
	/* PostgreSQL: the same versions, each its twin */
	schema_files_match(store_pgsql_migrations, store_pgsql_nmigrations);
	assert_int_equal(store_pgsql_nmigrations, store_nmigrations);
}

static void test_open_pragmas(void **state)
{
	struct store_fixture *fx = *state;
	sqlite3 *db;
	sqlite3_stmt *s;
	struct store *st2;
	char err[256] = "";

	/* a second open finds the schema in place */
	assert_int_equal(store_open(fx->path, 5, STORE_CREATE, &st2, err, sizeof(err)), STORE_OK);
	store_close(st2);
	assert_int_equal(sqlite3_open(fx->path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &s, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(s), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(s, 0), "wal");
	sqlite3_finalize(s);
	assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &s, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(s), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(s, 0), STORE_SCHEMA_VERSION);
	sqlite3_finalize(s);
	/* a newer schema is refused, permanently */
	assert_int_equal(sqlite3_exec(db, "PRAGMA user_version = 99", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(store_open(fx->path, 1, STORE_CREATE, &st2, err, sizeof(err)), STORE_ERROR);
	assert_non_null(strstr(err, "newer"));
	assert_int_equal(store_open(fx->path, 1, STORE_READONLY, &st2, err, sizeof(err)), STORE_ERROR);
}

static void test_open_missing(void **state)
{
	struct store_fixture *fx = *state;
	struct store *st = (struct store *)1;
	char path[200], err[256] = "";

	snprintf(path, sizeof(path), "%s/none.db", fx->dir);
	assert_int_equal(store_open(path, 1, STORE_READONLY, &st, err, sizeof(err)), STORE_NOTFOUND);
	assert_null(st);
	/* a missing directory may be created later: temporary */
	snprintf(path, sizeof(path), "%s/nodir/x.db", fx->dir);
	assert_int_equal(store_open(path, 1, STORE_CREATE, &st, err, sizeof(err)), STORE_TEMPFAIL);
	/* without STORE_CREATE a missing file is not created */
	snprintf(path, sizeof(path), "%s/none.db", fx->dir);
	assert_int_equal(store_open(path, 1, 0, &st, err, sizeof(err)), STORE_TEMPFAIL);
	assert_non_null(strstr(err, "no such database"));
	assert_int_equal(access(path, F_OK), -1);
}

static void test_not_a_database(void **state)
{
	struct store_fixture *fx = *state;
	struct store *st;
	char path[200], err[256] = "";
	FILE *fp;

	snprintf(path, sizeof(path), "%s/junk.db", fx->dir);
	assert_non_null(fp = fopen(path, "w"));
	fputs("this is not an SQLite database, not at all, not even close; just text\n", fp);
	fclose(fp);
	assert_int_equal(store_open(path, 1, STORE_CREATE, &st, err, sizeof(err)), STORE_ERROR);
}

static void test_locked_is_tempfail(void **state)
{
	struct store_fixture *fx = *state;
	struct store *st2;
	struct store_bounce b = { .received_at = T0, .recipient = "a@example.com", .verified = 1,
				  .class_name = "hard", .reason = "userunknown" };
	char err[256] = "";

	assert_int_equal(store_begin(fx->st, err, sizeof(err)), STORE_OK);
	assert_int_equal(store_open(fx->path, 0, STORE_CREATE, &st2, err, sizeof(err)), STORE_OK);
	assert_int_equal(store_bounce_record(st2, &b, &fx->pol, NULL, err, sizeof(err)), STORE_TEMPFAIL);
	store_close(st2);
	store_rollback(fx->st);
}

static void test_hard_suppresses(void **state)
{
	struct store_fixture *fx = *state;
	struct rcpt_copy c;

	assert_int_equal(fixture_record(fx, "Alice@Example.com", "hard", "userunknown", T0, 1, "Q1"),
			 STORE_EFFECT_SUPPRESSED);
	c = get_rcpt(fx, "alice@example.com", STORE_OK);
	assert_string_equal(c.state, "suppressed");
	assert_int_equal(c.hard, 1);
	assert_string_equal(c.reason, "hard bounce (5.1.1 userunknown)");
	/* again (another delivery): already suppressed, counted */
	assert_int_equal(fixture_record(fx, "alice@example.com", "hard", "userunknown", T0 + 60, 1, "Q2"),
			 STORE_EFFECT_ALREADY);
	c = get_rcpt(fx, "ALICE@example.com", STORE_OK);
	assert_int_equal(c.hard, 2);
}

static void test_complaint_suppresses(void **state)
{
	struct store_fixture *fx = *state;

	assert_int_equal(fixture_record(fx, "c@example.com", "complaint", "feedback", T0, 1, ""),
			 STORE_EFFECT_SUPPRESSED);
	assert_string_equal(get_rcpt(fx, "c@example.com", STORE_OK).state, "suppressed");
	assert_int_equal(get_rcpt(fx, "c@example.com", STORE_OK).complaints, 1);
}

static void test_unverified_changes_nothing(void **state)
{
	struct store_fixture *fx = *state;

	assert_int_equal(fixture_record(fx, "u@example.com", "hard", "userunknown", T0, 0, "Q1"),
			 STORE_EFFECT_UNVERIFIED);
	get_rcpt(fx, "u@example.com", STORE_NOTFOUND);
}

static void test_not_counted(void **state)
{
	struct store_fixture *fx = *state;
	static const char *const cls[] = { "delayed", "delivered", "autoreply" };

	for (size_t i = 0; i < 3; i++)
		assert_int_equal(fixture_record(fx, "n@example.com", cls[i], "", T0 + (time_t)i, 1, ""),
				 STORE_EFFECT_NOT_COUNTED);
	/* a permanent failure that blames the sender */
	assert_int_equal(fixture_record(fx, "n@example.com", "hard", "blocked", T0 + 10, 1, ""),
			 STORE_EFFECT_NOT_COUNTED);
	for (int d = 0; d < 10; d++)
		assert_int_equal(fixture_record(fx, "n@example.com", "soft", "spamdetected", T0 + d * DAY, 1, ""),
				 STORE_EFFECT_NOT_COUNTED);
	get_rcpt(fx, "n@example.com", STORE_NOTFOUND);
}

static void test_soft_distinct_days(void **state)
{
	struct store_fixture *fx = *state;
	struct rcpt_copy c;

	/* three on one day count once */
	for (int i = 0; i < 3; i++)
		assert_int_equal(fixture_record(fx, "s@example.com", "soft", "mailboxfull", T0 + i * 60, 1, ""),
				 STORE_EFFECT_COUNTED);
	assert_int_equal(get_rcpt(fx, "s@example.com", STORE_OK).soft, 1);
	for (int d = 1; d < 4; d++)
		assert_int_equal(fixture_record(fx, "s@example.com", "soft", "mailboxfull", T0 + d * DAY, 1, ""),
				 STORE_EFFECT_COUNTED);
	assert_int_equal(get_rcpt(fx, "s@example.com", STORE_OK).soft, 4);
	/* the fifth day suppresses */
	assert_int_equal(fixture_record(fx, "s@example.com", "soft", "mailboxfull", T0 + 4 * DAY, 1, ""),
			 STORE_EFFECT_SUPPRESSED);
	c = get_rcpt(fx, "s@example.com", STORE_OK);
	assert_string_equal(c.state, "suppressed");
	assert_int_equal(c.soft, 5);
	assert_string_equal(c.reason, "soft bounces on 5 days (4.2.2 mailboxfull)");
}

static void test_soft_stale_and_window(void **state)
{
	struct store_fixture *fx = *state;

	/* four days, then 31 days of silence: the count starts again */
	for (int d = 0; d < 4; d++)
		fixture_record(fx, "w@example.com", "soft", "mailboxfull", T0 + d * DAY, 1, "");
	assert_int_equal(get_rcpt(fx, "w@example.com", STORE_OK).soft, 4);
	assert_int_equal(fixture_record(fx, "w@example.com", "soft", "mailboxfull", T0 + 34 * DAY, 1, ""),
			 STORE_EFFECT_COUNTED);
	assert_int_equal(get_rcpt(fx, "w@example.com", STORE_OK).soft, 1);
	/* one soft bounce every 8 days: never 5 within 30 days */
	for (int i = 0; i < 10; i++)
		assert_int_equal(fixture_record(fx, "e@example.com", "soft", "mailboxfull", T0 + i * 8 * DAY, 1, ""),
				 STORE_EFFECT_COUNTED);
	assert_int_equal(get_rcpt(fx, "e@example.com", STORE_OK).soft, 4);
}

static void test_duplicate_delivery(void **state)
{
	struct store_fixture *fx = *state;
	struct rcpt_copy c;

	assert_int_equal(fixture_record(fx, "d@example.com", "soft", "mailboxfull", T0, 1, "4ABC"),
			 STORE_EFFECT_COUNTED);
	assert_int_equal(fixture_record(fx, "d@example.com", "soft", "mailboxfull", T0 + 5, 1, "4ABC"),
			 STORE_EFFECT_DUPLICATE);
	c = get_rcpt(fx, "d@example.com", STORE_OK);
	assert_int_equal(c.soft, 1);
	/* the same queue id two days later is another message */
	assert_int_equal(fixture_record(fx, "d@example.com", "soft", "mailboxfull", T0 + 2 * DAY, 1, "4ABC"),
			 STORE_EFFECT_COUNTED);
}

static void test_transaction_rollback(void **state)
{
	struct store_fixture *fx = *state;
	struct store_bounce b = { .received_at = T0, .recipient = "r@example.com", .verified = 1,
				  .class_name = "hard", .reason = "userunknown" };
	char err[256] = "";

	assert_int_equal(store_begin(fx->st, err, sizeof(err)), STORE_OK);
	assert_int_equal(store_bounce_record(fx->st, &b, &fx->pol, NULL, err, sizeof(err)), STORE_OK);
	store_rollback(fx->st);
	get_rcpt(fx, "r@example.com", STORE_NOTFOUND);
	assert_int_equal(store_begin(fx->st, err, sizeof(err)), STORE_OK);
	assert_int_equal(store_bounce_record(fx->st, &b, &fx->pol, NULL, err, sizeof(err)), STORE_OK);
	assert_int_equal(store_commit(fx->st, err, sizeof(err)), STORE_OK);
	get_rcpt(fx, "r@example.com", STORE_OK);
}

static void test_suppress_unsuppress(void **state)
{
	struct store_fixture *fx = *state;
	struct rcpt_copy c;
	char err[256] = "";
	int was = -1;

	assert_int_equal(store_recipient_unsuppress(fx->st, "x@example.com", T0, &was, err, sizeof(err)),
			 STORE_NOTFOUND);
	assert_int_equal(store_recipient_suppress(fx->st, "x@example.com", "asked by phone", T0, &was, err,
						  sizeof(err)), STORE_OK);
	assert_int_equal(was, 0);
	c = get_rcpt(fx, "x@example.com", STORE_OK);
	assert_string_equal(c.state, "suppressed");
	assert_string_equal(c.reason, "asked by phone");
	assert_int_equal(store_recipient_suppress(fx->st, "X@example.com", NULL, T0, &was, err, sizeof(err)),
			 STORE_OK);
	assert_int_equal(was, 1);
	assert_int_equal(store_recipient_unsuppress(fx->st, "x@example.com", T0, &was, err, sizeof(err)), STORE_OK);
	assert_int_equal(was, 1);
	assert_string_equal(get_rcpt(fx, "x@example.com", STORE_OK).state, "active");
	/* soft bounces before the unsuppress no longer count */
	for (int d = 0; d < 5; d++)
		fixture_record(fx, "y@example.com", "soft", "mailboxfull", T0 + d * DAY, 1, "");
	assert_string_equal(get_rcpt(fx, "y@example.com", STORE_OK).state, "suppressed");
	assert_int_equal(store_recipient_unsuppress(fx->st, "y@example.com", T0 + 5 * DAY, &was, err, sizeof(err)),
			 STORE_OK);
	assert_int_equal(fixture_record(fx, "y@example.com", "soft", "mailboxfull", T0 + 6 * DAY, 1, ""),
			 STORE_EFFECT_COUNTED);
	assert_int_equal(get_rcpt(fx, "y@example.com", STORE_OK).soft, 1);
}

struct listing {
	int n;
	char line[4][160];
};

static int list_suppressed(void *ctx, const struct store_recipient *r)
{
	struct listing *l = ctx;

	if (l->n < 4)
		snprintf(l->line[l->n], sizeof(l->line[0]), "%s|%s|%s|%s", r->address, r->state, r->suppressed_at,
			 r->suppressed_reason);
	l->n++;
	return 0;
}

/* store_suppressed_list: the same on both backends: by the bytes of the
 * lowercase address, the time in UTC ISO form, the reason; active
 * addresses not listed. */
static void test_suppressed_listing(void **state)
{
	struct store_fixture *fx = *state;
	struct listing l = { 0 };
	char err[256] = "";
	const char *addrs[] = { "b@example.com", "A@example.com", "_z@example.com", "c@example.com" };

	for (size_t i = 0; i < 4; i++)
		assert_int_equal(store_recipient_suppress(fx->st, addrs[i], i == 1 ? "asked" : "by phone",
							  T0 + (time_t)i * 61, NULL, err, sizeof(err)), STORE_OK);
	assert_int_equal(store_recipient_unsuppress(fx->st, "c@example.com", T0 + DAY, NULL, err, sizeof(err)),
			 STORE_OK);
	assert_int_equal(store_suppressed_list(fx->st, list_suppressed, &l, err, sizeof(err)), STORE_OK);
	assert_int_equal(l.n, 3);
	/* T0 is 2026-11-18T11:06:40Z */
	assert_string_equal(l.line[0], "_z@example.com|suppressed|2026-11-18T11:08:42Z|by phone");
	assert_string_equal(l.line[1], "A@example.com|suppressed|2026-11-18T11:07:41Z|asked");
	assert_string_equal(l.line[2], "b@example.com|suppressed|2026-11-18T11:06:40Z|by phone");
}

static int count_rows(void *ctx, const struct store_bounce_row *row)
{
	(void)row;
	(*(int *)ctx)++;
	return 0;
}

static int count_suppressed(void *ctx, const struct store_recipient *r)
{
	(void)r;
	(*(int *)ctx)++;
	return 0;
}

struct stats_seen {
	long total, hard, domain, active, suppressed;
};

static int stats_cb(void *ctx, const struct store_stat *s)
{
	struct stats_seen *seen = ctx;

	if (!strcmp(s->group, "total"))
		seen->total = s->count;
	if (!strcmp(s->group, "class") && !strcmp(s->key, "hard"))
		seen->hard = s->count;
	if (!strcmp(s->group, "domain") && !strcmp(s->key, "example.com"))
		seen->domain = s->count;
	if (!strcmp(s->group, "state") && !strcmp(s->key, "active"))
		seen->active = s->count;
	if (!strcmp(s->group, "state") && !strcmp(s->key, "suppressed"))
		seen->suppressed = s->count;
	return 0;
}

static void test_list_stats_purge(void **state)
{
	struct store_fixture *fx = *state;
	struct store_filter f = { 0 };
	struct store_purge_result res;
	struct stats_seen seen = { 0, 0, 0, 0, 0 };
	char err[256] = "";
	int n = 0;

	fixture_record(fx, "a@example.com", "hard", "userunknown", T0, 1, "");
	fixture_record(fx, "b@example.com", "soft", "mailboxfull", T0 + DAY, 1, "");
	fixture_record(fx, "c@other.org", "hard", "userunknown", T0 + 2 * DAY, 1, "");
	assert_int_equal(store_bounces_list(fx->st, &f, count_rows, &n, err, sizeof(err)), STORE_OK);
	assert_int_equal(n, 3);
	n = 0;
	f.class_name = "hard";
	assert_int_equal(store_bounces_list(fx->st, &f, count_rows, &n, err, sizeof(err)), STORE_OK);
	assert_int_equal(n, 2);
	n = 0;
	f.class_name = NULL;
	f.since = T0 + DAY;
	assert_int_equal(store_bounces_list(fx->st, &f, count_rows, &n, err, sizeof(err)), STORE_OK);
	assert_int_equal(n, 2);
	n = 0;
	f.since = 0;
	f.recipient = "A@EXAMPLE.COM";
	assert_int_equal(store_bounces_list(fx->st, &f, count_rows, &n, err, sizeof(err)), STORE_OK);
	assert_int_equal(n, 1);
	assert_int_equal(store_stats(fx->st, 0, NULL, stats_cb, &seen, err, sizeof(err)), STORE_OK);
	assert_int_equal(seen.total, 3);
	assert_int_equal(seen.hard, 2);
	assert_int_equal(seen.domain, 2);
	assert_int_equal(seen.active, 1);
	assert_int_equal(seen.suppressed, 2);
	/* purge what is older than T0 + 1.5 days: the bounces of a@ and b@ */
	assert_int_equal(store_purge(fx->st, T0 + DAY + DAY / 2, T0 + 3 * DAY, 0, &res, err, sizeof(err)), STORE_OK);
	assert_int_equal(res.bounces, 2);
	assert_int_equal(res.recipients, 1); /* b@ was active; a@ is suppressed and stays */
	n = 0;
	assert_int_equal(store_suppressed_list(fx->st, count_suppressed, &n, err, sizeof(err)), STORE_OK);
	assert_int_equal(n, 2);
	/* the counts behind stats follow the purge and a change of state */
	memset(&seen, 0, sizeof(seen));
	assert_int_equal(store_stats(fx->st, 0, NULL, stats_cb, &seen, err, sizeof(err)), STORE_OK);
	assert_int_equal(seen.total, 1);
	assert_int_equal(seen.hard, 1);
	assert_int_equal(seen.domain, 0);
	assert_int_equal(seen.active, 0);
	assert_int_equal(seen.suppressed, 2);
	assert_int_equal(store_recipient_unsuppress(fx->st, "a@example.com", T0 + 3 * DAY, NULL, err, sizeof(err)),
			 STORE_OK);
	memset(&seen, 0, sizeof(seen));
	assert_int_equal(store_stats(fx->st, 0, NULL, stats_cb, &seen, err, sizeof(err)), STORE_OK);
	assert_int_equal(seen.active, 1);
	assert_int_equal(seen.suppressed, 1);
}

/* stats_total: the "total" of store_stats since since. */
static int total_cb(void *ctx, const struct store_stat *s)
{
	if (!strcmp(s->group, "total"))
		*(long *)ctx = s->count;
	return 0;
}

static long stats_total(struct store_fixture *fx, time_t since)
{
	char err[256] = "";
	long total = -1;

	assert_int_equal(store_stats(fx->st, since, NULL, total_cb, &total, err, sizeof(err)), STORE_OK);
	return total;
}

static long list_count(struct store_fixture *fx, time_t since)
{
	struct store_filter f = { .since = since };
	char err[256] = "";
	int n = 0;

	assert_int_equal(store_bounces_list(fx->st, &f, count_rows, &n, err, sizeof(err)), STORE_OK);
	return n;
}

struct first_last {
	char first[STORE_TIME_MAX], last[STORE_TIME_MAX];
	int n;
};

static int first_last(void *ctx, const struct store_bounce_row *r)
{
	struct first_last *fl = ctx;

	if (fl->n++ == 0)
		snprintf(fl->first, sizeof(fl->first), "%s", r->received_at);
	snprintf(fl->last, sizeof(fl->last), "%s", r->received_at);
	return 0;
}

static void test_counts_page_purge(void **state)
{
	struct store_fixture *fx = *state;
	struct store_filter f = { .limit = 3, .newest = 1 };
	struct store_purge_result res;
	struct first_last fl = { "", "", 0 };
	char err[256] = "", want[STORE_TIME_MAX];
	time_t since[] = { 0, T0 + DAY / 3, T0 + DAY, T0 + 2 * DAY + 7, T0 + 9 * DAY };

	/* 5 days, 4 bounces a day at 6-hour steps, some duplicates */
	for (int i = 0; i < 20; i++)
		fixture_record(fx, i % 3 ? "a@example.com" : "b@other.org", i % 2 ? "hard" : "soft", "userunknown",
		       T0 + i * DAY / 4, 1, i % 5 ? "" : "QDUP");
	/* stats (counts of whole days and the bounces of the part-day) agree
	 * with counting the bounces themselves */
	for (size_t i = 0; i < sizeof(since) / sizeof(since[0]); i++)
		assert_int_equal(stats_total(fx, since[i]), list_count(fx, since[i]));
	/* the newest page, handed oldest first */
	assert_int_equal(store_bounces_list(fx->st, &f, first_last, &fl, err, sizeof(err)), STORE_OK);
	assert_int_equal(fl.n, 3);
	assert_string_equal(fl.first, store_time_format(T0 + 17 * DAY / 4, want));
	assert_string_equal(fl.last, store_time_format(T0 + 19 * DAY / 4, want));
	/* purge in the middle of a day: the counts follow */
	assert_int_equal(store_purge(fx->st, T0 + 2 * DAY + DAY / 2, T0 + 6 * DAY, 0, &res, err, sizeof(err)),
			 STORE_OK);
	assert_true(res.bounces > 0);
	for (size_t i = 0; i < sizeof(since) / sizeof(since[0]); i++)
		assert_int_equal(stats_total(fx, since[i]), list_count(fx, since[i]));
}

static time_t fake_now;
static time_t fake_clock(void)
{
	return fake_now;
}

static void test_message_mode(void **state)
{
	struct store_fixture *fx = *state;
	const char *rcpts[] = { "one@example.com", "Two@example.com" };
	struct store_purge_result res;
	char err[256] = "";

	store_set_clock(fx->st, fake_clock);
	fake_now = T0;
	assert_int_equal(store_message_add(fx->st, "tok1", NULL, rcpts, 2, T0, T0 + 10 * DAY, err, sizeof(err)), STORE_OK);
	assert_int_equal(store_message_has(fx->st, "tok1", "one@example.com", err, sizeof(err)), STORE_OK);
	assert_int_equal(store_message_has(fx->st, "tok1", "two@EXAMPLE.com", err, sizeof(err)), STORE_OK);
	assert_int_equal(store_message_has(fx->st, "tok1", "three@example.com", err, sizeof(err)), STORE_NOTFOUND);
	assert_int_equal(store_message_has(fx->st, "tok2", "one@example.com", err, sizeof(err)), STORE_NOTFOUND);
	/* adding again is harmless */
	assert_int_equal(store_message_add(fx->st, "tok1", NULL, rcpts, 2, T0, T0 + 10 * DAY, err, sizeof(err)), STORE_OK);
	/* expired */
	fake_now = T0 + 10 * DAY;
	assert_int_equal(store_message_has(fx->st, "tok1", "one@example.com", err, sizeof(err)), STORE_NOTFOUND);
	/* a later add removes the expired one (cascade to its recipients) */
	assert_int_equal(store_message_add(fx->st, "tok3", NULL, rcpts, 1, T0 + 11 * DAY, T0 + 20 * DAY, err, sizeof(err)),
			 STORE_OK);
	assert_int_equal(store_purge(fx->st, 0, T0 + 11 * DAY, 0, &res, err, sizeof(err)), STORE_OK);
	assert_int_equal(res.messages, 0);
	assert_int_equal(store_purge(fx->st, 0, T0 + 21 * DAY, 0, &res, err, sizeof(err)), STORE_OK);
	assert_int_equal(res.messages, 1);
	assert_int_equal(store_message_add(fx->st, "", NULL, rcpts, 1, T0, T0, err, sizeof(err)), STORE_ERROR);
}

/* Probes of message mode: one per address per interval, only for a
 * recipient of the message; store_purge forgets old ones. */
static void test_probes(void **state)
{
	struct store_fixture *fx = *state;
	const char *rcpts[] = { "One@example.com" };
	struct store_purge_result res;
	char to[64], err[256] = "";

	assert_int_equal(store_message_add(fx->st, "tokp", NULL, rcpts, 1, T0, T0 + 10 * DAY, err, sizeof(err)), STORE_OK);
	assert_int_equal(store_probe_claim(fx->st, "tokp", "one@EXAMPLE.com", T0, DAY, to, sizeof(to), err, sizeof(err)),
			 STORE_OK);
	assert_string_equal(to, "One@example.com");
	assert_int_equal(store_probe_claim(fx->st, "tokp", "one@example.com", T0 + DAY - 1, DAY, to, sizeof(to), err,
					   sizeof(err)), STORE_OK);
	assert_string_equal(to, "");
	assert_int_equal(store_probe_claim(fx->st, "other", "one@example.com", T0, DAY, to, sizeof(to), err,
					   sizeof(err)), STORE_OK);
	assert_string_equal(to, "");
	/* a probe sent before `before` is purged: the address may be probed again */
	assert_int_equal(store_purge(fx->st, T0 + 1, T0 + 1, 0, &res, err, sizeof(err)), STORE_OK);
	assert_int_equal(store_probe_claim(fx->st, "tokp", "one@example.com", T0 + DAY - 1, DAY, to, sizeof(to), err,
					   sizeof(err)), STORE_OK);
	assert_string_equal(to, "One@example.com");
}

static void test_verp_map(void **state)
{
	struct store_fixture *fx = *state;
	const struct verp_map *m = store_verp_map(fx->st);
	struct store_purge_result res;
	char *r = NULL, err[256] = "";

	assert_int_equal(m->get(m->ctx, "id1", &r), 1);
	assert_null(r);
	assert_int_equal(m->put(m->ctx, "id1", "long.recipient@example.com", T0), 0);
	assert_int_equal(m->put(m->ctx, "id1", "long.recipient@example.com", T0 + DAY), 0);
	assert_int_equal(m->put(m->ctx, "id1", "another@example.com", T0), -1);
	assert_int_equal(m->get(m->ctx, "id1", &r), 0);
	assert_string_equal(r, "long.recipient@example.com");
	free(r);
	assert_int_equal(store_purge(fx->st, 0, T0, T0 + DAY / 2, &res, err, sizeof(err)), STORE_OK);
	assert_int_equal(res.verp_ids, 0); /* used at T0 + DAY */
	assert_int_equal(store_purge(fx->st, 0, T0, T0 + 2 * DAY, &res, err, sizeof(err)), STORE_OK);
	assert_int_equal(res.verp_ids, 1);
}

static void test_readonly(void **state)
{
	struct store_fixture *fx = *state;
	struct store *ro;
	struct store_bounce b = { .received_at = T0, .recipient = "a@example.com", .verified = 1,
				  .class_name = "hard" };
	char err[256] = "";
	int n = 0;

	fixture_record(fx, "a@example.com", "hard", "userunknown", T0, 1, "");
	assert_int_equal(store_open(fx->path, 1, STORE_READONLY, &ro, err, sizeof(err)), STORE_OK);
	assert_int_equal(store_suppressed_list(ro, count_suppressed, &n, err, sizeof(err)), STORE_OK);
	assert_int_equal(n, 1);
	assert_int_equal(store_bounce_record(ro, &b, &fx->pol, NULL, err, sizeof(err)), STORE_ERROR);
	store_close(ro);
}

/* --- copying a store (both backends) ------------------------------------- */

static int copy_get(void *ctx, const struct store_recipient *r)
{
	snprintf(ctx, 128, "%s %ld %ld %s", r->state, r->hard_bounces, r->soft_bounces, r->suppressed_reason);
	return 0;
}

static void test_copy(void **state)
{
	struct store_fixture *fx = *state;
	const char *rcpts[] = { "one@example.com" };
	struct store_copy_result res;
	const struct verp_map *m;
	struct store *dst;
	char name[64], err[256] = "", a[128] = "", b[128] = "", *r = NULL;

	fixture_record(fx, "h@example.com", "hard", "userunknown", T0, 1, "Q1");
	for (int d = 0; d < 3; d++)
		fixture_record(fx, "s@example.com", "soft", "mailboxfull", T0 + d * DAY, 1, "");
	fixture_record(fx, "u@example.com", "hard", "userunknown", T0, 0, "");
	assert_int_equal(store_message_add(fx->st, "tok1", NULL, rcpts, 1, T0, T0 + DAY, err, sizeof(err)), STORE_OK);
	m = store_verp_map(fx->st);
	assert_int_equal(m->put(m->ctx, "id1", "long@example.com", T0), 0);
	/* into a new store of the same backend */
	fixture_copy(fx, &dst, name, &res);
	assert_int_equal(res.rows[STORE_COPY_BOUNCES], 5);
	assert_int_equal(res.rows[STORE_COPY_RECIPIENTS], 2);
	assert_int_equal(res.rows[STORE_COPY_MESSAGES], 1);
	assert_int_equal(res.rows[STORE_COPY_MESSAGE_RECIPIENTS], 1);
	assert_int_equal(res.rows[STORE_COPY_VERP_IDS], 1);
	assert_int_equal(store_recipient_get(fx->st, "s@example.com", copy_get, a, err, sizeof(err)), STORE_OK);
	assert_int_equal(store_recipient_get(dst, "S@example.com", copy_get, b, err, sizeof(err)), STORE_OK);
	assert_string_equal(a, b);
	assert_int_equal(store_verp_map(dst)->get(store_verp_map(dst)->ctx, "id1", &r), 0);
	assert_string_equal(r, "long@example.com");
	free(r);
	/* a store that holds bounces already is refused */
	assert_int_equal(store_copy(fx->st, dst, &res, err, sizeof(err)), STORE_ERROR);
	store_close(dst);
	assert_int_equal(fixture_db_drop(name), 0);
}

/* --- PostgreSQL only ---------------------------------------------------------- */

static void test_pg_schema_version(void **state)
{
	struct store_fixture *fx = *state;
	struct store *st2;
	char err[256] = "", sql[200];

	/* a second open finds the schema in place; init on it is a no-op */
	assert_int_equal(store_open(fx->path, 5, STORE_CREATE, &st2, err, sizeof(err)), STORE_OK);
	assert_string_equal(store_backend_name(st2), "postgresql");
	store_close(st2);
	/* a newer schema is refused, permanently */
	snprintf(sql, sizeof(sql), "INSERT INTO schema_version (version) VALUES (99)");
	assert_int_equal(fixture_pg_exec(fx->pgname, sql), 0);
	assert_int_equal(store_open(fx->path, 1, 0, &st2, err, sizeof(err)), STORE_ERROR);
	assert_non_null(strstr(err, "newer"));
	assert_int_equal(store_open(fx->path, 1, STORE_READONLY, &st2, err, sizeof(err)), STORE_ERROR);
}

static void test_pg_fresh_readonly(void **state)
{
	struct store_fixture *fx = *state;
	struct store *ro;
	char path[600], name[64], err[256] = "";
	int n = 0;

	/* a database with no schema yet: the read-only CLI shows nothing */
	assert_int_equal(fixture_db_new(fx->dir, path, sizeof(path), name, sizeof(name)), 0);
	assert_int_equal(store_open(path, 5, STORE_READONLY, &ro, err, sizeof(err)), STORE_OK);
	assert_int_equal(store_suppressed_list(ro, count_suppressed, &n, err, sizeof(err)), STORE_OK);
	assert_int_equal(n, 0);
	store_close(ro);
	assert_int_equal(fixture_db_drop(name), 0);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void test_pg_down(void **state)
{
	struct store_fixture *fx = *state;
	struct store *st;
	char path[200], err[256] = "";
	double t;

	/* no server behind the socket: temporary, at once */
	snprintf(path, sizeof(path), "host=%s port=1 dbname=rebound user=rebound", fx->dir);
	t = now_s();
	assert_int_equal(store_open(path, 2, STORE_CREATE, &st, err, sizeof(err)), STORE_TEMPFAIL);
	assert_true(now_s() - t < 2.0);
	assert_null(st);
	/* a database that does not exist, or a role that may not log in: also
	 * temporary (the administrator mends it, the mail waits) */
	snprintf(path, sizeof(path), "%s dbname=rbtest_none_%ld", fixture_pg(), (long)getpid());
	assert_int_equal(store_open(path, 2, 0, &st, err, sizeof(err)), STORE_TEMPFAIL);
	assert_non_null(strstr(err, "does not exist"));
}

static void test_pg_read_only_server(void **state)
{
	struct store_fixture *fx = *state;
	struct store *st;
	char sql[200], err[256] = "";
	struct store_bounce b = { .received_at = T0, .recipient = "a@example.com", .verified = 1,
				  .class_name = "hard", .reason = "userunknown", .kind = "dsn" };

	/* a hot standby refuses writes as a read-only transaction does */
	snprintf(sql, sizeof(sql), "ALTER DATABASE %s SET default_transaction_read_only = on", fx->pgname);
	assert_int_equal(fixture_pg_exec("postgres", sql), 0);
	assert_int_equal(store_open(fx->path, 2, 0, &st, err, sizeof(err)), STORE_OK);
	assert_int_equal(store_bounce_record(st, &b, &fx->pol, NULL, err, sizeof(err)), STORE_TEMPFAIL);
	assert_non_null(strstr(err, "read-only"));
	/* reads still work */
	assert_int_equal(store_recipient_get(st, "a@example.com", NULL, NULL, err, sizeof(err)), STORE_NOTFOUND);
	store_close(st);
}

static void test_pg_slow_is_tempfail(void **state)
{
	struct store_fixture *fx = *state;
	const char *keys[] = { "dbname", NULL }, *vals[] = { fx->path, NULL };
	PGconn *c = PQconnectdbParams(keys, vals, 1);
	struct store *st;
	char err[256] = "";
	double t;
	struct store_bounce b = { .received_at = T0, .recipient = "a@example.com", .verified = 1,
				  .class_name = "hard", .reason = "userunknown", .kind = "dsn" };

	assert_int_equal(PQstatus(c), CONNECTION_OK);
	/* another session holds the table: the writer gives up after its
	 * database_timeout (1 s), cancels, and the handle works again */
	PQclear(PQexec(c, "BEGIN"));
	PQclear(PQexec(c, "LOCK TABLE recipients IN ACCESS EXCLUSIVE MODE"));
	assert_int_equal(store_open(fx->path, 1, 0, &st, err, sizeof(err)), STORE_OK);
	t = now_s();
	assert_int_equal(store_bounce_record(st, &b, &fx->pol, NULL, err, sizeof(err)), STORE_TEMPFAIL);
	t = now_s() - t;
	assert_true(t >= 0.9 && t < 3.0);
	assert_non_null(strstr(err, "database_timeout"));
	PQclear(PQexec(c, "ROLLBACK"));
	PQfinish(c);
	assert_int_equal(store_bounce_record(st, &b, &fx->pol, NULL, err, sizeof(err)), STORE_OK);
	store_close(st);
}

static void test_pg_reconnect(void **state)
{
	struct store_fixture *fx = *state;
	char sql[256];

	/* the server ends the handle's session (as a restart does): the next
	 * call outside a transaction connects again and succeeds */
	assert_int_equal(fixture_record(fx, "a@example.com", "hard", "userunknown", T0, 1, "Q1"),
			 STORE_EFFECT_SUPPRESSED);
	snprintf(sql, sizeof(sql), "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
				   "WHERE datname = '%s' AND pid <> pg_backend_pid()", fx->pgname);
	assert_int_equal(fixture_pg_exec(fx->pgname, sql), 0);
	assert_int_equal(fixture_record(fx, "b@example.com", "hard", "userunknown", T0, 1, "Q2"),
			 STORE_EFFECT_SUPPRESSED);
	assert_string_equal(get_rcpt(fx, "b@example.com", STORE_OK).state, "suppressed");
}

/* writer: one process of test_pg_many_writers. */
static int writer(const char *path, int i, const struct policy *pol)
{
	struct store *st;
	char err[256] = "", q[32];

	if (store_open(path, 30, 0, &st, err, sizeof(err)) != STORE_OK)
		return 1;
	/* the fifth day of soft bounces, in every writer: the address is
	 * suppressed exactly once */
	{
		struct store_bounce b = { .received_at = T0 + 4 * DAY + i, .recipient = "s@example.com", .verified = 1,
					  .class_name = "soft", .reason = "mailboxfull", .kind = "dsn",
					  .return_path = "r" };

		if (store_bounce_record(st, &b, pol, NULL, err, sizeof(err)) != STORE_OK)
			return 2;
	}
	for (int k = 0; k < 20; k++) {
		/* hard bounces of h@ (distinct deliveries), and one delivery
		 * that every writer records: once only */
		struct store_bounce b = { .received_at = T0 + k, .recipient = k % 2 ? "h@example.com" : "H@example.com",
					  .verified = 1, .class_name = "hard", .reason = "userunknown", .kind = "dsn",
					  .return_path = "r", .queue_id = q };

		snprintf(q, sizeof(q), "Q%d-%d", i, k);
		if (store_bounce_record(st, &b, pol, NULL, err, sizeof(err)) != STORE_OK)
			return 3;
		snprintf(q, sizeof(q), "DUP%d", k);
		if (store_bounce_record(st, &b, pol, NULL, err, sizeof(err)) != STORE_OK)
			return 4;
	}
	store_close(st);
	return 0;
}

struct effects {
	int suppressed, dup_rows;
};

static int effect_count(void *ctx, const struct store_bounce_row *r)
{
	struct effects *e = ctx;

	if (!strcmp(r->effect, "suppressed"))
		e->suppressed++;
	if (!strncmp(r->queue_id, "DUP", 3))
		e->dup_rows++;
	return 0;
}

static void test_pg_many_writers(void **state)
{
	struct store_fixture *fx = *state;
	struct store_filter f = { .recipient = "s@example.com" };
	struct effects e = { 0, 0 };
	struct rcpt_copy c;
	char err[256] = "";
	pid_t pids[8];
	int n = 8;

	for (int d = 0; d < 4; d++)
		assert_int_equal(fixture_record(fx, "s@example.com", "soft", "mailboxfull", T0 + d * DAY, 1, ""),
				 STORE_EFFECT_COUNTED);
	for (int i = 0; i < n; i++) {
		fflush(NULL);
		if ((pids[i] = fork()) == 0)
			_exit(writer(fx->path, i, &fx->pol));
		assert_true(pids[i] > 0);
	}
	for (int i = 0; i < n; i++) {
		int ws;

		assert_int_equal(waitpid(pids[i], &ws, 0), pids[i]);
		if (!WIFEXITED(ws) || WEXITSTATUS(ws) != 0)
			fail_msg("writer %d failed (status %d)", i, ws);
	}
	/* no lost update, no double count */
	c = get_rcpt(fx, "h@example.com", STORE_OK);
	assert_int_equal(c.hard, n * 20 + 20);
	c = get_rcpt(fx, "s@example.com", STORE_OK);
	assert_string_equal(c.state, "suppressed");
	assert_int_equal(store_bounces_list(fx->st, &f, effect_count, &e, err, sizeof(err)), STORE_OK);
	assert_int_equal(e.suppressed, 1);
	f.recipient = "h@example.com";
	assert_int_equal(store_bounces_list(fx->st, &f, effect_count, &e, err, sizeof(err)), STORE_OK);
	assert_int_equal(e.dup_rows, 20);
}

static void test_pg_init_at_once(void **state)
{
	struct store_fixture *fx = *state;
	char path[600], name[64], sql[128];
	pid_t pids[4];

	/* four hosts run rebound init on a new database at once */
	assert_int_equal(fixture_db_new(fx->dir, path, sizeof(path), name, sizeof(name)), 0);
	for (int i = 0; i < 4; i++) {
		fflush(NULL);
		if ((pids[i] = fork()) == 0) {
			struct store *st;
			char err[256];

			if (store_open(path, 30, STORE_CREATE, &st, err, sizeof(err)) != STORE_OK) {
				fprintf(stderr, "# %s\n", err);
				_exit(1);
			}
			store_close(st);
			_exit(0);
		}
	}
	for (int i = 0; i < 4; i++) {
		int ws;

		assert_int_equal(waitpid(pids[i], &ws, 0), pids[i]);
		assert_true(WIFEXITED(ws) && WEXITSTATUS(ws) == 0);
	}
	/* each migration applied once */
	snprintf(sql, sizeof(sql), "DO $$ BEGIN IF (SELECT count(*) FROM schema_version) <> %d THEN "
				   "RAISE 'schema_version'; END IF; END $$", STORE_SCHEMA_VERSION);
	assert_int_equal(fixture_pg_exec(name, sql), 0);
	assert_int_equal(fixture_db_drop(name), 0);
}

static void test_time_format(void **state)
{
	char buf[STORE_TIME_MAX];

	(void)state;
	assert_string_equal(store_time_format(0, buf), "1970-01-01T00:00:00Z");
	assert_string_equal(store_time_format(1795000000, buf), "2026-11-18T11:06:40Z");
}

int main(void)
{
	/* every backend */
	const struct CMUnitTest common[] = {
		cmocka_unit_test(test_schema_file_matches),
		cmocka_unit_test(test_time_format),
		cmocka_unit_test_setup_teardown(test_hard_suppresses, fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_complaint_suppresses, fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_unverified_changes_nothing, fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_not_counted, fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_soft_distinct_days, fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_soft_stale_and_window, fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_duplicate_delivery, fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_transaction_rollback, fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_suppressed_listing, fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_suppress_unsuppress, fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_list_stats_purge, fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_counts_page_purge, fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_message_mode, fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_probes, fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_verp_map, fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_readonly, fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_copy, fixture_setup, fixture_teardown),
	};
	/* SQLite files */
	const struct CMUnitTest sqlite_tests[] = {
		cmocka_unit_test_setup_teardown(test_open_pragmas, fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_open_missing, fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_not_a_database, fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_locked_is_tempfail, fixture_setup, fixture_teardown),
	};
	/* a PostgreSQL server */
	const struct CMUnitTest pgsql_tests[] = {
		cmocka_unit_test_setup_teardown(test_pg_schema_version, fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_pg_fresh_readonly, fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_pg_down, fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_pg_read_only_server, fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_pg_slow_is_tempfail, fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_pg_reconnect, fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_pg_many_writers, fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_pg_init_at_once, fixture_setup, fixture_teardown),
	};
	int failed = cmocka_run_group_tests_name("store", common, NULL, NULL);

	if (fixture_pg())
		failed += cmocka_run_group_tests_name("store on PostgreSQL", pgsql_tests, NULL, NULL);
	else
		failed += cmocka_run_group_tests_name("store on SQLite files", sqlite_tests, NULL, NULL);
	return failed;
}
