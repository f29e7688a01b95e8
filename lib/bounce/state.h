/* state.h: the working state of one bounce_parse (struct ctx, struct rcpt),
 * its bounds, and the functions the parser's stages (the files of
 * lib/bounce/) offer each other, grouped by file; each is described where
 * it is defined. Internal to lib/bounce/. */
#ifndef REBOUND_BOUNCE_STATE_H
#define REBOUND_BOUNCE_STATE_H

#include "bounce.h"
#include "phrase.h"
#include "tables.h"
#include "text.h"

#include <gmime/gmime.h>
#include <stddef.h>

#define LIMIT_DEFAULT 10240000u
#define MAX_DEPTH 32          /* MIME nesting we walk */
#define MAX_PARTS 256         /* parts we look at */
#define MAX_PART_TEXT (1u << 20) /* decoded bytes we keep from one part */
#define MAX_TEXT (2u << 20)   /* human-readable text we scan */
#define MAX_HEADER_VALUE 4096 /* one header value we read */
#define MAX_LINE 4096         /* longer lines are cut for scanning */
#define MAX_RCPT 256          /* recipients per message */
#define MAX_DIAG 1000         /* bytes of diagnostic kept */
#define HDRBLOB 8192          /* bytes of the top-level header kept */

struct rcpt {
	char addr[320];
	char orig_addr[320]; /* DSN Original-Recipient, a whole address, or "" */
	int addr_is_orig;    /* addr is the Original-Recipient (the Final-Recipient
	                      * named no whole address): the sender's ORCPT */
	char action[32];
	char status[32];
	char code[8];
	char diag[MAX_DIAG + 1];
	char remote_mta[256];
	char reporting_mta[256];
	enum bounce_reason reason;
	char rule[160];
	char diag_type[16];    /* "smtp", "x-unix", ... from Diagnostic-Code */
	char context[MAX_DIAG + 1]; /* the text part's lines about this recipient */
	enum bounce_reason category; /* reason named by the sending MTA's own
				* classification field (bounce_categories) */
	char category_rule[96];
	int from_text; /* found in the error text, not in DSN fields */
	int borrowed;  /* diag is the bounce's whole error text: nothing was
			* said about this recipient itself */
};

struct ctx {
	const struct bounce_options *opt;
	const struct bounce_rules *rules;
	GMimeMessage *msg;
	GMimeMessage *fwd[4];  /* forwarded reports parsed by mime_walk; owned */
	int nfwd;
	int nparts;
	int nsniff;            /* parts shown to libmagic (mime.c, sniff) */
	const char *limited;   /* the bound bounce_limits_apply reached, or NULL */
	struct sbuf text;      /* human-readable error text, UTF-8 */
	struct sbuf html;      /* text/html, used when there is no text/plain */
	struct sbuf dsn;       /* delivery-status fields */
	struct sbuf arf;       /* feedback-report fields */
	struct sbuf orig;      /* returned message's headers */
	char *ftext;           /* text folded to ASCII lowercase, once it is
				* complete (bounce_parse; ctx_free frees) */
	size_t ftext_n;
	int span_done;         /* scan_error_span of the complete text, kept */
	const struct bounce_format *span_format;
	const char *span_s, *span_e;
	int have_report;       /* multipart/report */
	int have_dsn_part, have_arf_part;
	char subject[512];
	char from[320];
	char from_raw[512];
	char to[320];
	char reporting_mta[256];
	char envid[256];
	char orig_msgid[512];
	char orig_to[320];
	char orig_from[320];
	char jmrp_rcpt[320];   /* X-HmXmrOriginalRecipient of a reported message:
				* Microsoft's complaint (JMRP) names the complainant */
	char list_addr[2][320]; /* the list's posting addresses (List-Post, X-BeenThere):
				* never a failed recipient */
	char *hdrblob;         /* the top-level header, lowercase, bounded
				* (HDRBLOB bytes, bounce_parse's own) */
	const struct bounce_format *format;
	int format_done;
	int allow_to;          /* the bounce's To and the returned message's
				* sender may be recipients (second look) */
	struct rcpt *rc;
	size_t nrc, caprc;
	int oom;
};

/* Reasons as bits (1 << enum bounce_reason), for the phrase matches of
 * one diagnostic: RB(userunknown), RBIT(r). */
typedef unsigned long long rmask;
#define RBIT(r) (1ULL << (r))
#define RB(name) RBIT(REASON(name))
_Static_assert(REASON_COUNT <= 64, "a reason is a bit of rmask");

/* The phrase sets (matchers.c), ready once matchers_init returned 0. */
extern struct phrase_set *matchers_phrases, *matchers_commands, *matchers_temporary, *matchers_end,
	*matchers_skip_any;

/* matchers.c: the phrase tables as one-pass matchers */
int matchers_init(void);

/* input.c: line endings, size limit, mbox postmark, top-level header */
/* The message as bounce_parse holds it: the normalised copy (owned) and
 * the byte array that lends it to GMime's stream (mime_parse). */
struct input {
	char *norm;
	size_t len;
	int truncated;
	const char *limited;   /* the bound bounce_limits_apply reached, or NULL */
	GByteArray *borrow;
};
/* input_prepare: data normalised (input_normalise, at most limit bytes)
 * without an mbox postmark into in; 0, or -1 when memory ran out.
 * input_free frees in, after the message (ctx_free). */
int input_prepare(struct input *in, const char *data, size_t len, size_t limit);
void input_free(struct input *in);
int input_top_filter(char *buf, size_t *lenp, char *blob);

/* mime.c: the MIME walk */
void mime_header(GMimeObject *o, const char *name, char *dst, size_t dstlen);
void mime_header_text(GMimeObject *o, struct sbuf *out);
/* mime_parse: GMime parses in's message (its top-level header cut by
 * input_top_filter) into c->msg; the top-level fields read, the parts
 * walked. 0, or -1 when memory ran out. */
int mime_parse(struct ctx *c, struct input *in);

/* returned.c: the returned message */
void returned_take(struct ctx *c, const char *s, size_t len);
void returned_take_msg(struct ctx *c, GMimeMessage *m);
int returned_is(GMimeObject *o);
GMimeMessage *returned_parse(struct ctx *c, const char *s, size_t len);
void returned_jmrp(struct ctx *c, const char *s, size_t len);
void returned_read_headers(struct ctx *c);
void returned_in_text(struct ctx *c);

/* dsn.c: delivery-status and feedback-report fields */
int dsn_looks_folded(const char *f);
int dsn_looks(const char *s);
const char *dsn_after_semi(const char *v);
void dsn_parse(struct ctx *c, const char *text);
void arf_parse(struct ctx *c, const char *text);

/* ses.c: provider JSON notifications */
/* ses_detect: an SES notification in the text, as it is or wrapped by SNS
 * (its kind and recipients), or NOTBOUNCE. */
enum bounce_kind ses_detect(struct ctx *c, const char *text);

/* address.c: addresses */
const char *addr_find(const char *s, const char *end, size_t *alen);
void addr_clean(char *dst, size_t dstlen, const char *value);
/* The fast paths of addr_clean and addr_of_list and what they stand for
 * (tests/unit/test_bounce_address.c compares them over the corpus):
 * addr_fast: v is local@domain or <local@domain> of dot-atoms, which
 * GMime's parser gives back as it is: copied into dst, 1; else 0.
 * addr_gmime: the first mailbox address GMime's parser finds in v ("" if
 * none). addr_list_fast: l is one mailbox whose name and address are
 * plain ASCII atoms ("name <local@domain>" would parse back to the same
 * address): its address into dst, 1; else 0 (the list's text then goes
 * through addr_clean). */
int addr_fast(char *dst, size_t dstlen, const char *v);
void addr_gmime(char *dst, size_t dstlen, const char *v);
int addr_list_fast(char *dst, size_t dstlen, InternetAddressList *l);
void addr_of_list(char *dst, size_t dstlen, InternetAddressList *l);
int addr_full(const char *a);
void addr_failed_recipients(struct ctx *c);

/* scan.c: the error text of non-standard bounces */
const struct bounce_format *scan_format(struct ctx *c, const char *text);
int scan_ignored_addr(struct ctx *c, const char *a);
int scan_list_form(const char *a);
void scan_diag_append(struct rcpt *r, const char *s, const char *e);
void scan_error_span(struct ctx *c, const struct bounce_format *f, const char *text, const char **s,
		     const char **e);
void scan_text(struct ctx *c, const char *text, int add_new);

/* status.c: status and reply codes */
int status_find(const char *s, char *dst, size_t dstlen, const char **quoted);
int status_find_code(const char *s, char *dst, size_t dstlen);
/* An RFC 3463 status code, parsed once (status_parse): "5.1.1" is class
 * '5', subject 1, detail 1. A subject or detail is 1-3 digits, no
 * leading zero (but "0"). */
struct status_code {
	char cls;    /* the first character ('2', '4', '5'), '\0' for none */
	int subject; /* after "C.", or -1 */
	int detail;  /* after "C.S.", or -1 */
	int dot;     /* a '.' follows the subject ("C.S." and more) */
	int bare;    /* the code is "C.S", no more */
	int whole;   /* the code is "C.S.D", no more */
};
void status_parse(const char *s, struct status_code *st);
/* status_is: the code is exactly C.subject.detail (any class) */
static inline int status_is(const struct status_code *st, int subject, int detail)
{
	return st->whole && st->subject == subject && st->detail == detail;
}
/* status_subject_is: the code is C.subject. and more ("5.4.1", "5.4.") */
static inline int status_subject_is(const struct status_code *st, int subject)
{
	return st->dot && st->subject == subject;
}
/* status_reason: the reason the status table gives the code, or NONE */
enum bounce_reason status_reason(const struct status_code *st);
void status_strip_codes(char *s);
int status_exact(const struct status_code *st);
int status_summary(const char *text, char cls, char *dst, size_t dstlen);

/* reason.c: what the words of a diagnostic say */
rmask reason_text_mask(const char *text, const char **which, int *oom);
const char *reason_smtp_command(const char *folded, int *one_rcpt, int *oom);
int reason_greeting_reply(const char *folded);
int reason_says_any(const char *folded, const char *const *phrases, size_t n);
int reason_says_temporary(const char *folded);

/* decide.c: the decision per recipient */
void decide(struct ctx *c, struct rcpt *r, enum bounce_kind kind, enum bounce_class *cls, int *permanent);

/* kind.c: the kind of message and its recipients */
/* kind_collect: the kind of message and its recipients (c->rc). */
enum bounce_kind kind_collect(struct ctx *c);

/* report.c: the report */
/* report_build: each recipient decided (decide) into a new report in
 * *out (the caller frees it with bounce_report_free); 0, or -1 when
 * memory ran out. */
int report_build(struct ctx *c, enum bounce_kind kind, int truncated, struct bounce_report **out);

/* parse.c: the recipients of one parse */
struct rcpt *rcpt_new(struct ctx *c);
struct rcpt *rcpt_find(struct ctx *c, const char *addr);

#endif
