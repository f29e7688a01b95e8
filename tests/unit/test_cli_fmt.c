/* test_cli_fmt.c: unit tests of the output writers of `rebound`
 * (cli/cmd_query_fmt.c): the one JSON string writer is valid JSON in
 * UTF-8 whatever the bytes, text and CSV show no control character, CSV
 * guards formula cells, table cells are cut between characters. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../cli/cmd_query_fmt.c"

/* out: what writer(fp, v) writes, as a string in a static buffer (each
 * assertion reads it before the next call). */
static const char *out(void (*writer)(FILE *, const char *), const char *v)
{
	static char buf[512];
	FILE *fp;

	memset(buf, 0, sizeof(buf));
	fp = fmemopen(buf, sizeof(buf), "w");
	assert_non_null(fp);
	writer(fp, v);
	assert_int_equal(fclose(fp), 0);
	return buf;
}

static const char *json(const char *v)
{
	return out(fmt_json_string, v);
}

static const char *csv(const char *v)
{
	return out(csv_field, v);
}

static void test_json_string(void **state)
{
	(void)state;
	assert_string_equal(json("plain@example.net"), "\"plain@example.net\"");
	assert_string_equal(json(NULL), "\"\"");
	assert_string_equal(json("a\"b\\c\n\r\t"), "\"a\\\"b\\\\c\\n\\r\\t\"");
	assert_string_equal(json("\"\033[31mevil\033[0m\"@evil.test"),
			    "\"\\\"\\u001b[31mevil\\u001b[0m\\\"@evil.test\"");
	assert_string_equal(json("del\177"), "\"del\\u007f\"");
	/* UTF-8 passes; C1 (U+009B, CSI), U+2028 and a bidi override are escaped */
	assert_string_equal(json("caf\303\251"), "\"caf\303\251\"");
	assert_string_equal(json("\302\233x"), "\"\\u009bx\"");
	assert_string_equal(json("a\342\200\250b"), "\"a\\u2028b\"");
	assert_string_equal(json("\342\200\256rev"), "\"\\u202erev\"");
	/* not UTF-8: stray bytes, a raw C1 byte, an overlong '/', a surrogate,
	 * a sequence cut by the end: each bad byte is U+FFFD */
	assert_string_equal(json("bad\377\376"), "\"bad\\ufffd\\ufffd\"");
	assert_string_equal(json("\233"), "\"\\ufffd\"");
	assert_string_equal(json("\300\257"), "\"\\ufffd\\ufffd\"");
	assert_string_equal(json("\355\240\200"), "\"\\ufffd\\ufffd\\ufffd\"");
	assert_string_equal(json("end\342\202"), "\"end\\ufffd\\ufffd\"");
}

static void test_text(void **state)
{
	int cut = -1;
	char *t;

	(void)state;
	t = fmt_text("\"\033[31mevil\033[0m\"@evil.test", 0, &cut);
	assert_string_equal(t, "\"?[31mevil?[0m\"@evil.test");
	assert_int_equal(cut, 0);
	free(t);
	t = fmt_text("caf\303\251 \302\233 \342\200\256 \377 \t\n", 0, NULL);
	assert_string_equal(t, "caf\303\251 ? ? ? ??");
	free(t);
	/* cut after max characters (not bytes) */
	t = fmt_text("\303\251\303\251\303\251x", 2, &cut);
	assert_string_equal(t, "\303\251\303\251");
	assert_int_equal(cut, 1);
	free(t);
}

/* A table: cells cut at the column's width with "...", columns aligned by
 * characters, unsafe characters shown as '?', NULL as "". */
static void test_table(void **state)
{
	static const struct fmt_col cols[] = { { "name", 0, 5 }, { "n", 1, 0 }, { "last", 0, 0 } };
	const char *rows[][3] = {
		{ "\303\251\303\251\303\251\303\251\303\251\303\251", "1", "x" },
		{ "short", "22", NULL },
		{ "ab", "333", "\033[0m" },
	};
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);
	struct fmt f;

	(void)state;
	assert_non_null(fp);
	fmt_begin(&f, FMT_TABLE, fp, cols, 3);
	for (size_t r = 0; r < 3; r++)
		fmt_row(&f, rows[r]);
	assert_int_equal(fmt_end(&f), 0);
	assert_int_equal(fclose(fp), 0);
	assert_string_equal(buf, "name   n    last\n"
				 "\303\251\303\251...  1    x\n"
				 "short  22   \n"
				 "ab     333  ?[0m\n");
	free(buf);
}

static void test_csv(void **state)
{
	(void)state;
	assert_string_equal(csv("plain"), "plain");
	assert_string_equal(csv("a,b"), "\"a,b\"");
	assert_string_equal(csv("say \"hi\""), "\"say \"\"hi\"\"\"");
	assert_string_equal(csv("two\nlines\r"), "two?lines?");
	assert_string_equal(csv("\033]0;x\007"), "?]0;x?");
	assert_string_equal(csv("=1+1"), "'=1+1");
	assert_string_equal(csv("+1"), "'+1");
	assert_string_equal(csv("-1"), "'-1");
	assert_string_equal(csv("@SUM(A1)"), "'@SUM(A1)");
	assert_string_equal(csv("=HYPERLINK(\"x\",\"y\")"), "\"'=HYPERLINK(\"\"x\"\",\"\"y\"\")\"");
	assert_string_equal(csv("a=b"), "a=b");
	assert_string_equal(csv(""), "");
	assert_string_equal(csv(NULL), "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json_string),
		cmocka_unit_test(test_text),
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_csv),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
