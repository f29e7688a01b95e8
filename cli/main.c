/* main.c: `rebound`, the command-line tool: global options and the
 * dispatch to the commands in cli/cmd_*.c. Errors go to stderr. */
#include "cli.h"
#include "log.h"
#include "stdfds.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct {
	const char *name;
	cli_command_fn fn;
	const char *summary;
} commands[] = {
	{ "config", cmd_config, "config check: validate the configuration and print it" },
	{ "init", cmd_init, "create the database or bring its schema up to date" },
	{ "list", cmd_list, "list the bounces received" },
	{ "show", cmd_show, "show an address: state, counts, bounces" },
	{ "suppressed", cmd_suppressed, "print the suppression list" },
	{ "suppress", cmd_suppress, "suppress an address by hand" },
	{ "unsuppress", cmd_unsuppress, "make a suppressed address active again" },
	{ "stats", cmd_stats, "count bounces by class, reason, domain and effect; --by list: rates per list" },
	{ "resume", cmd_resume, "resume LIST: end the pause of a list (rebound-milter sends its mail again)" },
	{ "metrics", cmd_metrics, "print counts, rates and pauses for Prometheus (text exposition format)" },
	{ "purge", cmd_purge, "delete old bounces and events" },
	{ "events", cmd_events, "events [--after ID] [--json|--csv]: changes of state, for list managers" },
	{ "hooks", cmd_hooks, "hooks run [--watch]: run event_hook for the events that are due" },
	{ "db", cmd_db, "db copy --to DATABASE: copy the store into another (SQLite to PostgreSQL)" },
	{ "parse", cmd_parse, "parse [--json] [--explain] [FILE...]: parse bounce messages" },
	{ "verp", cmd_verp, "verp encode ADDRESS | decode RETURN-PATH: the signed return path and back" },
};

static void usage(FILE *fp)
{
	fprintf(fp, "usage: rebound [-c FILE] [-d DATABASE] [-v] COMMAND [ARGS]\n"
		    "       rebound COMMAND --help\n\n"
		    "options:\n"
		    "  -c FILE      configuration file (default " CONFIG_DEFAULT_PATH ")\n"
		    "  -d DATABASE  database file or postgresql:// URI (overrides the configuration)\n"
		    "  -v           verbose\n\n"
		    "commands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(fp, "  %-12s %s\n", commands[i].name, commands[i].summary);
}

struct config *cli_config(struct cli *cli)
{
	char err[1024];

	if (!cli->cfg && config_load(cli->config_path, &cli->cfg, err, sizeof(err)) < 0) {
		fprintf(stderr, "rebound: %s\n", err);
		exit(CLI_CONFIG);
	}
	return cli->cfg;
}

const char *cli_database(struct cli *cli)
{
	return cli->database ? cli->database : cli_config(cli)->database;
}

int cli_wants_help(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--"))
			break;
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help"))
			return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct cli cli = { 0 };
	int c, rc;

	/* before anything opens a file: a closed 0, 1 or 2 gets /dev/null
	 * (output to a closed 1 still fails, as "cannot write the output") */
	if (stdfds_ensure() < 0)
		return CLI_FAIL;
	log_open("rebound", LOG_DEST_STDERR);
	if (argc > 1 && !strcmp(argv[1], "--help")) { /* getopt would call it invalid */
		usage(stdout);
		return CLI_OK;
	}
	/* '+': stop at the command; its options are its own. */
	while ((c = getopt(argc, argv, "+c:d:vh")) != -1) {
		switch (c) {
		case 'c': cli.config_path = optarg; break;
		case 'd': cli.database = optarg; break;
		case 'v': log_set_verbose(1); break;
		case 'h': usage(stdout); return CLI_OK;
		default: usage(stderr); return CLI_USAGE;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return CLI_USAGE;
	}
	if (!strcmp(argv[optind], "help") || !strcmp(argv[optind], "--help")) {
		usage(stdout);
		return CLI_OK;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (!strcmp(argv[optind], commands[i].name)) {
			int ci = optind;

			optind = 0; /* glibc: reinitialise getopt for the command's options */
			rc = commands[i].fn(&cli, argc - ci, argv + ci);
			goto done;
		}
	}
	fprintf(stderr, "rebound: unknown command \"%s\" (see rebound --help)\n", argv[optind]);
	return CLI_USAGE;
done:
	config_free(cli.cfg);
	return rc;
}
