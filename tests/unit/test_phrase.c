/* test_phrase.c: unit tests of the one-pass phrase matcher (lib/phrase.c):
 * first and last occurrences as a strstr loop finds them (overlapping
 * ones, patterns sharing a bucket, at the ends of the text), short and
 * empty patterns, no pattern, and random texts and patterns (small
 * sets and one of 3000) checked against a plain search. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "phrase.h"

/* naive: first and last offset of pat in text[0, len) by a plain search */
static void naive(const char *text, size_t len, const char *pat, size_t *first, size_t *last)
{
	size_t m = strlen(pat);

	*first = *last = PHRASE_NONE;
	if (m == 0) {
		*first = 0;
		*last = len;
		return;
	}
	for (size_t i = 0; i + m <= len; i++) {
		if (!memcmp(text + i, pat, m)) {
			if (*first == PHRASE_NONE)
				*first = i;
			*last = i;
		}
	}
}

static void check_all(const char *const *pats, size_t n, const char *text, size_t len)
{
	struct phrase_set *ps = phrase_set_new(pats, n);
	size_t first[64], last[64], only_first[64], only_last[64], found = 0;

	assert_non_null(ps);
	assert_true(n <= 64);
	for (size_t i = 0; i < n; i++) {
		size_t f, l;

		naive(text, len, pats[i], &f, &l);
		found += f != PHRASE_NONE;
	}
	assert_int_equal(phrase_scan(ps, text, len, first, last), found);
	assert_int_equal(phrase_scan(ps, text, len, only_first, NULL), found);
	assert_int_equal(phrase_scan(ps, text, len, NULL, only_last), found);
	for (size_t i = 0; i < n; i++) {
		size_t f, l;

		naive(text, len, pats[i], &f, &l);
		assert_int_equal(first[i], f);
		assert_int_equal(last[i], l);
		assert_int_equal(only_first[i], f);
		assert_int_equal(only_last[i], l);
	}
	assert_int_equal(phrase_any(ps, text, len), found > 0);
	phrase_set_free(ps);
}

static void test_basic(void **state)
{
	static const char *const pats[] = { "user unknown", "unknown", "mailbox full", "rbl", "no such user",
					    "full" };
	const char *t = "550 5.1.1 user unknown; mailbox full, really full";

	(void)state;
	check_all(pats, 6, t, strlen(t));
	check_all(pats, 6, "", 0);
	check_all(pats, 6, "rb", 2);
	check_all(pats, 6, "rbl", 3);
}

static void test_overlap_and_ends(void **state)
{
	static const char *const pats[] = { "aaa", "aaaa", "aa", "a", "", "baa" };
	const char *t = "aaaaabaaa";

	(void)state;
	check_all(pats, 6, t, strlen(t));
	check_all(pats, 6, "a", 1);
	check_all(pats, 6, "", 0);
}

static void test_no_patterns(void **state)
{
	struct phrase_set *ps = phrase_set_new(NULL, 0);
	size_t f[1];

	(void)state;
	assert_non_null(ps);
	assert_int_equal(phrase_scan(ps, "text", 4, f, NULL), 0);
	assert_false(phrase_any(ps, "text", 4));
	phrase_set_free(ps);
	phrase_set_free(NULL);
}

static void test_bytes(void **state)
{
	/* 8-bit bytes and a NUL inside the text: bytes, not characters */
	static const char *const pats[] = { "\xe2\x80\x99s", "\xff\xfe", "x\xc3\xa9y" };
	const char t[] = "it\xe2\x80\x99s \xff\xfe\0x\xc3\xa9y";

	(void)state;
	check_all(pats, 3, t, sizeof(t) - 1);
}

/* random texts over a small alphabet, so that patterns occur and many
 * share their first three bytes (one bucket) */
static void test_random(void **state)
{
	char buf[64][8], text[300];
	const char *pats[64];
	unsigned seed = 12345;

	(void)state;
	for (int round = 0; round < 300; round++) {
		size_t n = 1 + (size_t)(round % 64), len;

		for (size_t i = 0; i < n; i++) {
			size_t m = (size_t)((seed = seed * 1103515245u + 12345u) >> 16) % 7;

			for (size_t j = 0; j < m; j++)
				buf[i][j] = "ab c"[((seed = seed * 1103515245u + 12345u) >> 16) % 4];
			buf[i][m] = '\0';
			pats[i] = buf[i];
		}
		len = (size_t)((seed = seed * 1103515245u + 12345u) >> 16) % sizeof(text);
		for (size_t j = 0; j < len; j++)
			text[j] = "ab c"[((seed = seed * 1103515245u + 12345u) >> 16) % 4];
		check_all(pats, n, text, len);
	}
}

/* a large set (more patterns than buckets allow two per bucket) against a
 * plain search */
static void test_large_set(void **state)
{
	enum { N = 3000, L = 2000 };
	static char buf[N][10];
	static const char *pats[N];
	static size_t first[N], last[N];
	char text[L];
	unsigned seed = 777;
	struct phrase_set *ps;

	(void)state;
	for (size_t i = 0; i < N; i++) {
		size_t m = 3 + (size_t)((seed = seed * 1103515245u + 12345u) >> 16) % 6;

		for (size_t j = 0; j < m; j++)
			buf[i][j] = "abcd e"[((seed = seed * 1103515245u + 12345u) >> 16) % 6];
		buf[i][m] = '\0';
		pats[i] = buf[i];
	}
	for (size_t j = 0; j < L; j++)
		text[j] = "abcd e"[((seed = seed * 1103515245u + 12345u) >> 16) % 6];
	ps = phrase_set_new(pats, N);
	assert_non_null(ps);
	phrase_scan(ps, text, L, first, last);
	for (size_t i = 0; i < N; i++) {
		size_t f, l;

		naive(text, L, pats[i], &f, &l);
		assert_int_equal(first[i], f);
		assert_int_equal(last[i], l);
	}
	phrase_set_free(ps);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_basic),
		cmocka_unit_test(test_overlap_and_ends),
		cmocka_unit_test(test_no_patterns),
		cmocka_unit_test(test_bytes),
		cmocka_unit_test(test_random),
		cmocka_unit_test(test_large_set),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
