/* rules.c: the selection rules of rebound-milter (which mail is list mail),
 * including CIDR matching for list_clients; see rules.h. */
#include "rules.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

/* strv_free: free n strings and the array. */
static void strv_free(char **v, size_t n)
{
	for (size_t i = 0; i < n && v; i++)
		free(v[i]);
	free(v);
}

static void str_lower(char *s)
{
	for (; *s; s++)
		*s = (char)tolower((unsigned char)*s);
}

/* strv_copy_lower: lowercased copies of a config list; -1 on no memory. */
static int strv_copy(const struct config_list *l, char ***out, size_t *n, int lower)
{
	char **v = calloc(l->n + 1, sizeof(char *));

	if (!v)
		return -1;
	for (size_t i = 0; i < l->n; i++) {
		if (!(v[i] = strdup(l->items[i]))) {
			strv_free(v, i);
			return -1;
		}
		if (lower)
			str_lower(v[i]);
	}
	*out = v;
	*n = l->n;
	return 0;
}

int rules_build(const struct config *cfg, struct rules *out, char *err, size_t errlen)
{
	memset(out, 0, sizeof(*out));
	if (strv_copy(&cfg->list_senders, &out->senders, &out->nsenders, 1) < 0 ||
	    strv_copy(&cfg->list_sasl_users, &out->sasl_users, &out->nsasl_users, 1) < 0 ||
	    strv_copy(&cfg->list_services, &out->services, &out->nservices, 0) < 0)
		goto nomem;
	if (cfg->list_clients.n) {
		if (!(out->clients = calloc(cfg->list_clients.n, sizeof(*out->clients))))
			goto nomem;
		for (size_t i = 0; i < cfg->list_clients.n; i++) {
			/* config_load checked it: a failure here is a bug */
			if (config_parse_net(cfg->list_clients.items[i], &out->clients[i]) < 0) {
				snprintf(err, errlen, "%s: list_clients: bad network \"%s\"", cfg->path,
					 cfg->list_clients.items[i]);
				rules_free(out);
				return -1;
			}
			out->nclients++;
		}
	}
	out->headers = cfg->list_headers;
	return 0;
nomem:
	snprintf(err, errlen, "out of memory");
	rules_free(out);
	return -1;
}

void rules_free(struct rules *r)
{
	strv_free(r->senders, r->nsenders);
	strv_free(r->sasl_users, r->nsasl_users);
	strv_free(r->services, r->nservices);
	free(r->clients);
	memset(r, 0, sizeof(*r));
}

int rules_any(const struct rules *r)
{
	return r->nsenders || r->nsasl_users || r->nclients || r->nservices || r->headers;
}

/* sender_matches: "user@domain" matches that address, "@domain" every
 * address in the domain; compared without regard to case. */
static int sender_matches(const char *pattern, const char *sender)
{
	const char *at = strrchr(sender, '@');

	if (pattern[0] == '@')
		return at && strcasecmp(pattern + 1, at + 1) == 0;
	return strcasecmp(pattern, sender) == 0;
}

const char *rules_match(const struct rules *r, const struct rules_input *in)
{
	if (in->sender && *in->sender)
		for (size_t i = 0; i < r->nsenders; i++)
			if (sender_matches(r->senders[i], in->sender))
				return "list_senders";
	if (in->sasl_user && *in->sasl_user)
		for (size_t i = 0; i < r->nsasl_users; i++)
			if (strcasecmp(r->sasl_users[i], in->sasl_user) == 0)
				return "list_sasl_users";
	if (in->client_addr)
		for (size_t i = 0; i < r->nclients; i++)
			if (config_net_contains(&r->clients[i], in->client_addr))
				return "list_clients";
	if (in->service)
		for (size_t i = 0; i < r->nservices; i++)
			if (strcmp(r->services[i], in->service) == 0)
				return "list_services";
	if (r->headers && in->list_header)
		return "list_headers";
	return NULL;
}

/* word_is: whether value, without surrounding white space and a trailing
 * comment, is word (case-insensitive). */
static int word_is(const char *value, const char *word)
{
	size_t n = strlen(word);

	value += strspn(value, " \t\r\n");
	if (strncasecmp(value, word, n) != 0)
		return 0;
	value += n;
	value += strspn(value, " \t\r\n");
	return *value == '\0' || *value == '(' || *value == ';';
}

int rules_header_marks_list(const char *name, const char *value)
{
	if (!name || !value)
		return 0;
	if (strcasecmp(name, "List-Id") == 0 || strcasecmp(name, "List-Unsubscribe") == 0)
		return 1;
	if (strcasecmp(name, "Precedence") == 0)
		return word_is(value, "bulk") || word_is(value, "list");
	return 0;
}
