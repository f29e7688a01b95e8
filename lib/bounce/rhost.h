/* rhost.h: remote host tables. Some providers document their own
 * error codes or wording ("AUP#CXBL" at Cox, "OFR_416" at Orange, "IB607"
 * at GoDaddy, "RCP-P2" at Facebook); a provider is recognised by the host
 * name of the remote MTA (or of the reporting MTA, or by the recipient's
 * domain when the provider hosts it), and its rows say what its codes and
 * words mean. The data is in lib/bounce/rhost_tables.c; the lookup in
 * lib/bounce/rhost.c. Internal to lib/. */
#ifndef REBOUND_BOUNCE_RHOST_H
#define REBOUND_BOUNCE_RHOST_H

#include "reasons.h"

#include <stddef.h>

/* A provider. hosts and domains are lists separated by spaces; a name
 * matches itself and any host under it ("cox.net" matches cox.net and
 * mx.east.cox.net); a name starting with "." matches only hosts under it.
 * hosts are matched against the remote MTA and the reporting MTA, domains
 * against the recipient's domain (the provider's own mail domains only,
 * never ones it hosts for customers). */
struct bounce_rhost {
	const char *name;    /* lowercase, shown by --explain: "rhost cox ..." */
	const char *hosts;   /* host names of its MTAs */
	const char *domains; /* recipient domains it runs, or NULL */
	const char *code_re; /* POSIX extended regex over the folded (lowercase)
			      * diagnostic that finds the provider's error code;
			      * NULL: it has none */
	int code_group;      /* which subexpression of code_re is the code */
	const char *source;  /* where the list comes from */
};
extern const struct bounce_rhost bounce_rhosts[];
extern const size_t bounce_nrhosts;

/* One meaning. Every field that is not NULL must hold; the first row of
 * the provider (in table order) whose fields all hold decides. */
struct bounce_rhost_row {
	const char *provider; /* bounce_rhost.name */
	const char *status;   /* "5.7.1" exact, "X.7.1" either class, "5.7.*"
			       * prefix, "5.7.850-899" range of the last number */
	const char *reply;    /* SMTP reply code "550", or a prefix "5*" */
	const char *command;  /* the SMTP command answered: RCPT, DATA, MAIL, ... */
	const char *code;     /* the provider's code (lowercase) as code_re
			       * finds it, or a numeric range "1020-1080" */
	const char *text;     /* lowercase phrase in the folded diagnostic */
	enum bounce_reason reason;
};
extern const struct bounce_rhost_row bounce_rhost_rows[];
extern const size_t bounce_nrhost_rows;

/* What the lookup is given about one recipient. Strings may be "" but
 * not NULL. */
struct bounce_rhost_query {
	const char *remote_mta;    /* "dns; mx.example.net" or "mx.example.net [192.0.2.1]" */
	const char *reporting_mta;
	const char *recipient;     /* the address; its domain is used */
	const char *status;        /* "5.1.1" */
	const char *reply;         /* "550" */
	const char *command;       /* "RCPT", "RCPT?" (presumed), "DATA", ... */
	const char *folded;        /* diagnostic, lowercase, white space folded */
	const char *text;          /* the bounce's whole error text (raw), or NULL:
				    * given when the bounce has one recipient, read
				    * (its first 4 KiB) when the recipient's own lines
				    * match no row ("Error: ... no such user here"
				    * before the recipient's line) */
};

/* bounce_rhost_provider_of: the provider the query names: by the remote
 * MTA's host name, else (no remote MTA given) by a remote host the error
 * text names ("host mx.example.net[192.0.2.1] said:"), else by the
 * recipient's domain, else by the reporting MTA's host name; NULL when
 * none. */
const struct bounce_rhost *bounce_rhost_provider_of(const struct bounce_rhost_query *q);

/* bounce_rhost_reason: the reason of provider p's first row that holds
 * for q, or REASON_NONE. why (when not NULL) gets what matched,
 * for --explain: "rhost cox: code cdrbl". */
enum bounce_reason bounce_rhost_reason(const struct bounce_rhost *p, const struct bounce_rhost_query *q,
				       char *why, size_t whylen);

/* bounce_rhost_provider: the provider named by a host name or a domain
 * (rules above; domains when is_domain), or NULL. */
const struct bounce_rhost *bounce_rhost_provider(const char *host, int is_domain);

/* bounce_rhost_check: the tables are well formed (every row names a
 * provider and a reason and has a condition; every
 * code_re compiles). 0, or -1 with a message in err. For the unit tests. */
int bounce_rhost_check(char *err, size_t errlen);

#endif
