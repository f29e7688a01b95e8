/* config.c: the table of rebound.conf settings and the main.cf-style
 * reader that fills struct config from it; see config.h. */
#include "config.h"
#include "rates.h"
#include "store.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

enum config_type { T_STR, T_BOOL, T_INT, T_DURATION, T_SIZE, T_LIST, T_ENUM, T_RATE };

struct config_entry {
	const char *name;
	enum config_type type;
	size_t offset;
	const char *def;      /* default, as written in the file; NULL = required */
	long min, max;        /* for T_INT, T_DURATION, T_SIZE, T_RATE (ppm) */
	const char *const *choices; /* for T_ENUM: index is the stored value */
	/* extra check on a string value, or on each item of a list;
	 * returns NULL or a message */
	const char *(*check)(const char *value);
};

static const char *check_domain(const char *v);
static const char *check_prefix(const char *v);
static const char *check_delimiter(const char *v);
static const char *check_socket(const char *v);
static const char *check_path(const char *v);
static const char *check_database(const char *v);
static const char *check_forward_to(const char *v);
static const char *check_sender(const char *v);
static const char *check_network(const char *v);
static const char *check_rate_override(const char *v);
static const char *check_trusted_network(const char *v);

static const char *const on_store_error_choices[] = { "tempfail", "accept", NULL };
/* index: enum rates_action */
static const char *const rate_pause_action_choices[] = { "hold", "tempfail", NULL };

#define OFF(f) offsetof(struct config, f)
#define DAY (24L * 3600)
static const struct config_entry config_table[] = {
	{ "return_domain", T_STR, OFF(return_domain), NULL, 0, 0, NULL, check_domain },
	{ "return_prefix", T_STR, OFF(return_prefix), "bounces", 0, 0, NULL, check_prefix },
	{ "recipient_delimiter", T_STR, OFF(recipient_delimiter), "+", 0, 0, NULL, check_delimiter },
	{ "secret_file", T_STR, OFF(secret_file), NULL, 0, 0, NULL, check_path },
	/* The tag stores days modulo 1024 (docs/verp.md): keep well below. */
	{ "tag_lifetime", T_DURATION, OFF(tag_lifetime), "30d", DAY, 365 * DAY, NULL, NULL },
	{ "database", T_STR, OFF(database), "/var/lib/rebound/rebound.db", 0, 0, NULL, check_database },
	{ "database_timeout", T_DURATION, OFF(database_timeout), "10s", 0, 3600, NULL, NULL },
	{ "message_size_limit", T_SIZE, OFF(message_size_limit), "10240000", 1024, 1L << 30, NULL, NULL },
	{ "bounce_rules", T_STR, OFF(bounce_rules), "", 0, 0, NULL, check_path },
	/* message mode: whose bounces confirm, and probes (docs/postfix.md) */
	{ "trusted_networks", T_LIST, OFF(trusted_networks), "", 0, 0, NULL, check_trusted_network },
	{ "message_probes", T_BOOL, OFF(message_probes), "yes", 0, 0, NULL, NULL },
	{ "soft_bounce_limit", T_INT, OFF(soft_bounce_limit), "5", 1, 1000, NULL, NULL },
	{ "soft_bounce_window", T_DURATION, OFF(soft_bounce_window), "30d", DAY, 3650 * DAY, NULL, NULL },
	{ "bounce_info_stale_after", T_DURATION, OFF(bounce_info_stale_after), "30d", DAY, 3650 * DAY, NULL, NULL },
	{ "forward_other_to", T_STR, OFF(forward_other_to), "", 0, 0, NULL, check_forward_to },
	{ "milter_socket", T_STR, OFF(milter_socket), "unix:/run/rebound/milter.sock", 0, 0, NULL, check_socket },
	{ "user", T_STR, OFF(user), "rebound", 0, 0, NULL, NULL },
	{ "pid_file", T_STR, OFF(pid_file), "/run/rebound/rebound-milter.pid", 0, 0, NULL, check_path },
	{ "log_file", T_STR, OFF(log_file), "", 0, 0, NULL, check_path },
	{ "list_senders", T_LIST, OFF(list_senders), "", 0, 0, NULL, check_sender },
	{ "list_sasl_users", T_LIST, OFF(list_sasl_users), "", 0, 0, NULL, NULL },
	{ "list_clients", T_LIST, OFF(list_clients), "", 0, 0, NULL, check_network },
	{ "list_services", T_LIST, OFF(list_services), "", 0, 0, NULL, NULL },
	{ "list_headers", T_BOOL, OFF(list_headers), "no", 0, 0, NULL, NULL },
	{ "on_store_error", T_ENUM, OFF(on_store_error), "tempfail", 0, 0, on_store_error_choices, NULL },
	/* a list's reputation (docs/reputation.md); Amazon SES's levels */
	{ "rate_bounce_warn", T_RATE, OFF(rate_bounce_warn), "5%", 1, RATES_PPM, NULL, NULL },
	{ "rate_bounce_pause", T_RATE, OFF(rate_bounce_pause), "10%", 1, RATES_PPM, NULL, NULL },
	{ "rate_complaint_warn", T_RATE, OFF(rate_complaint_warn), "0.1%", 1, RATES_PPM, NULL, NULL },
	{ "rate_complaint_pause", T_RATE, OFF(rate_complaint_pause), "0.5%", 1, RATES_PPM, NULL, NULL },
	{ "rate_window", T_DURATION, OFF(rate_window), "24h", 300, 7 * DAY, NULL, NULL },
	{ "rate_min_volume", T_INT, OFF(rate_min_volume), "500", 1, 1000000000, NULL, NULL },
	{ "rate_pause_action", T_ENUM, OFF(rate_pause_action), "hold", 0, 0, rate_pause_action_choices, NULL },
	{ "rate_overrides", T_LIST, OFF(rate_overrides), "", 0, 0, NULL, check_rate_override },
	{ "rate_interval", T_DURATION, OFF(rate_interval), "1m", 1, 3600, NULL, NULL },
	/* event hooks, run by `rebound hooks run` (lib/hooks.c, docs/hooks.md) */
	{ "event_hook", T_STR, OFF(event_hook), "", 0, 0, NULL, check_path },
	{ "event_hook_timeout", T_DURATION, OFF(event_hook_timeout), "30s", 1, 3600, NULL, NULL },
	{ "event_hook_give_up", T_DURATION, OFF(event_hook_give_up), "3d", 600, 30 * DAY, NULL, NULL },
};
#define NENTRIES (sizeof(config_table) / sizeof(config_table[0]))

static const char *check_domain(const char *v)
{
	size_t len = strlen(v), label = 0;

	if (len == 0 || len > 253)
		return "must be a domain name";
	for (const char *p = v; *p; p++) {
		if (*p == '.') {
			if (label == 0)
				return "must be a domain name (empty label)";
			label = 0;
		} else if (isalnum((unsigned char)*p) || *p == '-') {
			if (++label > 63)
				return "must be a domain name (label longer than 63)";
		} else {
			return "must be a domain name (letters, digits, '-', '.')";
		}
	}
	if (label == 0)
		return "must be a domain name (ends in '.')";
	return NULL;
}

static const char *check_prefix(const char *v)
{
	if (*v == '\0' || strlen(v) > 16)
		return "must be 1 to 16 characters";
	for (const char *p = v; *p; p++)
		if (!(islower((unsigned char)*p) || isdigit((unsigned char)*p) || *p == '-' || *p == '.'))
			return "may hold only lowercase letters, digits, '-' and '.' (return paths must survive lowercasing)";
	if (v[0] == '.' || strstr(v, ".."))
		return "must not start with '.' nor hold \"..\" (it starts an unquoted local part)";
	return NULL;
}

static const char *check_delimiter(const char *v)
{
	if (strlen(v) != 1)
		return "must be one character, the one Postfix's recipient_delimiter uses";
	if (!strchr("+-", *v))
		return "must be '+' or '-' (a character that is safe in a local part and not used by the encoding)";
	return NULL;
}

static const char *check_socket(const char *v)
{
	if (strncmp(v, "unix:", 5) == 0 || strncmp(v, "local:", 6) == 0)
		return v[strcspn(v, ":") + 1] == '/' ? NULL : "unix: socket path must be absolute";
	if (strncmp(v, "inet:", 5) == 0 || strncmp(v, "inet6:", 6) == 0) {
		/* libmilter's syntax: PORT, or PORT@HOST */
		const char *port = v + strcspn(v, ":") + 1, *at = strchr(port, '@');
		size_t plen = at ? (size_t)(at - port) : strlen(port);
		long n = 0;

		for (size_t i = 0; i < plen; i++) {
			if (!isdigit((unsigned char)port[i]) || (n = n * 10 + (port[i] - '0')) > 65535)
				return "inet: the port must be a number from 1 to 65535 (inet:PORT@HOST)";
		}
		if (plen == 0 || n == 0)
			return "inet: the port must be a number from 1 to 65535 (inet:PORT@HOST)";
		if (at && (at[1] == '\0' || strpbrk(at + 1, " \t@")))
			return "inet: a host name or address after '@' (inet:PORT@HOST)";
		return NULL;
	}
	return "must be unix:/PATH, inet:PORT@HOST or inet6:PORT@HOST";
}

static const char *check_path(const char *v)
{
	return *v == '/' ? NULL : "must be an absolute path";
}

/* check_database: an SQLite file (an absolute path) or a PostgreSQL
 * database (a postgresql:// URI or a libpq conninfo string). */
static const char *check_database(const char *v)
{
	return *v == '/' || store_is_server(v) ? NULL
					       : "must be an absolute path or a postgresql:// URI or conninfo";
}

/* check_forward_to: an address that sendmail(1) takes as one recipient
 * (bounce-pipe/sendmail.c): no option, no space, no control character. */
static const char *check_forward_to(const char *v)
{
	if (*v == '-')
		return "must be an address (it must not start with '-')";
	if (strlen(v) > 254)
		return "must be an address of at most 254 characters";
	for (const char *p = v; *p; p++)
		if ((unsigned char)*p <= 0x20 || *p == 0x7f || *p == '<' || *p == '>' || *p == ',')
			return "must be one address (no spaces, commas, brackets or control characters)";
	return NULL;
}

static const char *check_sender(const char *v)
{
	const char *at = strchr(v, '@');

	if (!at || at[1] == '\0' || strchr(at + 1, '@'))
		return "use user@domain or @domain";
	return NULL;
}

static const char *check_network(const char *v)
{
	struct config_net net;

	if (config_parse_net(v, &net) < 0)
		return "use 192.0.2.0/24, 2001:db8::/32 or an address; a prefix of at most 32 or 128, no host bits below it";
	return NULL;
}

/* The settings a rate_overrides item may change: rate_NAME. */
static const char *const rate_override_names[] = { "bounce_warn", "bounce_pause", "complaint_warn", "complaint_pause",
						    "window", "min_volume", "pause_action", NULL };

static const struct config_entry *entry_find(const char *name);
static int entry_set(struct config *cfg, const struct config_entry *e, const char *v, char *msg, size_t msglen);

/* rate_override_split: "LIST:NAME=VALUE" into its parts (list and name
 * copied into the buffers); the entry rate_NAME, or NULL with *why. */
static const struct config_entry *rate_override_split(const char *v, char *list, size_t listlen, const char **value,
							const char **why)
{
	const char *colon = strchr(v, ':'), *eq;
	char name[64];

	*why = "use LIST:NAME=VALUE, e.g. news@lists.example.org:bounce_pause=8%";
	if (!colon || (size_t)(colon - v) >= listlen || !(eq = strchr(colon, '=')))
		return NULL;
	memcpy(list, v, (size_t)(colon - v));
	list[colon - v] = '\0';
	if (list[0] == '@' || check_sender(list)) {
		*why = "LIST must be a list's envelope sender, user@domain";
		return NULL;
	}
	if ((size_t)(eq - colon - 1) >= sizeof(name) - 5)
		return NULL;
	snprintf(name, sizeof(name), "rate_%.*s", (int)(eq - colon - 1), colon + 1);
	for (size_t i = 0; rate_override_names[i]; i++)
		if (!strcmp(name + 5, rate_override_names[i])) {
			*value = eq + 1;
			return entry_find(name);
		}
	*why = "NAME must be bounce_warn, bounce_pause, complaint_warn, complaint_pause, window, min_volume or "
	       "pause_action";
	return NULL;
}

static const char *check_rate_override(const char *v)
{
	const struct config_entry *e;
	struct config scratch;
	const char *value, *why;
	char list[320], msg[256];

	if (!(e = rate_override_split(v, list, sizeof(list), &value, &why)))
		return why;
	memset(&scratch, 0, sizeof(scratch));
	if (entry_set(&scratch, e, value, msg, sizeof(msg)) < 0)
		return e->type == T_RATE ? "VALUE must be a percentage (5%, 0.1%) of at most 100%"
		       : e->type == T_ENUM ? "VALUE of pause_action must be hold or tempfail"
		       : e->type == T_DURATION ? "VALUE of window must be a time from 5m to 7d"
					       : "VALUE of min_volume must be a number from 1";
	return NULL;
}

void config_rate_limits(const struct config *cfg, const char *list, struct rates_limits *out)
{
	struct config c;

	/* the fields rate_override_split can name, in a scratch copy */
	memset(&c, 0, sizeof(c));
	c.rate_bounce_warn = cfg->rate_bounce_warn;
	c.rate_bounce_pause = cfg->rate_bounce_pause;
	c.rate_complaint_warn = cfg->rate_complaint_warn;
	c.rate_complaint_pause = cfg->rate_complaint_pause;
	c.rate_window = cfg->rate_window;
	c.rate_min_volume = cfg->rate_min_volume;
	c.rate_pause_action = cfg->rate_pause_action;
	for (size_t i = 0; list && i < cfg->rate_overrides.n; i++) {
		const struct config_entry *e;
		const char *value, *why;
		char l[320], msg[256];

		e = rate_override_split(cfg->rate_overrides.items[i], l, sizeof(l), &value, &why);
		if (e && !strcasecmp(l, list))
			(void)entry_set(&c, e, value, msg, sizeof(msg)); /* checked at load */
	}
	out->bounce_warn = c.rate_bounce_warn;
	out->bounce_pause = c.rate_bounce_pause;
	out->complaint_warn = c.rate_complaint_warn;
	out->complaint_pause = c.rate_complaint_pause;
	out->window = c.rate_window;
	out->min_volume = c.rate_min_volume;
	out->action = c.rate_pause_action;
}

/* rate_levels_check: warn <= pause for the defaults and for each list
 * that rate_overrides names; -1 with a message. */
static int rate_levels_check(const struct config *cfg, char *msg, size_t msglen)
{
	for (size_t i = 0; i <= cfg->rate_overrides.n; i++) {
		const char *list = NULL, *value, *why;
		char l[320];
		struct rates_limits r;

		if (i < cfg->rate_overrides.n) {
			if (!rate_override_split(cfg->rate_overrides.items[i], l, sizeof(l), &value, &why))
				continue;
			list = l;
		}
		config_rate_limits(cfg, list, &r);
		if (r.bounce_warn > r.bounce_pause || r.complaint_warn > r.complaint_pause) {
			snprintf(msg, msglen, "%s%s: a warn level above its pause level (rate_bounce_warn <= "
				 "rate_bounce_pause, rate_complaint_warn <= rate_complaint_pause)",
				 list ? "rate_overrides for " : "rate_*", list ? list : "");
			return -1;
		}
	}
	return 0;
}

/* check_trusted_network: a network whose bounces confirm recipients
 * (docs/postfix.md) is one of the operator's own relays, never a large part
 * of the Internet: 0.0.0.0/0 would let anyone's forged bounce suppress
 * addresses, which is what message mode's checks exist to prevent. */
static const char *check_trusted_network(const char *v)
{
	struct config_net net;
	const char *e = check_network(v);

	if (e)
		return e;
	(void)config_parse_net(v, &net); /* cannot fail: check_network parsed it */
	if (net.prefix < (net.family == AF_INET ? 8 : 16))
		return "trusts too much of the Internet (a prefix shorter than /8, or /16 for IPv6): name your own relays";
	return NULL;
}

int config_parse_net(const char *s, struct config_net *out)
{
	char buf[INET6_ADDRSTRLEN + 8];
	const char *slash = strchr(s, '/');
	size_t alen = slash ? (size_t)(slash - s) : strlen(s);
	int bits;

	memset(out, 0, sizeof(*out));
	if (alen == 0 || alen >= sizeof(buf))
		return -1;
	memcpy(buf, s, alen);
	buf[alen] = '\0';
	if (buf[0] == '[' && buf[alen - 1] == ']') { /* Postfix writes [::1]/128 */
		memmove(buf, buf + 1, alen - 2);
		buf[alen - 2] = '\0';
	}
	if (inet_pton(AF_INET, buf, out->addr) == 1) {
		out->family = AF_INET;
		bits = 32;
	} else if (inet_pton(AF_INET6, buf, out->addr) == 1) {
		out->family = AF_INET6;
		bits = 128;
	} else {
		return -1;
	}
	out->prefix = bits;
	if (slash) {
		char *end;
		long p;

		if (!isdigit((unsigned char)slash[1]))
			return -1;
		errno = 0;
		p = strtol(slash + 1, &end, 10);
		if (errno || *end || p < 0 || p > bits)
			return -1;
		out->prefix = (int)p;
	}
	/* Host bits below the prefix must be zero (as Postfix insists). */
	for (int i = out->prefix; i < bits; i++)
		if (out->addr[i / 8] & (0x80 >> (i % 8)))
			return -1;
	return 0;
}

int config_net_contains(const struct config_net *net, const char *addr)
{
	unsigned char a[16];
	const unsigned char *cmp = a;
	int family;

	if (!addr)
		return 0;
	if (strncasecmp(addr, "IPv6:", 5) == 0)
		addr += 5;
	if (inet_pton(AF_INET, addr, a) == 1) {
		family = AF_INET;
	} else if (inet_pton(AF_INET6, addr, a) == 1) {
		static const unsigned char mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

		family = AF_INET6;
		if (net->family == AF_INET && memcmp(a, mapped, 12) == 0) {
			family = AF_INET;
			cmp = a + 12;
		}
	} else {
		return 0;
	}
	if (family != net->family)
		return 0;
	for (int i = 0; i < net->prefix; i += 8) {
		int left = net->prefix - i;
		unsigned char mask = left >= 8 ? 0xff : (unsigned char)(0xff << (8 - left));

		if ((cmp[i / 8] & mask) != (net->addr[i / 8] & mask))
			return 0;
	}
	return 1;
}

static void set_err(char *err, size_t errlen, const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
static void set_err(char *err, size_t errlen, const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!err || errlen == 0)
		return;
	n = line > 0 ? snprintf(err, errlen, "%s:%d: ", file, line) : snprintf(err, errlen, "%s: ", file);
	if (n < 0 || (size_t)n >= errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(err + n, errlen - (size_t)n, fmt, ap);
	va_end(ap);
}

int config_parse_duration(const char *s, long *out)
{
	char *end;
	long v, mult = 1;

	if (!s || !isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno)
		return -1;
	switch (*end) {
	case '\0': case 's': mult = 1; break;
	case 'm': mult = 60; break;
	case 'h': mult = 3600; break;
	case 'd': mult = DAY; break;
	case 'w': mult = 7 * DAY; break;
	default: return -1;
	}
	if (*end && end[1])
		return -1;
	if (v > LONG_MAX / mult)
		return -1;
	*out = v * mult;
	return 0;
}

static int parse_size(const char *s, long *out)
{
	char *end;
	long v;

	if (!isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end)
		return -1;
	*out = v;
	return 0;
}

static void list_free(struct config_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->items[i]);
	free(l->items);
	l->items = NULL;
	l->n = 0;
}

/* Postfix's list syntax: items separated by commas and/or white space. */
static int list_parse(const char *v, struct config_list *l)
{
	const char *sep = ", \t\r\n";
	const char *p = v;

	list_free(l);
	l->items = calloc(1, sizeof(char *));
	if (!l->items)
		return -1;
	while (*(p += strspn(p, sep))) {
		size_t len = strcspn(p, sep);
		char **items = realloc(l->items, (l->n + 2) * sizeof(char *));

		if (!items)
			return -1;
		l->items = items;
		if (!(l->items[l->n] = strndup(p, len)))
			return -1;
		l->items[++l->n] = NULL;
		p += len;
	}
	return 0;
}

static int parse_bool(const char *v, int *out)
{
	if (!strcasecmp(v, "yes") || !strcasecmp(v, "true") || !strcmp(v, "1") || !strcasecmp(v, "on"))
		*out = 1;
	else if (!strcasecmp(v, "no") || !strcasecmp(v, "false") || !strcmp(v, "0") || !strcasecmp(v, "off"))
		*out = 0;
	else
		return -1;
	return 0;
}

/* entry_set: store value v for entry e; -1 with a message (no location). */
static int entry_set(struct config *cfg, const struct config_entry *e, const char *v,
		     char *msg, size_t msglen)
{
	void *field = (char *)cfg + e->offset;
	const char *why;
	long n = 0;

	switch (e->type) {
	case T_STR:
		if (e->check && *v && (why = e->check(v))) {
			snprintf(msg, msglen, "%s: %s", e->name, why);
			return -1;
		}
		{
			char *copy = strdup(v);

			if (!copy) {
				snprintf(msg, msglen, "out of memory");
				return -1;
			}
			free(*(char **)field);
			*(char **)field = copy;
		}
		return 0;
	case T_BOOL:
		if (parse_bool(v, (int *)field) < 0) {
			snprintf(msg, msglen, "%s: bad boolean value \"%s\" (use yes or no)", e->name, v);
			return -1;
		}
		return 0;
	case T_INT:
	case T_SIZE:
		if (parse_size(v, &n) < 0) {
			snprintf(msg, msglen, "%s: bad number \"%s\"", e->name, v);
			return -1;
		}
		break;
	case T_RATE:
		if (rates_parse(v, &n) < 0) {
			snprintf(msg, msglen, "%s: bad rate \"%s\" (a percentage of at most 100%% with up to 4 "
				 "decimals: 5%%, 0.1%%)", e->name, v);
			return -1;
		}
		break;
	case T_DURATION:
		if (config_parse_duration(v, &n) < 0) {
			snprintf(msg, msglen, "%s: bad time value \"%s\" (a number with unit s, m, h, d or w)",
				 e->name, v);
			return -1;
		}
		break;
	case T_LIST: {
		struct config_list *l = field;

		if (list_parse(v, l) < 0) {
			snprintf(msg, msglen, "out of memory");
			return -1;
		}
		for (size_t i = 0; e->check && i < l->n; i++) {
			if ((why = e->check(l->items[i]))) {
				snprintf(msg, msglen, "%s: bad item \"%.200s\" (%s)", e->name, l->items[i], why);
				return -1;
			}
		}
		return 0;
	}
	case T_ENUM:
		for (int i = 0; e->choices[i]; i++)
			if (!strcmp(v, e->choices[i])) {
				*(int *)field = i;
				return 0;
			}
		snprintf(msg, msglen, "%s: bad value \"%s\" (one of:", e->name, v);
		for (int i = 0; e->choices[i]; i++) {
			size_t len = strlen(msg);
			snprintf(msg + len, msglen - len, " %s", e->choices[i]);
		}
		strncat(msg, ")", msglen - strlen(msg) - 1);
		return -1;
	}
	if (n < e->min || n > e->max) {
		snprintf(msg, msglen, "%s: value \"%s\" out of range", e->name, v);
		return -1;
	}
	*(long *)field = n;
	return 0;
}

static const struct config_entry *entry_find(const char *name)
{
	for (size_t i = 0; i < NENTRIES; i++)
		if (!strcmp(config_table[i].name, name))
			return &config_table[i];
	return NULL;
}

static void rtrim(char *s)
{
	size_t n = strlen(s);

	while (n > 0 && isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
}

/* apply_line: "name = value" of a logical line that started at lineno. */
static int apply_line(struct config *cfg, char *seen, const char *file, int lineno, char *line,
		      char *err, size_t errlen)
{
	char msg[512];
	char *eq = strchr(line, '=');
	char *name = line, *value;
	const struct config_entry *e;

	if (!eq) {
		set_err(err, errlen, file, lineno, "missing '=' (expected \"name = value\")");
		return -1;
	}
	*eq = '\0';
	rtrim(name);
	value = eq + 1;
	value += strspn(value, " \t");
	rtrim(value);
	if (*name == '\0') {
		set_err(err, errlen, file, lineno, "missing parameter name before '='");
		return -1;
	}
	if (!(e = entry_find(name))) {
		set_err(err, errlen, file, lineno, "unknown parameter \"%s\"", name);
		return -1;
	}
	if (entry_set(cfg, e, value, msg, sizeof(msg)) < 0) {
		set_err(err, errlen, file, lineno, "%s", msg);
		return -1;
	}
	seen[e - config_table] = 1;
	return 0;
}

static int config_parse(const char *file, const char *text, struct config **out, char *err, size_t errlen)
{
	struct config *cfg = calloc(1, sizeof(*cfg));
	char seen[NENTRIES] = { 0 };
	char msg[512];
	char *logical = NULL;
	size_t loglen = 0;
	int logline = 0, lineno = 0;
	const char *p = text;

	if (!cfg || !(cfg->path = strdup(file))) {
		free(cfg);
		set_err(err, errlen, file, 0, "out of memory");
		return -1;
	}
	/* Defaults first. */
	for (size_t i = 0; i < NENTRIES; i++) {
		const struct config_entry *e = &config_table[i];

		if (entry_set(cfg, e, e->def ? e->def : "", msg, sizeof(msg)) < 0) {
			set_err(err, errlen, file, 0, "built-in default: %s", msg);
			goto fail;
		}
	}
	for (;;) {
		size_t len = strcspn(p, "\n");
		int at_end = p[len] == '\0';
		char *line = strndup(p, len);

		if (!line) {
			set_err(err, errlen, file, lineno, "out of memory");
			goto fail;
		}
		lineno++;
		if (memchr(p, '\0', len) != NULL || strlen(line) != len) {
			free(line);
			set_err(err, errlen, file, lineno, "NUL byte in configuration");
			goto fail;
		}
		rtrim(line);
		if (line[0] == '#' || (isspace((unsigned char)line[0]) && line[strspn(line, " \t")] == '#')) {
			free(line); /* comment */
		} else if (line[strspn(line, " \t\r")] == '\0') {
			free(line); /* blank line ends nothing in main.cf */
		} else if (isspace((unsigned char)line[0])) {
			if (!logical) {
				set_err(err, errlen, file, lineno, "continuation line without a parameter before it");
				free(line);
				goto fail;
			}
			const char *cont = line + strspn(line, " \t");
			char *grown = realloc(logical, loglen + strlen(cont) + 2);

			if (!grown) {
				free(line);
				set_err(err, errlen, file, lineno, "out of memory");
				goto fail;
			}
			logical = grown;
			logical[loglen++] = ' ';
			strcpy(logical + loglen, cont);
			loglen += strlen(cont);
			free(line);
		} else {
			if (logical) {
				int rc = apply_line(cfg, seen, file, logline, logical, err, errlen);

				free(logical);
				logical = NULL;
				if (rc < 0) {
					free(line);
					goto fail;
				}
			}
			logical = line;
			loglen = strlen(line);
			logline = lineno;
		}
		if (at_end)
			break;
		p += len + 1;
	}
	if (logical) {
		int rc = apply_line(cfg, seen, file, logline, logical, err, errlen);

		free(logical);
		logical = NULL;
		if (rc < 0)
			goto fail;
	}
	for (size_t i = 0; i < NENTRIES; i++) {
		const struct config_entry *e = &config_table[i];

		if (!e->def && (!seen[i] || **(char **)((char *)cfg + e->offset) == '\0')) {
			set_err(err, errlen, file, 0, "missing required parameter \"%s\"", e->name);
			goto fail;
		}
	}
	if (strchr(cfg->return_prefix, cfg->recipient_delimiter[0])) {
		set_err(err, errlen, file, 0, "return_prefix must not contain the recipient_delimiter");
		goto fail;
	}
	if (rate_levels_check(cfg, msg, sizeof(msg)) < 0) {
		set_err(err, errlen, file, 0, "%s", msg);
		goto fail;
	}
	*out = cfg;
	return 0;
fail:
	free(logical);
	config_free(cfg);
	return -1;
}

int config_load_string(const char *name, const char *text, struct config **out, char *err, size_t errlen)
{
	return config_parse(name, text, out, err, errlen);
}

#define CONFIG_FILE_MAX (1024 * 1024)

int config_load(const char *path, struct config **out, char *err, size_t errlen)
{
	FILE *fp;
	char *text;
	size_t n;
	int rc;

	if (!path)
		path = CONFIG_DEFAULT_PATH;
	if (!(fp = fopen(path, "r"))) {
		set_err(err, errlen, path, 0, "cannot open: %s", strerror(errno));
		return -1;
	}
	if (!(text = malloc(CONFIG_FILE_MAX + 1))) {
		fclose(fp);
		set_err(err, errlen, path, 0, "out of memory");
		return -1;
	}
	n = fread(text, 1, CONFIG_FILE_MAX + 1, fp);
	if (ferror(fp) || n > CONFIG_FILE_MAX) {
		set_err(err, errlen, path, 0, ferror(fp) ? "read error" : "file larger than 1 MiB");
		fclose(fp);
		free(text);
		return -1;
	}
	fclose(fp);
	text[n] = '\0';
	if (strlen(text) != n) {
		set_err(err, errlen, path, 0, "NUL byte in configuration");
		free(text);
		return -1;
	}
	rc = config_parse(path, text, out, err, errlen);
	free(text);
	return rc;
}

void config_free(struct config *cfg)
{
	if (!cfg)
		return;
	for (size_t i = 0; i < NENTRIES; i++) {
		const struct config_entry *e = &config_table[i];
		void *field = (char *)cfg + e->offset;

		if (e->type == T_STR)
			free(*(char **)field);
		else if (e->type == T_LIST)
			list_free((struct config_list *)field);
	}
	free(cfg->path);
	free(cfg);
}

static void print_duration(FILE *fp, long v)
{
	if (v % (7 * DAY) == 0 && v)
		fprintf(fp, "%ldw", v / (7 * DAY));
	else if (v % DAY == 0 && v)
		fprintf(fp, "%ldd", v / DAY);
	else if (v % 3600 == 0 && v)
		fprintf(fp, "%ldh", v / 3600);
	else if (v % 60 == 0 && v)
		fprintf(fp, "%ldm", v / 60);
	else
		fprintf(fp, "%lds", v);
}

void config_print(const struct config *cfg, FILE *fp)
{
	for (size_t i = 0; i < NENTRIES; i++) {
		const struct config_entry *e = &config_table[i];
		const void *field = (const char *)cfg + e->offset;

		fprintf(fp, "%s = ", e->name);
		switch (e->type) {
		case T_STR:
			if (e->check == check_database) {
				/* never a password (docs/install.md: use a passfile) */
				char buf[1024];

				fputs(store_redact(*(char *const *)field, buf, sizeof(buf)), fp);
			} else {
				fputs(*(char *const *)field, fp);
			}
			break;
		case T_BOOL: fputs(*(const int *)field ? "yes" : "no", fp); break;
		case T_INT: case T_SIZE: fprintf(fp, "%ld", *(const long *)field); break;
		case T_DURATION: print_duration(fp, *(const long *)field); break;
		case T_RATE: {
			char buf[RATES_TEXT_MAX];

			fputs(rates_format(*(const long *)field, buf), fp);
			break;
		}
		case T_ENUM: fputs(e->choices[*(const int *)field], fp); break;
		case T_LIST: {
			const struct config_list *l = field;

			for (size_t j = 0; j < l->n; j++)
				fprintf(fp, "%s%s", j ? ", " : "", l->items[j]);
			break;
		}
		}
		fputc('\n', fp);
	}
}
