/* parse.c: bounce_parse, the parser's driver (bounce.h): input, MIME walk,
 * kind and recipients, then a decision per recipient into the report.
 * Never exits, never logs. */
#include "bounce.h"
#include "state.h"
#include <ctype.h>
#include <gmime/gmime.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct rcpt *rcpt_new(struct ctx *c)
{
	struct rcpt *r;

	if (c->nrc >= MAX_RCPT)
		return NULL;
	if (c->nrc == c->caprc) {
		/* grows by doubling: most bounces name one recipient */
		size_t cap = c->caprc ? c->caprc * 2 : 2;
		struct rcpt *n;

		if (cap > MAX_RCPT)
			cap = MAX_RCPT;
		if (!(n = realloc(c->rc, cap * sizeof(*n)))) {
			c->oom = 1;
			return NULL;
		}
		c->rc = n;
		c->caprc = cap;
	}
	r = &c->rc[c->nrc++];
	memset(r, 0, sizeof(*r));
	return r;
}

struct rcpt *rcpt_find(struct ctx *c, const char *addr)
{
	for (size_t i = 0; i < c->nrc; i++)
		if (!strcasecmp(c->rc[i].addr, addr))
			return &c->rc[i];
	return NULL;
}

static void ctx_free(struct ctx *c)
{
	sbuf_free(&c->text);
	free(c->ftext);
	sbuf_free(&c->html);
	sbuf_free(&c->dsn);
	sbuf_free(&c->arf);
	sbuf_free(&c->orig);
	free(c->rc);
	for (int i = 0; i < c->nfwd; i++)
		g_object_unref(c->fwd[i]);
	if (c->msg)
		g_object_unref(c->msg);
}

enum bounce_status bounce_parse(const char *data, size_t len, const struct bounce_options *opt,
				struct bounce_report **out, char *err, size_t errlen)
{
	static const struct bounce_options defopt;
	struct ctx c = { 0 };
	char hdrblob[HDRBLOB]; /* not zeroed as a whole: a string */
	struct bounce_report *rep = NULL;
	char *norm = NULL;
	GByteArray *borrow = NULL; /* norm, lent to GMime's stream */
	size_t nlen = 0, limit;
	int truncated = 0, oom = 0;
	enum bounce_kind kind = BOUNCE_KIND_NOTBOUNCE;
	GMimeStream *st;
	GMimeParser *parser;
	const char *text;
	int auto_sign, filtered;

	if (err && errlen)
		err[0] = '\0';
	if (!out || (!data && len)) {
		if (err && errlen)
			snprintf(err, errlen, "bounce_parse: bad arguments");
		return BOUNCE_EINVAL;
	}
	*out = NULL;
	if (!opt)
		opt = &defopt;
	c.opt = opt;
	c.rules = opt->rules;
	hdrblob[0] = '\0';
	c.hdrblob = hdrblob;
	c.text.max = MAX_TEXT;
	c.dsn.max = MAX_TEXT;
	c.arf.max = MAX_PART_TEXT;
	c.orig.max = MAX_PART_TEXT;
	c.html.max = MAX_TEXT;
	limit = opt->message_size_limit ? opt->message_size_limit : LIMIT_DEFAULT;
	bounce_init();

	if (input_normalise(data ? data : "", len, limit, &norm, &nlen, &truncated) < 0)
		goto enomem;
	{
		/* an mbox postmark on the first line is not a header */
		size_t off = 0, mlen = 0;
		const char *m = input_is_postmark(norm, norm + nlen) ? bounce_mbox_next(norm, nlen, &off, &mlen) : norm;

		if (m && m != norm) {
			memmove(norm, m, mlen);
			nlen = mlen;
			norm[nlen] = '\0';
		}
	}

	filtered = input_top_filter(norm, &nlen, c.hdrblob);
	/* GMime reads the normalised copy where it is, not a copy of it: the
	 * stream borrows norm through a byte array that does not own it; the
	 * array goes after the message (ctx_free), norm after that */
	borrow = g_byte_array_new_take((guint8 *)norm, nlen);
	st = g_mime_stream_mem_new_with_byte_array(borrow);
	g_mime_stream_mem_set_owner(GMIME_STREAM_MEM(st), FALSE);
	parser = g_mime_parser_new_with_stream(st);
	g_object_unref(st);
	g_mime_parser_set_format(parser, GMIME_FORMAT_MESSAGE);
	c.msg = g_mime_parser_construct_message(parser, NULL);
	g_object_unref(parser);

	if (c.msg) {
		InternetAddressList *l;
		const char *subj = g_mime_message_get_subject(c.msg);

		text_copy(c.subject, sizeof(c.subject), subj ? subj : "");
		mime_header(GMIME_OBJECT(c.msg), "From", c.from_raw, sizeof(c.from_raw));
		if (!filtered) {
			struct sbuf hb = { .max = HDRBLOB - 1 };

			mime_header_text(GMIME_OBJECT(c.msg), &hb);
			if (hb.oom)
				goto enomem;
			text_copy_n(c.hdrblob, HDRBLOB, sbuf_get(&hb), hb.len);
			for (char *q = c.hdrblob; *q; q++)
				*q = (char)tolower((unsigned char)*q);
			sbuf_free(&hb);
		}
		if ((l = g_mime_message_get_from(c.msg)))
			addr_of_list(c.from, sizeof(c.from), l);
		if ((l = g_mime_message_get_to(c.msg)))
			addr_of_list(c.to, sizeof(c.to), l);
		mime_walk(&c, g_mime_message_get_mime_part(c.msg));
	}
	if (c.oom || c.text.oom || c.dsn.oom)
		goto enomem;
	if (!c.text.len && c.html.len)
		text_from_html(&c.html, &c.text);
	if (c.text.oom || !(c.ftext = text_fold(sbuf_get(&c.text), &c.ftext_n)))
		goto enomem;
	if (!c.orig.len && !c.have_report)
		returned_in_text(&c);
	returned_read_headers(&c);
	text = sbuf_get(&c.text);

	auto_sign = c.msg ? kind_is_autoreply(&c) : 0;
	if (c.msg && !c.have_dsn_part && !c.have_arf_part && strstr(text, "notificationType\\\"") &&
	    !strstr(text, "{\"notificationType\"")) {
		/* SNS wraps the SES notification in a JSON string: unwrap */
		const char *m = strstr(text, "\"Message\"");
		char *inner = malloc(MAX_PART_TEXT);

		if (!inner)
			goto enomem;
		if (m && ses_json_value(m, m + strlen(m), "Message", inner, MAX_PART_TEXT))
			kind = ses_parse(&c, inner);
		free(inner);
	}
	if (kind != BOUNCE_KIND_NOTBOUNCE) {
		/* an Amazon SES notification wrapped by SNS */
	} else if (c.msg && !c.have_dsn_part && !c.have_arf_part && strstr(text, "{\"notificationType\"") &&
		   (kind = ses_parse(&c, text)) != BOUNCE_KIND_NOTBOUNCE) {
		/* an Amazon SES notification: its JSON said it all */
	} else if (c.msg && (c.have_arf_part || kind_any_in(c.subject, bounce_complaint_subjects,
						 bounce_ncomplaint_subjects) || kind_complaint_header(&c))) {
		kind = BOUNCE_KIND_ARF;
		arf_parse(&c, sbuf_get(&c.arf));
		if (!c.nrc && c.orig_to[0]) {
			struct rcpt *r = rcpt_new(&c);

			if (r)
				text_copy(r->addr, sizeof(r->addr), c.orig_to);
		}
		if (!c.nrc && !c.have_arf_part && c.from[0]) {
			/* an unsubscribe request: from the recipient itself */
			struct rcpt *r = rcpt_new(&c);

			if (r)
				text_copy(r->addr, sizeof(r->addr), c.from);
		}
	} else if (c.msg && (c.have_dsn_part || dsn_looks_folded(c.ftext)) && kind_looks_like_bounce(&c, text)) {
		kind = c.have_dsn_part ? BOUNCE_KIND_DSN : BOUNCE_KIND_NONSTANDARD;
		dsn_parse(&c, c.have_dsn_part ? sbuf_get(&c.dsn) : text);
		kind_drop_empty(&c);
		if (!c.nrc) {
			kind = BOUNCE_KIND_NONSTANDARD;
			addr_failed_recipients(&c);
		}
		scan_text(&c, text, c.nrc == 0);
		if (c.nrc == 1 && !addr_full(c.rc[0].addr)) {
			/* Final-Recipient names no whole address ("@relay"): the
			 * error text's one address is the recipient */
			size_t n0 = c.nrc;

			scan_text(&c, text, 1);
			if (c.nrc == n0 + 1) {
				text_copy(c.rc[0].addr, sizeof(c.rc[0].addr), c.rc[n0].addr);
				c.nrc = n0;
			} else {
				c.nrc = n0;
			}
		}
		/* DSN fields without Diagnostic-Code: the human-readable part
		 * speaks for them (all of it when there is one recipient) */
		for (size_t i = 0; i < c.nrc; i++) {
			struct rcpt *r = &c.rc[i];

			if (r->diag[0] || r->from_text)
				continue;
			if (c.nrc == 1) {
				const char *s0, *e0;

				scan_error_span(&c, scan_format(&c, text), text, &s0, &e0);
				scan_diag_append(r, s0, e0);
			} else {
				text_copy(r->diag, sizeof(r->diag), r->context);
			}
		}
	} else if (c.msg && auto_sign == 2 && !kind_any_in(c.from_raw, bounce_bounce_senders, bounce_nbounce_senders)) {
		kind = BOUNCE_KIND_AUTOREPLY;
	} else if (c.msg && kind_looks_like_bounce(&c, text)) {
		kind = BOUNCE_KIND_NONSTANDARD;
		addr_failed_recipients(&c);
		scan_text(&c, text, c.nrc == 0);
		if (!c.nrc) {
			/* nobody else: the bounce went back to the recipient's
			 * own address, or one wrote to oneself: look again */
			c.allow_to = 1;
			scan_text(&c, text, 1);
		}
		if (c.nrc && !c.rc[0].diag[0]) {
			/* X-Failed-Recipients names none the text speaks of:
			 * the text's recipients */
			c.nrc = 0;
			scan_text(&c, text, 1);
			if (!c.nrc)
				addr_failed_recipients(&c);
		}
	} else if (c.msg && auto_sign) {
		kind = BOUNCE_KIND_AUTOREPLY;
	}
	if (kind == BOUNCE_KIND_AUTOREPLY && c.from[0]) {
		struct rcpt *r = rcpt_new(&c);

		if (r)
			text_copy(r->addr, sizeof(r->addr), c.from);
	}
	if (kind == BOUNCE_KIND_NONSTANDARD && c.nrc == 1 && c.rc[0].from_text && kind_says_nothing(&c.rc[0])) {
		/* the error text came before the recipient's line (or beside
		 * it): with one recipient, all of it is the diagnostic */
		const char *s0, *e0;

		/* (a line of no more than the address is short) */
		int bare = strlen(c.rc[0].diag) < strlen(c.rc[0].addr) + 16 && kind_own_letters(&c.rc[0]) < 4;

		c.rc[0].diag[0] = '\0';
		scan_error_span(&c, scan_format(&c, text), text, &s0, &e0);
		/* its own line was no more than the address, in a list that
		 * a line ending in ':' introduced ("Delivery to the following
		 * recipients failed permanently:\n  * bob@example.org"):
		 * nothing was said about it (Lotus Notes writes the reason on
		 * the line above the address instead) */
		c.rc[0].borrowed = bare && kind_listed_after_colon(s0, e0, c.rc[0].addr);
		scan_diag_append(&c.rc[0], s0, e0);
	}
	if (kind == BOUNCE_KIND_NONSTANDARD && !c.nrc && c.orig_to[0] && !scan_ignored_addr(&c, c.orig_to)) {
		struct rcpt *r = rcpt_new(&c);

		if (r) {
			text_copy(r->addr, sizeof(r->addr), c.orig_to);
			r->from_text = 1;
			r->borrowed = 1;
			/* the whole error text is the diagnostic */
			{
				const char *s, *e;

				scan_error_span(&c, scan_format(&c, text), text, &s, &e);
				scan_diag_append(r, s, e);
			}
		}
	}
	if (c.oom)
		goto enomem;

	/* the recipient known from VERP */
	if (opt->known_recipient && *opt->known_recipient && kind != BOUNCE_KIND_NOTBOUNCE) {
		struct rcpt *m = rcpt_find(&c, opt->known_recipient);

		if (!m && c.nrc >= 1)
			m = &c.rc[0];
		if (!m)
			m = rcpt_new(&c);
		if (m) {
			struct rcpt keep = *m;

			text_copy(keep.addr, sizeof(keep.addr), opt->known_recipient);
			c.rc[0] = keep;
			c.nrc = 1;
		}
	}

	if (!(rep = calloc(1, sizeof(*rep))))
		goto enomem;
	rep->kind = kind;
	rep->truncated = truncated;
	rep->reporting_mta = report_dup(c.reporting_mta, &oom);
	rep->original_envelope_id = report_dup(c.envid, &oom);
	rep->original_message_id = report_dup(c.orig_msgid, &oom);
	if (c.nrc && !(rep->rcpt = calloc(c.nrc, sizeof(*rep->rcpt))))
		oom = 1;
	for (size_t i = 0; !oom && i < c.nrc; i++) {
		struct rcpt *r = &c.rc[i];
		struct bounce_rcpt *o = &rep->rcpt[i];
		enum bounce_class cls = BOUNCE_CLASS_NONE;
		int perm = 0;

		text_one_line(r->diag);
		if (!r->reporting_mta[0])
			text_copy(r->reporting_mta, sizeof(r->reporting_mta), c.reporting_mta);
		decide(&c, r, kind, &cls, &perm);
		rep->nrcpt++;
		o->recipient = report_dup(r->addr, &oom);
		o->action = report_dup(r->action, &oom);
		o->status = report_dup(r->status, &oom);
		o->smtp_code = report_dup(r->code, &oom);
		o->reason = report_dup(r->reason, &oom);
		o->class = cls;
		o->permanent = perm;
		o->diagnostic = report_dup(r->diag, &oom);
		o->remote_mta = report_dup(r->remote_mta, &oom);
		o->reporting_mta = report_dup(r->reporting_mta, &oom);
		o->rule = report_dup(r->rule, &oom);
	}
	if (oom || c.oom)
		goto enomem;
	ctx_free(&c);
	if (borrow)
		g_byte_array_free(borrow, FALSE); /* the wrapper; norm stays */
	free(norm);
	*out = rep;
	return BOUNCE_OK;

enomem:
	bounce_report_free(rep);
	ctx_free(&c);
	if (borrow)
		g_byte_array_free(borrow, FALSE);
	free(norm);
	if (err && errlen)
		snprintf(err, errlen, "out of memory");
	return BOUNCE_ENOMEM;
}
