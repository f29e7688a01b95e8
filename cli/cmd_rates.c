/* cmd_rates.c: a list's reputation in `rebound` (docs/reputation.md):
 * `stats --by list` (what each list sent and got back over 1 h, 24 h and
 * 7 days, its rates above the minimum volume, its pause), `resume LIST`
 * (end a pause) and `metrics` (all of it, and the store's bounce counts,
 * in the Prometheus text exposition format, for node_exporter's textfile
 * collector). */
#include "cli.h"
#include "cmd_query_fmt.h"
#include "rates.h"
#include "store.h"

#include <ctype.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

/* The windows shown. */
static const struct {
	const char *name;
	long seconds;
} windows[] = { { "1h", 3600 }, { "24h", 86400 }, { "7d", 7 * 86400 } };
#define NWINDOWS (sizeof(windows) / sizeof(windows[0]))

/* One list as read from the store. */
struct lrow {
	char *list;
	struct rates_bucket *b;
	size_t n, cap;
	int paused, known_state;
	char *paused_at, *reason, *resumed_at;
	time_t since; /* store_list_counted_since: earlier intervals do not count */
};

struct lrows {
	struct lrow *r;
	size_t n, cap;
	int oom;
};

static struct lrow *lrows_get(struct lrows *ls, const char *list)
{
	struct lrow *r;

	for (size_t i = ls->n; i-- > 0;)
		if (!strcasecmp(ls->r[i].list, list))
			return &ls->r[i];
	if (ls->n == ls->cap) {
		size_t cap = ls->cap ? 2 * ls->cap : 16;
		struct lrow *g = realloc(ls->r, cap * sizeof(*g));

		if (!g)
			return NULL;
		ls->r = g;
		ls->cap = cap;
	}
	r = &ls->r[ls->n];
	memset(r, 0, sizeof(*r));
	if (!(r->list = strdup(list)))
		return NULL;
	ls->n++;
	return r;
}

static int lrows_bucket(void *ctx, const char *list, const struct rates_bucket *b)
{
	struct lrows *ls = ctx;
	struct lrow *r = lrows_get(ls, list);

	if (r && r->n == r->cap) {
		size_t cap = r->cap ? 2 * r->cap : 64;
		struct rates_bucket *g = realloc(r->b, cap * sizeof(*g));

		if (!g)
			r = NULL;
		else {
			r->b = g;
			r->cap = cap;
		}
	}
	if (!r) {
		ls->oom = 1;
		return 1;
	}
	r->b[r->n++] = *b;
	return 0;
}

static int lrows_state(void *ctx, const struct store_list_state *s)
{
	struct lrows *ls = ctx;
	struct lrow *r = lrows_get(ls, s->list);

	if (!r || !(r->paused_at = strdup(s->paused_at)) || !(r->reason = strdup(s->pause_reason)) ||
	    !(r->resumed_at = strdup(s->resumed_at))) {
		ls->oom = 1;
		return 1;
	}
	r->paused = s->paused;
	r->since = store_list_counted_since(s);
	r->known_state = 1;
	return 0;
}

static int lrow_cmp(const void *a, const void *b)
{
	return strcasecmp(((const struct lrow *)a)->list, ((const struct lrow *)b)->list);
}

static void lrows_free(struct lrows *ls)
{
	for (size_t i = 0; i < ls->n; i++) {
		free(ls->r[i].list);
		free(ls->r[i].b);
		free(ls->r[i].paused_at);
		free(ls->r[i].reason);
		free(ls->r[i].resumed_at);
	}
	free(ls->r);
}

/* lrows_load: every list's intervals of the last 7 days and its state,
 * sorted by list. */
static enum store_status lrows_load(struct store *st, time_t now, struct lrows *ls, char *err, size_t errlen)
{
	enum store_status status;

	memset(ls, 0, sizeof(*ls));
	if (!st)
		return STORE_OK;
	status = store_list_buckets(st, now - 7 * 86400L - RATES_BUCKET, NULL, lrows_bucket, ls, err, errlen);
	if (status == STORE_OK)
		status = store_list_states(st, 0, lrows_state, ls, err, errlen);
	if (status == STORE_OK && ls->oom) {
		snprintf(err, errlen, "out of memory");
		status = STORE_ERROR;
	}
	qsort(ls->r, ls->n, sizeof(ls->r[0]), lrow_cmp);
	return status;
}

static int store_fail(const char *cmd, enum store_status status, const char *err)
{
	fprintf(stderr, "rebound %s: %s\n", cmd, err);
	return status == STORE_TEMPFAIL ? CLI_TEMPFAIL : CLI_FAIL;
}

/* open_store: the database; *st NULL when a read-only command finds none. */
static enum store_status open_store(struct cli *cli, int flags, struct store **st, char *err, size_t errlen)
{
	enum store_status status = store_open(cli_database(cli), cli_config(cli)->database_timeout, flags, st, err,
					      errlen);

	if (status == STORE_NOTFOUND && (flags & STORE_READONLY)) {
		*st = NULL;
		return STORE_OK;
	}
	return status;
}

/* --- stats --by list ------------------------------------------------------- */

static const struct fmt_col by_list_cols[] = {
	{ "list", 0, 0 },	{ "window", 0, 0 },	 { "messages", 1, 0 },	     { "recipients", 1, 0 },
	{ "hard", 1, 0 },	{ "soft", 1, 0 },	 { "complaints", 1, 0 },     { "bounce_rate", 0, 0 },
	{ "complaint_rate", 0, 0 }, { "state", 0, 0 }, { "paused_at", 0, 0 }, { "pause_reason", 0, 120 },
	{ "resumed_at", 0, 0 },
};

int cmd_stats_wants_by(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "--by") || !strncmp(argv[i], "--by=", 5))
			return 1;
	return 0;
}

int cmd_stats_by_list(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "by", required_argument, NULL, 'b' }, { "json", no_argument, NULL, 'j' },
		{ "csv", no_argument, NULL, 'c' },	  { "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct store *st = NULL;
	struct lrows ls;
	struct fmt f;
	enum store_status status;
	enum fmt_kind kind = FMT_TABLE;
	time_t now = time(NULL);
	char err[512] = "";
	int rc, c, by = 0;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'b':
			if (strcmp(optarg, "list")) {
				fprintf(stderr, "rebound stats: --by takes \"list\"\n");
				return CLI_USAGE;
			}
			by = 1;
			break;
		case 'j': kind = FMT_JSON; break;
		case 'c': kind = FMT_CSV; break;
		case 'h':
			printf("usage: rebound [-c FILE] [-d DATABASE] stats --by list [--json|--csv]\n"
			       "Per list (envelope sender) and window (1h, 24h, 7d): messages and recipients\n"
			       "sent, hard and soft bounces and complaints recorded, the bounce and complaint\n"
			       "rates (\"-\" below the list's rate_min_volume), and its pause: since when and why.\n"
			       "After `rebound resume LIST` only the intervals that begin after the resume count,\n"
			       "as for rebound-milter's warnings and pauses (resumed_at says when).\n");
			return CLI_OK;
		default:
			fprintf(stderr, "usage: rebound [-c FILE] [-d DATABASE] stats --by list [--json|--csv]\n");
			return CLI_USAGE;
		}
	}
	if (!by || optind != argc) {
		fprintf(stderr, "usage: rebound [-c FILE] [-d DATABASE] stats --by list [--json|--csv]\n");
		return CLI_USAGE;
	}
	if ((status = open_store(cli, STORE_READONLY, &st, err, sizeof(err))) != STORE_OK)
		return store_fail("stats", status, err);
	status = lrows_load(st, now, &ls, err, sizeof(err));
	store_close(st);
	if (status != STORE_OK) {
		lrows_free(&ls);
		return store_fail("stats", status, err);
	}
	fmt_begin(&f, kind, stdout, by_list_cols, sizeof(by_list_cols) / sizeof(by_list_cols[0]));
	for (size_t i = 0; i < ls.n; i++) {
		struct lrow *r = &ls.r[i];
		struct rates_limits lim;

		config_rate_limits(cli_config(cli), r->list, &lim);
		for (size_t w = 0; w < NWINDOWS; w++) {
			struct rates_counts sum;
			char n[5][32], br[RATES_TEXT_MAX], cr[RATES_TEXT_MAX];

			rates_window_sum(r->b, r->n, now, windows[w].seconds, r->since, &sum);
			snprintf(n[0], sizeof(n[0]), "%ld", sum.messages);
			snprintf(n[1], sizeof(n[1]), "%ld", sum.recipients);
			snprintf(n[2], sizeof(n[2]), "%ld", sum.hard);
			snprintf(n[3], sizeof(n[3]), "%ld", sum.soft);
			snprintf(n[4], sizeof(n[4]), "%ld", sum.complaints);
			rates_format(rates_ppm(sum.hard, sum.recipients, lim.min_volume), br);
			rates_format(rates_ppm(sum.complaints, sum.recipients, lim.min_volume), cr);
			{
				const char *v[] = { r->list, windows[w].name, n[0], n[1], n[2], n[3], n[4], br, cr,
						    r->paused ? "paused" : "active",
						    r->paused ? r->paused_at : "-", r->paused ? r->reason : "-",
						    r->resumed_at && *r->resumed_at ? r->resumed_at : "-" };

				fmt_row(&f, v);
			}
		}
	}
	lrows_free(&ls);
	rc = fmt_end(&f);
	if (rc < 0) {
		fprintf(stderr, "rebound stats: cannot write the output\n");
		return CLI_FAIL;
	}
	return CLI_OK;
}

/* --- resume ---------------------------------------------------------------- */

int cmd_resume(struct cli *cli, int argc, char **argv)
{
	struct store *st;
	enum store_status status;
	char err[512] = "";
	int was = 0;

	if (cli_wants_help(argc, argv)) {
		printf("usage: rebound [-c FILE] [-d DATABASE] resume LIST\n"
		       "Ends the pause of LIST (its envelope sender, e.g. news@lists.example.org):\n"
		       "rebound-milter sends its new mail again within a rate_interval; what it held\n"
		       "is released with postsuper -H. Counts from before now no longer count for its\n"
		       "rates. Exit 1 if LIST was never paused.\n");
		return CLI_OK;
	}
	if (argc != 2 || !strchr(argv[1], '@') || strlen(argv[1]) > VERP_ADDRESS_MAX) {
		fprintf(stderr, "usage: rebound [-c FILE] [-d DATABASE] resume LIST (an envelope sender)\n");
		return CLI_USAGE;
	}
	if ((status = open_store(cli, 0, &st, err, sizeof(err))) != STORE_OK)
		return store_fail("resume", status, err);
	{
		char list[VERP_ADDRESS_MAX + 1];
		struct store_event_new e = { .at = time(NULL), .type = "list-resumed", .address = "", .lists = list,
					     .cause = "manual", .reason = "rebound resume" };

		/* lists are kept in lower case (list_counts, list_states) */
		for (size_t i = 0; i <= strlen(argv[1]); i++)
			list[i] = (char)tolower((unsigned char)argv[1][i]);

		if ((status = store_begin(st, err, sizeof(err))) == STORE_OK &&
		    (status = store_list_resume(st, argv[1], e.at, &was, err, sizeof(err))) == STORE_OK &&
		    (!was || (status = store_event_add(st, &e, NULL, err, sizeof(err))) == STORE_OK))
			status = store_commit(st, err, sizeof(err));
		else
			store_rollback(st);
	}
	store_close(st);
	if (status == STORE_NOTFOUND) {
		fprintf(stderr, "rebound resume: ");
		fmt_text_put(stderr, argv[1]);
		fprintf(stderr, ": never paused\n");
		return CLI_FAIL;
	}
	if (status != STORE_OK)
		return store_fail("resume", status, err);
	fmt_text_put(stdout, argv[1]);
	printf(": %s\n", was ? "resumed" : "was not paused");
	return CLI_OK;
}

/* --- metrics ---------------------------------------------------------------- */

/* label: a Prometheus label value: '\\', '"' and newline escaped; other
 * unsafe characters as '?' (fmt_text). */
static void label(FILE *fp, const char *v)
{
	char *t = fmt_text(v, 0, NULL);

	for (const char *p = t ? t : "?"; *p; p++) {
		if (*p == '\\' || *p == '"')
			fputc('\\', fp);
		fputc(*p, fp);
	}
	free(t);
}

static void help(FILE *fp, const char *name, const char *type, const char *text)
{
	fprintf(fp, "# HELP %s %s\n# TYPE %s %s\n", name, text, name, type);
}

struct stat_rows {
	FILE *fp;
	const char *group, *metric;
	int any;
};

static int metric_stat(void *ctx, const struct store_stat *s)
{
	struct stat_rows *m = ctx;

	if (strcmp(s->group, m->group))
		return 0;
	if (!strcmp(m->group, "total")) {
		fprintf(m->fp, "%s %ld\n", m->metric, s->count);
	} else if (!strcmp(m->group, "state")) {
		fprintf(m->fp, "%s{state=\"", m->metric);
		label(m->fp, s->key);
		fprintf(m->fp, "\"} %ld\n", s->count);
	} else {
		fprintf(m->fp, "%s{%s=\"", m->metric, m->group);
		label(m->fp, *s->key ? s->key : "none");
		fprintf(m->fp, "\"} %ld\n", s->count);
	}
	m->any = 1;
	return 0;
}

static int last_bounce(void *ctx, const struct store_bounce_row *r)
{
	struct tm tm;

	memset(&tm, 0, sizeof(tm));
	if (strptime(r->received_at, "%Y-%m-%dT%H:%M:%SZ", &tm))
		*(time_t *)ctx = timegm(&tm);
	return 1;
}

/* metrics_store: the store's bounce counts, by group. */
static enum store_status metrics_store(FILE *fp, struct store *st, char *err, size_t errlen)
{
	static const struct {
		const char *group, *metric, *type, *help;
	} groups[] = {
		{ "total", "rebound_bounces", "gauge", "Bounces (and complaints) in the store (rebound purge lowers it)." },
		{ "class", "rebound_bounces_by_class", "gauge", "Bounces in the store by class." },
		{ "reason", "rebound_bounces_by_reason", "gauge", "Bounces in the store by reason." },
		{ "effect", "rebound_bounces_by_effect", "gauge", "Bounces in the store by what the policy did." },
		{ "list", "rebound_bounces_by_list", "gauge", "Bounces in the store by list (\"none\": no list known)." },
		{ "state", "rebound_recipients", "gauge",
		  "Addresses that ever bounced, by state (suppressed: the suppression list)." },
	};
	struct store_filter newest = { .limit = 1, .newest = 1 };
	enum store_status status;
	time_t last = 0;

	for (size_t i = 0; i < sizeof(groups) / sizeof(groups[0]); i++) {
		struct stat_rows m = { fp, groups[i].group, groups[i].metric, 0 };

		help(fp, groups[i].metric, groups[i].type, groups[i].help);
		if (st && (status = store_stats(st, 0, NULL, metric_stat, &m, err, errlen)) != STORE_OK)
			return status;
		if (!m.any && !strcmp(groups[i].group, "total"))
			fprintf(fp, "%s 0\n", groups[i].metric);
	}
	if (st && (status = store_bounces_list(st, &newest, last_bounce, &last, err, errlen)) != STORE_OK)
		return status;
	help(fp, "rebound_last_bounce_timestamp_seconds", "gauge",
	     "When the newest bounce in the store was recorded (0: none).");
	fprintf(fp, "rebound_last_bounce_timestamp_seconds %lld\n", (long long)last);
	return STORE_OK;
}

/* metrics_lists: per list and window: sent, bounced, rates; pause state. */
static void metrics_lists(FILE *fp, struct cli *cli, const struct lrows *ls, time_t now)
{
	static const struct {
		const char *name, *help;
	} per_window[] = {
		{ "rebound_list_messages", "List messages sent in the window (rebound-milter), from the list's last resume on." },
		{ "rebound_list_recipients", "Recipients of list messages sent in the window (rebound-milter), from the list's last resume "
					     "on." },
		{ "rebound_list_bounces", "Bounces and complaints of the list recorded in the window, by class, from its last resume on." },
		{ "rebound_list_bounce_rate", "Hard bounces per recipient sent in the window (0 to 1); only at or "
					      "above the list's minimum volume." },
		{ "rebound_list_complaint_rate", "Complaints per recipient sent in the window (0 to 1); only at or "
						 "above the list's minimum volume." },
	};

	for (size_t k = 0; k < sizeof(per_window) / sizeof(per_window[0]); k++) {
		help(fp, per_window[k].name, "gauge", per_window[k].help);
		for (size_t i = 0; i < ls->n; i++) {
			const struct lrow *r = &ls->r[i];
			struct rates_limits lim;

			config_rate_limits(cli_config(cli), r->list, &lim);
			for (size_t w = 0; w < NWINDOWS; w++) {
				struct rates_counts c;
				long v[3], ppm;

				rates_window_sum(r->b, r->n, now, windows[w].seconds, r->since, &c);
				if (k == 0 || k == 1) {
					fprintf(fp, "%s{list=\"", per_window[k].name);
					label(fp, r->list);
					fprintf(fp, "\",window=\"%s\"} %ld\n", windows[w].name,
						k == 0 ? c.messages : c.recipients);
				} else if (k == 2) {
					static const char *const cls[] = { "hard", "soft", "complaint" };

					v[0] = c.hard;
					v[1] = c.soft;
					v[2] = c.complaints;
					for (int j = 0; j < 3; j++) {
						fprintf(fp, "%s{list=\"", per_window[k].name);
						label(fp, r->list);
						fprintf(fp, "\",window=\"%s\",class=\"%s\"} %ld\n", windows[w].name, cls[j],
							v[j]);
					}
				} else {
					ppm = rates_ppm(k == 3 ? c.hard : c.complaints, c.recipients, lim.min_volume);
					if (ppm < 0)
						continue;
					fprintf(fp, "%s{list=\"", per_window[k].name);
					label(fp, r->list);
					fprintf(fp, "\",window=\"%s\"} %.6f\n", windows[w].name, (double)ppm / RATES_PPM);
				}
			}
		}
	}
	help(fp, "rebound_list_paused", "gauge", "1 while rebound-milter holds or defers the list's new mail.");
	for (size_t i = 0; i < ls->n; i++) {
		fprintf(fp, "rebound_list_paused{list=\"");
		label(fp, ls->r[i].list);
		fprintf(fp, "\"} %d\n", ls->r[i].paused);
	}
	help(fp, "rebound_list_paused_since_timestamp_seconds", "gauge", "When the list's current pause began.");
	for (size_t i = 0; i < ls->n; i++) {
		struct tm tm;

		memset(&tm, 0, sizeof(tm));
		if (!ls->r[i].paused || !strptime(ls->r[i].paused_at, "%Y-%m-%dT%H:%M:%SZ", &tm))
			continue;
		fprintf(fp, "rebound_list_paused_since_timestamp_seconds{list=\"");
		label(fp, ls->r[i].list);
		fprintf(fp, "\"} %lld\n", (long long)timegm(&tm));
	}
}

int cmd_metrics(struct cli *cli, int argc, char **argv)
{
	struct store *st = NULL;
	struct lrows ls;
	enum store_status status;
	time_t now = time(NULL);
	char err[512] = "";

	if (cli_wants_help(argc, argv)) {
		printf("usage: rebound [-c FILE] [-d DATABASE] metrics\n"
		       "Prints the store's bounce counts, the suppression list's size, each list's messages,\n"
		       "recipients, bounces and rates over 1h, 24h and 7d, and its pause, in the Prometheus\n"
		       "text exposition format (for node_exporter's textfile collector: docs/reputation.md).\n");
		return CLI_OK;
	}
	if (argc != 1) {
		fprintf(stderr, "usage: rebound [-c FILE] [-d DATABASE] metrics\n");
		return CLI_USAGE;
	}
	if ((status = open_store(cli, STORE_READONLY, &st, err, sizeof(err))) != STORE_OK)
		return store_fail("metrics", status, err);
	if ((status = lrows_load(st, now, &ls, err, sizeof(err))) == STORE_OK)
		status = metrics_store(stdout, st, err, sizeof(err));
	store_close(st);
	if (status == STORE_OK)
		metrics_lists(stdout, cli, &ls, now);
	lrows_free(&ls);
	if (status != STORE_OK)
		return store_fail("metrics", status, err);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "rebound metrics: cannot write the output\n");
		return CLI_FAIL;
	}
	return CLI_OK;
}
