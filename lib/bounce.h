/* bounce.h: the bounce parser and classifier. Reads one message as it
 * arrived at the return domain (an RFC 3464 DSN, an ARF report, an
 * auto-reply, a non-standard bounce, or no bounce at all) and gives, per
 * recipient, what happened and whether the address is dead (hard) or the
 * failure may pass (soft). MIME work is GMime's; formats are data (the
 * pattern tables). Never exits, never logs per message; bounded. */
#ifndef REBOUND_BOUNCE_H
#define REBOUND_BOUNCE_H

#include <stddef.h>

enum bounce_kind {
	BOUNCE_KIND_DSN,         /* RFC 3464 multipart/report delivery-status */
	BOUNCE_KIND_ARF,         /* RFC 5965 feedback report */
	BOUNCE_KIND_AUTOREPLY,   /* RFC 3834 auto-reply, vacation, out of office */
	BOUNCE_KIND_NONSTANDARD, /* a bounce in some server's own format */
	BOUNCE_KIND_NOTBOUNCE,   /* a person's reply, spam, anything else */
};

enum bounce_class {
	BOUNCE_CLASS_NONE,      /* no verdict (kind notbounce) */
	BOUNCE_CLASS_HARD,      /* the address is dead */
	BOUNCE_CLASS_SOFT,      /* a failure that may pass, or the sender's problem */
	BOUNCE_CLASS_DELAYED,   /* Action: delayed */
	BOUNCE_CLASS_DELIVERED, /* delivered, relayed, expanded */
	BOUNCE_CLASS_COMPLAINT, /* ARF */
	BOUNCE_CLASS_AUTOREPLY,
};

/* One recipient's result. Strings are never NULL ("" when unknown) and are
 * owned by the report. */
struct bounce_rcpt {
	char *recipient;     /* bare address, no angle brackets */
	char *action;        /* failed, delayed, delivered, relayed, expanded ("" if none) */
	char *status;        /* RFC 3463, e.g. "5.1.1" */
	char *smtp_code;     /* e.g. "550" */
	char *reason;        /* Sisimai vocabulary: userunknown, mailboxfull, ... */
	enum bounce_class class;
	int permanent;       /* 5.x.x status or 5xx reply */
	char *diagnostic;    /* the remote server's words, one line, bounded */
	char *remote_mta;
	char *reporting_mta;
	char *rule;          /* what decided reason/class (for --explain); "" if none */
	/* the DSN's Original-Recipient (RFC 3464 2.3.1: the address as the
	 * sender gave it, ORCPT) when it names another address than
	 * recipient (a forward or a rewrite); "" if none */
	char *original_recipient;
	/* 1 when recipient is the DSN's Original-Recipient because its
	 * Final-Recipient named no whole address: the address the sender
	 * gave with ORCPT, which whoever sent the returned message chose */
	int recipient_from_orcpt;
};

struct bounce_report {
	enum bounce_kind kind;
	char *reporting_mta;
	char *original_envelope_id;
	char *original_message_id;
	int truncated;       /* the message was longer than the size limit */
	const char *limited; /* NULL, or the parser's bound the message reached
			      * (bounce_limits.h): what lay beyond it was cut
			      * or dropped before parsing; a static string */
	size_t nrcpt;
	struct bounce_rcpt *rcpt; /* nrcpt entries */
};

struct bounce_options {
	size_t message_size_limit; /* bytes read at most; 0 = 10240000 */
	/* The recipient decoded from a verified VERP return path, or NULL. When
	 * set, it is the recipient of the result: the status fields come from
	 * the matching block, or the only one. */
	const char *known_recipient;
	const struct bounce_rules *rules; /* site rules (bounce_rules), or NULL */
};

enum bounce_status {
	BOUNCE_OK = 0,
	BOUNCE_ENOMEM,  /* may pass: rebound-pipe exits EX_TEMPFAIL */
	BOUNCE_EINVAL,  /* bad arguments (a bug, not the message) */
};

/* bounce_parse: parse len bytes at data. On BOUNCE_OK *out is a report the
 * caller frees with bounce_report_free. Bad input is never an error: it
 * gives kind notbounce (or what could be salvaged). err gets a message on
 * failure. */
enum bounce_status bounce_parse(const char *data, size_t len, const struct bounce_options *opt,
				struct bounce_report **out, char *err, size_t errlen);
void bounce_report_free(struct bounce_report *report);

const char *bounce_kind_name(enum bounce_kind kind);   /* "dsn", "arf", ... */
const char *bounce_class_name(enum bounce_class cls);  /* "hard", "soft", ... ("" for none) */
/* bounce_reason_nth: the i-th reason word of the vocabulary (0-based, in
 * alphabetical order: "authfailure", ...), NULL past the last; for
 * checking and listing what `--reason` accepts. */
const char *bounce_reason_nth(size_t i);

/* bounce_init: one-time setup of the MIME library (thread-safe; called
 * by bounce_parse itself, so calling it is optional). */
void bounce_init(void);

/* bounce_mbox_next: for data that may hold several messages in mbox form
 * (lines "From SENDER DAY MON ..." between them), the next message from
 * *off on: returns its start (after its "From " line) and *msglen, and
 * moves *off past it; NULL when *off reached len. Data without "From "
 * lines is one message. */
const char *bounce_mbox_next(const char *data, size_t len, size_t *off, size_t *msglen);

/* Site rules (issue 7): a file of patterns that add to or override the
 * built-in tables. Errors are "FILE:LINE: message". */
struct bounce_rules;
int bounce_rules_load(const char *path, struct bounce_rules **out, char *err, size_t errlen);
void bounce_rules_free(struct bounce_rules *rules);

#endif
