/* cmd_parse.c: `rebound parse [--json] [--explain] [FILE...]`: run the
 * bounce parser over message files (standard input if none; an mbox file
 * is split into its messages) and print one line per recipient: JSON
 * Lines with --json, else a table. No database. Site rules come from the
 * configuration (bounce_rules) when a configuration file exists. */
#include "bounce.h"
#include "cli.h"
#include "cmd_query_fmt.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void parse_usage(FILE *fp)
{
	fprintf(fp, "usage: rebound [-c FILE] parse [--json] [--explain] [FILE...]\n"
		    "Parses bounce messages (standard input if no FILE; mbox files are split)\n"
		    "and prints, per recipient, the kind, status, reason and class.\n"
		    "  --json     JSON Lines: file, kind, recipient, action, status, smtp_code,\n"
		    "             reason, class, permanent, diagnostic, remote_mta,\n"
		    "             original_envelope_id, original_recipient\n"
		    "  --explain  also say which rule decided the reason and class\n");
}

struct out_opts {
	int json;
	int explain;
};

static void print_rcpt(FILE *fp, const struct out_opts *o, const char *file,
		       const struct bounce_report *rep, const struct bounce_rcpt *r)
{
	static const struct bounce_rcpt none = { "", "", "", "", "", BOUNCE_CLASS_NONE, 0, "", "", "", "", "", 0 };
	size_t dlen;

	if (!r)
		r = &none;
	if (o->json) {
		fputs("{\"file\":", fp);
		fmt_json_string(fp, file);
		fputs(",\"kind\":", fp);
		fmt_json_string(fp, bounce_kind_name(rep->kind));
		fputs(",\"recipient\":", fp);
		fmt_json_string(fp, r->recipient);
		fputs(",\"action\":", fp);
		fmt_json_string(fp, r->action);
		fputs(",\"status\":", fp);
		fmt_json_string(fp, r->status);
		fputs(",\"smtp_code\":", fp);
		fmt_json_string(fp, r->smtp_code);
		fputs(",\"reason\":", fp);
		fmt_json_string(fp, r->reason);
		fputs(",\"class\":", fp);
		fmt_json_string(fp, bounce_class_name(r->class));
		fprintf(fp, ",\"permanent\":%s", r->permanent ? "true" : "false");
		fputs(",\"diagnostic\":", fp);
		fmt_json_string(fp, r->diagnostic);
		fputs(",\"remote_mta\":", fp);
		fmt_json_string(fp, r->remote_mta);
		fputs(",\"original_envelope_id\":", fp);
		fmt_json_string(fp, rep->original_envelope_id);
		fputs(",\"original_recipient\":", fp);
		fmt_json_string(fp, r->original_recipient);
		if (o->explain) {
			fputs(",\"rule\":", fp);
			fmt_json_string(fp, r->rule);
		}
		fputs("}\n", fp);
		return;
	}
	/* a long path shows its end, where the file's name is; every field
	 * is the message's (or the file name's) bytes: fmt_text neutralises them */
	if (strlen(file) > 24)
		file += strlen(file) - 24;
	{
		const char *raw[] = { file, r->recipient[0] ? r->recipient : "-", r->status[0] ? r->status : "-",
				      r->smtp_code[0] ? r->smtp_code : "-", r->reason[0] ? r->reason : "-",
				      r->rule[0] ? r->rule : "-" };
		char *t[6];
		char *diag = fmt_text(r->diagnostic, 0, NULL);
		int ok = diag != NULL;

		for (int i = 0; i < 6; i++)
			ok &= (t[i] = fmt_text(raw[i], 0, NULL)) != NULL;
		if (ok) {
			/* the diagnostic's first 60 bytes, cut between UTF-8 characters */
			dlen = strlen(diag);
			if (dlen > 60) {
				dlen = 60;
				while (dlen > 0 && ((unsigned char)diag[dlen] & 0xc0) == 0x80)
					dlen--;
			}
			fprintf(fp, "%-24.24s %-11s %-36.36s %-8s %-4s %-15s %-9s %.*s\n", t[0],
				bounce_kind_name(rep->kind), t[1], t[2], t[3], t[4],
				bounce_class_name(r->class)[0] ? bounce_class_name(r->class) : "-", (int)dlen, diag);
			if (o->explain)
				fprintf(fp, "%24s decided by: %s\n", "", t[5]);
		} else {
			fputs("? (out of memory)\n", fp);
		}
		for (int i = 0; i < 6; i++)
			free(t[i]);
		free(diag);
	}
}

/* read_all: the whole stream into a buffer (caller frees), at most limit
 * bytes plus one (so the parser sees that it was longer). */
static char *read_all(FILE *fp, size_t limit, size_t *len)
{
	size_t cap = 65536, n = 0;
	char *buf = malloc(cap);

	if (!buf)
		return NULL;
	for (;;) {
		size_t k;

		if (n == cap) {
			char *nb;

			if (cap > limit) /* stop reading: the parser marks it truncated */
				break;
			cap = cap * 2 > limit + 1 ? limit + 1 : cap * 2;
			if (!(nb = realloc(buf, cap))) {
				free(buf);
				return NULL;
			}
			buf = nb;
		}
		k = fread(buf + n, 1, cap - n, fp);
		n += k;
		if (k == 0)
			break;
	}
	if (ferror(fp)) {
		free(buf);
		errno = EIO;
		return NULL;
	}
	*len = n;
	return buf;
}

static int parse_one(const char *name, FILE *fp, const struct out_opts *o,
		     const struct bounce_options *bo, size_t limit)
{
	size_t len = 0, off = 0, mlen = 0;
	char *data = read_all(fp, limit, &len);
	const char *m;
	int rc = CLI_OK, first = 1;

	if (!data) {
		fprintf(stderr, "rebound: %s: %s\n", name, strerror(errno ? errno : ENOMEM));
		return CLI_FAIL;
	}
	if (len > limit)
		fprintf(stderr, "rebound: %s: longer than message_size_limit (%zu bytes): read only that much\n",
			name, limit);
	while ((m = bounce_mbox_next(data, len, &off, &mlen)) || first) {
		struct bounce_report *rep = NULL;
		char err[256];
		enum bounce_status st;

		if (!m) {
			m = data;
			mlen = 0;
		}
		first = 0;
		st = bounce_parse(m, mlen, bo, &rep, err, sizeof(err));
		if (st != BOUNCE_OK) {
			fprintf(stderr, "rebound: %s: %s\n", name, err);
			rc = st == BOUNCE_ENOMEM ? CLI_TEMPFAIL : CLI_FAIL;
			break;
		}
		if (rep->limited)
			fprintf(stderr, "rebound: %s: the parser's bound on %s was reached: what lay beyond it was dropped\n",
				name, rep->limited);
		if (rep->nrcpt == 0)
			print_rcpt(stdout, o, name, rep, NULL);
		for (size_t i = 0; i < rep->nrcpt; i++)
			print_rcpt(stdout, o, name, rep, &rep->rcpt[i]);
		bounce_report_free(rep);
		if (off >= len)
			break;
	}
	free(data);
	return rc;
}

int cmd_parse(struct cli *cli, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "explain", no_argument, NULL, 'x' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct out_opts o = { 0 };
	struct bounce_options bo = { 0 };
	struct bounce_rules *rules = NULL;
	size_t limit = 10240000;
	int c, rc = CLI_OK;

	while ((c = getopt_long(argc, argv, "+jxh", longopts, NULL)) != -1) {
		switch (c) {
		case 'j': o.json = 1; break;
		case 'x': o.explain = 1; break;
		case 'h': parse_usage(stdout); return CLI_OK;
		default: parse_usage(stderr); return CLI_USAGE;
		}
	}
	/* The configuration is optional here: parse works without one, but
	 * when one is named or installed, its size limit and rules apply. */
	if (cli->config_path || access(CONFIG_DEFAULT_PATH, R_OK) == 0) {
		struct config *cfg = cli_config(cli);
		char err[1024];

		limit = (size_t)cfg->message_size_limit;
		if (cfg->bounce_rules[0] && bounce_rules_load(cfg->bounce_rules, &rules, err, sizeof(err)) < 0) {
			fprintf(stderr, "rebound: %s\n", err);
			return CLI_CONFIG;
		}
	}
	bo.message_size_limit = limit;
	bo.rules = rules;
	if (!o.json)
		printf("%-24s %-11s %-36s %-8s %-4s %-15s %-9s %s\n", "FILE", "KIND", "RECIPIENT", "STATUS",
		       "CODE", "REASON", "CLASS", "DIAGNOSTIC");
	if (optind >= argc) {
		rc = parse_one("-", stdin, &o, &bo, limit);
	} else {
		for (int i = optind; i < argc; i++) {
			FILE *fp = strcmp(argv[i], "-") ? fopen(argv[i], "rb") : stdin;
			int r;

			if (!fp) {
				fprintf(stderr, "rebound: %s: %s\n", argv[i], strerror(errno));
				rc = CLI_FAIL;
				continue;
			}
			r = parse_one(argv[i], fp, &o, &bo, limit);
			if (fp != stdin)
				fclose(fp);
			if (r != CLI_OK && rc == CLI_OK)
				rc = r;
			if (r == CLI_TEMPFAIL)
				break;
		}
	}
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "rebound: write error: %s\n", strerror(errno));
		rc = CLI_FAIL;
	}
	bounce_rules_free(rules);
	return rc;
}
