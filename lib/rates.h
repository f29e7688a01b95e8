/* rates.h: a list's bounce and complaint rates over a window of time, and
 * what they call for (nothing, a warning, a pause), from counts kept per
 * interval of RATES_BUCKET seconds (table list_counts: messages and
 * recipients sent by rebound-milter, hard and soft bounces and complaints
 * recorded by rebound-pipe). Pure arithmetic, no store, no clock: the
 * callers (rebound-milter's evaluation, `rebound stats --by list`,
 * `rebound metrics`) pass the time. docs/reputation.md explains the rules.
 *
 * Rates are in parts per million (ppm): 5% = 50000. The bounce rate is
 * hard bounces per recipient sent, the complaint rate complaints per
 * recipient sent (as Amazon SES counts them); soft bounces are shown, not
 * rated. */
#ifndef REBOUND_RATES_H
#define REBOUND_RATES_H

#include <stddef.h>
#include <time.h>

/* The counting interval: counts are kept per list per 5 minutes. */
#define RATES_BUCKET 300
#define RATES_PPM 1000000L
/* Room for a rate text of rates_format ("12.3457%", "-"), with its NUL. */
#define RATES_TEXT_MAX 32

struct rates_counts {
	long messages, recipients; /* sent (rebound-milter) */
	long hard, soft, complaints; /* recorded (rebound-pipe) */
};

/* One interval of one list: counts of [start, start + RATES_BUCKET). */
struct rates_bucket {
	time_t start;
	struct rates_counts c;
};

/* What to do when a list's rate crosses its levels (config: rate_*). */
enum rates_action { RATES_ACTION_HOLD, RATES_ACTION_TEMPFAIL };

struct rates_limits {
	long bounce_warn, bounce_pause;       /* ppm */
	long complaint_warn, complaint_pause; /* ppm */
	long window;                          /* seconds */
	long min_volume;                      /* recipients in the window before any rate counts */
	int action;                           /* enum rates_action */
};

/* rates_bucket_start: the start of the interval that holds t (rounded
 * down, also before 1970). */
time_t rates_bucket_start(time_t t);

/* rates_window_sum: into *out, the sum of the buckets b[0..n) that count
 * for the window of `window` seconds ending at now: those that overlap
 * (now - window, now], and those that start after now (the clock went
 * back since they were written: they are the newest there are). Buckets
 * that start before `since` are left out (since: when the list was last
 * resumed, 0 for never): counts from before a resume never pause it
 * again. */
void rates_window_sum(const struct rates_bucket *b, size_t n, time_t now, long window, time_t since,
		      struct rates_counts *out);

/* rates_ppm: num per den in ppm, at most RATES_PPM (bounces of mail sent
 * before the window may outnumber what the window sent); -1 when den is
 * below min_volume or zero: too little mail for a rate. */
long rates_ppm(long num, long den, long min_volume);

enum rates_level { RATES_OK, RATES_WARN, RATES_PAUSE };

struct rates_verdict {
	long bounce_ppm, complaint_ppm;    /* -1: below the minimum volume */
	enum rates_level bounce, complaint; /* each rate against its levels */
	enum rates_level level;            /* the higher of the two */
	char why[200];                     /* "bounce rate 15.0% (90 of 600 recipients in 24h) >= pause level 10%" */
};

/* rates_evaluate: the rates of c against limits l. A rate at or above a
 * level reaches it; below the minimum volume nothing does. why names the
 * rate that decided (the bounce rate when both reach the same level), or
 * is "" for RATES_OK. */
void rates_evaluate(const struct rates_counts *c, const struct rates_limits *l, struct rates_verdict *v);

/* rates_format: ppm as a percentage with as many decimals as it needs
 * ("10%", "0.1%", "12.3457%"), "-" for -1. Returns buf. */
char *rates_format(long ppm, char buf[RATES_TEXT_MAX]);

/* rates_parse: "5%", "0.1%", "0.0001%" (at most 4 decimals) into ppm.
 * Returns 0, or -1 for anything else or above 100%. */
int rates_parse(const char *s, long *ppm);

/* rates_format_duration: "1h", "24h", "7d", "90m", "45s". Returns buf. */
char *rates_format_duration(long seconds, char *buf, size_t len);

#endif
