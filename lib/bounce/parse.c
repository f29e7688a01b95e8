/* parse.c: bounce_parse, the parser's driver (bounce.h): input, MIME walk,
 * kind and recipients, then a decision per recipient into the report.
 * Never exits, never logs. */
#include "bounce.h"
#include "bounds.h"
#include "state.h"
#include <ctype.h>
#include <gmime/gmime.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

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

/* known_recipient: the recipient known from VERP is the report's only one,
 * with the status fields of its own block, or of the first one. */
static void known_recipient(struct ctx *c, const char *known)
{
	struct rcpt *m = rcpt_find(c, known);

	/* the address the list sent to is a DSN's Original-Recipient when
	 * the receiving side forwarded or rewrote it */
	for (size_t i = 0; !m && i < c->nrc; i++)
		if (!strcasecmp(c->rc[i].orig_addr, known))
			m = &c->rc[i];
	if (!m && c->nrc >= 1)
		m = &c->rc[0];
	if (!m)
		m = rcpt_new(c);
	if (m) {
		struct rcpt keep = *m;

		text_copy(keep.addr, sizeof(keep.addr), known);
		c->rc[0] = keep;
		c->nrc = 1;
	}
}

/* read_texts: the error text complete (from HTML when there is no plain
 * text), folded once; the returned message's headers read. 0, or -1 when
 * memory ran out. */
static int read_texts(struct ctx *c)
{
	if (c->oom || c->text.oom || c->dsn.oom)
		return -1;
	if (!c->text.len && c->html.len)
		text_from_html(&c->html, &c->text);
	if (c->text.oom || !(c->ftext = text_fold(sbuf_get(&c->text), &c->ftext_n)))
		return -1;
	if (!c->orig.len && !c->have_report)
		returned_in_text(c);
	returned_read_headers(c);
	return 0;
}

enum bounce_status bounce_parse(const char *data, size_t len, const struct bounce_options *opt,
				struct bounce_report **out, char *err, size_t errlen)
{
	static const struct bounce_options defopt;
	struct ctx c = { 0 };
	char hdrblob[HDRBLOB]; /* not zeroed as a whole: a string */
	struct input in = { 0 };
	enum bounce_kind kind;
	size_t limit;

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
	limit = opt->message_size_limit ? opt->message_size_limit : LIMIT_DEFAULT;
	hdrblob[0] = '\0';
	c.hdrblob = hdrblob;
	c.text.max = MAX_TEXT;
	c.dsn.max = MAX_TEXT;
	c.arf.max = MAX_PART_TEXT;
	c.orig.max = MAX_PART_TEXT;
	c.html.max = MAX_TEXT;
	/* GLib aborts when memory runs out: start only with room for the
	 * bounded parse (bounds.h) */
	if (bounce_limits_headroom(len < limit ? len : limit) < 0)
		goto enomem;
	bounce_init();

	if (input_prepare(&in, data ? data : "", len, limit) < 0)
		goto enomem;
	c.limited = in.limited;
	if (mime_parse(&c, &in) < 0 || read_texts(&c) < 0)
		goto enomem;
	kind = kind_collect(&c);
	if (c.oom)
		goto enomem;
	if (opt->known_recipient && *opt->known_recipient && kind != BOUNCE_KIND_NOTBOUNCE)
		known_recipient(&c, opt->known_recipient);
	if (report_build(&c, kind, in.truncated, out) < 0)
		goto enomem;
	ctx_free(&c);
	input_free(&in);
	return BOUNCE_OK;

enomem:
	ctx_free(&c);
	input_free(&in);
	if (err && errlen)
		snprintf(err, errlen, "out of memory");
	return BOUNCE_ENOMEM;
}
