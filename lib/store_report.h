/* store_report.h: recording one parsed bounce (a struct bounce_report)
 * in the store as rebound-pipe does: who each recipient result is
 * attributed to (the VERP recipient, the recipients of a message token,
 * or nobody verified), all rows and the policy in ONE transaction, and
 * what happened to each recipient for the log. Apart from the program so
 * that unit tests can drive it. */
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
};

/* One recipient result and what became of it. */
struct store_report_line {
	const struct bounce_rcpt *rcpt; /* in the report; NULL for a row made
					   when the report named nobody */
	char recipient[VERP_ADDRESS_MAX + 1];
	int verified;
	int ignored;  /* message mode: not a recipient of the message: not recorded */
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
