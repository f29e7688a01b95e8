/* test_rates.c: unit tests of lib/rates.c: interval starts, which buckets a
 * window sums (its edges, the resume time, a clock gone back), the minimum
 * volume, the levels and the texts of rates. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "rates.h"

#define T0 1796644800 /* 2026-12-07T12:00:00Z, an interval start */

static void test_bucket_start(void **state)
{
	(void)state;
	assert_int_equal(rates_bucket_start(T0), T0);
	assert_int_equal(rates_bucket_start(T0 + 1), T0);
	assert_int_equal(rates_bucket_start(T0 + RATES_BUCKET - 1), T0);
	assert_int_equal(rates_bucket_start(T0 + RATES_BUCKET), T0 + RATES_BUCKET);
	assert_int_equal(rates_bucket_start(T0 - 1), T0 - RATES_BUCKET);
	/* before 1970: still rounded down, never toward zero */
	assert_int_equal(rates_bucket_start(-1), -RATES_BUCKET);
	assert_int_equal(rates_bucket_start(-RATES_BUCKET), -RATES_BUCKET);
	assert_int_equal(rates_bucket_start(0), 0);
}

static struct rates_bucket bucket(time_t start, long rcpts, long hard)
{
	struct rates_bucket b = { start, { rcpts, rcpts, hard, 1, 0 } };

	return b;
}

static void test_window_edges(void **state)
{
	(void)state;
	/* 1 h window ending at now = T0 + 3600: the bucket that starts at T0
	 * ends exactly at now - window + RATES_BUCKET: in; the one before ends
	 * at now - window: out */
	time_t now = T0 + 3600;
	struct rates_bucket b[] = {
		bucket(T0 - RATES_BUCKET, 1000, 1000), /* ends at T0 = now - 1h: out */
		bucket(T0, 10, 1),                     /* [T0, T0+300): overlaps: in */
		bucket(T0 + 1800, 20, 2),
		bucket(T0 + 3600, 40, 4),              /* the interval now is in */
	};
	struct rates_counts c;

	rates_window_sum(b, 4, now, 3600, 0, &c);
	assert_int_equal(c.recipients, 70);
	assert_int_equal(c.messages, 70);
	assert_int_equal(c.hard, 7);
	assert_int_equal(c.soft, 3);
	/* one second later the bucket at T0 still overlaps (it ends at T0+300) */
	rates_window_sum(b, 4, now + 299, 3600, 0, &c);
	assert_int_equal(c.recipients, 70);
	/* and at T0 + 300 + 1h it has left */
	rates_window_sum(b, 4, now + 300, 3600, 0, &c);
	assert_int_equal(c.recipients, 60);
	/* a 7-day window takes all */
	rates_window_sum(b, 4, now, 7 * 86400, 0, &c);
	assert_int_equal(c.recipients, 1070);
	/* none */
	rates_window_sum(b, 0, now, 3600, 0, &c);
	assert_int_equal(c.recipients, 0);
}

static void test_window_since(void **state)
{
	(void)state;
	struct rates_bucket b[] = { bucket(T0, 600, 90), bucket(T0 + RATES_BUCKET, 100, 1) };
	struct rates_counts c;

	/* resumed inside the first interval: that interval no longer counts */
	rates_window_sum(b, 2, T0 + 400, 86400, T0 + 120, &c);
	assert_int_equal(c.recipients, 100);
	assert_int_equal(c.hard, 1);
	/* resumed exactly at an interval start: that interval counts */
	rates_window_sum(b, 2, T0 + 400, 86400, T0 + RATES_BUCKET, &c);
	assert_int_equal(c.recipients, 100);
	rates_window_sum(b, 2, T0 + 400, 86400, T0, &c);
	assert_int_equal(c.recipients, 700);
}

static void test_window_clock_back(void **state)
{
	(void)state;
	/* written at T0 + 2 h, then the clock went back an hour: those counts
	 * are the newest there are and stay in every window */
	struct rates_bucket b[] = { bucket(T0 + 7200, 500, 60), bucket(T0 - 600, 100, 0) };
	struct rates_counts c;

	rates_window_sum(b, 2, T0 + 3600, 3600, 0, &c);
	assert_int_equal(c.recipients, 500);
	assert_int_equal(c.hard, 60);
	rates_window_sum(b, 2, T0 + 3600, 86400, 0, &c);
	assert_int_equal(c.recipients, 600);
}

static void test_ppm(void **state)
{
	(void)state;
	assert_int_equal(rates_ppm(50, 1000, 500), 50000);
	assert_int_equal(rates_ppm(1, 3, 0), 333333);
	assert_int_equal(rates_ppm(0, 1000, 500), 0);
	/* below the minimum volume, or nothing sent: no rate */
	assert_int_equal(rates_ppm(50, 499, 500), -1);
	assert_int_equal(rates_ppm(0, 0, 0), -1);
	assert_int_equal(rates_ppm(5, 0, 0), -1);
	/* exactly the minimum volume: a rate */
	assert_int_equal(rates_ppm(50, 500, 500), 100000);
	/* bounces of older mail outnumber what the window sent: capped */
	assert_int_equal(rates_ppm(700, 600, 500), RATES_PPM);
	assert_int_equal(rates_ppm(-3, 600, 500), 0);
}

static const struct rates_limits ses = { 50000, 100000, 1000, 5000, 86400, 500, RATES_ACTION_HOLD };

static void test_evaluate(void **state)
{
	(void)state;
	struct rates_counts c = { 600, 600, 90, 3, 0 };
	struct rates_verdict v;

	rates_evaluate(&c, &ses, &v);
	assert_int_equal(v.bounce_ppm, 150000);
	assert_int_equal(v.bounce, RATES_PAUSE);
	assert_int_equal(v.complaint, RATES_OK);
	assert_int_equal(v.level, RATES_PAUSE);
	assert_string_equal(v.why, "bounce rate 15% (90 of 600 recipients in 24h) >= pause level 10%");
	/* 1% never reaches anything */
	c = (struct rates_counts){ 600, 600, 6, 0, 0 };
	rates_evaluate(&c, &ses, &v);
	assert_int_equal(v.level, RATES_OK);
	assert_string_equal(v.why, "");
	/* exactly the warn level reaches it */
	c = (struct rates_counts){ 1000, 1000, 50, 0, 0 };
	rates_evaluate(&c, &ses, &v);
	assert_int_equal(v.level, RATES_WARN);
	assert_string_equal(v.why, "bounce rate 5% (50 of 1000 recipients in 24h) >= warn level 5%");
	/* just below it does not */
	c.hard = 49;
	rates_evaluate(&c, &ses, &v);
	assert_int_equal(v.level, RATES_OK);
	/* complaints: 3 of 1000 = 0.3% warns, 5 pauses */
	c = (struct rates_counts){ 1000, 1000, 0, 0, 3 };
	rates_evaluate(&c, &ses, &v);
	assert_int_equal(v.level, RATES_WARN);
	assert_string_equal(v.why, "complaint rate 0.3% (3 of 1000 recipients in 24h) >= warn level 0.1%");
	c.complaints = 5;
	rates_evaluate(&c, &ses, &v);
	assert_int_equal(v.level, RATES_PAUSE);
	/* the higher level decides: bounce warns, complaints pause */
	c.hard = 60;
	rates_evaluate(&c, &ses, &v);
	assert_int_equal(v.bounce, RATES_WARN);
	assert_int_equal(v.level, RATES_PAUSE);
	assert_non_null(strstr(v.why, "complaint rate"));
	/* everything bounced, but below the minimum volume: nothing */
	c = (struct rates_counts){ 499, 499, 499, 0, 499 };
	rates_evaluate(&c, &ses, &v);
	assert_int_equal(v.level, RATES_OK);
	assert_int_equal(v.bounce_ppm, -1);
}

static void test_format_parse(void **state)
{
	(void)state;
	char buf[RATES_TEXT_MAX];
	long ppm = 0;

	assert_string_equal(rates_format(100000, buf), "10%");
	assert_string_equal(rates_format(1000, buf), "0.1%");
	assert_string_equal(rates_format(123457, buf), "12.3457%");
	assert_string_equal(rates_format(150000, buf), "15%");
	assert_string_equal(rates_format(RATES_PPM, buf), "100%");
	assert_string_equal(rates_format(0, buf), "0%");
	assert_string_equal(rates_format(-1, buf), "-");
	assert_int_equal(rates_parse("5%", &ppm), 0);
	assert_int_equal(ppm, 50000);
	assert_int_equal(rates_parse("0.1%", &ppm), 0);
	assert_int_equal(ppm, 1000);
	assert_int_equal(rates_parse("0.0001%", &ppm), 0);
	assert_int_equal(ppm, 1);
	assert_int_equal(rates_parse("100%", &ppm), 0);
	assert_int_equal(ppm, RATES_PPM);
	assert_int_equal(rates_parse("100.5%", &ppm), -1);
	assert_int_equal(rates_parse("101%", &ppm), -1);
	assert_int_equal(rates_parse("0.00001%", &ppm), -1);
	assert_int_equal(rates_parse("5", &ppm), -1);
	assert_int_equal(rates_parse("0.05", &ppm), -1);
	assert_int_equal(rates_parse("-5%", &ppm), -1);
	assert_int_equal(rates_parse("5.%", &ppm), -1);
	assert_int_equal(rates_parse("5%x", &ppm), -1);
	assert_int_equal(rates_parse("", &ppm), -1);
	assert_int_equal(rates_parse("99999999999999999999%", &ppm), -1);
	assert_string_equal(rates_format_duration(3600, buf, sizeof(buf)), "1h");
	assert_string_equal(rates_format_duration(86400, buf, sizeof(buf)), "24h");
	assert_string_equal(rates_format_duration(7 * 86400, buf, sizeof(buf)), "7d");
	assert_string_equal(rates_format_duration(5400, buf, sizeof(buf)), "90m");
	assert_string_equal(rates_format_duration(45, buf, sizeof(buf)), "45s");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bucket_start), cmocka_unit_test(test_window_edges),
		cmocka_unit_test(test_window_since), cmocka_unit_test(test_window_clock_back),
		cmocka_unit_test(test_ppm),          cmocka_unit_test(test_evaluate),
		cmocka_unit_test(test_format_parse),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
