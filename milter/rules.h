/* rules.h: which mail is list mail. The selection rules of rebound-milter
 * (list_senders, list_sasl_users, list_clients, list_services,
 * list_headers), built from the configuration and matched against what the
 * MTA told about one message. No libmilter here: unit-tested on its own. */
#ifndef REBOUND_MILTER_RULES_H
#define REBOUND_MILTER_RULES_H

#include <stddef.h>

#include "config.h"

/* All strings lowercased copies, owned by the struct; rules_free. */
struct rules {
	char **senders; /* "user@domain" or "@domain" */
	size_t nsenders;
	char **sasl_users;
	size_t nsasl_users;
	struct config_net *clients; /* list_clients (config_parse_net) */
	size_t nclients;
	char **services; /* compared exactly (Postfix service names are case-sensitive) */
	size_t nservices;
	int headers;
};

/* What one message looks like to the rules. Any pointer may be NULL
 * (the MTA did not send that macro). */
struct rules_input {
	const char *sender;      /* envelope sender, without angle brackets */
	const char *sasl_user;   /* {auth_authen} */
	const char *client_addr; /* {client_addr} */
	const char *service;     /* {daemon_name} */
	int list_header;         /* a List-Id, List-Unsubscribe or Precedence: bulk/list header */
};

/* rules_build: build the list_* settings of cfg into out (config_load
 * has checked their items). Returns 0, or -1 with a message in err. */
int rules_build(const struct config *cfg, struct rules *out, char *err, size_t errlen);
void rules_free(struct rules *r);

/* rules_any: nonzero when at least one rule is configured. */
int rules_any(const struct rules *r);

/* rules_match: the name of the first rule that makes the message list
 * mail ("list_senders", ...), or NULL when none does. */
const char *rules_match(const struct rules *r, const struct rules_input *in);


/* rules_header_marks_list: whether a header (name, value) marks list mail:
 * List-Id, List-Unsubscribe, or Precedence: bulk or list. */
int rules_header_marks_list(const char *name, const char *value);

#endif
