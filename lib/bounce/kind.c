/* kind.c: what kind of message it is (DSN, ARF, auto-reply, non-standard
 * bounce, none) and the checks on its recipients. */
#include "bounce.h"
#include "state.h"
#include <ctype.h>
#include <string.h>
#include <strings.h>

/* kind_own_letters: the letters of r's diagnostic outside its own address. */
static size_t kind_own_letters(const struct rcpt *r)
{
	const char *a = strcasestr(r->diag, r->addr);
	size_t letters = 0;

	for (const char *p = r->diag; *p; p++) {
		if (a && p == a) {
			p += strlen(r->addr) - 1;
			continue;
		}
		letters += isalpha((unsigned char)*p) != 0;
	}
	return letters;
}

/* kind_listed_after_colon: in [s, e), the first line naming addr follows
 * (blank lines aside) a line that ends with ':'. */
static int kind_listed_after_colon(const char *s, const char *e, const char *addr)
{
	const char *a = NULL, *p;
	size_t n = strlen(addr);

	for (p = s; n && p + n <= e; p++)
		if (ascii_lower((unsigned char)*p) == ascii_lower((unsigned char)*addr) && !strncasecmp(p, addr, n)) {
			a = p;
			break;
		}
	if (!a)
		return 0;
	while (a > s && a[-1] != '\n') /* the start of its line */
		a--;
	for (p = a; p > s;) {
		const char *le = p - 1, *ls; /* the '\n' ending the line before */

		while (le > s && isspace((unsigned char)le[-1]))
			le--;
		ls = le;
		while (ls > s && ls[-1] != '\n')
			ls--;
		if (le > ls)
			return le[-1] == ':';
		p = ls;
	}
	return 0;
}

/* kind_says_nothing: r's diagnostic is no more than its own address, or
 * carries no reply code. */
static int kind_says_nothing(const struct rcpt *r)
{
	char code[8];

	if (!status_find_code(r->diag, code, sizeof(code)))
		return 1; /* no reply code: the words are elsewhere */
	return kind_own_letters(r) < 4;
}

/* kind_drop_empty: DSN blocks that named no recipient go when others did. */
static void kind_drop_empty(struct ctx *c)
{
	size_t w = 0;
	int any = 0;

	for (size_t i = 0; i < c->nrc; i++)
		any |= c->rc[i].addr[0] != '\0';
	if (!any)
		return;
	for (size_t i = 0; i < c->nrc; i++)
		if (c->rc[i].addr[0])
			c->rc[w++] = c->rc[i];
	c->nrc = w;
}

static int kind_any_in(const char *s, const char *const *list, size_t n)
{
	char f[1024];

	bounce_fold(f, sizeof(f), s);
	for (size_t i = 0; i < n; i++)
		if (strstr(f, list[i]))
			return 1;
	return 0;
}

/* kind_complaint_header: a header that marks a complaint-like report. */
static int kind_complaint_header(struct ctx *c)
{
	char v[256], f[256];

	for (size_t i = 0; i < bounce_ncomplaint_headers; i++) {
		mime_header(GMIME_OBJECT(c->msg), bounce_complaint_headers[i].name, v, sizeof(v));
		bounce_fold(f, sizeof(f), v);
		if (v[0] && strstr(f, bounce_complaint_headers[i].value))
			return 1;
	}
	return 0;
}

/* kind_is_autoreply: 2 when the header or subject says auto-reply outright
 * (X-Autoreply, "Out of office"), 1 for Auto-Submitted: auto-replied
 * alone (bounces carry it too), 0 for none. */
static int kind_is_autoreply(struct ctx *c)
{
	GMimeObject *o = GMIME_OBJECT(c->msg);
	char v[512], f[512];
	int sign = 0;

	for (size_t i = 0; i < bounce_nautoreply_headers; i++) {
		const struct bounce_header_sign *h = &bounce_autoreply_headers[i];

		const char *raw = g_mime_object_get_header(o, h->name);

		if (!raw)
			continue;
		text_copy(v, sizeof(v), raw);
		bounce_fold(f, sizeof(f), v);
		if (!h->value[0] || strstr(f, h->value))
			sign = strcmp(h->name, "auto-submitted") ? 2 : 1;
		if (sign == 2)
			return 2;
	}
	bounce_fold(f, sizeof(f), c->subject);
	for (size_t i = 0; i < bounce_nautoreply_subjects; i++)
		if (!strncmp(f, bounce_autoreply_subjects[i], strlen(bounce_autoreply_subjects[i])))
			return 2;
	return sign;
}

/* list_notice: a mailing list's own notice ("your message awaits moderator
 * approval", "rejected by the moderator"): sent from one of the list's
 * addresses (LIST-bounces, -owner, -request: Mailman, Majordomo) and
 * carrying the list's List-Id (RFC 2919) in its own header. It is no
 * delivery report: nobody's address failed (issue 14, Mailman 3's
 * list:user:notice:hold and :refuse). */
static int list_notice(struct ctx *c)
{
	const char *p = c->hdrblob ? strstr(c->hdrblob, "list-id:") : NULL;

	return c->from[0] && scan_list_form(c->from) && p && (p == c->hdrblob || p[-1] == '\n');
}

static int kind_looks_like_bounce(struct ctx *c, const char *text)
{
	if (c->have_report || c->have_dsn_part)
		return 1;
	if (list_notice(c))
		return 0;
	if (kind_any_in(c->from_raw, bounce_bounce_senders, bounce_nbounce_senders))
		return 1;
	if (kind_any_in(c->subject, bounce_bounce_subjects, bounce_nbounce_subjects))
		return 1;
	return scan_format(c, text) != NULL;
}

/* collect_arf: a feedback report (or a complaint or unsubscribe request
 * in another form): its recipients. */
static enum bounce_kind collect_arf(struct ctx *c)
{
	arf_parse(c, sbuf_get(&c->arf));
	if (!c->nrc && c->jmrp_rcpt[0]) {
		struct rcpt *r = rcpt_new(c);

		if (r)
			text_copy(r->addr, sizeof(r->addr), c->jmrp_rcpt);
	}
	if (!c->nrc && c->orig_to[0]) {
		struct rcpt *r = rcpt_new(c);

		if (r)
			text_copy(r->addr, sizeof(r->addr), c->orig_to);
	}
	if (!c->nrc && !c->have_arf_part && c->from[0]) {
		/* an unsubscribe request: from the recipient itself */
		struct rcpt *r = rcpt_new(c);

		if (r)
			text_copy(r->addr, sizeof(r->addr), c->from);
	}
	return BOUNCE_KIND_ARF;
}

/* collect_dsn: delivery-status fields (in their own part, or in the text
 * of a bounce): their recipients, completed from the error text. */
static enum bounce_kind collect_dsn(struct ctx *c, const char *text)
{
	enum bounce_kind kind = c->have_dsn_part ? BOUNCE_KIND_DSN : BOUNCE_KIND_NONSTANDARD;

	dsn_parse(c, c->have_dsn_part ? sbuf_get(&c->dsn) : text);
	kind_drop_empty(c);
	if (!c->nrc) {
		kind = BOUNCE_KIND_NONSTANDARD;
		addr_failed_recipients(c);
	}
	scan_text(c, text, c->nrc == 0);
	if (c->nrc == 1 && !addr_full(c->rc[0].addr)) {
		/* Final-Recipient names no whole address ("@relay"): the
		 * error text's one address is the recipient */
		size_t n0 = c->nrc;

		scan_text(c, text, 1);
		if (c->nrc == n0 + 1)
			text_copy(c->rc[0].addr, sizeof(c->rc[0].addr), c->rc[n0].addr);
		c->nrc = n0;
	}
	/* DSN fields without Diagnostic-Code: the human-readable part
	 * speaks for them (all of it when there is one recipient) */
	for (size_t i = 0; i < c->nrc; i++) {
		struct rcpt *r = &c->rc[i];

		if (r->diag[0] || r->from_text)
			continue;
		if (c->nrc == 1) {
			const char *s0, *e0;

			scan_error_span(c, scan_format(c, text), text, &s0, &e0);
			scan_diag_append(r, s0, e0);
		} else {
			text_copy(r->diag, sizeof(r->diag), r->context);
		}
	}
	return kind;
}

/* collect_text: a bounce without delivery-status fields: its recipients
 * from X-Failed-Recipients and the error text. */
static enum bounce_kind collect_text(struct ctx *c, const char *text)
{
	addr_failed_recipients(c);
	scan_text(c, text, c->nrc == 0);
	if (!c->nrc) {
		/* nobody else: the bounce went back to the recipient's
		 * own address, or one wrote to oneself: look again */
		c->allow_to = 1;
		scan_text(c, text, 1);
	}
	if (c->nrc && !c->rc[0].diag[0]) {
		/* X-Failed-Recipients names none the text speaks of:
		 * the text's recipients */
		c->nrc = 0;
		scan_text(c, text, 1);
		if (!c->nrc)
			addr_failed_recipients(c);
	}
	return BOUNCE_KIND_NONSTANDARD;
}

/* finish_text: a non-standard bounce's one recipient whose own line says
 * nothing takes the whole error text; with none found, the returned
 * message's recipient does. */
static void finish_text(struct ctx *c, const char *text)
{
	const char *s0, *e0;

	if (c->nrc == 1 && c->rc[0].from_text && kind_says_nothing(&c->rc[0])) {
		/* the error text came before the recipient's line (or beside
		 * it): with one recipient, all of it is the diagnostic */
		/* (a line of no more than the address is short) */
		int bare = strlen(c->rc[0].diag) < strlen(c->rc[0].addr) + 16 && kind_own_letters(&c->rc[0]) < 4;

		c->rc[0].diag[0] = '\0';
		scan_error_span(c, scan_format(c, text), text, &s0, &e0);
		/* its own line was no more than the address, in a list that
		 * a line ending in ':' introduced ("Delivery to the following
		 * recipients failed permanently:\n  * bob@example.org"):
		 * nothing was said about it (Lotus Notes writes the reason on
		 * the line above the address instead) */
		c->rc[0].borrowed = bare && kind_listed_after_colon(s0, e0, c->rc[0].addr);
		scan_diag_append(&c->rc[0], s0, e0);
	}
	if (!c->nrc && c->orig_to[0] && !scan_ignored_addr(c, c->orig_to)) {
		struct rcpt *r = rcpt_new(c);

		if (r) {
			text_copy(r->addr, sizeof(r->addr), c->orig_to);
			r->from_text = 1;
			r->borrowed = 1;
			/* the whole error text is the diagnostic */
			scan_error_span(c, scan_format(c, text), text, &s0, &e0);
			scan_diag_append(r, s0, e0);
		}
	}
}

enum bounce_kind kind_collect(struct ctx *c)
{
	const char *text = sbuf_get(&c->text);
	int auto_sign = c->msg ? kind_is_autoreply(c) : 0;
	enum bounce_kind kind = ses_detect(c, text);

	if (c->oom || kind != BOUNCE_KIND_NOTBOUNCE) {
		/* an Amazon SES notification: its JSON said it all */
	} else if (c->msg && (c->have_arf_part || c->jmrp_rcpt[0] ||
			      kind_any_in(c->subject, bounce_complaint_subjects, bounce_ncomplaint_subjects) ||
			      kind_complaint_header(c))) {
		kind = collect_arf(c);
	} else if (c->msg && (c->have_dsn_part || dsn_looks_folded(c->ftext)) && kind_looks_like_bounce(c, text)) {
		kind = collect_dsn(c, text);
	} else if (c->msg && auto_sign == 2 &&
		   !kind_any_in(c->from_raw, bounce_bounce_senders, bounce_nbounce_senders)) {
		kind = BOUNCE_KIND_AUTOREPLY;
	} else if (c->msg && kind_looks_like_bounce(c, text)) {
		kind = collect_text(c, text);
	} else if (c->msg && auto_sign) {
		kind = BOUNCE_KIND_AUTOREPLY;
	}
	if (c->oom)
		return kind;
	if (kind == BOUNCE_KIND_AUTOREPLY && c->from[0]) {
		struct rcpt *r = rcpt_new(c);

		if (r)
			text_copy(r->addr, sizeof(r->addr), c->from);
	}
	if (kind == BOUNCE_KIND_NONSTANDARD)
		finish_text(c, text);
	return kind;
}
