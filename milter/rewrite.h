/* rewrite.h: what rebound-milter does with one message at end of message:
 * leave it alone (and why), change the envelope sender to a VERP return
 * path (recipient mode: one recipient; message mode: several, with a token
 * recorded in the store and sent as ENVID), or tempfail. No libmilter here:
 * the callbacks (callbacks.c) apply the result. */
#ifndef REBOUND_MILTER_REWRITE_H
#define REBOUND_MILTER_REWRITE_H

#include <stddef.h>
#include <time.h>

#include "rules.h"
#include "state.h"
#include "verp.h"

struct store;

/* Longest ESMTP argument string rebound-milter passes to smfi_chgfrom:
 * "RET=HDRS ENVID=" plus an ENVID of up to 100 characters, xtext-encoded. */
#define REWRITE_ARGS_MAX 400
/* Longest ENVID value kept from the client (RFC 3461: 100 characters). */
#define REWRITE_ENVID_MAX 100

/* The message as the MTA described it. */
struct rewrite_msg {
	const char *sender;             /* without angle brackets; "" = null sender */
	const char *const *recipients;  /* without angle brackets */
	size_t nrecipients;
	const char *ret;                /* the client's RET value ("HDRS", "FULL") or NULL */
	const char *envid;              /* the client's ENVID (xtext, as sent) or NULL */
	struct rules_input select;      /* sender, {auth_authen}, {client_addr}, {daemon_name}, headers */
};

/* How rewrite_decide reaches the store when it needs it (message mode, a
 * recipient too long for a local part, and recipient mode's list
 * attribution). get returns an open handle owned by
 * the caller, or NULL with a message; broken tells the caller that the
 * handle just failed (close it; the next get may reopen). */
struct rewrite_store {
	struct store *(*get)(void *ctx, const struct state *st, char *err, size_t errlen);
	void (*broken)(void *ctx);
	void *ctx;
};

enum rewrite_action {
	REWRITE_NONE,     /* pass the message unchanged */
	REWRITE_CHGFROM,  /* change the sender to return_path with args */
	REWRITE_TEMPFAIL, /* answer with a temporary failure */
};

struct rewrite_result {
	enum rewrite_action action;
	const char *mode;           /* CHGFROM: "recipient" or "message" */
	const char *why;            /* NONE: why not (static text); TEMPFAIL: "store" or "error" */
	char return_path[VERP_MAX + 1];
	char args[REWRITE_ARGS_MAX + 1]; /* ESMTP arguments for the sender change, "" for none */
	char token[VERP_TOKEN_MAX + 1];  /* message mode */
	char detail[512];           /* a store or codec error to log; CHGFROM: the list
				       attribution failed (logged as a warning) */
};

/* rewrite_decide: fill *out for message m under snapshot st at time now.
 * Never fails: errors become REWRITE_TEMPFAIL or, for store errors with
 * on_store_error = accept, REWRITE_NONE (with detail set). */
void rewrite_decide(const struct state *st, const struct rewrite_msg *m, const struct rewrite_store *rs,
		    time_t now, struct rewrite_result *out);

/* rewrite_xtext: RFC 3461 xtext encoding of in into out (outlen bytes).
 * Returns 0, or -1 when it does not fit. */
int rewrite_xtext(const char *in, char *out, size_t outlen);

/* rewrite_xtext_valid: whether s is well-formed xtext. */
int rewrite_xtext_valid(const char *s);

/* rewrite_token: a new random message token (lowercase hex) into out
 * (VERP_TOKEN_MAX + 1 bytes). Returns 0, or -1 when no randomness. */
int rewrite_token(char out[VERP_TOKEN_MAX + 1]);

#endif
