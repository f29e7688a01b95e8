/* cmd_config.c: `rebound config check`: load and validate the
 * configuration (lib/config.c checks every setting, as every program
 * does), the secret file and the bounce_rules file it names; print the
 * effective settings. Exit 0 when valid, 78 (EX_CONFIG) when not. */
#include "bounce.h"
#include "cli.h"
#include "verp.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

static void config_usage(FILE *fp)
{
	fprintf(fp, "usage: rebound [-c FILE] config check\n"
		    "Validates the configuration file (every setting, as rebound-milter and\n"
		    "rebound-pipe check it), the secret file it names (its permissions and\n"
		    "keys) and the bounce_rules file if set, then prints the effective settings.\n"
		    "Exits 0 when all are valid, 78 when not, with FILE:LINE: and the reason on\n"
		    "stderr. Warns (exit 0) when return_domain is an example domain\n"
		    "(example.org, ...), and when event_hook is not an executable file that only\n"
		    "its owner may change (it may be installed later).\n");
}

/* config_check_secret: secret_file loads (lib/secret.c: mode, keys) and a
 * codec can be built on it; otherwise says why on stderr. */
static int config_check_secret(const struct config *cfg)
{
	struct verp_keys *keys = NULL;
	struct verp_codec *codec = NULL;
	char err[1024];
	int st;

	if (verp_keys_load(cfg->secret_file, &keys, err, sizeof(err)) < 0) {
		fprintf(stderr, "rebound: %s\n", err);
		return CLI_CONFIG;
	}
	if ((st = verp_codec_new(cfg, keys, NULL, &codec)) != VERP_OK) {
		fprintf(stderr, "rebound: %s: cannot set up the VERP codec: %s\n", cfg->path, verp_strerror(st));
		verp_keys_free(keys);
		return CLI_CONFIG;
	}
	verp_codec_free(codec);
	verp_keys_free(keys);
	return CLI_OK;
}

/* config_check_rules: the bounce_rules file, if set, loads as
 * rebound-pipe loads it (which defers every bounce while it does not). */
static int config_check_rules(const struct config *cfg)
{
	struct bounce_rules *rules = NULL;
	char err[1024];

	if (!*cfg->bounce_rules)
		return CLI_OK;
	if (bounce_rules_load(cfg->bounce_rules, &rules, err, sizeof(err)) < 0) {
		fprintf(stderr, "rebound: %s: bounce_rules: %s\n", cfg->path, err);
		return CLI_CONFIG;
	}
	bounce_rules_free(rules);
	return CLI_OK;
}

/* config_check_hook: event_hook, if set, names a regular file with an
 * execute bit that neither group nor others may write: else a warning
 * (`rebound hooks run` retries events while the hook cannot be run). */
static void config_check_hook(const struct config *cfg)
{
	struct stat sb;

	if (!*cfg->event_hook)
		return;
	if (stat(cfg->event_hook, &sb) < 0)
		fprintf(stderr, "rebound: warning: %s: event_hook %s: %m\n", cfg->path, cfg->event_hook);
	else if (!S_ISREG(sb.st_mode) || !(sb.st_mode & 0111))
		fprintf(stderr, "rebound: warning: %s: event_hook %s is not an executable file\n", cfg->path,
			cfg->event_hook);
	else if (sb.st_mode & 022)
		fprintf(stderr, "rebound: warning: %s: event_hook %s may be changed by its group or others "
				"(mode %03o): it runs as the rebound user\n",
			cfg->path, cfg->event_hook, (unsigned)(sb.st_mode & 0777));
}

/* config_is_example_domain: domain is, or is under, a domain reserved for
 * examples (RFC 2606): example.com, example.net, example.org, .example. */
static int config_is_example_domain(const char *domain)
{
	static const char *const reserved[] = { "example.com", "example.net", "example.org", "example" };
	size_t n = strlen(domain);

	for (size_t i = 0; i < sizeof(reserved) / sizeof(reserved[0]); i++) {
		size_t m = strlen(reserved[i]);

		if (n >= m && strcasecmp(domain + n - m, reserved[i]) == 0 && (n == m || domain[n - m - 1] == '.'))
			return 1;
	}
	return 0;
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
	if (config_check_secret(cfg) != CLI_OK || config_check_rules(cfg) != CLI_OK)
		return CLI_CONFIG;
	/* valid, but as copied from rebound.conf.example: no bounce reaches it */
	if (config_is_example_domain(cfg->return_domain))
		fprintf(stderr, "rebound: warning: %s: return_domain %s is a domain reserved for examples "
				"(RFC 2606): set your own, with an MX record for this server\n",
			cfg->path, cfg->return_domain);
	config_check_hook(cfg);
	config_print(cfg, stdout);
	return CLI_OK;
}
