/* test_log.c: unit tests of log_sanitize (lib/log.c), which quotes a
 * stranger's text (addresses, diagnostics) in log lines: no control
 * character, line separator or bidirectional override gets through, nor a
 * byte that is not UTF-8, and truncation keeps whole characters. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "log.h"

static void test_sanitize(void **state)
{
	char buf[64];

	(void)state;
	assert_string_equal(log_sanitize(buf, sizeof(buf), "alice@example.net"), "alice@example.net");
	assert_string_equal(log_sanitize(buf, sizeof(buf), NULL), "");
	assert_string_equal(log_sanitize(buf, sizeof(buf), "\"\033[31mevil\033[0m\"@evil.test"),
			    "\"?[31mevil?[0m\"@evil.test");
	assert_string_equal(log_sanitize(buf, sizeof(buf), "a\tb\r\nc\177"), "a?b??c?");
	/* UTF-8 passes (SMTPUTF8 addresses); C1, U+2028, bidi overrides do not */
	assert_string_equal(log_sanitize(buf, sizeof(buf), "j\303\266rg@example.de"), "j\303\266rg@example.de");
	assert_string_equal(log_sanitize(buf, sizeof(buf), "\302\2332J"), "?2J");
	assert_string_equal(log_sanitize(buf, sizeof(buf), "x\342\200\250y\342\200\256z\342\201\246"), "x?y?z?");
	/* not UTF-8: each bad byte is '?' (a raw C1 byte, an overlong, a surrogate) */
	assert_string_equal(log_sanitize(buf, sizeof(buf), "\233\300\257\355\240\200\377"), "???????");
}

static void test_truncate(void **state)
{
	char buf[6];

	(void)state;
	assert_string_equal(log_sanitize(buf, sizeof(buf), "abcdefgh"), "abcde");
	/* "ab" + two 2-byte characters would need 7 bytes: the second is left out whole */
	assert_string_equal(log_sanitize(buf, sizeof(buf), "ab\303\266\303\266"), "ab\303\266");
	assert_string_equal(log_sanitize(buf, 1, "abc"), "");
	assert_ptr_equal(log_sanitize(buf, 0, "abc"), buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sanitize),
		cmocka_unit_test(test_truncate),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
