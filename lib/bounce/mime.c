/* mime.c: the MIME walk: GMime and libmagic set-up, the decoded bytes of
 * each leaf part sorted into error text, delivery-status fields, feedback
 * report fields and the returned message (bounded in depth and parts). */
#include "bounce.h"
#include "state.h"
#include <ctype.h>
#include <magic.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#if defined(__SANITIZE_ADDRESS__)
#define REBOUND_LSAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define REBOUND_LSAN 1
#endif
#endif
#ifdef REBOUND_LSAN
#include <sanitizer/lsan_interface.h>
#define LSAN_OFF() __lsan_disable()
#define LSAN_ON() __lsan_enable()
#else
#define LSAN_OFF() ((void)0)
#define LSAN_ON() ((void)0)
#endif

static pthread_once_t gmime_once = PTHREAD_ONCE_INIT;
/* A returned message (message/rfc822, message/global) is parsed as a leaf:
 * the parser reads only its header block (returned_take) and, for a report
 * forwarded inside it, parses it then (mime_walk). This saves GMime building and
 * freeing a tree nobody reads, and keeps the part within its MIME bounds. */
static void gmime_init_once(void)
{
	/* registering a type again, GMime drops its old 16-byte entry without
	 * freeing it: a one-off loss per process, among what g_mime_init
	 * keeps until exit anyway; kept out of LeakSanitizer's reports */
	LSAN_OFF();
	g_mime_init();
	g_mime_object_register_type("message", "rfc822", GMIME_TYPE_PART);
	g_mime_object_register_type("message", "global", GMIME_TYPE_PART);
	LSAN_ON();
}
void bounce_init(void) { pthread_once(&gmime_once, gmime_init_once); }

static pthread_once_t magic_once = PTHREAD_ONCE_INIT;
static pthread_mutex_t magic_lock = PTHREAD_MUTEX_INITIALIZER;
static magic_t magic_cookie;
static void magic_init_once(void)
{
	magic_t m = magic_open(MAGIC_MIME_TYPE | MAGIC_NO_CHECK_COMPRESS | MAGIC_NO_CHECK_TAR |
			       MAGIC_NO_CHECK_ELF | MAGIC_NO_CHECK_CDF);

	if (m && magic_load(m, NULL) != 0) {
		magic_close(m);
		m = NULL;
	}
	magic_cookie = m;
}

/* What libmagic is shown of one message: its regular expressions take up
 * to ~15 us a byte (blank lines), a call ~1 ms, so 256 parts of 40 KiB took
 * a minute (issue 12). The first SNIFF_BYTES of the first SNIFF_PARTS parts
 * that need it: no bounce of the corpus has more than 2 such parts, and a
 * type shows in its first bytes. */
#define SNIFF_PARTS 4
#define SNIFF_BYTES 4096

/* sniff: libmagic's MIME type of data into out ("" when unknown, or when
 * c's SNIFF_PARTS were asked already). Loaded once, lazily, only when a
 * part's declared type says too little. */
static void sniff(struct ctx *c, const char *data, size_t len, char *out, size_t outlen)
{
	const char *t = NULL;

	out[0] = '\0';
	if (c->nsniff >= SNIFF_PARTS)
		return;
	c->nsniff++;
	pthread_once(&magic_once, magic_init_once);
	if (!magic_cookie)
		return;
	pthread_mutex_lock(&magic_lock);
	t = magic_buffer(magic_cookie, data, len > SNIFF_BYTES ? SNIFF_BYTES : len);
	if (t)
		snprintf(out, outlen, "%s", t);
	pthread_mutex_unlock(&magic_lock);
}

void mime_header(GMimeObject *o, const char *name, char *dst, size_t dstlen)
{
	const char *v = g_mime_object_get_header(o, name);

	text_copy(dst, dstlen, v ? v : "");
}

/* part_bytes: the decoded content of a leaf part (transfer encoding
 * undone; charset converted to UTF-8 for text parts), bounded. */
/* ascii_as_utf8: charsets in which the ASCII bytes stand for themselves,
 * as in UTF-8 (lowercase names). */
static int ascii_as_utf8(const char *cs)
{
	static const char *const names[] = { "us-ascii", "ascii", "utf-8", "utf8", "iso-8859-1", "iso-8859-2",
					     "iso-8859-15", "latin1", "windows-1250", "windows-1251",
					     "windows-1252" };

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcasecmp(cs, names[i]))
			return 1;
	return 0;
}

/* text_as_is: the decoded bytes of text part o are already what
 * g_mime_text_part_get_text would give (its charset conversion to UTF-8
 * changes nothing): no charset named, ASCII in a charset that keeps
 * ASCII, or well-formed UTF-8 declared as UTF-8. */
static int text_as_is(GMimeObject *o, const unsigned char *s, size_t n)
{
	GMimeContentType *ct = g_mime_object_get_content_type(o);
	const char *cs = ct ? g_mime_content_type_get_parameter(ct, "charset") : NULL;
	int ascii = 1;

	if (!cs)
		return 1;
	if (!ascii_as_utf8(cs))
		return 0;
	for (size_t i = 0; i < n && ascii; i++)
		ascii = s[i] < 0x80;
	if (ascii)
		return 1;
	return (!strcasecmp(cs, "utf-8") || !strcasecmp(cs, "utf8")) && g_utf8_validate_len((const char *)s, n, NULL);
}

/* text_convert: what g_mime_text_part_get_text gives of text part o (its
 * charset converted to UTF-8 by GMime's charset filter, up to a NUL),
 * from the decoded bytes s (n of them), as far as MAX_PART_TEXT of it:
 * the bytes go through the filter in pieces until that much came out (a
 * 10 MB part in a charset whose bytes become 3 in UTF-8 made 30 MB at once
 * in get_text, issue 12). The first MAX_PART_TEXT bytes are the same. */
static void text_convert(GMimeObject *o, const unsigned char *s, size_t n, struct sbuf *out)
{
	GMimeContentType *ct = g_mime_object_get_content_type(o);
	const char *cs = ct ? g_mime_content_type_get_parameter(ct, "charset") : NULL;
	GMimeStream *mem = g_mime_stream_mem_new(), *filtered = g_mime_stream_filter_new(mem);
	GMimeFilter *filter = cs ? g_mime_filter_charset_new(cs, "utf-8") : NULL;
	GByteArray *ba = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem));
	const unsigned char *z;
	size_t off = 0, len;

	if (filter) {
		g_mime_stream_filter_add(GMIME_STREAM_FILTER(filtered), filter);
		g_object_unref(filter);
	}
	while (off < n && ba->len < MAX_PART_TEXT) {
		size_t k = n - off < 65536 ? n - off : 65536;

		if (g_mime_stream_write(filtered, (const char *)s + off, k) < 0)
			break;
		off += k;
	}
	g_mime_stream_flush(filtered);
	g_object_unref(filtered);
	len = ba->len > MAX_PART_TEXT ? MAX_PART_TEXT : ba->len;
	if ((z = len ? memchr(ba->data, '\0', len) : NULL))
		len = (size_t)(z - ba->data);
	sbuf_add(out, (const char *)ba->data, len);
	g_object_unref(mem);
}

static void part_bytes(GMimeObject *o, struct sbuf *out)
{
	GMimeDataWrapper *w;
	GMimeStream *mem;
	GByteArray *ba;

	/* decode the transfer encoding; a text part whose charset
	 * conversion would change nothing is taken as it is (up to a NUL,
	 * as its text would end there) */
	if (GMIME_IS_PART(o) && (w = g_mime_part_get_content(GMIME_PART(o)))) {
		int done = 0;

		mem = g_mime_stream_mem_new();
		if (g_mime_data_wrapper_write_to_stream(w, mem) >= 0) {
			size_t n;

			ba = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem));
			n = ba->len;
			if (!GMIME_IS_TEXT_PART(o)) {
				done = 1;
			} else if (!text_as_is(o, ba->data, ba->len)) {
				text_convert(o, ba->data, ba->len, out);
				g_object_unref(mem);
				return;
			} else {
				const unsigned char *z = n ? memchr(ba->data, '\0', n) : NULL;

				if (z)
					n = (size_t)(z - ba->data);
				done = 1;
			}
			if (done)
				sbuf_add(out, (const char *)ba->data, n > MAX_PART_TEXT ? MAX_PART_TEXT : n);
		}
		g_object_unref(mem);
		if (done)
			return;
	}
	if (!GMIME_IS_PART(o) || !(w = g_mime_part_get_content(GMIME_PART(o))))
		return;
	mem = g_mime_stream_mem_new();
	if (g_mime_data_wrapper_write_to_stream(w, mem) >= 0) {
		ba = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem));
		sbuf_add(out, (const char *)ba->data, ba->len > MAX_PART_TEXT ? MAX_PART_TEXT : ba->len);
	}
	g_object_unref(mem);
}

static int looks_like_headers(const char *s)
{
	int n = 0;
	static const char *const h[] = { "received:", "from:", "to:", "subject:", "message-id:",
					 "date:", "return-path:", "mime-version:" };

	for (size_t i = 0; i < sizeof(h) / sizeof(h[0]); i++)
		if (!strncasecmp(s, h[i], strlen(h[i])) || strcasestr(s, h[i]))
			n++;
	return n >= 3;
}

static void add_text(struct sbuf *dst, const struct sbuf *src)
{
	if (dst->len)
		sbuf_add(dst, "\n", 1);
	sbuf_add(dst, sbuf_get(src), src->len);
}

/* mime_header_text: the header block of o as g_mime_header_list_to_string
 * writes it ("Name:raw value" of each parsed header, in order), appended
 * to out; without its stream, filter and copies. The input was
 * normalised to LF, so the newline filter it applies changes nothing. A
 * header whose value was changed after parsing (none here) is
 * reformatted by GMime: then GMime writes the block. */
void mime_header_text(GMimeObject *o, struct sbuf *out)
{
	GMimeHeaderList *hl = g_mime_object_get_header_list(o);
	int n = hl ? g_mime_header_list_get_count(hl) : 0;

	for (int i = 0; i < n; i++) {
		GMimeHeader *h = g_mime_header_list_get_header_at(hl, i);

		if (h && h->reformat) {
			char *s = g_mime_header_list_to_string(hl, NULL);

			out->len = 0;
			if (s) {
				sbuf_str(out, s);
				g_free(s);
			}
			return;
		}
	}
	for (int i = 0; i < n && !out->cut && !out->oom; i++) {
		GMimeHeader *h = g_mime_header_list_get_header_at(hl, i);
		const char *name = h ? g_mime_header_get_raw_name(h) : NULL;
		const char *raw = h ? g_mime_header_get_raw_value(h) : NULL;

		if (!raw)
			continue;
		sbuf_str(out, name ? name : "");
		sbuf_add(out, ":", 1);
		sbuf_str(out, raw);
	}
	if (!out->s)
		sbuf_add(out, "", 0);
}

/* visit_leaf: one leaf part into c. A returned message with a report inside
 * it (when want_fwd) is parsed, and its report handed back in *fwd for mime_walk
 * to read instead. */
static void visit_leaf(struct ctx *c, GMimeObject *o, int in_report, int want_fwd, GMimeObject **fwd)
{
	int returned = returned_is(o);
	GMimeContentType *ct = g_mime_object_get_content_type(o);
	const char *type = ct ? g_mime_content_type_get_media_type(ct) : "text";
	const char *sub = ct ? g_mime_content_type_get_media_subtype(ct) : "plain";
	char mt[128], sn[128];
	struct sbuf b = { .max = MAX_PART_TEXT };

	snprintf(mt, sizeof(mt), "%s/%s", type ? type : "", sub ? sub : "");
	for (char *p = mt; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	part_bytes(o, &b);
	if (b.oom) {
		c->oom = 1;
		goto out;
	}
	if (!b.len)
		goto out;
	if (returned)
		returned_jmrp(c, b.s, b.len);
	if (returned && want_fwd) {
		GMimeMessage *m = returned_parse(c, b.s, b.len);
		GMimeObject *inner = m ? g_mime_message_get_mime_part(m) : NULL;
		GMimeContentType *ict = inner ? g_mime_object_get_content_type(inner) : NULL;

		/* a DSN forwarded as an attachment (a bounce of a bounce,
		 * a relay that wraps the report): read the report inside */
		if (ict && g_mime_content_type_is_type(ict, "multipart", "report")) {
			*fwd = inner;
			goto out;
		}
	}
	/* declared type missing, generic or wrong: ask libmagic, then look */
	if (!strcmp(mt, "application/octet-stream") || !strcmp(mt, "/") || !type || !*type ||
	    (in_report && strncmp(mt, "message/", 8) && strncmp(mt, "text/", 5))) {
		sniff(c, b.s, b.len, sn, sizeof(sn));
		if (!strncmp(sn, "message/", 8) || !strncmp(sn, "text/", 5))
			text_copy(mt, sizeof(mt), !strncmp(sn, "message/", 8) ? "message/rfc822" : "text/plain");
	}
	if (strstr(mt, "delivery-status")) {
		/* fields are ASCII, but Japanese servers write ISO-2022-JP
		 * into Diagnostic-Code: convert (ASCII passes unchanged) */
		if (memmem(b.s, b.len, "\x1b$B", 3) || memmem(b.s, b.len, "\x1b$@", 3)) {
			gsize outlen = 0;
			gchar *u = g_convert(b.s, (gssize)b.len, "UTF-8", "ISO-2022-JP", NULL, &outlen, NULL);

			if (u) {
				b.len = 0;
				sbuf_add(&b, u, outlen);
				g_free(u);
			}
		}
		add_text(&c->dsn, &b);
		c->have_dsn_part = 1;
	} else if (!strcmp(mt, "message/feedback-report")) {
		add_text(&c->arf, &b);
		c->have_arf_part = 1;
	} else if (returned) {
		returned_take(c, b.s, b.len);
	} else if (strstr(mt, "rfc822-header") || !strcmp(mt, "message/rfc822") ||
		   !strcmp(mt, "message/global") || !strcmp(mt, "message/partial")) {
		if (!c->orig.len)
			add_text(&c->orig, &b);
	} else if (!strcmp(mt, "text/html")) {
		add_text(&c->html, &b);
	} else if (!strncmp(mt, "text/", 5) || !strncmp(mt, "message/", 8)) {
		/* DSN fields or returned headers in a text/plain container */
		if (in_report && !c->have_dsn_part && dsn_looks(b.s)) {
			add_text(&c->dsn, &b);
			c->have_dsn_part = 1;
		} else if (in_report && c->text.len && looks_like_headers(b.s) && !c->orig.len) {
			add_text(&c->orig, &b);
		} else {
			add_text(&c->text, &b);
		}
	}
out:
	sbuf_free(&b);
}

struct walk_item {
	GMimeObject *o;
	int depth;
	int in_report;
};

static void mime_walk(struct ctx *c, GMimeObject *top)
{
	struct walk_item stack[MAX_PARTS];
	int sp = 0;

	if (!top)
		return;
	stack[sp++] = (struct walk_item){ top, 0, 0 };
	while (sp > 0 && c->nparts < MAX_PARTS && !c->oom) {
		struct walk_item it = stack[--sp];

		c->nparts++;
		if (GMIME_IS_MULTIPART(it.o)) {
			GMimeMultipart *mp = GMIME_MULTIPART(it.o);
			GMimeContentType *ct = g_mime_object_get_content_type(it.o);
			int n = g_mime_multipart_get_count(mp);
			int rep = it.in_report;

			if (ct && g_mime_content_type_is_type(ct, "multipart", "report")) {
				c->have_report = 1;
				rep = 1;
			}
			if (n == 0) {
				/* broken boundaries: the parts are all in the prologue */
				const char *pro = g_mime_multipart_get_prologue(mp);

				if (pro && *pro) {
					struct sbuf b = { .max = MAX_PART_TEXT };

					sbuf_str(&b, pro);
					add_text(&c->text, &b);
					sbuf_free(&b);
				}
			}
			if (it.depth + 1 >= MAX_DEPTH)
				continue;
			/* the first parts, as many as the stack holds (in reverse:
			 * the first is taken first) */
			for (int i = (n < MAX_PARTS - sp ? n : MAX_PARTS - sp) - 1; i >= 0; i--) {
				stack[sp++] = (struct walk_item){ g_mime_multipart_get_part(mp, i), it.depth + 1, rep };
			}
		} else if (GMIME_IS_MESSAGE_PART(it.o)) {
			GMimeMessage *m = g_mime_message_part_get_message(GMIME_MESSAGE_PART(it.o));
			GMimeObject *inner = m ? g_mime_message_get_mime_part(m) : NULL;
			GMimeContentType *ict = inner ? g_mime_object_get_content_type(inner) : NULL;

			/* a DSN forwarded as an attachment (a bounce of a bounce,
			 * a relay that wraps the report): read the report inside */
			if (ict && g_mime_content_type_is_type(ict, "multipart", "report") && !c->have_dsn_part &&
			    !c->have_report && it.depth + 1 < MAX_DEPTH && sp < MAX_PARTS) {
				stack[sp++] = (struct walk_item){ inner, it.depth + 1, 0 };
				continue;
			}
			returned_take_msg(c, m);
		} else {
			GMimeObject *fwd = NULL;

			visit_leaf(c, it.o, it.in_report,
				   !c->have_dsn_part && !c->have_report && it.depth + 1 < MAX_DEPTH && sp < MAX_PARTS, &fwd);
			if (fwd)
				stack[sp++] = (struct walk_item){ fwd, it.depth + 1, 0 };
		}
	}
}

/* read_top: what the parser reads of the top-level header (subject,
 * From, To, the header blob when input_top_filter did not write it),
 * then the walk over the parts. 0, or -1 when memory ran out. */
static int read_top(struct ctx *c, int filtered)
{
	InternetAddressList *l;
	const char *subj = g_mime_message_get_subject(c->msg);

	text_copy(c->subject, sizeof(c->subject), subj ? subj : "");
	mime_header(GMIME_OBJECT(c->msg), "From", c->from_raw, sizeof(c->from_raw));
	if (!filtered) {
		struct sbuf hb = { .max = HDRBLOB - 1 };

		mime_header_text(GMIME_OBJECT(c->msg), &hb);
		if (hb.oom)
			return -1;
		text_copy_n(c->hdrblob, HDRBLOB, sbuf_get(&hb), hb.len);
		for (char *q = c->hdrblob; *q; q++)
			*q = (char)tolower((unsigned char)*q);
		sbuf_free(&hb);
	}
	if ((l = g_mime_message_get_from(c->msg)))
		addr_of_list(c->from, sizeof(c->from), l);
	if ((l = g_mime_message_get_to(c->msg)))
		addr_of_list(c->to, sizeof(c->to), l);
	mime_walk(c, g_mime_message_get_mime_part(c->msg));
	return 0;
}

int mime_parse(struct ctx *c, struct input *in)
{
	int filtered = input_top_filter(in->norm, &in->len, c->hdrblob);
	GMimeStream *st;
	GMimeParser *parser;

	/* GMime reads the normalised copy where it is, not a copy of it: the
	 * stream borrows norm through a byte array that does not own it; the
	 * array goes after the message (ctx_free), norm after that
	 * (input_free) */
	in->borrow = g_byte_array_new_take((guint8 *)in->norm, in->len);
	st = g_mime_stream_mem_new_with_byte_array(in->borrow);
	g_mime_stream_mem_set_owner(GMIME_STREAM_MEM(st), FALSE);
	parser = g_mime_parser_new_with_stream(st);
	g_object_unref(st);
	g_mime_parser_set_format(parser, GMIME_FORMAT_MESSAGE);
	c->msg = g_mime_parser_construct_message(parser, NULL);
	g_object_unref(parser);
	return c->msg ? read_top(c, filtered) : 0;
}
