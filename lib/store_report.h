/* store_report.h: recording one parsed bounce (a struct bounce_report)
 * in the store as rebound-pipe does: who each recipient result is
 * attributed to (the VERP recipient, the recipients of a message token,
 * or nobody verified), all rows and the policy in ONE transaction, and
 * what happened to each recipient for the log. In message mode a
 * recipient of the message is confirmed only when the bounce came from our
 * own MTA; otherwise it is a lead, recorded unverified, for which a probe
 * may be claimed (docs/verp.md, "Message form"). Apart from the program
 * so that unit tests can drive it. */
#ifndef REBOUND_STORE_REPORT_H
#define REBOUND_STORE_REPORT_H

#include "bounce.h"
#include "store.h"

/* How the return path the bounce came to decoded. */
struct store_report_ctx {
	time_t now;
	const char *return_path; /* as Postfix passed it */
	const char *queue_id;    /* "" when unknown */
	int verified;            /* the VERP tag verified and has not expired */
	const char *recipient;   /* recipient forms: the decoded recipient
				    (claimed only, when !verified); else NULL */
	const char *token;       /* message form: the token; else NULL */
	const struct policy *policy;
	/* Message mode only: the bounce provably comes from our own MTA
	 * (Postfix's own bounce, pipe(8)'s ${client_address} empty, or a
	 * client in trusted_networks). Then a recipient of the message that
	 * it names is confirmed; else the result is only a lead. */
	int trusted;
	int probes;          /* message_probes: a lead may claim a probe */
	long probe_interval; /* seconds: at most one probe per address in it */
};

/* At most this many probes are claimed for one bounce. */
#define STORE_REPORT_PROBES_MAX 10

/* What became of a lead (message mode, not confirmed). */
enum store_report_probe {
	STORE_PROBE_NONE,        /* not a lead */
	STORE_PROBE_CLAIMED,     /* recorded in probes: the caller sends it */
	STORE_PROBE_RECENT,      /* the address was probed within probe_interval, or is suppressed */
	STORE_PROBE_COMPLAINT,   /* a complaint: a probe cannot confirm it */
	STORE_PROBE_NOT_COUNTED, /* it would not count even if confirmed */
	STORE_PROBE_OFF,         /* message_probes = no */
	STORE_PROBE_LIMIT,       /* STORE_REPORT_PROBES_MAX reached in this bounce */
};

/* store_report_probe_why: a few words for the log ("probe sent", ...). */
const char *store_report_probe_why(enum store_report_probe probe);

/* One recipient result and what became of it. */
struct store_report_line {
	const struct bounce_rcpt *rcpt; /* in the report; NULL for a row made
					   when the report named nobody */
	char recipient[VERP_ADDRESS_MAX + 1];
	int verified;
	int ignored;  /* message mode: not a recipient of the message: not recorded */
	enum store_report_probe probe; /* a lead: recorded unverified, and why no probe or one */
	char probe_to[VERP_ADDRESS_MAX + 1]; /* STORE_PROBE_CLAIMED: the address to probe */
	enum store_effect effect;
};

/* store_report_record: record rep. On STORE_OK, *lines (malloc'd, caller
 * frees) has *nlines entries; nothing is written otherwise (rolled back).
 * A report of kind notbounce records nothing (the caller logs or forwards
 * it): *nlines = 0. */
enum store_status store_report_record(struct store *st, const struct bounce_report *rep,
				      const struct store_report_ctx *ctx, struct store_report_line **lines,
				      size_t *nlines, char *err, size_t errlen);

#endif
