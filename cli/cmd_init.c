/* cmd_init.c: `rebound init`: create the database if it is missing and
 * bring its schema up to date, as the user who runs it. An installation
 * runs it once as the user of rebound-pipe and rebound-milter, before
 * Postfix first reads the suppression table: Postfix's sqlite: client
 * would otherwise create an empty database file owned by root, which
 * rebound could not write (docs/install.md). On PostgreSQL (database =
 * postgresql://...) it applies the schema under an advisory lock, so two
 * hosts may run it at once; the database itself is the administrator's. */
#include "cli.h"
#include "store.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void init_usage(FILE *fp)
{
	fprintf(fp, "usage: rebound [-c FILE] [-d DATABASE] init\n"
		    "Creates the database if it is missing (not its directory) and brings its\n"
		    "schema up to date. Run it as the user of rebound-pipe and rebound-milter\n"
		    "(runuser -u rebound -- rebound init), never as root: the files would belong\n"
		    "to root. On PostgreSQL (a postgresql:// database) the database must exist;\n"
		    "init applies the schema, and may run on several hosts at once.\n"
		    "Exit 0 when the database is ready, 1 if not, 75 if it is locked or the\n"
		    "server cannot be reached.\n");
}

int cmd_init(struct cli *cli, int argc, char **argv)
{
	struct store *st = NULL;
	enum store_status status;
	const char *path;
	char err[1024] = "";
	int server;

	if (cli_wants_help(argc, argv)) {
		init_usage(stdout);
		return CLI_OK;
	}
	if (argc != 1) {
		init_usage(stderr);
		return CLI_USAGE;
	}
	path = cli_database(cli);
	server = store_is_server(path);
	if (geteuid() == 0 && !server) {
		fprintf(stderr, "rebound init: refusing to run as root: the database would belong to root; run it as\n"
				"the user of rebound-pipe, e.g. runuser -u rebound -- rebound init\n");
		return CLI_FAIL;
	}
	umask(007);
	status = store_open(path, cli_config(cli)->database_timeout, STORE_CREATE, &st, err, sizeof(err));
	if (status != STORE_OK) {
		fprintf(stderr, "rebound init: %s\n", err);
		return status == STORE_TEMPFAIL ? CLI_TEMPFAIL : CLI_FAIL;
	}
	store_close(st);
	if (server) {
		char shown[1024];

		printf("%s: ready (schema version %d)\n", store_redact(path, shown, sizeof(shown)), STORE_SCHEMA_VERSION);
		return CLI_OK;
	}
	/* The store creates the database 0660; an existing one may have
	 * another mode (made by hand, copied): the -wal and -shm files take
	 * the database's mode whoever creates them (Postfix as a reader, or
	 * rebound-pipe), and each side writes them. */
	if (chmod(path, 0660) < 0) {
		fprintf(stderr, "rebound init: chmod 0660 %s: %s\n", path, strerror(errno));
		return CLI_FAIL;
	}
	printf("%s: ready (schema version %d)\n", path, STORE_SCHEMA_VERSION);
	return CLI_OK;
}
