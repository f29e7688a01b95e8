/* cmd_hooks.c: `rebound hooks run [--watch]`: deliver the due events to
 * the event_hook program (lib/hooks.c does the work), once (for a systemd
 * timer or cron) or again and again until SIGTERM (--watch). Outcomes go
 * to syslog (facility mail, or log_file) and, with -v or a terminal on
 * stderr, to stderr too. Exit 0 after a pass (whatever the hooks did), 75
 * when the store failed, 1 as root, 2 on usage, 78 on configuration. */
#include "cli.h"
#include "hooks.h"
#include "log.h"
#include "store.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* --watch: seconds between passes when nothing was due. */
#define HOOKS_WATCH_INTERVAL 10

static volatile sig_atomic_t hooks_stop;

static void hooks_on_signal(int sig)
{
	(void)sig;
	hooks_stop = 1;
}

static time_t hooks_clock(void)
{
	return time(NULL);
}

static void hooks_usage(FILE *fp)
{
	fprintf(fp, "usage: rebound [-c FILE] [-d DATABASE] [-v] hooks run [--watch [--interval SECONDS]]\n"
		    "Runs event_hook once for each event that is due (docs/hooks.md): the event as\n"
		    "JSON on its standard input, its fields in REBOUND_* variables; exit 0 done,\n"
		    "75 retried later (1 min doubling up to a day, given up after\n"
		    "event_hook_give_up), other failed for good. Several runners may run at once,\n"
		    "on one host or many: each event is leased by one. One pass and exit, for a\n"
		    "systemd timer or cron; --watch: a pass every SECONDS (default %d) until\n"
		    "SIGTERM. Run it as the user of rebound-pipe, never as root.\n",
		HOOKS_WATCH_INTERVAL);
}

/* hooks_sleep: up to seconds, or until a signal asks to stop. */
static void hooks_sleep(long seconds)
{
	for (long i = 0; i < seconds * 10 && !hooks_stop; i++) {
		struct timespec t = { 0, 100 * 1000000L };

		nanosleep(&t, NULL);
	}
}

int cmd_hooks(struct cli *cli, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "watch", no_argument, NULL, 'w' },
		{ "interval", required_argument, NULL, 'i' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct hooks_config hc;
	struct config *cfg;
	struct store *st = NULL;
	struct sigaction sa = { .sa_handler = hooks_on_signal };
	char owner[320], err[512] = "", *end;
	long interval = HOOKS_WATCH_INTERVAL;
	int c, watch = 0, rc = CLI_OK;

	if (cli_wants_help(argc, argv)) {
		hooks_usage(stdout);
		return CLI_OK;
	}
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		switch (c) {
		case 'w':
			watch = 1;
			break;
		case 'i':
			errno = 0;
			interval = strtol(optarg, &end, 10);
			if (!*optarg || *end || errno || interval < 1 || interval > 3600) {
				fprintf(stderr, "rebound hooks: --interval: 1 to 3600 seconds\n");
				hooks_usage(stderr);
				return CLI_USAGE;
			}
			break;
		default:
			fprintf(stderr, "rebound hooks: %s %s\n", c == ':' ? "missing value for" : "unknown option",
				argv[optind - 1]);
			hooks_usage(stderr);
			return CLI_USAGE;
		}
	}
	if (argc - optind != 1 || strcmp(argv[optind], "run") != 0) {
		hooks_usage(stderr);
		return CLI_USAGE;
	}
	if (geteuid() == 0) {
		fprintf(stderr, "rebound hooks run: refusing to run hooks as root: run it as the user of rebound-pipe,\n"
				"e.g. runuser -u rebound -- rebound hooks run (the systemd unit sets User=)\n");
		return CLI_FAIL;
	}
	cfg = cli_config(cli);
	if (!*cfg->event_hook) {
		fprintf(stderr, "rebound hooks run: no event_hook in %s: nothing to run\n", cfg->path);
		return CLI_OK;
	}
	/* outcomes are for the mail log; stderr too when someone watches */
	log_open("rebound-hooks", LOG_DEST_SYSLOG | (isatty(2) ? LOG_DEST_STDERR : 0));
	if (*cfg->log_file && log_open_file(cfg->log_file, err, sizeof(err)) < 0)
		fprintf(stderr, "rebound hooks run: log_file: %s\n", err);
	hc = (struct hooks_config){ cfg->event_hook, cfg->event_hook_timeout, cfg->event_hook_give_up, cfg->path };
	hooks_owner(owner, sizeof(owner));
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	do {
		struct hooks_counts n;
		enum store_status s;

		if (!st && (s = store_open(cli_database(cli), cfg->database_timeout, 0, &st, err, sizeof(err))) !=
				   STORE_OK) {
			st = NULL;
		} else {
			s = hooks_run_pass(st, &hc, owner, hooks_clock, &n, err, sizeof(err));
			if (s == STORE_OK && (n.done || n.retried || n.failed || n.expired || n.lost))
				log_info("hooks: %ld done, %ld to retry, %ld failed, %ld given up, %ld leases lost",
					 n.done, n.retried, n.failed, n.expired, n.lost);
		}
		if (s != STORE_OK) {
			log_error("hooks: store: %s", err);
			rc = s == STORE_TEMPFAIL || s == STORE_NOTFOUND ? CLI_TEMPFAIL : CLI_FAIL;
			/* a new handle next time (the server may have gone) */
			store_close(st);
			st = NULL;
		} else {
			rc = CLI_OK;
		}
		if (watch)
			hooks_sleep(interval);
	} while (watch && !hooks_stop);
	store_close(st);
	log_open("rebound", LOG_DEST_STDERR);
	return rc;
}
