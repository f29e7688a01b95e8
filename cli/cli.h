/* cli.h: what the commands of `rebound` (cli/cmd_*.c) share: the global
 * options, lazily loaded configuration, and the exit codes. */
#ifndef REBOUND_CLI_H
#define REBOUND_CLI_H

#include "config.h"

/* Exit codes of the CLI (rebound.1). */
#define CLI_OK 0
#define CLI_FAIL 1     /* a named address is unknown, a return path does not decode */
#define CLI_USAGE 2    /* usage error */
#define CLI_CONFIG 78  /* EX_CONFIG: bad configuration */
#define CLI_TEMPFAIL 75

struct cli {
	const char *config_path; /* -c, NULL = default */
	const char *database;    /* -d, overrides config "database" */
	struct config *cfg;      /* loaded by cli_config(); freed by main */
};

/* cli_config: the configuration, loaded on first use. On error prints
 * "rebound: FILE:LINE: message" to stderr and exits CLI_CONFIG. */
struct config *cli_config(struct cli *cli);

/* cli_database: -d if given, else the config's database. */
const char *cli_database(struct cli *cli);

/* cli_wants_help: argv holds -h or --help; then usage is printed by the
 * command and it returns CLI_OK. */
int cli_wants_help(int argc, char **argv);

/* One command: argv[0] is the command's name. Returns the exit code. */
typedef int (*cli_command_fn)(struct cli *cli, int argc, char **argv);

int cmd_config(struct cli *cli, int argc, char **argv);
int cmd_init(struct cli *cli, int argc, char **argv);
/* cli/cmd_query.c: the store's query commands */
int cmd_list(struct cli *cli, int argc, char **argv);
int cmd_show(struct cli *cli, int argc, char **argv);
int cmd_suppressed(struct cli *cli, int argc, char **argv);
int cmd_suppress(struct cli *cli, int argc, char **argv);
int cmd_unsuppress(struct cli *cli, int argc, char **argv);
int cmd_stats(struct cli *cli, int argc, char **argv);
int cmd_purge(struct cli *cli, int argc, char **argv);
int cmd_events(struct cli *cli, int argc, char **argv);
/* cli/cmd_hooks.c: `rebound hooks run` */
int cmd_hooks(struct cli *cli, int argc, char **argv);
int cmd_parse(struct cli *cli, int argc, char **argv);
int cmd_db(struct cli *cli, int argc, char **argv);
int cmd_verp(struct cli *cli, int argc, char **argv);
/* cli/cmd_rates.c: a list's reputation */
int cmd_resume(struct cli *cli, int argc, char **argv);
int cmd_metrics(struct cli *cli, int argc, char **argv);
/* stats --by list: cmd_stats hands argv over when cmd_stats_wants_by */
int cmd_stats_wants_by(int argc, char **argv);
int cmd_stats_by_list(struct cli *cli, int argc, char **argv);

#endif
