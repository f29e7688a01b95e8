/* cmd_query.c: the query commands of `rebound` over the store: list,
 * show, suppressed, suppress, unsuppress, stats, purge, events. Output for people
 * (aligned table), --json (JSON Lines) and --csv for programs; errors on
 * stderr. Exit codes in rebound(1): 0 ok, 1 unknown address or database
 * error, 2 usage, 75 database busy or locked, 78 configuration. */
#include "bounce.h"
#include "cli.h"
#include "cmd_query_fmt.h"
#include "hooks.h"
#include "store.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define DAY 86400L
/* The longest tag_lifetime rebound.conf allows, plus a day (lib/verp.h):
 * a VERP id unused for that long is in no valid return path any more. */
#define VERP_ID_KEEP (366 * DAY)
#define REASON_MAX 200

/* Options; each command allows some (mask of OPT_*). */
enum {
	OPT_SINCE = 1 << 0, OPT_CLASS = 1 << 1, OPT_REASON = 1 << 2, OPT_LIMIT = 1 << 3,
	OPT_FORMAT = 1 << 4, OPT_OLDER = 1 << 5, OPT_LIST = 1 << 6, OPT_AFTER = 1 << 7,
};

/* Bounces `rebound list` shows without --limit. */
#define LIST_PAGE 100

struct qopts {
	const char *name;
	const char *usage; /* after "usage: rebound [-c FILE] [-d DATABASE] " */
	const char *help;  /* what it does */
	int allowed, nargs;
	time_t since;
	long older_than, limit;
	int limit_set; /* --limit given (0: no limit) */
	const char *class_name, *reason;
	const char *list; /* --list ADDRESS */
	long long after;  /* events --after ID */
	int reason_text; /* --reason is text of one's own (suppress), not a reason word */
	enum fmt_kind fmt;
	char **args;
};

static void query_usage(const struct qopts *q, FILE *fp)
{
	fprintf(fp, "usage: rebound [-c FILE] [-d DATABASE] %s %s\n%s", q->name, q->usage, q->help);
}

/* class_known: one of the classes of bounce_class_name(). */
static int class_known(const char *name)
{
	for (int k = BOUNCE_CLASS_HARD; k <= BOUNCE_CLASS_AUTOREPLY; k++)
		if (!strcmp(name, bounce_class_name((enum bounce_class)k)))
			return 1;
	return 0;
}

/* reason_known: a reason word of the parser's vocabulary (bounce_reason_nth). */
static int reason_known(const char *name)
{
	const char *r;

	for (size_t i = 0; (r = bounce_reason_nth(i)); i++)
		if (!strcmp(name, r))
			return 1;
	return 0;
}

/* reason_text_ok: a reason given by hand: it goes into the suppression
 * table and so into Postfix's SMTP reply text, which is printable US-ASCII
 * (RFC 5321, 4.2): 1 to REASON_MAX characters 0x20 to 0x7e. */
static int reason_text_ok(const char *r)
{
	size_t len = strlen(r);

	if (len == 0 || len > REASON_MAX)
		return 0;
	for (; *r; r++)
		if ((unsigned char)*r < 0x20 || (unsigned char)*r > 0x7e)
			return 0;
	return 1;
}

/* query_parse: the command's options and nargs operands; returns -1 on
 * help (printed, exit 0), -2 on a usage error (printed), 0 to go on. */
static int query_parse(struct qopts *q, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "since", required_argument, NULL, 's' },
		{ "class", required_argument, NULL, 'C' },
		{ "reason", required_argument, NULL, 'r' },
		{ "limit", required_argument, NULL, 'n' },
		{ "json", no_argument, NULL, 'j' },
		{ "csv", no_argument, NULL, 'x' },
		{ "older-than", required_argument, NULL, 'o' },
		{ "list", required_argument, NULL, 'L' },
		{ "after", required_argument, NULL, 'a' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static const struct { int opt, mask; } need[] = {
		{ 's', OPT_SINCE }, { 'C', OPT_CLASS }, { 'r', OPT_REASON }, { 'n', OPT_LIMIT },
		{ 'j', OPT_FORMAT }, { 'x', OPT_FORMAT }, { 'o', OPT_OLDER }, { 'L', OPT_LIST },
		{ 'a', OPT_AFTER },
	};
	long d;
	int c;

	if (cli_wants_help(argc, argv)) {
		query_usage(q, stdout);
		return -1;
	}
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		int ok = 0;

		for (size_t i = 0; i < sizeof(need) / sizeof(need[0]); i++)
			if (need[i].opt == c)
				ok = (q->allowed & need[i].mask) != 0;
		if (!ok) {
			fprintf(stderr, "rebound %s: %s %s\n", q->name,
				c == ':' ? "missing value for" : "unknown option", argv[optind - 1]);
			goto usage;
		}
		switch (c) {
		case 's':
			if (config_parse_duration(optarg, &d) < 0) {
				fprintf(stderr, "rebound %s: bad duration \"%s\" (e.g. 90, 12h, 7d, 2w)\n", q->name, optarg);
				goto usage;
			}
			q->since = time(NULL) - d;
			break;
		case 'o':
			if (config_parse_duration(optarg, &q->older_than) < 0) {
				fprintf(stderr, "rebound %s: bad duration \"%s\" (e.g. 90d)\n", q->name, optarg);
				goto usage;
			}
			break;
		case 'C':
			if (!class_known(optarg)) {
				fprintf(stderr, "rebound %s: unknown class \"", q->name);
				fmt_text_put(stderr, optarg);
				fputs("\" (one of:", stderr);
				for (int k = BOUNCE_CLASS_HARD; k <= BOUNCE_CLASS_AUTOREPLY; k++)
					fprintf(stderr, " %s", bounce_class_name((enum bounce_class)k));
				fputs(")\n", stderr);
				goto usage;
			}
			q->class_name = optarg;
			break;
		case 'r':
			if (q->reason_text && !reason_text_ok(optarg)) {
				fprintf(stderr, "rebound %s: --reason must be 1 to %d printable ASCII characters (it is quoted\n"
						"in Postfix's SMTP reply)\n", q->name, REASON_MAX);
				goto usage;
			}
			if (!q->reason_text && !reason_known(optarg)) {
				const char *r;

				fprintf(stderr, "rebound %s: unknown reason \"", q->name);
				fmt_text_put(stderr, optarg);
				fputs("\" (one of:", stderr);
				for (size_t k = 0; (r = bounce_reason_nth(k)); k++)
					fprintf(stderr, " %s", r);
				fputs(")\n", stderr);
				goto usage;
			}
			q->reason = optarg;
			break;
		case 'n': {
			char *end;

			q->limit = strtol(optarg, &end, 10);
			q->limit_set = 1;
			if (*end || q->limit < 0 || end == optarg) {
				fprintf(stderr, "rebound %s: bad limit \"%s\"\n", q->name, optarg);
				goto usage;
			}
			break;
		}
		case 'L':
			if (!store_list_ok(optarg)) {
				fprintf(stderr, "rebound %s: --list: \"", q->name);
				fmt_text_put(stderr, optarg);
				fputs("\" is not a list address (local@domain, no spaces)\n", stderr);
				goto usage;
			}
			q->list = optarg;
			break;
		case 'a': {
			char *end;

			errno = 0;
			q->after = strtoll(optarg, &end, 10);
			if (!*optarg || *end || q->after < 0 || errno) {
				fprintf(stderr, "rebound %s: bad event id \"%s\"\n", q->name, optarg);
				goto usage;
			}
			break;
		}
		case 'j': q->fmt = FMT_JSON; break;
		case 'x': q->fmt = FMT_CSV; break;
		}
	}
	if (argc - optind != q->nargs) {
		fprintf(stderr, "rebound %s: %s\n", q->name,
			argc - optind < q->nargs ? "missing argument" : "too many arguments");
		goto usage;
	}
	q->args = argv + optind;
	return 0;
usage:
	query_usage(q, stderr);
	return -2;
}

/* check_address: an address given on the command line. */
static int check_address(const char *cmd, const char *a)
{
	size_t len = strlen(a);

	for (const char *p = a; *p; p++) {
		if ((unsigned char)*p < 0x20 || *p == 0x7f || *p == ' ' || *p == '<' || *p == '>') {
			fprintf(stderr, "rebound %s: \"", cmd);
			fmt_text_put(stderr, a);
			fputs("\" is not an address (spaces, brackets or control characters)\n", stderr);
			return -1;
		}
	}
	if (len == 0 || len > VERP_ADDRESS_MAX || !strchr(a, '@')) {
		fprintf(stderr, "rebound %s: \"%s\" is not an address (local@domain, at most %d characters)\n", cmd,
			a, VERP_ADDRESS_MAX);
		return -1;
	}
	return 0;
}

/* store_exit: the exit code for a store failure, after printing it. */
static int store_exit(const char *cmd, enum store_status status, const char *err)
{
	fprintf(stderr, "rebound %s: %s\n", cmd, err);
	return status == STORE_TEMPFAIL ? CLI_TEMPFAIL : CLI_FAIL;
}

/* query_open: the database for a command. *st is NULL (with STORE_OK)
 * when a read-only command finds no database yet: nothing to show. */
static enum store_status query_open(struct cli *cli, int flags, struct store **st, char *err, size_t errlen)
{
	const char *path = cli_database(cli);
	long timeout = cli->cfg ? cli->cfg->database_timeout : 10;
	enum store_status status = store_open(path, timeout, flags, st, err, errlen);

	if (status == STORE_NOTFOUND && (flags & STORE_READONLY)) {
		*st = NULL;
		return STORE_OK;
	}
	/* unsuppress, purge: nothing to change in a database that is not there */
	if (status != STORE_OK && !(flags & STORE_CREATE) && access(path, F_OK) < 0)
		return STORE_NOTFOUND;
	return status;
}

/* query_start: parse, check the address operand (if any) and open the
 * database with flags. Returns -1 to go on, else the exit code. */
static int query_start(struct cli *cli, struct qopts *q, int argc, char **argv, int flags, struct store **st)
{
	enum store_status status;
	char err[512];
	int rc = query_parse(q, argc, argv);

	*st = NULL;
	if (rc)
		return rc == -1 ? CLI_OK : CLI_USAGE;
	if (q->nargs == 1 && check_address(q->name, q->args[0]) < 0)
		return CLI_USAGE;
	/* purge: --older-than is required; a usage error before the database */
	if ((q->allowed & OPT_OLDER) && q->older_than <= 0) {
		fprintf(stderr, "rebound %s: --older-than DURATION is required (and not 0)\n", q->name);
		query_usage(q, stderr);
		return CLI_USAGE;
	}
	/* root would create the database owned by root, and every bounce
	 * after it would be deferred (rebound-pipe cannot write it) */
	if ((flags & STORE_CREATE) && geteuid() == 0 && !store_is_server(cli_database(cli)) &&
	    access(cli_database(cli), F_OK) < 0 && errno == ENOENT) {
		fprintf(stderr, "rebound %s: %s does not exist; refusing to create it as root (it would belong to\n"
				"root, and rebound-pipe could not write it): create it first as the user of rebound-pipe,\n"
				"e.g. runuser -u rebound -- rebound init\n",
			q->name, cli_database(cli));
		return CLI_FAIL;
	}
	if ((status = query_open(cli, flags, st, err, sizeof(err))) != STORE_OK)
		return store_exit(q->name, status, err);
	return -1;
}

/* query_end: close the database; the exit code of status (err printed)
 * or, if it is STORE_OK, rc. */
static int query_end(const struct qopts *q, struct store *st, enum store_status status, const char *err, int rc)
{
	store_close(st);
	return status != STORE_OK ? store_exit(q->name, status, err) : rc;
}

/* --- list, show ------------------------------------------------------------ */

static const struct fmt_col bounce_cols_short[] = {
	{ "received_at", 0, 0 }, { "recipient", 0, 0 }, { "class", 0, 0 }, { "reason", 0, 0 },
	{ "status", 0, 0 }, { "verified", 0, 0 }, { "effect", 0, 0 }, { "list", 0, 40 }, { "diagnostic", 0, 60 },
};
static const struct fmt_col bounce_cols_full[] = {
	{ "id", 1, 0 }, { "received_at", 0, 0 }, { "recipient", 0, 0 }, { "verified", 1, 0 },
	{ "return_path", 0, 0 }, { "queue_id", 0, 0 }, { "kind", 0, 0 }, { "action", 0, 0 },
	{ "status", 0, 0 }, { "smtp_code", 0, 0 }, { "reason", 0, 0 }, { "class", 0, 0 },
	{ "permanent", 1, 0 }, { "diagnostic", 0, 0 }, { "remote_mta", 0, 0 }, { "reporting_mta", 0, 0 },
	{ "original_message_id", 0, 0 }, { "original_envelope_id", 0, 0 }, { "message_token", 0, 0 },
	{ "effect", 0, 0 }, { "list", 0, 0 },
};
#define NCOLS(a) (sizeof(a) / sizeof(a[0]))

static int bounce_out(void *ctx, const struct store_bounce_row *r)
{
	struct fmt *f = ctx;
	char id[32];

	if (f->kind == FMT_TABLE) {
		const char *v[] = { r->received_at, r->recipient, r->class_name, r->reason, r->status,
				    r->verified ? "yes" : "no", r->effect, *r->list ? r->list : "-", r->diagnostic };

		fmt_row(f, v);
	} else {
		const char *v[] = { id, r->received_at, r->recipient, r->verified ? "1" : "0", r->return_path,
				    r->queue_id, r->kind, r->action, r->status, r->smtp_code, r->reason, r->class_name,
				    r->permanent ? "1" : "0", r->diagnostic, r->remote_mta, r->reporting_mta,
				    r->original_message_id, r->original_envelope_id, r->message_token, r->effect,
				    r->list };

		snprintf(id, sizeof(id), "%lld", r->id);
		fmt_row(f, v);
	}
	return 0;
}

static void bounces_begin(struct fmt *f, enum fmt_kind kind)
{
	if (kind == FMT_TABLE)
		fmt_begin(f, kind, stdout, bounce_cols_short, NCOLS(bounce_cols_short));
	else
		fmt_begin(f, kind, stdout, bounce_cols_full, NCOLS(bounce_cols_full));
}

/* finish: end the output; a write error (a full disk, a closed pipe) fails. */
static int finish(struct fmt *f, const char *cmd)
{
	if (fmt_end(f) < 0) {
		fprintf(stderr, "rebound %s: cannot write the output\n", cmd);
		return CLI_FAIL;
	}
	return CLI_OK;
}

int cmd_list(struct cli *cli, int argc, char **argv)
{
	struct qopts q = {
		.name = "list",
		.usage = "[--since DURATION] [--class CLASS] [--reason REASON] [--list LIST] [--limit N] [--json|--csv]",
		.help = "Lists the newest bounces received (100 unless --limit N; --limit 0: all), oldest\n"
			"first. CLASS: hard, soft, delayed, delivered, complaint, autoreply. DURATION: 90\n"
			"(seconds), 30m, 12h, 7d, 2w. LIST: the list's address (the envelope sender the\n"
			"milter rewrote): only its bounces.\n",
		.allowed = OPT_SINCE | OPT_CLASS | OPT_REASON | OPT_LIMIT | OPT_FORMAT | OPT_LIST,
	};
	struct store_filter filter = { .since = 0 };
	struct store *st;
	struct fmt f;
	enum store_status status = STORE_OK;
	char err[512] = "";
	int rc = query_start(cli, &q, argc, argv, STORE_READONLY, &st);

	if (rc >= 0)
		return rc;
	filter.since = q.since;
	filter.class_name = q.class_name;
	filter.reason = q.reason;
	filter.list = q.list;
	/* a bounded page by default: a million bounces are no screenful */
	filter.limit = q.limit_set ? q.limit : LIST_PAGE;
	filter.newest = 1;
	bounces_begin(&f, q.fmt);
	if (st)
		status = store_bounces_list(st, &filter, bounce_out, &f, err, sizeof(err));
	return query_end(&q, st, status, err, finish(&f, q.name));
}

/* show: the recipient's row, kept for the output after its bounces. */
struct show_ctx {
	struct store_recipient r;
	char *strings[6];
	int found;
	char *lists;   /* the lists attributed to it, separated by spaces; NULL if none */
	size_t lists_len;
	int nolists;   /* out of memory */
};

/* show_list: collect one list of store_lists_of. */
static int show_list(void *ctx, const char *list, const char *last_sent_at)
{
	struct show_ctx *s = ctx;
	size_t n = strlen(list);
	char *p = realloc(s->lists, s->lists_len + n + 2);

	(void)last_sent_at;
	if (!p) {
		s->nolists = 1;
		return 1;
	}
	s->lists = p;
	if (s->lists_len)
		p[s->lists_len++] = ' ';
	memcpy(p + s->lists_len, list, n + 1);
	s->lists_len += n;
	return 0;
}

static int show_keep(void *ctx, const struct store_recipient *r)
{
	struct show_ctx *s = ctx;
	const char *src[6] = { r->address, r->state, r->first_bounce_at, r->last_bounce_at, r->suppressed_at,
			       r->suppressed_reason };

	s->r = *r;
	for (int i = 0; i < 6; i++)
		if (!(s->strings[i] = strdup(src[i])))
			return 1;
	s->r.address = s->strings[0];
	s->r.state = s->strings[1];
	s->r.first_bounce_at = s->strings[2];
	s->r.last_bounce_at = s->strings[3];
	s->r.suppressed_at = s->strings[4];
	s->r.suppressed_reason = s->strings[5];
	s->found = 1;
	return 0;
}

static void show_recipient_text(const struct store_recipient *r, const char *lists)
{
	fputs("address:           ", stdout);
	fmt_text_put(stdout, r->address);
	printf("\nstate:             %s\n", r->state);
	if (*r->suppressed_at) {
		printf("suppressed_at:     %s\nsuppressed_reason: ", r->suppressed_at);
		fmt_text_put(stdout, r->suppressed_reason);
		fputc('\n', stdout);
	}
	printf("hard_bounces:      %ld\nsoft_bounces:      %ld\ncomplaints:        %ld\n", r->hard_bounces,
	       r->soft_bounces, r->complaints);
	printf("first_bounce_at:   %s\nlast_bounce_at:    %s\n", r->first_bounce_at, r->last_bounce_at);
	fputs("lists:             ", stdout);
	fmt_text_put(stdout, lists ? lists : "-");
	fputs("\n\n", stdout);
}

static void show_recipient_json(const struct store_recipient *r, const char *lists)
{
	const char *keys[] = { "address", "state", "first_bounce_at", "last_bounce_at", "suppressed_at",
			       "suppressed_reason" };
	const char *vals[] = { r->address, r->state, r->first_bounce_at, r->last_bounce_at, r->suppressed_at,
			       r->suppressed_reason };

	printf("{\"type\":\"recipient\"");
	for (size_t i = 0; i < NCOLS(keys); i++) {
		printf(",\"%s\":", keys[i]);
		fmt_json_string(stdout, vals[i]);
	}
	printf(",\"hard_bounces\":%ld,\"soft_bounces\":%ld,\"complaints\":%ld,\"lists\":[", r->hard_bounces,
	       r->soft_bounces, r->complaints);
	/* lists never hold a space (store_list_ok): split there */
	for (const char *p = lists; p && *p;) {
		const char *e = strchr(p, ' ');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		char one[STORE_LIST_MAX + 1];

		snprintf(one, sizeof(one), "%.*s", (int)n, p);
		if (p != lists)
			putchar(',');
		fmt_json_string(stdout, one);
		p += n + (e ? 1 : 0);
	}
	printf("]}\n");
}

static int count_one(void *ctx, const struct store_bounce_row *r)
{
	(void)r;
	*(int *)ctx = 1;
	return 1;
}

int cmd_show(struct cli *cli, int argc, char **argv)
{
	struct qopts q = {
		.name = "show", .usage = "ADDRESS [--json|--csv]",
		.help = "Shows an address: its state, counts and the lists that mailed it (recipient\n"
			"mode), then its bounces (of LIST only with --list). --json: a line for the\n"
			"recipient (\"type\":\"recipient\", if it has a row), then the bounces as in\n"
			"`list --json`; --csv: the bounces. Exit 1 if the address is unknown.\n",
		.allowed = OPT_FORMAT | OPT_LIST, .nargs = 1,
	};
	struct show_ctx sc = { .found = 0 };
	struct store_filter filter = { .since = 0 };
	struct store *st;
	struct fmt f;
	enum store_status status = STORE_OK;
	char err[512] = "";
	int rc = query_start(cli, &q, argc, argv, STORE_READONLY, &st), any = 0;

	if (rc >= 0)
		return rc;
	filter.recipient = q.args[0];
	filter.list = q.list;
	if (st) {
		status = store_recipient_get(st, q.args[0], show_keep, &sc, err, sizeof(err));
		if (status == STORE_NOTFOUND)
			status = STORE_OK;
		if (status == STORE_OK)
			status = store_lists_of(st, q.args[0], show_list, &sc, err, sizeof(err));
		if (status == STORE_OK && sc.nolists) {
			snprintf(err, sizeof(err), "out of memory");
			status = STORE_TEMPFAIL;
		}
		if (status == STORE_OK)
			status = store_bounces_list(st, &filter, count_one, &any, err, sizeof(err));
	}
	if (status == STORE_OK && !sc.found && !any) {
		fprintf(stderr, "rebound show: %s: unknown address (no bounce recorded)\n", q.args[0]);
		rc = CLI_FAIL;
	} else if (status == STORE_OK) {
		if (sc.found && q.fmt == FMT_TABLE)
			show_recipient_text(&sc.r, sc.lists);
		else if (sc.found && q.fmt == FMT_JSON)
			show_recipient_json(&sc.r, sc.lists);
		bounces_begin(&f, q.fmt);
		status = store_bounces_list(st, &filter, bounce_out, &f, err, sizeof(err));
		rc = finish(&f, q.name);
	}
	for (int i = 0; i < 6; i++)
		free(sc.strings[i]);
	free(sc.lists);
	return query_end(&q, st, status, err, rc);
}

/* --- suppressed, suppress, unsuppress -------------------------------------- */

static const struct fmt_col suppressed_cols[] = {
	{ "address", 0, 0 }, { "since", 0, 0 }, { "reason", 0, 0 },
};

static int suppressed_out(void *ctx, const struct store_recipient *r)
{
	const char *v[] = { r->address, r->suppressed_at, r->suppressed_reason };

	fmt_row(ctx, v);
	return 0;
}

int cmd_suppressed(struct cli *cli, int argc, char **argv)
{
	struct qopts q = {
		.name = "suppressed", .usage = "[--json|--csv]",
		.help = "Prints the suppression list: address, since (UTC), reason. `--csv` is the form\n"
			"for list managers. --json: JSON Lines, one object per address and line (not one\n"
			"JSON array).\n",
		.allowed = OPT_FORMAT,
	};
	struct store *st;
	struct fmt f;
	enum store_status status = STORE_OK;
	char err[512] = "";
	int rc = query_start(cli, &q, argc, argv, STORE_READONLY, &st);

	if (rc >= 0)
		return rc;
	fmt_begin(&f, q.fmt, stdout, suppressed_cols, NCOLS(suppressed_cols));
	if (st)
		status = store_suppressed_list(st, suppressed_out, &f, err, sizeof(err));
	return query_end(&q, st, status, err, finish(&f, q.name));
}

int cmd_suppress(struct cli *cli, int argc, char **argv)
{
	struct qopts q = {
		.name = "suppress", .usage = "ADDRESS [--reason TEXT]",
		.help = "Suppresses an address by hand (Postfix's table then refuses list mail to it).\n"
			"TEXT (default \"by hand\") is quoted in Postfix's SMTP reply: 1 to 200\n"
			"printable ASCII characters. As root, it refuses to create a database that\n"
			"does not exist yet (it would belong to root): run `rebound init` as the\n"
			"user of rebound-pipe first.\n",
		.allowed = OPT_REASON, .nargs = 1, .reason_text = 1,
	};
	struct store *st;
	enum store_status status;
	char err[512] = "";
	int rc, was = 0;

	if ((rc = query_start(cli, &q, argc, argv, STORE_CREATE, &st)) >= 0)
		return rc;
	status = store_recipient_suppress(st, q.args[0], q.reason, time(NULL), &was, err, sizeof(err));
	if (status == STORE_OK)
		printf("%s: %s\n", q.args[0], was ? "was already suppressed (reason updated)" : "suppressed");
	return query_end(&q, st, status, err, CLI_OK);
}

int cmd_unsuppress(struct cli *cli, int argc, char **argv)
{
	struct qopts q = {
		.name = "unsuppress", .usage = "ADDRESS",
		.help = "Makes a suppressed address active again; its soft-bounce count starts from zero.\n"
			"Exit 1 if the address is unknown.\n",
		.allowed = 0, .nargs = 1,
	};
	struct store *st;
	enum store_status status;
	char err[512] = "";
	int rc, was = 0;

	if ((rc = query_start(cli, &q, argc, argv, 0, &st)) >= 0)
		return rc;
	status = store_recipient_unsuppress(st, q.args[0], time(NULL), &was, err, sizeof(err));
	if (status == STORE_NOTFOUND) {
		fprintf(stderr, "rebound unsuppress: %s: unknown address\n", q.args[0]);
		return query_end(&q, st, STORE_OK, err, CLI_FAIL);
	}
	if (status == STORE_OK)
		printf("%s: %s\n", q.args[0], was ? "active again" : "was not suppressed");
	return query_end(&q, st, status, err, CLI_OK);
}

/* --- stats, purge ----------------------------------------------------------- */

static const struct fmt_col stats_cols[] = {
	{ "group", 0, 0 }, { "key", 0, 0 }, { "count", 1, 0 },
};

static int stats_out(void *ctx, const struct store_stat *s)
{
	char n[32];
	const char *v[] = { s->group, *s->key ? s->key : "-", n };

	snprintf(n, sizeof(n), "%ld", s->count);
	fmt_row(ctx, v);
	return 0;
}

int cmd_stats(struct cli *cli, int argc, char **argv)
{
	struct qopts q = {
		.name = "stats", .usage = "[--since DURATION] [--list LIST] [--json|--csv] | --by list [--json|--csv]",
		.help = "Counts bounces by class, reason, recipient domain, effect (what the policy\n"
			"did: counted, not-counted, suppressed, ...) and list (\"-\": none known), and\n"
			"recipients by state. --list LIST: the bounces of that list only (recipients:\n"
			"all).\n",
		.allowed = OPT_SINCE | OPT_FORMAT | OPT_LIST,
	};
	struct store *st;
	struct fmt f;
	enum store_status status = STORE_OK;
	char err[512] = "";
	int rc;

	if (cmd_stats_wants_by(argc, argv))
		return cmd_stats_by_list(cli, argc, argv);
	if ((rc = query_start(cli, &q, argc, argv, STORE_READONLY, &st)) >= 0)
		return rc;
	fmt_begin(&f, q.fmt, stdout, stats_cols, NCOLS(stats_cols));
	if (st) {
		status = store_stats(st, q.since, q.list, stats_out, &f, err, sizeof(err));
	} else {
		const struct store_stat zero = { "total", "bounces", 0 };

		stats_out(&f, &zero);
	}
	return query_end(&q, st, status, err, finish(&f, q.name));
}

int cmd_purge(struct cli *cli, int argc, char **argv)
{
	struct qopts q = {
		.name = "purge", .usage = "--older-than DURATION",
		.help = "Deletes bounces and events older than DURATION (e.g. 180d; events whatever\n"
			"their hook's state) and active addresses whose last bounce is older;\n"
			"suppressed addresses stay. Also deletes expired message tokens,\n"
			"and VERP ids and list attributions unused for 366 days (the longest\n"
			"tag_lifetime and a day) or DURATION if longer.\n",
		.allowed = OPT_OLDER,
	};
	struct store_purge_result res;
	struct store *st;
	enum store_status status;
	char err[512] = "";
	time_t now = time(NULL);
	int rc;

	if ((rc = query_start(cli, &q, argc, argv, 0, &st)) >= 0)
		return rc;
	status = store_purge(st, now - q.older_than, now,
			     now - (q.older_than > VERP_ID_KEEP ? q.older_than : VERP_ID_KEEP), &res, err, sizeof(err));
	if (status == STORE_OK)
		printf("purged: %ld bounces, %ld recipients, %ld messages, %ld verp ids, %ld list attributions, "
		       "%ld events\n",
		       res.bounces, res.recipients, res.messages, res.verp_ids, res.list_recipients, res.events);
	return query_end(&q, st, status, err, CLI_OK);
}

/* --- events ----------------------------------------------------------------- */

static const struct fmt_col event_cols[] = {
	{ "id", 1, 0 }, { "created_at", 0, 0 }, { "type", 0, 0 }, { "address", 0, 0 }, { "lists", 0, 0 },
	{ "cause", 0, 0 }, { "reason", 0, 0 }, { "status", 0, 0 }, { "class", 0, 0 }, { "bounce_id", 1, 0 },
	{ "hook", 0, 0 },
};

struct events_out {
	struct fmt f;
	int json, failed;
};

static int event_out(void *ctx, const struct store_event *e)
{
	struct events_out *o = ctx;
	char id[32], bid[32];
	const char *v[] = { id, e->created_at, e->type, e->address, e->lists, e->cause, e->reason, e->status,
			    e->class_name, bid, e->hook_state };

	if (o->json) {
		/* the object a hook reads on its standard input (docs/hooks.md) */
		char *line = hooks_event_json(e);

		if (!line || printf("%s\n", line) < 0)
			o->failed = 1;
		free(line);
		return o->failed;
	}
	snprintf(id, sizeof(id), "%lld", e->id);
	snprintf(bid, sizeof(bid), "%lld", e->bounce_id);
	fmt_row(&o->f, v);
	return 0;
}

int cmd_events(struct cli *cli, int argc, char **argv)
{
	struct qopts q = {
		.name = "events", .usage = "[--after ID] [--limit N] [--json|--csv]",
		.help = "Prints the events (suppressed, unsuppressed: changes of an address's state),\n"
			"oldest first, those with an id greater than ID only: a list manager keeps the\n"
			"last id it handled and polls with --after. --json: one object a line, as a hook\n"
			"reads it (docs/hooks.md). bounce_id is 0 (JSON: null) for a change by hand;\n"
			"hook: the delivery to event_hook (pending, done, failed, expired).\n",
		.allowed = OPT_AFTER | OPT_LIMIT | OPT_FORMAT,
	};
	struct events_out o = { .json = 0 };
	struct store *st;
	enum store_status status = STORE_OK;
	char err[512] = "";
	int rc = query_start(cli, &q, argc, argv, STORE_READONLY, &st);

	if (rc >= 0)
		return rc;
	o.json = q.fmt == FMT_JSON;
	if (!o.json)
		fmt_begin(&o.f, q.fmt, stdout, event_cols, NCOLS(event_cols));
	if (st)
		status = store_events_list(st, q.after, q.limit, event_out, &o, err, sizeof(err));
	if (o.json) {
		rc = o.failed || fflush(stdout) != 0 || ferror(stdout) ? CLI_FAIL : CLI_OK;
		if (rc != CLI_OK)
			fprintf(stderr, "rebound events: cannot write the output\n");
	} else {
		rc = finish(&o.f, q.name);
	}
	return query_end(&q, st, status, err, rc);
}
