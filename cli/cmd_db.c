/* cmd_db.c: `rebound db copy --to DATABASE`: copy every row of the
 * configured store (or -d) into another one, for moving an SQLite store to
 * the PostgreSQL store of several MTAs (docs/install.md, "Several MTAs"),
 * then count the rows on both sides and say whether they match. The
 * target's schema is migrated when it is opened; it must hold no bounces,
 * no recipients and no list counts yet. */
#include "cli.h"
#include "store.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

static void db_usage(FILE *fp)
{
	fprintf(fp, "usage: rebound [-c FILE] [-d DATABASE] db copy --to DATABASE\n"
		    "Copies every row of the database (the configuration's, or -d) into the\n"
		    "database named by --to (a file path or a postgresql:// URI), which must\n"
		    "hold no bounces, recipients or list counts yet, in one transaction, then counts\n"
		    "the rows of each table on both sides (list_counts: one row per list and\n"
		    "interval). Stop rebound-pipe and rebound-milter (or\n"
		    "Postfix's delivery to them) while it runs. Exit 0 when every count matches,\n"
		    "1 if not (or on an error), 75 if a database is locked or unreachable.\n");
}

int cmd_db(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "to", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *to = NULL, *from;
	struct store *src = NULL, *dst = NULL;
	struct store_copy_result res;
	enum store_status status;
	char err[1024] = "", a[512], b[512];
	int c, rc = CLI_OK;
	long timeout;

	if (cli_wants_help(argc, argv)) {
		db_usage(stdout);
		return CLI_OK;
	}
	if (argc < 2 || strcmp(argv[1], "copy") != 0) {
		db_usage(stderr);
		return CLI_USAGE;
	}
	argc--;
	argv++;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 't') {
			to = optarg;
		} else {
			db_usage(stderr);
			return CLI_USAGE;
		}
	}
	if (!to || optind != argc) {
		db_usage(stderr);
		return CLI_USAGE;
	}
	from = cli_database(cli);
	/* as the query commands: with -d no configuration is needed */
	timeout = cli->cfg ? cli->cfg->database_timeout : 10;
	if (!strcmp(from, to)) {
		fprintf(stderr, "rebound db copy: the source and the target are the same database\n");
		return CLI_USAGE;
	}
	status = store_open(from, timeout, STORE_READONLY, &src, err, sizeof(err));
	if (status == STORE_OK)
		status = store_open(to, timeout, STORE_CREATE, &dst, err, sizeof(err));
	if (status == STORE_OK)
		status = store_copy(src, dst, &res, err, sizeof(err));
	if (status != STORE_OK) {
		fprintf(stderr, "rebound db copy: %s\n", err);
		rc = status == STORE_TEMPFAIL ? CLI_TEMPFAIL : CLI_FAIL;
		goto out;
	}
	printf("%s -> %s\n", store_redact(from, a, sizeof(a)), store_redact(to, b, sizeof(b)));
	printf("%-20s %10s %10s\n", "table", "copied", "in target");
	for (int t = 0; t < STORE_COPY_NTABLES; t++) {
		int same = res.rows[t] == res.target[t];

		printf("%-20s %10ld %10ld%s\n", store_copy_table_name((enum store_copy_table)t), res.rows[t],
		       res.target[t], same ? "" : "  MISMATCH");
		if (!same)
			rc = CLI_FAIL;
	}
	printf("%s\n", rc == CLI_OK ? "ok: every count matches" : "counts differ");
out:
	store_close(dst);
	store_close(src);
	return rc;
}
