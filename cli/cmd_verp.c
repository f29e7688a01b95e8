/* cmd_verp.c: `rebound verp encode|decode`: turn a recipient (or a
 * message token) into its signed VERP return path and back, with the
 * configuration's return_domain, return_prefix, recipient_delimiter,
 * secret_file and tag_lifetime (docs/verp.md). The database is opened only
 * for the compact form of long addresses (read-only to decode). */
#include "cli.h"
#include "cmd_query_fmt.h"
#include "log.h"
#include "store.h"
#include "verp.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void verp_usage(FILE *fp)
{
	fprintf(fp,
		"usage: rebound [-c FILE] [-d DATABASE] verp encode ADDRESS\n"
		"       rebound [-c FILE] verp encode --message TOKEN\n"
		"       rebound [-c FILE] [-d DATABASE] verp decode RETURN-PATH\n"
		"encode prints the signed return path of a recipient (or of a message token:\n"
		"1 to %d characters of a-z, 0-9 and '-').\n"
		"decode prints the recipient a return path was made for, or \"message TOKEN\"\n"
		"for the return path of a message with several recipients; with -v it also\n"
		"says when it was made and which key signed it. When it does not decode\n"
		"(malformed, bad tag, expired, unknown) it says why on stderr and exits 1.\n"
		"Addresses too long for a readable return path use the compact form, kept\n"
		"in the database: encode writes it there, decode reads it.\n",
		VERP_TOKEN_MAX);
}

/* The keys and the codec of one command; the store only when needed. */
struct verp_cli {
	struct verp_keys *keys;
	struct verp_codec *codec;     /* no map */
	struct store *store;
	struct verp_codec *map_codec; /* with the store's map */
};

static void verp_cli_close(struct verp_cli *vc)
{
	verp_codec_free(vc->map_codec);
	store_close(vc->store);
	verp_codec_free(vc->codec);
	verp_keys_free(vc->keys);
}

/* verp_cli_open: keys and codec from the configuration; an exit code
 * other than CLI_OK on failure (said on stderr). */
static int verp_cli_open(struct cli *cli, struct verp_cli *vc)
{
	struct config *cfg = cli_config(cli);
	char err[1024];
	int st;

	memset(vc, 0, sizeof(*vc));
	if (verp_keys_load(cfg->secret_file, &vc->keys, err, sizeof(err)) < 0) {
		fprintf(stderr, "rebound: %s\n", err);
		return CLI_CONFIG;
	}
	if ((st = verp_codec_new(cfg, vc->keys, NULL, &vc->codec)) != VERP_OK) {
		fprintf(stderr, "rebound: cannot set up the VERP codec: %s\n", verp_strerror(st));
		return st == VERP_NOMEM ? CLI_TEMPFAIL : CLI_CONFIG;
	}
	return CLI_OK;
}

/* verp_cli_map_codec: a codec with the store's id -> recipient map, for
 * the compact form (read-only for decode). An exit code on failure. */
static int verp_cli_map_codec(struct cli *cli, struct verp_cli *vc, int readonly)
{
	const char *db = cli_database(cli);
	char err[1024] = "";
	enum store_status ss;
	int st;

	ss = store_open(db, cli_config(cli)->database_timeout, readonly ? STORE_READONLY : 0, &vc->store, err,
			sizeof(err));
	if (ss != STORE_OK) {
		fprintf(stderr, "rebound: the compact form of long addresses needs the database: %s\n",
			err[0] ? err : store_strstatus(ss));
		return ss == STORE_TEMPFAIL ? CLI_TEMPFAIL : CLI_FAIL;
	}
	if ((st = verp_codec_new(cli_config(cli), vc->keys, store_verp_map(vc->store), &vc->map_codec)) != VERP_OK) {
		fprintf(stderr, "rebound: cannot set up the VERP codec: %s\n", verp_strerror(st));
		return CLI_TEMPFAIL;
	}
	return CLI_OK;
}

static int verp_encode_cmd(struct cli *cli, const char *what_raw, int message)
{
	/* in messages: what was given, neutralised (it may be pasted from a bounce) */
	char *what = fmt_text(what_raw, 0, NULL);
	struct verp_cli vc;
	char path[VERP_MAX + 1];
	time_t now = time(NULL);
	enum verp_status st;
	int rc;

	if ((rc = verp_cli_open(cli, &vc)) != CLI_OK)
		goto done;
	if (!what) {
		fprintf(stderr, "rebound: out of memory\n");
		rc = CLI_TEMPFAIL;
		goto done;
	}
	st = message ? verp_encode_message(vc.codec, what_raw, now, path) : verp_encode(vc.codec, what_raw, now, path);
	if (!message && st == VERP_TOOLONG && strlen(what_raw) <= VERP_ADDRESS_MAX) {
		/* Too long to read in the local part: the compact form. */
		if ((rc = verp_cli_map_codec(cli, &vc, 0)) != CLI_OK)
			goto done;
		st = verp_encode(vc.map_codec, what_raw, now, path);
	}
	switch (st) {
	case VERP_OK:
		printf("%s\n", path);
		rc = CLI_OK;
		break;
	case VERP_MALFORMED:
		if (message)
			fprintf(stderr, "rebound: \"%s\": not a message token (1 to %d of a-z, 0-9, '-')\n", what,
				VERP_TOKEN_MAX);
		else
			fprintf(stderr, "rebound: \"%s\": not an address (local@domain, no control characters)\n",
				what);
		rc = CLI_FAIL;
		break;
	case VERP_TOOLONG:
		fprintf(stderr, "rebound: \"%s\": longer than %d octets\n", what, VERP_ADDRESS_MAX);
		rc = CLI_FAIL;
		break;
	default:
		fprintf(stderr, "rebound: \"%s\": %s\n", what, verp_strerror(st));
		rc = CLI_TEMPFAIL;
		break;
	}
done:
	free(what);
	verp_cli_close(&vc);
	return rc;
}

static const char *day_text(time_t t, char buf[16])
{
	struct tm tm;

	if (!gmtime_r(&t, &tm) || !strftime(buf, 16, "%Y-%m-%d", &tm))
		snprintf(buf, 16, "?");
	return buf;
}

/* decode_why: the stderr line of a return path that does not decode; the
 * path and what it claims are a stranger's bytes (fmt_text). */
static void decode_why(struct cli *cli, const char *path_raw, enum verp_status st, const struct verp_decoded *d)
{
	const struct config *cfg = cli_config(cli);
	char *path = fmt_text(path_raw, 0, NULL);
	char *who = fmt_text(d->form == VERP_FORM_MESSAGE ? d->token : d->recipient, 0, NULL);
	const char *what = d->form == VERP_FORM_MESSAGE ? "message " : "";
	char day[16];

	if (!path || !who) {
		fprintf(stderr, "rebound: %s\n", verp_strerror(st));
		free(path);
		free(who);
		return;
	}
	switch (st) {
	case VERP_MALFORMED:
		fprintf(stderr, "rebound: %s: malformed return path (not %s%s...@%s as rebound makes them)\n",
			path, cfg->return_prefix, cfg->recipient_delimiter, cfg->return_domain);
		break;
	case VERP_BADTAG:
		fprintf(stderr, "rebound: %s: bad tag: forged, altered, or signed with a key no longer in %s%s%s%s%s\n",
			path, cfg->secret_file, *who ? " (it claims " : "", what, who, *who ? ")" : "");
		break;
	case VERP_EXPIRED:
		fprintf(stderr, "rebound: %s: expired: made %s%s%s%s, tag_lifetime is %ld days\n", path,
			day_text(d->stamp, day), *who ? " for " : "", what, who, cfg->tag_lifetime / 86400);
		break;
	case VERP_UNKNOWN:
		fprintf(stderr, "rebound: %s: compact form with a valid tag, but its id is not in %s\n", path,
			cli_database(cli));
		break;
	default:
		fprintf(stderr, "rebound: %s: %s\n", path, verp_strerror(st));
		break;
	}
	free(path);
	free(who);
}

static int verp_decode_cmd(struct cli *cli, const char *path)
{
	struct verp_cli vc;
	struct verp_decoded d;
	time_t now = time(NULL);
	enum verp_status st;
	char day[16];
	int rc;

	if ((rc = verp_cli_open(cli, &vc)) != CLI_OK)
		goto done;
	st = verp_decode(vc.codec, path, now, &d);
	if (st == VERP_UNKNOWN && d.form == VERP_FORM_LONG) {
		/* A compact form with a good tag: look its id up. */
		if ((rc = verp_cli_map_codec(cli, &vc, 1)) != CLI_OK)
			goto done;
		st = verp_decode(vc.map_codec, path, now, &d);
	}
	if (st != VERP_OK) {
		decode_why(cli, path, st, &d);
		rc = st == VERP_TEMPFAIL || st == VERP_NOMEM ? CLI_TEMPFAIL : CLI_FAIL;
		goto done;
	}
	if (d.form == VERP_FORM_MESSAGE)
		fputs("message ", stdout);
	fmt_text_put(stdout, d.form == VERP_FORM_MESSAGE ? d.token : d.recipient);
	fputc('\n', stdout);
	log_debug("%s: %s form, made %s, key %d (0 = newest)", path,
		  d.form == VERP_FORM_MESSAGE ? "message" : d.form == VERP_FORM_LONG ? "compact" : "recipient",
		  day_text(d.stamp, day), d.key_index);
	rc = CLI_OK;
done:
	verp_cli_close(&vc);
	return rc;
}

int cmd_verp(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "message", no_argument, NULL, 'm' },
		{ NULL, 0, NULL, 0 },
	};
	const char *sub = argc > 1 ? argv[1] : "";
	int message = 0, c;

	if (cli_wants_help(argc, argv)) {
		verp_usage(stdout);
		return CLI_OK;
	}
	/* Options after the subcommand: "verp encode --message TOKEN". */
	argc--;
	argv++;
	while ((c = getopt_long(argc, argv, "+m", opts, NULL)) != -1) {
		switch (c) {
		case 'm': message = 1; break;
		default: verp_usage(stderr); return CLI_USAGE;
		}
	}
	if (argc - optind != 1 || (strcmp(sub, "encode") && strcmp(sub, "decode")) ||
	    (message && strcmp(sub, "encode"))) {
		verp_usage(stderr);
		return CLI_USAGE;
	}
	if (!strcmp(sub, "encode"))
		return verp_encode_cmd(cli, argv[optind], message);
	return verp_decode_cmd(cli, argv[optind]);
}
