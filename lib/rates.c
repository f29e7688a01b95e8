/* rates.c: the window arithmetic of a list's bounce and complaint rates
 * and the verdict against its levels; see rates.h. */
#include "rates.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

time_t rates_bucket_start(time_t t)
{
	time_t r = t % RATES_BUCKET;

	return r < 0 ? t - r - RATES_BUCKET : t - r;
}

void rates_window_sum(const struct rates_bucket *b, size_t n, time_t now, long window, time_t since,
		      struct rates_counts *out)
{
	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < n; i++) {
		/* overlaps (now - window, now]: ends after now - window; a
		 * bucket after now (the clock went back) counts too */
		if (b[i].start + RATES_BUCKET <= now - window)
			continue;
		if (since && b[i].start < since)
			continue;
		out->messages += b[i].c.messages;
		out->recipients += b[i].c.recipients;
		out->hard += b[i].c.hard;
		out->soft += b[i].c.soft;
		out->complaints += b[i].c.complaints;
	}
}

long rates_ppm(long num, long den, long min_volume)
{
	if (den <= 0 || den < min_volume)
		return -1;
	if (num <= 0)
		return 0;
	if (num >= den)
		return RATES_PPM;
	/* num < den <= LONG_MAX: in double, exact enough for ppm */
	return (long)((double)num * RATES_PPM / (double)den);
}

/* level_of: ppm against warn and pause (a level of 0 would be reached by
 * every list: config_load refuses it). */
static enum rates_level level_of(long ppm, long warn, long pause)
{
	if (ppm < 0)
		return RATES_OK;
	if (ppm >= pause)
		return RATES_PAUSE;
	if (ppm >= warn)
		return RATES_WARN;
	return RATES_OK;
}

void rates_evaluate(const struct rates_counts *c, const struct rates_limits *l, struct rates_verdict *v)
{
	char rate[RATES_TEXT_MAX], level[RATES_TEXT_MAX], win[32];
	const char *what;
	long num, ppm, lim;

	memset(v, 0, sizeof(*v));
	v->bounce_ppm = rates_ppm(c->hard, c->recipients, l->min_volume);
	v->complaint_ppm = rates_ppm(c->complaints, c->recipients, l->min_volume);
	v->bounce = level_of(v->bounce_ppm, l->bounce_warn, l->bounce_pause);
	v->complaint = level_of(v->complaint_ppm, l->complaint_warn, l->complaint_pause);
	v->level = v->bounce >= v->complaint ? v->bounce : v->complaint;
	if (v->level == RATES_OK)
		return;
	if (v->bounce == v->level) {
		what = "bounce rate";
		num = c->hard;
		ppm = v->bounce_ppm;
		lim = v->level == RATES_PAUSE ? l->bounce_pause : l->bounce_warn;
	} else {
		what = "complaint rate";
		num = c->complaints;
		ppm = v->complaint_ppm;
		lim = v->level == RATES_PAUSE ? l->complaint_pause : l->complaint_warn;
	}
	snprintf(v->why, sizeof(v->why), "%s %s (%ld of %ld recipients in %s) >= %s level %s", what,
		 rates_format(ppm, rate), num, c->recipients, rates_format_duration(l->window, win, sizeof(win)),
		 v->level == RATES_PAUSE ? "pause" : "warn", rates_format(lim, level));
}

char *rates_format(long ppm, char buf[RATES_TEXT_MAX])
{
	long whole, frac;
	int digits = 4;

	if (ppm < 0) {
		snprintf(buf, RATES_TEXT_MAX, "-");
		return buf;
	}
	/* ppm / 10000 is the percentage; frac its four decimals */
	whole = ppm / 10000;
	frac = ppm % 10000;
	while (digits > 0 && frac % 10 == 0) {
		frac /= 10;
		digits--;
	}
	if (digits == 0)
		snprintf(buf, RATES_TEXT_MAX, "%ld%%", whole);
	else
		snprintf(buf, RATES_TEXT_MAX, "%ld.%0*ld%%", whole, digits, frac);
	return buf;
}

int rates_parse(const char *s, long *ppm)
{
	long whole = 0, frac = 0;
	int digits = 0;
	const char *p = s;

	if (!isdigit((unsigned char)*p))
		return -1;
	while (isdigit((unsigned char)*p)) {
		whole = whole * 10 + (*p++ - '0');
		if (whole > 100)
			return -1;
	}
	if (*p == '.') {
		p++;
		if (!isdigit((unsigned char)*p))
			return -1;
		while (isdigit((unsigned char)*p)) {
			if (++digits > 4)
				return -1;
			frac = frac * 10 + (*p++ - '0');
		}
	}
	if (p[0] != '%' || p[1] != '\0')
		return -1;
	for (; digits < 4; digits++)
		frac *= 10;
	*ppm = whole * 10000 + frac;
	return *ppm > RATES_PPM ? -1 : 0;
}

char *rates_format_duration(long seconds, char *buf, size_t len)
{
	/* days from 3 days on: "24h" and "48h" read better than "1d" */
	if (seconds > 48 * 3600L && seconds % 86400 == 0)
		snprintf(buf, len, "%ldd", seconds / 86400);
	else if (seconds > 0 && seconds % 3600 == 0)
		snprintf(buf, len, "%ldh", seconds / 3600);
	else if (seconds > 0 && seconds % 60 == 0)
		snprintf(buf, len, "%ldm", seconds / 60);
	else
		snprintf(buf, len, "%lds", seconds);
	return buf;
}
