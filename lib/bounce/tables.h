/* tables.h: the data the bounce parser (lib/bounce/) works from,
 * defined in lib/bounce/tables.c: phrase patterns and their reasons,
 * servers' non-standard formats, status code defaults (RFC 3463), the
 * markers of a returned message and of auto-replies. Internal to lib/. */
#ifndef REBOUND_BOUNCE_TABLES_H
#define REBOUND_BOUNCE_TABLES_H

#include "reasons.h"

#include <stddef.h>

/* (a) A phrase (lowercase; matched case-insensitively as a substring of
 * the diagnostic, after runs of white space are folded to one space) and
 * the reason it means. The first row that matches wins, so rows for
 * narrow meanings come before broad ones. */
struct bounce_phrase {
	const char *text;
	enum bounce_reason reason;
};
extern const struct bounce_phrase bounce_phrases[];
extern const size_t bounce_nphrases;

/* Phrases of bounce_phrases that only say a recipient was refused, not
 * why ("Recipient address rejected: Access denied"): a X.7 security or
 * policy status, or words of a block, a relay refusal, the sender or
 * spam in the same diagnostic, say why instead. */
extern const char *const bounce_generic_rcpt_phrases[];
extern const size_t bounce_ngeneric_rcpt_phrases;

/* (b) A server's non-standard format: how it marks the start of its error
 * text, the end (where the returned message begins), the SMTP command its
 * failures answer and what its bounces mean by default. detect is a substring (lowercase)
 * of the bounce's header (names and values) or body that names the
 * server; start
 * and end are lowercase substrings of lines. NULL fields are unused. */
struct bounce_format {
	const char *name;
	const char *detect;      /* where: header or body text, lowercase */
	const char *start;       /* error text begins after this line */
	const char *end;         /* error text ends before this line */
	const char *command;     /* the SMTP command its failures answer when
				  * the text does not say (e.g. "RCPT") */
	enum bounce_reason reason; /* what its bounces mean when neither
				  * the status nor a phrase says, or NONE */
	const char *also;        /* when set, the bounce's own header must
				  * hold both detect and this (lowercase
				  * substrings); the body is not searched */
};
extern const struct bounce_format bounce_formats[];
extern const size_t bounce_nformats;

/* (e) SMTP commands named in error texts (see tables.c). */
struct bounce_command {
	const char *text;    /* lowercase, white space folded */
	const char *command; /* CONN, EHLO, HELO, MAIL, RCPT, DATA */
	int one_rcpt;        /* 1: words of an MTA that puts one recipient
			      * in each SMTP transaction, so that a reply
			      * after DATA concerns that recipient alone */
};
extern const struct bounce_command bounce_commands[];
extern const size_t bounce_ncommands;

/* Markers (lowercase substrings of a line) after which the text is the
 * returned message, not the error report; for any server. */
extern const char *const bounce_end_markers[];
extern const size_t bounce_nend_markers;

/* (c) Status code to reason (RFC 3463): "X.1.1" style keys (X = 4 or 5),
 * most specific first. */
struct bounce_status_reason {
	const char *code;   /* "X.1.1", or a class-and-subject "X.7" */
	enum bounce_reason reason;
};
extern const struct bounce_status_reason bounce_status_reasons[];
extern const size_t bounce_nstatus_reasons;

/* Pseudo status when the message gives none: reason -> "0.9NN" detail
 * (Sisimai's convention: 5.0.911 is an unknown user with no status). */
struct bounce_pseudo_status {
	enum bounce_reason reason;
	const char *detail;
};
extern const struct bounce_pseudo_status bounce_pseudo_statuses[];
extern const size_t bounce_npseudo_statuses;

/* (d) The hard/soft rule: reasons that mean the address itself is dead.
 * perm_only: hard only with a permanent (5.x.x / 5xx) failure. */
struct bounce_hard_reason {
	enum bounce_reason reason;
	int perm_only;
};
extern const struct bounce_hard_reason bounce_hard_reasons[];
extern const size_t bounce_nhard_reasons;

/* Auto-reply signs: header name (lowercase) and a value substring
 * (lowercase; "" = any value). */
struct bounce_header_sign {
	const char *name;
	const char *value;
};
extern const struct bounce_header_sign bounce_autoreply_headers[];
extern const size_t bounce_nautoreply_headers;
/* Subject prefixes/substrings (lowercase) of auto-replies. */
extern const char *const bounce_autoreply_subjects[];
extern const size_t bounce_nautoreply_subjects;
/* Subject/From substrings (lowercase) that say "this is a bounce". */
extern const char *const bounce_bounce_subjects[];
extern const size_t bounce_nbounce_subjects;
extern const char *const bounce_bounce_senders[];
extern const size_t bounce_nbounce_senders;

extern const char *const bounce_temporary_phrases[];
extern const size_t bounce_ntemporary_phrases;

/* Phrases (lowercase, in the recipient's own words) that make a report
 * final even when it says Action: delayed: the sender removed the message
 * from its queue when it wrote it. */
extern const char *const bounce_final_phrases[];
extern const size_t bounce_nfinal_phrases;

/* Phrases (lowercase) of a warning: the message is still queued and will
 * be tried again. A report without DSN fields that says so is delayed. */
extern const char *const bounce_queued_phrases[];
extern const size_t bounce_nqueued_phrases;

/* (a2) Phrases whose middle varies: before, a token, after (lowercase,
 * white space folded); the token is a number or a host name. A WORD row
 * has no middle: before must stand as a whole word (no letter, digit or
 * non-ASCII byte next to it on either side), after is "". */
enum bounce_token { BOUNCE_TOKEN_NUMBER, BOUNCE_TOKEN_HOST, BOUNCE_TOKEN_WORD };
struct bounce_token_phrase {
	const char *before;
	enum bounce_token token; /* NUMBER: digits; HOST: a domain name
				  * (labels and dots, no '@'); WORD: see above */
	const char *after;
	enum bounce_reason reason;
	const char *show;        /* how --explain names it */
};
extern const struct bounce_token_phrase bounce_token_phrases[];
extern const size_t bounce_ntoken_phrases;
extern const struct bounce_header_sign bounce_complaint_headers[];
extern const size_t bounce_ncomplaint_headers;
extern const char *const bounce_complaint_subjects[];
extern const size_t bounce_ncomplaint_subjects;

/* A sending MTA's own per-recipient classification field in a DSN block
 * (name lowercase), one of its values (lowercase) and the reason it means. */
struct bounce_category {
	const char *field;
	const char *value;
	enum bounce_reason reason;
};
extern const struct bounce_category bounce_categories[];
extern const size_t bounce_ncategories;


#endif
