/* test_store_events.c: the events of the store (store.h, "Events"): which
 * changes write one and which do not, in the transaction of the change;
 * their lists; ids that only grow, also after purge and through copy; and
 * the hook runner's claim (leases, order per address) and outcome. On
 * SQLite files, and on PostgreSQL when REBOUND_TEST_PG is set. */
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

/* Events as read back (a copy of the fields the tests look at). */
#define MAXEV 16
struct ev {
	long long id, bounce_id;
	char type[16], address[64], lists[256], cause[16], reason[64], status[16], state[16];
	long attempts;
};
struct evs {
	struct ev e[MAXEV];
	int n;
};

static int keep_event(void *ctx, const struct store_event *e)
{
	struct evs *v = ctx;
	struct ev *x;

	if (v->n >= MAXEV)
		return 1;
	x = &v->e[v->n++];
	x->id = e->id;
	x->bounce_id = e->bounce_id;
	snprintf(x->type, sizeof(x->type), "%s", e->type);
	snprintf(x->address, sizeof(x->address), "%s", e->address);
	snprintf(x->lists, sizeof(x->lists), "%s", e->lists);
	snprintf(x->cause, sizeof(x->cause), "%s", e->cause);
	snprintf(x->reason, sizeof(x->reason), "%s", e->reason);
	snprintf(x->status, sizeof(x->status), "%s", e->status);
	snprintf(x->state, sizeof(x->state), "%s", e->hook_state);
	x->attempts = e->hook_attempts;
	return 0;
}

static struct evs events(struct store_fixture *fx, long long after)
{
	struct evs v = { .n = 0 };
	char err[256] = "";

	if (store_events_list(fx->st, after, 0, keep_event, &v, err, sizeof(err)) != STORE_OK)
		fail_msg("store_events_list: %s", err);
	return v;
}

static long long last_bounce_id(struct store_fixture *fx);

static void test_which_changes(void **state)
{
	struct store_fixture *fx = *state;
	struct evs v;
	int was;
	char err[256] = "";

	/* attributed: the recipient was mailed by two lists */
	assert_int_equal(store_list_seen(fx->st, NEWS, "a@example.com", T0 - 7200, err, sizeof(err)), STORE_OK);
	assert_int_equal(store_list_seen(fx->st, DEV, "a@example.com", T0 - 3600, err, sizeof(err)), STORE_OK);
	assert_int_equal(fixture_record(fx, "a@example.com", "hard", "userunknown", T0, 1, "Q1"),
			 STORE_EFFECT_SUPPRESSED);
	v = events(fx, 0);
	assert_int_equal(v.n, 1);
	assert_string_equal(v.e[0].type, "suppressed");
	assert_string_equal(v.e[0].cause, "hard");
	assert_string_equal(v.e[0].address, "a@example.com");
	assert_string_equal(v.e[0].lists, DEV " " NEWS);
	assert_string_equal(v.e[0].reason, "userunknown");
	assert_string_equal(v.e[0].status, "5.1.1");
	assert_string_equal(v.e[0].state, "pending");
	assert_int_equal(v.e[0].bounce_id, last_bounce_id(fx));
	/* none for: the same delivery again, an address already suppressed,
	 * an unverified bounce, a soft bounce below the limit, one not counted */
	assert_int_equal(fixture_record(fx, "a@example.com", "hard", "userunknown", T0, 1, "Q1"),
			 STORE_EFFECT_DUPLICATE);
	assert_int_equal(fixture_record(fx, "a@example.com", "hard", "userunknown", T0 + 60, 1, "Q2"),
			 STORE_EFFECT_ALREADY);
	assert_int_equal(fixture_record(fx, "b@example.com", "hard", "userunknown", T0, 0, ""),
			 STORE_EFFECT_UNVERIFIED);
	assert_int_equal(fixture_record(fx, "c@example.com", "soft", "mailboxfull", T0, 1, ""), STORE_EFFECT_COUNTED);
	assert_int_equal(fixture_record(fx, "c@example.com", "delayed", "", T0, 1, ""), STORE_EFFECT_NOT_COUNTED);
	assert_int_equal(events(fx, 0).n, 1);
	/* a complaint; soft bounces on soft_bounce_limit days */
	assert_int_equal(fixture_record(fx, "d@example.com", "complaint", "feedback", T0, 1, ""),
			 STORE_EFFECT_SUPPRESSED);
	for (int d = 1; d < fx->pol.soft_limit - 1; d++)
		assert_int_equal(fixture_record(fx, "c@example.com", "soft", "mailboxfull", T0 + d * DAY, 1, ""),
				 STORE_EFFECT_COUNTED);
	assert_int_equal(fixture_record(fx, "c@example.com", "soft", "mailboxfull",
					T0 + (fx->pol.soft_limit - 1) * DAY, 1, ""),
			 STORE_EFFECT_SUPPRESSED);
	v = events(fx, 0);
	assert_int_equal(v.n, 3);
	assert_string_equal(v.e[1].cause, "complaint");
	assert_string_equal(v.e[1].lists, "");
	assert_string_equal(v.e[2].cause, "soft-limit");
	/* by hand: a change writes one, no change none */
	assert_int_equal(store_recipient_unsuppress(fx->st, "A@example.com", T0 + DAY, &was, err, sizeof(err)), STORE_OK);
	assert_int_equal(store_recipient_unsuppress(fx->st, "a@example.com", T0 + DAY, &was, err, sizeof(err)), STORE_OK);
	assert_int_equal(store_recipient_suppress(fx->st, "e@example.com", "asked to", T0 + DAY, &was, err, sizeof(err)),
			 STORE_OK);
	assert_int_equal(store_recipient_suppress(fx->st, "e@example.com", "again", T0 + DAY, &was, err, sizeof(err)),
			 STORE_OK);
	v = events(fx, 0);
	assert_int_equal(v.n, 5);
	assert_string_equal(v.e[3].type, "unsuppressed");
	assert_string_equal(v.e[3].cause, "manual");
	assert_string_equal(v.e[3].lists, DEV " " NEWS);
	assert_int_equal(v.e[3].bounce_id, 0);
	assert_string_equal(v.e[4].type, "suppressed");
	assert_string_equal(v.e[4].reason, "asked to");
	/* ids grow; --after */
	for (int i = 1; i < v.n; i++)
		assert_true(v.e[i].id > v.e[i - 1].id);
	assert_int_equal(events(fx, v.e[2].id).n, 2);
}

static int keep_id(void *ctx, const struct store_bounce_row *r)
{
	*(long long *)ctx = r->id;
	return 0;
}

static long long last_bounce_id(struct store_fixture *fx)
{
	struct store_filter f = { .since = 0 };
	long long id = 0;
	char err[256] = "";

	assert_int_equal(store_bounces_list(fx->st, &f, keep_id, &id, err, sizeof(err)), STORE_OK);
	return id;
}

static void test_same_transaction(void **state)
{
	struct store_fixture *fx = *state;
	struct store_bounce b = {
		.received_at = T0, .recipient = "r@example.com", .verified = 1, .return_path = "x@bounce.example.org",
		.kind = "dsn", .status = "5.1.1", .reason = "userunknown", .class_name = "hard", .permanent = 1,
	};
	char err[256] = "";

	/* rolled back with the bounce: neither stays */
	assert_int_equal(store_begin(fx->st, err, sizeof(err)), STORE_OK);
	assert_int_equal(store_bounce_record(fx->st, &b, &fx->pol, NULL, err, sizeof(err)), STORE_OK);
	store_rollback(fx->st);
	assert_int_equal(events(fx, 0).n, 0);
	assert_int_equal(store_begin(fx->st, err, sizeof(err)), STORE_OK);
	assert_int_equal(store_bounce_record(fx->st, &b, &fx->pol, NULL, err, sizeof(err)), STORE_OK);
	assert_int_equal(store_commit(fx->st, err, sizeof(err)), STORE_OK);
	assert_int_equal(events(fx, 0).n, 1);
}

static void test_purge_copy_ids(void **state)
{
	struct store_fixture *fx = *state;
	struct store_event_new n = { .at = T0, .type = "list-paused", .lists = NEWS, .cause = "rate" };
	struct store_purge_result res;
	struct store_copy_result cres;
	struct store *dst;
	struct evs v;
	long long id = 0, max;
	char err[256] = "", name[64];

	fixture_record(fx, "a@example.com", "hard", "userunknown", T0, 1, "");
	fixture_record(fx, "b@example.com", "hard", "userunknown", T0 + 2 * DAY, 1, "");
	assert_int_equal(store_event_add(fx->st, &n, &id, err, sizeof(err)), STORE_OK);
	v = events(fx, 0);
	assert_int_equal(v.n, 3);
	assert_int_equal(v.e[2].id, id);
	assert_string_equal(v.e[2].type, "list-paused");
	assert_string_equal(v.e[2].lists, NEWS);
	assert_string_equal(v.e[2].address, "");
	n.type = NULL;
	assert_int_equal(store_event_add(fx->st, &n, &id, err, sizeof(err)), STORE_ERROR);
	/* copy: ids and bounce ids kept */
	fixture_copy(fx, &dst, name, &cres);
	assert_int_equal(cres.rows[STORE_COPY_EVENTS], 3);
	{
		struct store *keep = fx->st;
		struct evs c;

		fx->st = dst;
		c = events(fx, 0);
		assert_int_equal(c.n, 3);
		for (int i = 0; i < 3; i++) {
			assert_int_equal(c.e[i].id, v.e[i].id);
			assert_int_equal(c.e[i].bounce_id, v.e[i].bounce_id);
		}
		/* a new event in the copy takes a new id */
		fixture_record(fx, "z@example.com", "hard", "userunknown", T0 + 3 * DAY, 1, "");
		c = events(fx, 0);
		assert_int_equal(c.n, 4);
		assert_true(c.e[3].id > v.e[2].id);
		assert_true(c.e[3].bounce_id > v.e[1].bounce_id);
		fx->st = keep;
	}
	store_close(dst);
	assert_int_equal(fixture_db_drop(name), 0);
	/* purge: events made before the cut-off go; ids are never used again */
	assert_int_equal(store_purge(fx->st, T0 + DAY, T0 + DAY, 0, &res, err, sizeof(err)), STORE_OK);
	assert_int_equal(res.events, 2);
	max = v.e[2].id;
	assert_int_equal(store_purge(fx->st, T0 + 3 * DAY, T0 + 3 * DAY, 0, &res, err, sizeof(err)), STORE_OK);
	assert_int_equal(events(fx, 0).n, 0);
	fixture_record(fx, "c@example.com", "hard", "userunknown", T0 + 4 * DAY, 1, "");
	v = events(fx, 0);
	assert_int_equal(v.n, 1);
	assert_true(v.e[0].id > max);
}

/* claim: one event claimed by owner at now, into *out; 0 when none. */
static int claim(struct store_fixture *fx, const char *owner, time_t now, struct ev *out)
{
	struct evs v = { .n = 0 };
	int claimed = -1;
	char err[256] = "";

	if (store_hook_claim(fx->st, owner, now, 60, keep_event, &v, &claimed, err, sizeof(err)) != STORE_OK)
		fail_msg("store_hook_claim: %s", err);
	assert_int_equal(claimed, v.n);
	if (claimed && out)
		*out = v.e[0];
	return claimed;
}

static void test_hook_claims(void **state)
{
	struct store_fixture *fx = *state;
	struct ev a1, b1, x;
	char err[256] = "";
	int was;

	fixture_record(fx, "a@example.com", "hard", "userunknown", T0, 1, "");
	fixture_record(fx, "b@example.com", "hard", "userunknown", T0, 1, "");
	assert_int_equal(store_recipient_unsuppress(fx->st, "a@example.com", T0 + 1, &was, err, sizeof(err)), STORE_OK);
	/* runner 1 takes a@'s first event; runner 2 may not take a@'s second
	 * (order per address) nor the first (leased): it gets b@'s */
	assert_int_equal(claim(fx, "r1", T0 + 10, &a1), 1);
	assert_string_equal(a1.address, "a@example.com");
	assert_int_equal(a1.attempts, 1);
	assert_int_equal(claim(fx, "r2", T0 + 10, &b1), 1);
	assert_string_equal(b1.address, "b@example.com");
	assert_int_equal(claim(fx, "r2", T0 + 10, NULL), 0);
	assert_int_equal(store_hook_finish(fx->st, b1.id, "r2", "expired", T0 + 11, "", err, sizeof(err)), STORE_OK);
	/* the outcome by one that holds no lease: refused */
	assert_int_equal(store_hook_finish(fx->st, a1.id, "r2", "done", T0 + 11, "", err, sizeof(err)), STORE_NOTFOUND);
	/* a retry: due again later, still first for its address */
	assert_int_equal(store_hook_finish(fx->st, a1.id, "r1", "pending", T0 + 70, "exit 75", err, sizeof(err)),
			 STORE_OK);
	assert_int_equal(claim(fx, "r2", T0 + 20, NULL), 0);
	assert_int_equal(claim(fx, "r2", T0 + 70, &x), 1);
	assert_int_equal(x.id, a1.id);
	assert_int_equal(x.attempts, 2);
	/* r2 dies: its lease (60 s) expires, r3 takes the event over */
	assert_int_equal(claim(fx, "r3", T0 + 100, NULL), 0);
	assert_int_equal(claim(fx, "r3", T0 + 131, &x), 1);
	assert_int_equal(x.id, a1.id);
	assert_int_equal(x.attempts, 3);
	assert_int_equal(store_hook_finish(fx->st, x.id, "r2", "done", T0 + 131, "", err, sizeof(err)), STORE_NOTFOUND);
	assert_int_equal(store_hook_finish(fx->st, x.id, "r3", "done", T0 + 132, "exit 0", err, sizeof(err)), STORE_OK);
	/* now a@'s second event */
	assert_int_equal(claim(fx, "r3", T0 + 133, &x), 1);
	assert_string_equal(x.type, "unsuppressed");
	assert_int_equal(store_hook_finish(fx->st, x.id, "r3", "failed", T0 + 133, "exit 1", err, sizeof(err)), STORE_OK);
	assert_int_equal(claim(fx, "r3", T0 + 10 * DAY, NULL), 0);
	assert_int_equal(store_hook_finish(fx->st, b1.id, "r2", "bogus", T0, "", err, sizeof(err)), STORE_ERROR);
	{
		struct evs v = events(fx, 0);

		assert_string_equal(v.e[0].state, "done");
		assert_string_equal(v.e[1].state, "expired");
		assert_string_equal(v.e[2].state, "failed");
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_which_changes, fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_same_transaction, fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_purge_copy_ids, fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_hook_claims, fixture_setup, fixture_teardown),
	};

	return cmocka_run_group_tests_name(fixture_pg() ? "store events on PostgreSQL" : "store events", tests, NULL,
					   NULL);
}
