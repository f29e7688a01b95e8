/* test_store_lists.c: the attribution of bounces to lists (store.h,
 * "Attribution"; docs/verp.md): message mode's list per message, recipient
 * mode's list_recipients written at most once per STORE_LIST_REFRESH, the
 * list a bounce gets, the --list filters and the list group of stats,
 * purge and copy. On SQLite files, and on PostgreSQL when REBOUND_TEST_PG
 * is set (store_fixture.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy.h"
#include "store.h"
#include "store_fixture.h"

#define DAY 86400L
#define T0 1795000000L /* 2026-11-18 */
#define NEWS "news-bounces@lists.example.org"
#define DEV "dev-bounces@lists.example.org"

/* record: a verified hard bounce of rcpt at when (token: message mode). */
static enum store_effect record(struct store_fixture *fx, const char *rcpt, const char *token, time_t when)
{
	struct store_bounce b = {
		.received_at = when, .recipient = rcpt, .verified = 1, .return_path = "bounces+x@bounce.example.org",
		.message_token = token, .kind = "dsn", .action = "failed", .status = "5.1.1",
		.reason = "userunknown", .class_name = "hard", .permanent = 1,
	};
	enum store_effect e = (enum store_effect)-1;
	char err[256] = "";

	if (store_bounce_record(fx->st, &b, &fx->pol, &e, err, sizeof(err)) != STORE_OK)
		fail_msg("store_bounce_record: %s", err);
	return e;
}

/* The list of the last bounce row handed over. */
struct last_list {
	char list[300];
	int n;
};

static int keep_list(void *ctx, const struct store_bounce_row *r)
{
	struct last_list *l = ctx;

	snprintf(l->list, sizeof(l->list), "%s", r->list);
	l->n++;
	return 0;
}

static struct last_list bounce_lists(struct store_fixture *fx, const char *rcpt, const char *list)
{
	struct store_filter f = { .recipient = rcpt, .list = list };
	struct last_list l = { "", 0 };
	char err[256] = "";

	assert_int_equal(store_bounces_list(fx->st, &f, keep_list, &l, err, sizeof(err)), STORE_OK);
	return l;
}

/* The lists of an address, joined by spaces, with their times. */
struct lists {
	char joined[600];
	char last[4][24];
	int n;
};

static int add_list(void *ctx, const char *list, const char *last_sent_at)
{
	struct lists *l = ctx;
	size_t len = strlen(l->joined);

	snprintf(l->joined + len, sizeof(l->joined) - len, "%s%s", len ? " " : "", list);
	if (l->n < 4)
		snprintf(l->last[l->n], sizeof(l->last[0]), "%s", last_sent_at);
	l->n++;
	return 0;
}

static struct lists lists_of(struct store_fixture *fx, const char *address)
{
	struct lists l = { "", { "" }, 0 };
	char err[256] = "";

	assert_int_equal(store_lists_of(fx->st, address, add_list, &l, err, sizeof(err)), STORE_OK);
	return l;
}

static void test_message_mode_list(void **state)
{
	struct store_fixture *fx = *state;
	const char *rcpts[] = { "a@example.com", "b@example.com" };
	char err[256] = "";

	assert_int_equal(store_message_add(fx->st, "tok1", NEWS, rcpts, 2, T0, T0 + 10 * DAY, err, sizeof(err)),
			 STORE_OK);
	assert_int_equal(store_message_add(fx->st, "tok2", "bad list@x", rcpts, 2, T0, T0 + 10 * DAY, err,
					   sizeof(err)),
			 STORE_OK);
	/* the exact list of the message, whatever the recipient got from others */
	if (store_list_seen(fx->st, DEV, "a@example.com", T0, err, sizeof(err)) != STORE_OK)
		fail_msg("store_list_seen: %s", err);
	assert_int_equal(record(fx, "a@example.com", "tok1", T0 + 60), STORE_EFFECT_SUPPRESSED);
	assert_string_equal(bounce_lists(fx, "a@example.com", NULL).list, NEWS);
	/* a list address with a space is not recorded: no list */
	assert_int_equal(record(fx, "b@example.com", "tok2", T0 + 60), STORE_EFFECT_SUPPRESSED);
	assert_string_equal(bounce_lists(fx, "b@example.com", NULL).list, "");
	/* an unknown token: no list */
	assert_int_equal(record(fx, "c@example.com", "nosuch", T0 + 60), STORE_EFFECT_SUPPRESSED);
	assert_string_equal(bounce_lists(fx, "c@example.com", NULL).list, "");
}

static void test_recipient_mode_list(void **state)
{
	struct store_fixture *fx = *state;
	struct lists l;
	char err[256] = "";

	/* nothing known: no list */
	assert_int_equal(record(fx, "x@example.com", "", T0), STORE_EFFECT_SUPPRESSED);
	assert_string_equal(bounce_lists(fx, "x@example.com", NULL).list, "");
	assert_int_equal(lists_of(fx, "x@example.com").n, 0);
	/* two lists mail alice; the bounce goes to the latest */
	assert_int_equal(store_list_seen(fx->st, NEWS, "alice@example.com", T0, err, sizeof(err)), STORE_OK);
	assert_int_equal(store_list_seen(fx->st, DEV, "alice@example.com", T0 + 2 * 3600, err, sizeof(err)), STORE_OK);
	assert_int_equal(record(fx, "Alice@example.com", "", T0 + 3 * 3600), STORE_EFFECT_SUPPRESSED);
	assert_string_equal(bounce_lists(fx, "alice@example.com", NULL).list, DEV);
	l = lists_of(fx, "ALICE@example.com");
	assert_int_equal(l.n, 2);
	assert_string_equal(l.joined, DEV " " NEWS);
	/* within STORE_LIST_REFRESH: no write (the time stays) */
	assert_int_equal(store_list_seen(fx->st, NEWS, "alice@example.com", T0 + STORE_LIST_REFRESH - 1, err,
					 sizeof(err)),
			 STORE_OK);
	l = lists_of(fx, "alice@example.com");
	assert_string_equal(l.last[1], "2026-11-18T11:06:40Z");
	/* after it: written again, and now the latest */
	assert_int_equal(store_list_seen(fx->st, NEWS, "alice@example.com", T0 + 4 * 3600, err, sizeof(err)),
			 STORE_OK);
	l = lists_of(fx, "alice@example.com");
	assert_string_equal(l.joined, NEWS " " DEV);
	assert_string_equal(l.last[0], "2026-11-18T15:06:40Z");
	/* not a list address: ignored */
	assert_int_equal(store_list_seen(fx->st, "no at sign", "bob@example.com", T0, err, sizeof(err)), STORE_OK);
	assert_int_equal(store_list_seen(fx->st, "", "bob@example.com", T0, err, sizeof(err)), STORE_OK);
	assert_int_equal(lists_of(fx, "bob@example.com").n, 0);
	assert_false(store_list_ok("a b@example.org"));
	assert_false(store_list_ok("news@example.org\n"));
	assert_true(store_list_ok(NEWS));
}

/* stats_list: the count of group/key ("" key: none). */
struct stat_want {
	const char *group, *key;
	long count;
};

static int stat_find(void *ctx, const struct store_stat *s)
{
	struct stat_want *w = ctx;

	if (!strcmp(s->group, w->group) && !strcmp(s->key, w->key))
		w->count = s->count;
	return 0;
}

static long stat_of(struct store_fixture *fx, time_t since, const char *list, const char *group, const char *key)
{
	struct stat_want w = { group, key, 0 };
	char err[256] = "";

	assert_int_equal(store_stats(fx->st, since, list, stat_find, &w, err, sizeof(err)), STORE_OK);
	return w.count;
}

static void test_filters_stats_purge_copy(void **state)
{
	struct store_fixture *fx = *state;
	const char *rcpts[] = { "m1@example.com", "m2@example.com" };
	struct store_purge_result res;
	struct store_copy_result cres;
	struct store *dst;
	char err[256] = "", name[64];

	assert_int_equal(store_message_add(fx->st, "tok1", NEWS, rcpts, 2, T0, T0 + 10 * DAY, err, sizeof(err)),
			 STORE_OK);
	assert_int_equal(store_list_seen(fx->st, DEV, "r1@example.com", T0, err, sizeof(err)), STORE_OK);
	record(fx, "m1@example.com", "tok1", T0 + 60);
	record(fx, "m2@example.com", "tok1", T0 + DAY + 60);
	record(fx, "r1@example.com", "", T0 + 2 * DAY + 60);
	record(fx, "none@example.com", "", T0 + 2 * DAY + 60);
	assert_int_equal(bounce_lists(fx, NULL, NEWS).n, 2);
	assert_int_equal(bounce_lists(fx, NULL, DEV).n, 1);
	assert_int_equal(bounce_lists(fx, NULL, "other@example.org").n, 0);
	assert_int_equal(bounce_lists(fx, NULL, NULL).n, 4);
	/* whole days (bounce_counts) and the part-day before them */
	assert_int_equal(stat_of(fx, 0, NULL, "list", NEWS), 2);
	assert_int_equal(stat_of(fx, 0, NULL, "list", DEV), 1);
	assert_int_equal(stat_of(fx, 0, NULL, "list", ""), 1);
	assert_int_equal(stat_of(fx, 0, NEWS, "total", "bounces"), 2);
	assert_int_equal(stat_of(fx, 0, NEWS, "class", "hard"), 2);
	assert_int_equal(stat_of(fx, 0, NEWS, "list", DEV), 0);
	assert_int_equal(stat_of(fx, T0 + 3600, NEWS, "total", "bounces"), 1);
	assert_int_equal(stat_of(fx, T0 + 3600, NULL, "total", "bounces"), 3);
	/* copy: the lists go along */
	fixture_copy(fx, &dst, name, &cres);
	assert_int_equal(cres.rows[STORE_COPY_LIST_RECIPIENTS], 1);
	{
		struct store *keep = fx->st;

		fx->st = dst;
		assert_int_equal(bounce_lists(fx, NULL, NEWS).n, 2);
		assert_int_equal(stat_of(fx, 0, NULL, "list", DEV), 1);
		assert_int_equal(lists_of(fx, "r1@example.com").n, 1);
		fx->st = keep;
	}
	store_close(dst);
	assert_int_equal(fixture_db_drop(name), 0);
	/* purge: attributions unused since verp_before go (0: kept) */
	assert_int_equal(store_purge(fx->st, T0, T0, 0, &res, err, sizeof(err)), STORE_OK);
	assert_int_equal(res.list_recipients, 0);
	assert_int_equal(store_purge(fx->st, T0, T0, T0 + 1, &res, err, sizeof(err)), STORE_OK);
	assert_int_equal(res.list_recipients, 1);
	assert_int_equal(lists_of(fx, "r1@example.com").n, 0);
	/* the bounce keeps its list */
	assert_string_equal(bounce_lists(fx, "r1@example.com", NULL).list, DEV);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_message_mode_list, fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_recipient_mode_list, fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_filters_stats_purge_copy, fixture_setup, fixture_teardown),
	};

	return cmocka_run_group_tests_name(fixture_pg() ? "store lists on PostgreSQL" : "store lists", tests, NULL,
					   NULL);
}
