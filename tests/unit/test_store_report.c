/* test_store_report.c: unit tests of lib/store_report.c, the way
 * rebound-pipe attributes and records a parsed bounce: recipient mode,
 * message mode (only the message's recipients, confirmed only for a bounce
 * from our own MTA; otherwise leads and their probes), unverified return
 * paths, a report that names nobody, not-a-bounce, and one transaction.
 * Reports are built by hand; the parser has its own tests. On SQLite in
 * memory, or with REBOUND_TEST_PG set on a PostgreSQL database of each
 * test's own (store_fixture.h; tests/run runs both). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_report.h"
#include "store_fixture.h"

#define T0 1795000000L

static struct bounce_rcpt rcpt(const char *addr, const char *cls_status, enum bounce_class cls, const char *reason)
{
	struct bounce_rcpt r = {
		.recipient = (char *)addr, .action = "failed", .status = (char *)cls_status, .smtp_code = "550",
		.reason = (char *)reason, .class = cls, .permanent = cls == BOUNCE_CLASS_HARD,
		.diagnostic = "550 5.1.1 user unknown", .remote_mta = "mx.example.com", .reporting_mta = "",
		.rule = "",
	};
	return r;
}

static struct bounce_report report(enum bounce_kind kind, struct bounce_rcpt *r, size_t n)
{
	struct bounce_report rep = {
		.kind = kind, .reporting_mta = "mail.example.org", .original_envelope_id = "",
		.original_message_id = "<m@example.org>", .nrcpt = n, .rcpt = r,
	};
	return rep;
}

static time_t clock_t0(void)
{
	return T0;
}

struct fixture {
	char pgname[64];
	struct store *st;
	struct policy pol;
	struct store_report_ctx ctx;
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
	store_set_clock(fx->st, clock_t0);
	policy_defaults(&fx->pol);
	fx->ctx.now = T0;
	fx->ctx.return_path = "bounces+x@bounce.example.org";
	fx->ctx.queue_id = "4QID";
	fx->ctx.policy = &fx->pol;
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;

	store_close(fx->st);
	if (fixture_db_drop(fx->pgname) != 0)
		return -1;
	free(fx);
	return 0;
}

static int count_cb(void *ctx, const struct store_bounce_row *r)
{
	(void)r;
	(*(int *)ctx)++;
	return 0;
}

static int nbounces(struct fixture *fx)
{
	struct store_filter f = { 0 };
	char err[256];
	int n = 0;

	assert_int_equal(store_bounces_list(fx->st, &f, count_cb, &n, err, sizeof(err)), STORE_OK);
	return n;
}

static enum store_status state_of(struct fixture *fx, const char *addr)
{
	char err[256];

	return store_recipient_get(fx->st, addr, NULL, NULL, err, sizeof(err));
}

static void test_recipient_mode(void **state)
{
	struct fixture *fx = *state;
	struct bounce_rcpt r[1] = { rcpt("alice@example.com", "5.1.1", BOUNCE_CLASS_HARD, "userunknown") };
	struct bounce_report rep = report(BOUNCE_KIND_DSN, r, 1);
	struct store_report_line *lines;
	size_t n;
	char err[256];

	fx->ctx.verified = 1;
	fx->ctx.recipient = "Alice@example.com";
	assert_int_equal(store_report_record(fx->st, &rep, &fx->ctx, &lines, &n, err, sizeof(err)), STORE_OK);
	assert_int_equal(n, 1);
	assert_true(lines[0].verified);
	assert_string_equal(lines[0].recipient, "Alice@example.com");
	assert_int_equal(lines[0].effect, STORE_EFFECT_SUPPRESSED);
	free(lines);
	assert_int_equal(state_of(fx, "alice@example.com"), STORE_OK);
}

static void test_unverified(void **state)
{
	struct fixture *fx = *state;
	struct bounce_rcpt r[1] = { rcpt("bob@example.com", "5.1.1", BOUNCE_CLASS_HARD, "userunknown") };
	struct bounce_report rep = report(BOUNCE_KIND_DSN, r, 1);
	struct store_report_line *lines;
	size_t n;
	char err[256];

	fx->ctx.verified = 0;
	fx->ctx.recipient = "bob@example.com"; /* claimed by a bad tag */
	assert_int_equal(store_report_record(fx->st, &rep, &fx->ctx, &lines, &n, err, sizeof(err)), STORE_OK);
	assert_int_equal(n, 1);
	assert_false(lines[0].verified);
	assert_int_equal(lines[0].effect, STORE_EFFECT_UNVERIFIED);
	free(lines);
	assert_int_equal(nbounces(fx), 1);
	assert_int_equal(state_of(fx, "bob@example.com"), STORE_NOTFOUND);
}

static void test_message_mode(void **state)
{
	struct fixture *fx = *state;
	const char *sent[] = { "one@example.com", "two@example.com" };
	struct bounce_rcpt r[3] = {
		rcpt("one@example.com", "5.1.1", BOUNCE_CLASS_HARD, "userunknown"),
		rcpt("stranger@example.com", "5.1.1", BOUNCE_CLASS_HARD, "userunknown"),
		rcpt("TWO@example.com", "4.2.2", BOUNCE_CLASS_SOFT, "mailboxfull"),
	};
	struct bounce_report rep = report(BOUNCE_KIND_DSN, r, 3);
	struct store_report_line *lines;
	size_t n;
	char err[256];

	assert_int_equal(store_message_add(fx->st, "tok-1", NULL, sent, 2, T0, T0 + 86400, err, sizeof(err)), STORE_OK);
	fx->ctx.verified = 1;
	fx->ctx.token = "tok-1";
	fx->ctx.trusted = 1; /* Postfix's own bounce */
	assert_int_equal(store_report_record(fx->st, &rep, &fx->ctx, &lines, &n, err, sizeof(err)), STORE_OK);
	assert_int_equal(n, 3);
	assert_int_equal(lines[0].effect, STORE_EFFECT_SUPPRESSED);
	assert_int_equal(lines[0].probe, STORE_PROBE_NONE);
	assert_true(lines[1].ignored);
	assert_int_equal(lines[2].effect, STORE_EFFECT_COUNTED);
	free(lines);
	assert_int_equal(nbounces(fx), 2); /* the stranger is not recorded */
	assert_int_equal(state_of(fx, "stranger@example.com"), STORE_NOTFOUND);
}

/* Postfix's own bounce whose recipient is the DSN's Original-Recipient
 * (Final-Recipient named no whole address): the returned message's sender
 * chose that address with ORCPT, so it is a lead like any outside bounce
 * (issue 12), never confirmed. */
static void test_message_mode_orcpt(void **state)
{
	struct fixture *fx = *state;
	const char *sent[] = { "one@example.com", "two@example.com" };
	struct bounce_rcpt r[1] = { rcpt("two@example.com", "5.1.1", BOUNCE_CLASS_HARD, "userunknown") };
	struct bounce_report rep = report(BOUNCE_KIND_DSN, r, 1);
	struct store_report_line *lines;
	size_t n;
	char err[256];

	r[0].recipient_from_orcpt = 1;
	assert_int_equal(store_message_add(fx->st, "tok-1", NULL, sent, 2, T0, T0 + 86400, err, sizeof(err)), STORE_OK);
	fx->ctx.verified = 1;
	fx->ctx.token = "tok-1";
	fx->ctx.trusted = 1;
	assert_int_equal(store_report_record(fx->st, &rep, &fx->ctx, &lines, &n, err, sizeof(err)), STORE_OK);
	assert_int_equal(n, 1);
	assert_false(lines[0].verified);
	assert_int_equal(lines[0].effect, STORE_EFFECT_UNVERIFIED);
	free(lines);
	assert_int_equal(state_of(fx, "two@example.com"), STORE_NOTFOUND);
}

/* lead: record the report with the fixture's context; returns the lines. */
static struct store_report_line *lead(struct fixture *fx, struct bounce_rcpt *r, size_t nr, enum bounce_kind kind,
				      size_t *n)
{
	struct bounce_report rep = report(kind, r, nr);
	struct store_report_line *lines;
	char err[256];

	if (store_report_record(fx->st, &rep, &fx->ctx, &lines, n, err, sizeof(err)) != STORE_OK)
		fail_msg("%s", err);
	return lines;
}

static void message_ctx(struct fixture *fx)
{
	const char *sent[] = { "one@example.com", "two@example.com", "three@example.com" };
	char err[256];

	assert_int_equal(store_message_add(fx->st, "tok-2", NULL, sent, 3, T0, T0 + 86400, err, sizeof(err)), STORE_OK);
	fx->ctx.verified = 1;
	fx->ctx.token = "tok-2";
	fx->ctx.trusted = 0; /* from outside: anyone the message went to may have written it */
	fx->ctx.probes = 1;
	fx->ctx.probe_interval = 86400;
}

/* A bounce to a message's return path that our MTA did not make, naming
 * its other recipients (issue 12): nobody is suppressed or counted, the
 * rows are unverified, and each named recipient gets one probe, to the
 * address as the message's recipient list has it. */
static void test_message_lead(void **state)
{
	struct fixture *fx = *state;
	struct bounce_rcpt r[3] = {
		rcpt("one@example.com", "5.1.1", BOUNCE_CLASS_HARD, "userunknown"),
		rcpt("stranger@example.com", "5.1.1", BOUNCE_CLASS_HARD, "userunknown"),
		rcpt("TWO@example.com", "4.2.2", BOUNCE_CLASS_SOFT, "mailboxfull"),
	};
	struct store_report_line *lines;
	size_t n;

	message_ctx(fx);
	lines = lead(fx, r, 3, BOUNCE_KIND_DSN, &n);
	assert_int_equal(n, 3);
	assert_false(lines[0].verified);
	assert_int_equal(lines[0].effect, STORE_EFFECT_UNVERIFIED);
	assert_int_equal(lines[0].probe, STORE_PROBE_CLAIMED);
	assert_string_equal(lines[0].probe_to, "one@example.com");
	assert_true(lines[1].ignored);
	assert_int_equal(lines[2].effect, STORE_EFFECT_UNVERIFIED);
	assert_int_equal(lines[2].probe, STORE_PROBE_CLAIMED);
	assert_string_equal(lines[2].probe_to, "two@example.com"); /* as sent, not as the bounce spells it */
	free(lines);
	assert_int_equal(nbounces(fx), 2);
	assert_int_equal(state_of(fx, "one@example.com"), STORE_NOTFOUND);
	assert_int_equal(state_of(fx, "two@example.com"), STORE_NOTFOUND);

	/* the same lead again, the same day: no second probe */
	fx->ctx.now = T0 + 3600;
	fx->ctx.queue_id = "4QID2";
	lines = lead(fx, r, 3, BOUNCE_KIND_DSN, &n);
	assert_int_equal(lines[0].probe, STORE_PROBE_RECENT);
	assert_int_equal(lines[2].probe, STORE_PROBE_RECENT);
	free(lines);
	/* a day later: a probe again */
	fx->ctx.now = T0 + 86400;
	fx->ctx.queue_id = "4QID3";
	lines = lead(fx, r, 1, BOUNCE_KIND_DSN, &n);
	assert_int_equal(lines[0].probe, STORE_PROBE_CLAIMED);
	free(lines);
	assert_int_equal(state_of(fx, "one@example.com"), STORE_NOTFOUND);
}

/* A complaint (ARF) naming another recipient: a probe cannot confirm a
 * complaint, so it changes nothing and sends nothing. */
static void test_message_lead_complaint(void **state)
{
	struct fixture *fx = *state;
	struct bounce_rcpt r[1] = { rcpt("two@example.com", "", BOUNCE_CLASS_COMPLAINT, "feedback") };
	struct store_report_line *lines;
	size_t n;
	char to[64], err[256];

	message_ctx(fx);
	lines = lead(fx, r, 1, BOUNCE_KIND_ARF, &n);
	assert_int_equal(n, 1);
	assert_int_equal(lines[0].effect, STORE_EFFECT_UNVERIFIED);
	assert_int_equal(lines[0].probe, STORE_PROBE_COMPLAINT);
	free(lines);
	assert_int_equal(state_of(fx, "two@example.com"), STORE_NOTFOUND);
	/* no probe was recorded: one may be claimed now */
	assert_int_equal(store_probe_claim(fx->st, "tok-2", "two@example.com", T0, 86400, to, sizeof(to), err,
					   sizeof(err)), STORE_OK);
	assert_string_equal(to, "two@example.com");

	/* the same complaint from a trusted source (Postfix's own bounce
	 * can return a stranger's message that makes it a complaint,
	 * issue 12) counts for nothing either */
	fx->ctx.trusted = 1;
	fx->ctx.queue_id = "4QID2";
	lines = lead(fx, r, 1, BOUNCE_KIND_ARF, &n);
	assert_int_equal(lines[0].effect, STORE_EFFECT_UNVERIFIED);
	assert_int_equal(lines[0].probe, STORE_PROBE_COMPLAINT);
	free(lines);
	assert_int_equal(state_of(fx, "two@example.com"), STORE_NOTFOUND);
}

/* What gets no probe: a result that would not count anyway, probes
 * switched off, a suppressed address, more than the limit per bounce;
 * a probe that could not be sent is released. */
static void test_message_lead_no_probe(void **state)
{
	struct fixture *fx = *state;
	struct bounce_rcpt blocked[1] = { rcpt("one@example.com", "5.7.1", BOUNCE_CLASS_HARD, "blocked") };
	struct bounce_rcpt hard[1] = { rcpt("one@example.com", "5.1.1", BOUNCE_CLASS_HARD, "userunknown") };
	struct bounce_rcpt many[STORE_REPORT_PROBES_MAX + 2];
	const char *addrs[STORE_REPORT_PROBES_MAX + 2];
	char names[STORE_REPORT_PROBES_MAX + 2][32], to[64], err[256];
	struct store_report_line *lines;
	size_t n;

	message_ctx(fx);
	lines = lead(fx, blocked, 1, BOUNCE_KIND_DSN, &n);
	assert_int_equal(lines[0].probe, STORE_PROBE_NOT_COUNTED);
	free(lines);
	fx->ctx.probes = 0;
	lines = lead(fx, hard, 1, BOUNCE_KIND_DSN, &n);
	assert_int_equal(lines[0].probe, STORE_PROBE_OFF);
	free(lines);
	fx->ctx.probes = 1;
	assert_int_equal(store_recipient_suppress(fx->st, "one@example.com", "by hand", T0, NULL, err, sizeof(err)),
			 STORE_OK);
	lines = lead(fx, hard, 1, BOUNCE_KIND_DSN, &n);
	assert_int_equal(lines[0].probe, STORE_PROBE_RECENT);
	free(lines);

	for (size_t i = 0; i < STORE_REPORT_PROBES_MAX + 2; i++) {
		snprintf(names[i], sizeof(names[i]), "m%zu@example.com", i);
		addrs[i] = names[i];
		many[i] = rcpt(names[i], "5.1.1", BOUNCE_CLASS_HARD, "userunknown");
	}
	assert_int_equal(store_message_add(fx->st, "tok-3", NULL, addrs, STORE_REPORT_PROBES_MAX + 2, T0, T0 + 86400, err,
					   sizeof(err)), STORE_OK);
	fx->ctx.token = "tok-3";
	lines = lead(fx, many, STORE_REPORT_PROBES_MAX + 2, BOUNCE_KIND_DSN, &n);
	for (size_t i = 0; i < STORE_REPORT_PROBES_MAX; i++)
		assert_int_equal(lines[i].probe, STORE_PROBE_CLAIMED);
	assert_int_equal(lines[STORE_REPORT_PROBES_MAX].probe, STORE_PROBE_LIMIT);
	assert_int_equal(lines[STORE_REPORT_PROBES_MAX + 1].probe, STORE_PROBE_LIMIT);
	free(lines);

	/* released (not sent): the next lead claims it again */
	assert_int_equal(store_probe_claim(fx->st, "tok-3", "m0@example.com", T0, 86400, to, sizeof(to), err,
					   sizeof(err)), STORE_OK);
	assert_string_equal(to, "");
	assert_int_equal(store_probe_release(fx->st, "m0@example.com", T0, err, sizeof(err)), STORE_OK);
	assert_int_equal(store_probe_claim(fx->st, "tok-3", "m0@example.com", T0, 86400, to, sizeof(to), err,
					   sizeof(err)), STORE_OK);
	assert_string_equal(to, "m0@example.com");
	/* not a recipient of that message: nothing to claim */
	assert_int_equal(store_probe_claim(fx->st, "tok-3", "one@example.com", T0, 86400, to, sizeof(to), err,
					   sizeof(err)), STORE_OK);
	assert_string_equal(to, "");
}

static void test_names_nobody(void **state)
{
	struct fixture *fx = *state;
	struct bounce_report rep = report(BOUNCE_KIND_NONSTANDARD, NULL, 0);
	struct store_report_line *lines;
	size_t n;
	char err[256];

	fx->ctx.verified = 1;
	fx->ctx.recipient = "carol@example.com";
	assert_int_equal(store_report_record(fx->st, &rep, &fx->ctx, &lines, &n, err, sizeof(err)), STORE_OK);
	assert_int_equal(n, 1);
	assert_null(lines[0].rcpt);
	assert_int_equal(lines[0].effect, STORE_EFFECT_NOT_COUNTED); /* no class: nothing to count */
	free(lines);
	assert_int_equal(nbounces(fx), 1);
}

static void test_not_a_bounce(void **state)
{
	struct fixture *fx = *state;
	struct bounce_report rep = report(BOUNCE_KIND_NOTBOUNCE, NULL, 0);
	struct store_report_line *lines = (void *)1;
	size_t n = 9;
	char err[256];

	fx->ctx.verified = 1;
	fx->ctx.recipient = "carol@example.com";
	assert_int_equal(store_report_record(fx->st, &rep, &fx->ctx, &lines, &n, err, sizeof(err)), STORE_OK);
	assert_int_equal(n, 0);
	assert_null(lines);
	assert_int_equal(nbounces(fx), 0);
}

static void test_one_transaction(void **state)
{
	struct fixture *fx = *state;
	struct bounce_rcpt r[1] = { rcpt("dave@example.com", "5.1.1", BOUNCE_CLASS_HARD, "userunknown") };
	struct bounce_report rep = report(BOUNCE_KIND_DSN, r, 1);
	struct store_report_line *lines;
	size_t n;
	char err[256];

	/* a transaction already open: store_begin fails, nothing recorded */
	assert_int_equal(store_begin(fx->st, err, sizeof(err)), STORE_OK);
	fx->ctx.verified = 1;
	fx->ctx.recipient = "dave@example.com";
	assert_int_equal(store_report_record(fx->st, &rep, &fx->ctx, &lines, &n, err, sizeof(err)), STORE_ERROR);
	store_rollback(fx->st);
	assert_int_equal(nbounces(fx), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_recipient_mode, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unverified, setup, teardown),
		cmocka_unit_test_setup_teardown(test_message_mode, setup, teardown),
		cmocka_unit_test_setup_teardown(test_message_mode_orcpt, setup, teardown),
		cmocka_unit_test_setup_teardown(test_message_lead, setup, teardown),
		cmocka_unit_test_setup_teardown(test_message_lead_complaint, setup, teardown),
		cmocka_unit_test_setup_teardown(test_message_lead_no_probe, setup, teardown),
		cmocka_unit_test_setup_teardown(test_names_nobody, setup, teardown),
		cmocka_unit_test_setup_teardown(test_not_a_bounce, setup, teardown),
		cmocka_unit_test_setup_teardown(test_one_transaction, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
