/* config.h: rebound.conf, the one configuration file of all programs.
 * Syntax of Postfix's main.cf: "name = value", '#' comment lines, a line
 * that starts with white space continues the previous one. Typed and
 * table-driven (config.c holds the table: names, types, defaults, limits).
 * Errors read "FILE:LINE: message"; callers exit EX_CONFIG (78) on them.
 * Every check of a setting's value lives here (config_load), so that
 * `rebound config check` and every program accept and refuse the same
 * files. */
#ifndef REBOUND_CONFIG_H
#define REBOUND_CONFIG_H

#include <stddef.h>
#include <stdio.h>

#ifndef SYSCONFDIR
#define SYSCONFDIR "/etc"
#endif
#define CONFIG_DEFAULT_PATH SYSCONFDIR "/rebound/rebound.conf"

struct config_list {
	char **items; /* NULL-terminated; owned by the list */
	size_t n;
};

enum config_on_store_error { CONFIG_STORE_ERROR_TEMPFAIL, CONFIG_STORE_ERROR_ACCEPT };

/* All durations are in seconds, sizes in bytes. Strings are never NULL
 * (an unset optional string is ""). Owned by the struct; config_free. */
struct config {
	char *path; /* the file it was read from */

	/* VERP return paths (lib/verp.c) */
	char *return_domain;
	char *return_prefix;
	char *recipient_delimiter;
	char *secret_file;
	long tag_lifetime;

	/* Store (lib/store*.c) */
	char *database;
	long database_timeout;

	/* Bounce parser (lib/bounce*.c) */
	long message_size_limit;
	char *bounce_rules;

	/* rebound-pipe, message mode: SMTP clients whose bounces confirm
	 * attributions as Postfix's own do, and whether leads get probes */
	struct config_list trusted_networks;
	int message_probes;

	/* Suppression policy and rebound-pipe */
	long soft_bounce_limit;
	long soft_bounce_window;
	long bounce_info_stale_after;
	char *forward_other_to;

	/* rebound-milter */
	char *milter_socket;
	char *user;
	char *pid_file;
	/* rebound-milter and rebound-pipe: log lines to this file instead of
	 * syslog (empty: syslog), as Postfix's maillog_file */
	char *log_file;
	struct config_list list_senders;
	struct config_list list_sasl_users;
	struct config_list list_clients;
	struct config_list list_services;
	int list_headers;
	int on_store_error; /* enum config_on_store_error */

	/* A list's reputation (lib/rates.h, docs/reputation.md): levels in
	 * ppm, per list overridable by rate_overrides (config_rate_limits) */
	long rate_bounce_warn, rate_bounce_pause;
	long rate_complaint_warn, rate_complaint_pause;
	long rate_window;
	long rate_min_volume;
	int rate_pause_action; /* enum rates_action */
	struct config_list rate_overrides; /* "LIST:name=value" items */
	long rate_interval; /* rebound-milter: write counts, evaluate, re-read pauses */
	/* `rebound hooks run` (lib/hooks.c): the program run once per event
	 * ("" = none), how long it may take, and the age of an event at which
	 * retries stop */
	char *event_hook;
	long event_hook_timeout;
	long event_hook_give_up;
};

/* config_load: read and validate FILE (CONFIG_DEFAULT_PATH if NULL).
 * Returns 0 and *out (caller frees with config_free), or -1 with a
 * "FILE:LINE: message" in err. */
int config_load(const char *path, struct config **out, char *err, size_t errlen);

/* config_load_string: the same from text in memory (tests); name is used
 * in messages in place of a file name. */
int config_load_string(const char *name, const char *text, struct config **out,
		       char *err, size_t errlen);

void config_free(struct config *cfg);

struct rates_limits;
/* config_rate_limits: the levels, window, minimum volume and pause action
 * of list (an envelope sender, compared without regard to case): the
 * rate_* settings, with the list's rate_overrides items applied in order.
 * config_load has checked every item (and warn <= pause for each list),
 * so this cannot fail. */
void config_rate_limits(const struct config *cfg, const char *list, struct rates_limits *out);

/* config_print: write the effective settings, one "name = value" a line,
 * in the table's order, to fp. */
void config_print(const struct config *cfg, FILE *fp);

/* One network, as list_clients names them: family AF_INET or AF_INET6,
 * the address in network byte order (4 or 16 bytes used), the prefix
 * length. */
struct config_net {
	int family;
	unsigned char addr[16];
	int prefix;
};

/* config_parse_net: "192.0.2.0/24", "2001:db8::/32", "[::1]/128" or a
 * bare address (a host). Returns 0, or -1 for bad syntax, a prefix out of
 * range or host bits set below the prefix (as Postfix insists). The one
 * parser of networks: config_load checks list_clients and trusted_networks
 * with it, rebound-milter builds its rules and rebound-pipe its trust with it. */
int config_parse_net(const char *s, struct config_net *out);

/* config_net_contains: whether the printable address addr (as Postfix
 * writes a client's: "192.0.2.1", "2001:db8::1"; an "IPv6:" prefix and
 * IPv4-mapped IPv6 addresses are understood) is in net. For list_clients
 * (rebound-milter) and trusted_networks (rebound-pipe). */
int config_net_contains(const struct config_net *net, const char *addr);

/* config_parse_duration: "30d", "12h", "90" (seconds), units s m h d w.
 * Returns 0 and *out in seconds, or -1. Used for command-line options too. */
int config_parse_duration(const char *s, long *out);

#endif
