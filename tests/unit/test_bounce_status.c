/* test_bounce_status.c: unit tests of the status code parser and the
 * reason vocabulary (lib/bounce/status.c, lib/bounce/reasons.h): a code
 * parsed once into class, subject and detail; the status table's rows
 * (exact, either class "X.1.1", class and subject "X.7") matched on the
 * parsed code; reason names and their lookup. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "bounce/state.h"

static void test_parse(void **state)
{
	struct status_code st;

	(void)state;
	status_parse("5.1.1", &st);
	assert_int_equal(st.cls, '5');
	assert_int_equal(st.subject, 1);
	assert_int_equal(st.detail, 1);
	assert_true(st.whole && st.dot && !st.bare);
	status_parse("4.7.26", &st);
	assert_true(status_is(&st, 7, 26) && status_subject_is(&st, 7));
	status_parse("5.7", &st);
	assert_true(st.bare && !st.whole && !st.dot && st.subject == 7 && st.detail == -1);
	status_parse("5.4.", &st);
	assert_true(status_subject_is(&st, 4) && !st.whole && st.detail == -1);
	/* leading zeros and four digits are no subject or detail */
	status_parse("5.04.1", &st);
	assert_int_equal(st.subject, -1);
	status_parse("5.1.01", &st);
	assert_true(st.detail == -1 && !st.whole);
	status_parse("5.1.1000", &st);
	assert_true(st.detail == -1 && !st.whole);
	status_parse("5.1.1.0", &st);
	assert_true(st.detail == 1 && !st.whole);
	status_parse("", &st);
	assert_true(st.cls == '\0' && st.subject == -1 && !st.dot);
	status_parse("5", &st);
	assert_true(st.cls == '5' && st.subject == -1);
}

static void test_reason(void **state)
{
	static const struct {
		const char *code;
		enum bounce_reason reason;
		int exact;
	} cases[] = {
		{ "5.1.1", REASON(userunknown), 0 },
		{ "4.1.1", REASON(userunknown), 0 },
		{ "5.1.10", REASON(notaccept), 0 },
		{ "4.7.1", REASON(blocked), 0 },      /* exact row 4.7.1 */
		{ "5.7.1", REASON(securityerror), 0 }, /* X.7.1 */
		{ "5.4.1", REASON(userunknown), 1 },  /* exact row 5.4.1 */
		{ "4.4.1", REASON(expired), 0 },
		{ "5.7.99", REASON(securityerror), 0 }, /* X.7 */
		{ "5.7", REASON(securityerror), 0 },
		{ "5.6.3", REASON(contenterror), 0 },
		{ "5.7.01", REASON(securityerror), 0 }, /* no detail: X.7 */
		{ "5.04.1", REASON_NONE, 0 },
		{ "5.9.9", REASON_NONE, 0 },
		{ "2.1.5", REASON_NONE, 0 },
		{ "", REASON_NONE, 0 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct status_code st;

		status_parse(cases[i].code, &st);
		if (status_reason(&st) != cases[i].reason || status_exact(&st) != cases[i].exact)
			fail_msg("%s: reason %s exact %d, want %s %d", cases[i].code,
				 bounce_reason_name(status_reason(&st)), status_exact(&st),
				 bounce_reason_name(cases[i].reason), cases[i].exact);
	}
}

static void test_names(void **state)
{
	(void)state;
	assert_string_equal(bounce_reason_name(REASON(userunknown)), "userunknown");
	assert_string_equal(bounce_reason_name(REASON_NONE), "");
	assert_string_equal(bounce_reason_name(REASON_COUNT), "");
	assert_int_equal(bounce_reason_lookup("mailboxfull"), REASON(mailboxfull));
	assert_int_equal(bounce_reason_lookup("mailbox full"), REASON_NONE);
	assert_int_equal(bounce_reason_lookup(""), REASON_NONE);
	/* every name looks itself up; a reason is a bit of a 64-bit mask */
	for (int r = 1; r < REASON_COUNT; r++)
		assert_int_equal(bounce_reason_lookup(bounce_reason_name((enum bounce_reason)r)), r);
	assert_true(REASON_COUNT <= 64);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_reason),
		cmocka_unit_test(test_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
