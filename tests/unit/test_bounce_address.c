/* test_bounce_address.c: the parser's address fast paths against GMime's
 * address parser, over the real bounces of ../shared/corpus/set-of-emails
 * (and its not/ folder; REBOUND_CORPUS names another folder). The parser
 * skips GMime for a bare local@domain (addr_fast) and for a list of one
 * plain "name <local@domain>" mailbox (addr_list_fast); both must give
 * what GMime gives (addr_gmime; the list's text through addr_clean).
 * Every header-like line of every message is tried: its value, the value
 * after a type ("rfc822;"), and every address-like token in it, bare and
 * in angle brackets. Skipped when the corpus is not there. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bounce/state.h"

struct tally {
	size_t fast, list, files;
};

/* one: the fast path of v, when it applies, gives what GMime gives */
static void one(struct tally *t, const char *file, const char *v)
{
	char fast[320], slow[320];

	if (!addr_fast(fast, sizeof(fast), v))
		return;
	addr_gmime(slow, sizeof(slow), v);
	if (strcmp(fast, slow))
		fail_msg("%s: addr_fast(\"%s\") gives <%s>, GMime <%s>", file, v, fast, slow);
	t->fast++;
}

/* list: the list fast path of value, when it applies, gives what the
 * list's text gives through addr_clean */
static void list(struct tally *t, const char *file, const char *value)
{
	InternetAddressList *l = internet_address_list_parse(NULL, value);
	char fast[320], slow[320];
	char *s;

	if (!l)
		return;
	if (addr_list_fast(fast, sizeof(fast), l)) {
		s = internet_address_list_to_string(l, NULL, FALSE);
		addr_clean(slow, sizeof(slow), s ? s : "");
		g_free(s);
		if (strcmp(fast, slow))
			fail_msg("%s: addr_list_fast(\"%s\") gives <%s>, its text <%s>", file, value, fast, slow);
		t->list++;
	}
	g_object_unref(l);
}

/* value: a header-like line's value, its parts, its address tokens */
static void value(struct tally *t, const char *file, char *v)
{
	char tmp[MAX_HEADER_VALUE + 2];
	const char *semi = strchr(v, ';'), *p, *a;
	size_t n;

	v = text_trim(v);
	one(t, file, v);
	list(t, file, v);
	if (semi) {
		text_copy(tmp, sizeof(tmp), semi + 1);
		one(t, file, text_trim(tmp));
	}
	for (p = v; (a = addr_find(p, v + strlen(v), &n)); p = a + n) {
		if (n + 3 > sizeof(tmp))
			continue;
		text_copy_n(tmp, sizeof(tmp), a, n);
		one(t, file, tmp);
		snprintf(tmp, sizeof(tmp), "<%.*s>", (int)n, a);
		one(t, file, tmp);
	}
}

/* message: every "Name: value" line of the file (continuations unfolded) */
static void message(struct tally *t, const char *path)
{
	FILE *fp = fopen(path, "rb");
	char line[MAX_HEADER_VALUE], cur[MAX_HEADER_VALUE] = "";
	int have = 0;

	if (!fp)
		fail_msg("%s: cannot open", path);
	while (fgets(line, sizeof(line), fp)) {
		line[strcspn(line, "\r\n")] = '\0';
		if ((line[0] == ' ' || line[0] == '\t') && have) {
			if (strlen(cur) + strlen(line) + 1 < sizeof(cur))
				strcat(cur, line);
			continue;
		}
		if (have)
			value(t, path, cur);
		have = 0;
		{
			const char *colon = strchr(line, ':');
			size_t k = colon ? (size_t)(colon - line) : 0;

			if (k > 0 && k < 40 && !memchr(line, ' ', k)) {
				text_copy(cur, sizeof(cur), colon + 1);
				have = 1;
			}
		}
	}
	if (have)
		value(t, path, cur);
	fclose(fp);
	t->files++;
}

static void folder(struct tally *t, const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	if (!d)
		return;
	while ((e = readdir(d))) {
		char path[4096];
		size_t n = strlen(e->d_name);

		if (n < 5 || strcmp(e->d_name + n - 4, ".eml"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		message(t, path);
	}
	closedir(d);
}

static void test_fast_paths(void **state)
{
	const char *dir = getenv("REBOUND_CORPUS") ? getenv("REBOUND_CORPUS") : "../shared/corpus/set-of-emails";
	char notdir[4096];
	struct tally t = { 0 };
	DIR *d = opendir(dir);

	(void)state;
	if (!d) {
		print_message("# no corpus at %s\n", dir);
		skip();
	}
	closedir(d);
	bounce_init();
	folder(&t, dir);
	snprintf(notdir, sizeof(notdir), "%s/not", dir);
	folder(&t, notdir);
	print_message("# %zu files: %zu values on addr_fast, %zu lists on addr_list_fast\n", t.files, t.fast,
		      t.list);
	/* the paths were taken (the corpus has hundreds of such values) */
	assert_true(t.files >= 100);
	assert_true(t.fast >= 1000);
	assert_true(t.list >= 100);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fast_paths),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
