/* test_store_policy.c: unit tests of the suppression policy
 * (lib/policy.c) without a database: verdicts by class and reason, the
 * soft-bounce day count with its window and staleness. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "policy.h"

#define DAY 86400L
#define NOW 1795000000L

static void test_verdicts(void **state)
{
	(void)state;
	assert_int_equal(policy_judge("hard", "userunknown"), POLICY_HARD);
	assert_int_equal(policy_judge("hard", "hostunknown"), POLICY_HARD);
	assert_int_equal(policy_judge("complaint", "feedback"), POLICY_COMPLAINT);
	assert_int_equal(policy_judge("soft", "mailboxfull"), POLICY_SOFT);
	assert_int_equal(policy_judge("soft", ""), POLICY_SOFT);
	assert_int_equal(policy_judge("delayed", "expired"), POLICY_IGNORE);
	assert_int_equal(policy_judge("delivered", "delivered"), POLICY_IGNORE);
	assert_int_equal(policy_judge("autoreply", "vacation"), POLICY_IGNORE);
	assert_int_equal(policy_judge("", ""), POLICY_IGNORE);
	assert_int_equal(policy_judge(NULL, NULL), POLICY_IGNORE);
	/* the sender's problems never count, hard or soft */
	for (size_t i = 0; policy_sender_reasons[i]; i++) {
		assert_int_equal(policy_judge("soft", policy_sender_reasons[i]), POLICY_IGNORE);
		assert_int_equal(policy_judge("hard", policy_sender_reasons[i]), POLICY_IGNORE);
	}
	assert_true(policy_sender_reason("Blocked"));
	assert_false(policy_sender_reason("mailboxfull"));
	/* a complaint is a complaint whatever the reason says */
	assert_int_equal(policy_judge("complaint", "spamdetected"), POLICY_COMPLAINT);
}

static void test_soft_count(void **state)
{
	struct policy p;
	time_t t[8];

	(void)state;
	policy_defaults(&p);
	assert_int_equal(p.soft_limit, 5);
	/* the same day counts once */
	t[0] = NOW; t[1] = NOW - 60; t[2] = NOW - 120;
	assert_int_equal(policy_soft_count(&p, t, 3, NOW, 0), 1);
	/* distinct days */
	for (int i = 0; i < 5; i++)
		t[i] = NOW - i * DAY;
	assert_int_equal(policy_soft_count(&p, t, 5, NOW, 0), 5);
	assert_true(policy_soft_suppresses(&p, 5));
	assert_false(policy_soft_suppresses(&p, 4));
	/* outside the window */
	t[0] = NOW; t[1] = NOW - 10 * DAY; t[2] = NOW - 20 * DAY; t[3] = NOW - 29 * DAY; t[4] = NOW - 31 * DAY;
	assert_int_equal(policy_soft_count(&p, t, 5, NOW, 0), 4);
	/* stale: a gap longer than stale_after ends the count */
	p.stale_after = 7 * DAY;
	t[0] = NOW; t[1] = NOW - 2 * DAY; t[2] = NOW - 10 * DAY; t[3] = NOW - 11 * DAY;
	assert_int_equal(policy_soft_count(&p, t, 4, NOW, 0), 2);
	/* nothing recent at all */
	t[0] = NOW - 8 * DAY;
	assert_int_equal(policy_soft_count(&p, t, 1, NOW, 0), 0);
	/* since: an unsuppress resets the count */
	policy_defaults(&p);
	t[0] = NOW; t[1] = NOW - DAY; t[2] = NOW - 2 * DAY;
	assert_int_equal(policy_soft_count(&p, t, 3, NOW, NOW - DAY - 1), 2);
	/* a bounce stamped in the future counts as now */
	t[0] = NOW + DAY; t[1] = NOW;
	assert_int_equal(policy_soft_count(&p, t, 2, NOW, 0), 1);
	assert_int_equal(policy_soft_count(&p, t, 0, NOW, 0), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_verdicts),
		cmocka_unit_test(test_soft_count),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
