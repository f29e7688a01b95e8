/* cmd_config.c: `rebound config check`: load and validate the
 * configuration (and the secret file it names), print the effective
 * settings. Exit 0 when valid, 78 (EX_CONFIG) when not. */
#include "cli.h"

#include <stdio.h>
#include <string.h>

static void config_usage(FILE *fp)
{
	fprintf(fp, "usage: rebound [-c FILE] config check\n"
		    "Validates the configuration file and prints the effective settings.\n");
}

int cmd_config(struct cli *cli, int argc, char **argv)
{
	struct config *cfg;

	if (cli_wants_help(argc, argv)) {
		config_usage(stdout);
		return CLI_OK;
	}
	if (argc != 2 || strcmp(argv[1], "check") != 0) {
		config_usage(stderr);
		return CLI_USAGE;
	}
	cfg = cli_config(cli);
	config_print(cfg, stdout);
	return CLI_OK;
}
