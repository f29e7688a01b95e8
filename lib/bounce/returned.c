/* returned.c: the returned message: its header block (as a MIME part, a
 * parsed message, or inline text after an end marker) and the fields read
 * from it (Message-ID, To, From). */
#include "bounce.h"
#include "bounds.h"
#include "state.h"
#include <stdio.h>
#include <string.h>
#include <strings.h>

/* header_value: a header of the text at hdrs (unfolded), into dst. */
static int header_value(const char *hdrs, const char *name, char *dst, size_t dstlen)
{
	size_t nl = strlen(name);
	const char *p = hdrs;

	dst[0] = '\0';
	while (p && *p) {
		if (*p == '\n')
			return 0; /* end of the header block */
		if (!strncasecmp(p, name, nl) && p[nl] == ':') {
			const char *v = p + nl + 1;
			size_t n = 0;

			while (*v && n + 1 < dstlen) {
				if (*v == '\n') {
					if (v[1] == ' ' || v[1] == '\t') {
						v++;
						continue;
					}
					break;
				}
				dst[n++] = *v++ == '\t' ? ' ' : v[-1];
			}
			dst[n] = '\0';
			memmove(dst, text_trim(dst), strlen(text_trim(dst)) + 1);
			return 1;
		}
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return 0;
}

/* returned_take: headers of a returned message (GMimeMessage). */
/* header_block_len: the length of the header block at the start of s (len
 * bytes): whole "Name: value" lines and their continuation lines, up to a
 * blank line or a line that is neither, as GMime's header parser reads */
static size_t header_block_len(const char *s, size_t len)
{
	size_t i = 0;

	while (i < len) {
		const char *nl = memchr(s + i, '\n', len - i);
		size_t end = nl ? (size_t)(nl - s) + 1 : len, j = i;

		if (s[i] == ' ' || s[i] == '\t') {
			if (!i)
				break;
		} else {
			while (j < end && s[j] > ' ' && s[j] < 127 && s[j] != ':')
				j++;
			if (j == i)
				break;
			while (j < end && (s[j] == ' ' || s[j] == '\t'))
				j++;
			if (j >= end || s[j] != ':')
				break;
		}
		i = end;
	}
	return i;
}

void returned_take(struct ctx *c, const char *s, size_t len)
{
	size_t n = header_block_len(s, len);

	if (c->orig.len || !n)
		return;
	sbuf_add(&c->orig, s, n);
}

/* returned_take_msg: the header of a returned message GMime parsed (message/news) */
void returned_take_msg(struct ctx *c, GMimeMessage *m)
{
	struct sbuf h = { .max = MAX_PART_TEXT };

	if (c->orig.len || !m)
		return;
	mime_header_text(GMIME_OBJECT(m), &h);
	if (h.oom)
		c->oom = 1;
	else
		sbuf_add(&c->orig, sbuf_get(&h), h.len);
	sbuf_free(&h);
}

/* returned_is: a returned message parsed as a leaf (gmime_init_once) */
int returned_is(GMimeObject *o)
{
	GMimeContentType *ct = g_mime_object_get_content_type(o);

	return GMIME_IS_PART(o) && ct &&
	       (g_mime_content_type_is_type(ct, "message", "rfc822") ||
		g_mime_content_type_is_type(ct, "message", "global"));
}

/* returned_parse: the returned message in s (len bytes) as a GMime message
 * when its header says multipart/report, else NULL; owned by c (ctx_free) */
GMimeMessage *returned_parse(struct ctx *c, const char *s, size_t len)
{
	size_t n = header_block_len(s, len);
	GMimeStream *st;
	GMimeParser *parser;
	GMimeMessage *m;
	GByteArray *copy;
	const char *why;
	int found = 0;

	for (size_t i = 0; i + 16 <= n && !found; i++)
		found = !g_ascii_strncasecmp(s + i, "multipart/report", 16);
	if (!found || c->nfwd >= (int)(sizeof(c->fwd) / sizeof(c->fwd[0])))
		return NULL;
	/* bounded as the message is (bounds.h), in a copy the stream owns */
	copy = g_byte_array_sized_new((guint)len + 1);
	g_byte_array_append(copy, (const guint8 *)s, (guint)len);
	g_byte_array_append(copy, (const guint8 *)"", 1);
	if (bounce_limits_apply((char *)copy->data, &len, &why) < 0) {
		c->oom = 1;
		g_byte_array_free(copy, TRUE);
		return NULL;
	}
	g_byte_array_set_size(copy, (guint)len);
	if (why && !c->limited)
		c->limited = why;
	st = g_mime_stream_mem_new_with_byte_array(copy);
	parser = g_mime_parser_new_with_stream(st);
	g_object_unref(st);
	g_mime_parser_set_format(parser, GMIME_FORMAT_MESSAGE);
	m = g_mime_parser_construct_message(parser, NULL);
	g_object_unref(parser);
	if (m)
		c->fwd[c->nfwd++] = m;
	return m;
}

/* returned_jmrp: a message attached to the report (s, len bytes) whose
 * header has X-HmXmrOriginalRecipient: Microsoft's junk-mail reporting
 * program (JMRP, Outlook.com/Hotmail's feedback loop) adds it to the
 * message it reports, naming the complainant: the report is a complaint
 * whatever the message it reports is (a bounce too: backscatter). */
void returned_jmrp(struct ctx *c, const char *s, size_t len)
{
	size_t n = header_block_len(s, len);
	char hdr[MAX_HEADER_VALUE * 4], v[MAX_HEADER_VALUE];

	if (c->jmrp_rcpt[0] || !n)
		return;
	text_copy_n(hdr, sizeof(hdr), s, n);
	if (header_value(hdr, "X-HmXmrOriginalRecipient", v, sizeof(v)))
		addr_clean(c->jmrp_rcpt, sizeof(c->jmrp_rcpt), v);
}

/* list_addr_of: the address of a List-Post value ("<mailto:list@host>",
 * RFC 2369 3.4) or an X-BeenThere value (Mailman's: the posting address)
 * into dst, if there is one. */
static void list_addr_of(const char *v, char *dst, size_t dstlen)
{
	const char *m = strcasestr(v, "mailto:");
	size_t n;
	const char *a = addr_find(m ? m + 7 : v, (m ? m + 7 : v) + strlen(m ? m + 7 : v), &n);

	if (a && n < dstlen)
		text_copy_n(dst, dstlen, a, n);
}

/* returned_list_addrs: the list's own posting addresses, from the returned
 * message's header (h) or the bounce's own (blob: lowercase, as format
 * detection reads it; a bounce a list server passed on carries them). */
static void returned_list_addrs(struct ctx *c, const char *h)
{
	char v[MAX_HEADER_VALUE];
	const char *names[] = { "List-Post", "X-BeenThere" };

	for (size_t i = 0; i < 2; i++) {
		if (!c->list_addr[i][0] && header_value(h, names[i], v, sizeof(v)))
			list_addr_of(v, c->list_addr[i], sizeof(c->list_addr[i]));
		if (!c->list_addr[i][0] && c->hdrblob) {
			char pat[32];
			const char *p;

			snprintf(pat, sizeof(pat), "%s:", i ? "x-beenthere" : "list-post");
			p = strstr(c->hdrblob, pat);
			if (p && (p == c->hdrblob || p[-1] == '\n')) {
				const char *e = strchr(p, '\n');

				text_copy_n(v, sizeof(v), p + strlen(pat), e ? (size_t)(e - p) - strlen(pat) : strlen(p));
				list_addr_of(v, c->list_addr[i], sizeof(c->list_addr[i]));
			}
		}
	}
}

void returned_read_headers(struct ctx *c)
{
	char v[MAX_HEADER_VALUE];
	const char *h = sbuf_get(&c->orig);

	while (*h == '\n')
		h++;
	if (header_value(h, "Message-ID", v, sizeof(v)))
		text_copy(c->orig_msgid, sizeof(c->orig_msgid), text_trim(v));
	if (header_value(h, "To", v, sizeof(v)))
		addr_clean(c->orig_to, sizeof(c->orig_to), v);
	if (header_value(h, "From", v, sizeof(v)))
		addr_clean(c->orig_from, sizeof(c->orig_from), v);
	returned_list_addrs(c, h);
}

/* returned_in_text: the returned message's headers when it is inline text
 * after an end marker (no MIME). */
void returned_in_text(struct ctx *c)
{
	const char *t = sbuf_get(&c->text);
	const char *best = NULL;

	for (size_t i = 0; i < bounce_nend_markers; i++) {
		const char *m = text_find(t, c->ftext, c->ftext_n, bounce_end_markers[i]);

		if (m && (!best || m < best))
			best = m;
	}
	if (best) {
		const char *nl = strchr(best, '\n');

		if (nl) {
			nl++;
			while (*nl == '\n' || *nl == ' ')
				nl++;
			sbuf_str(&c->orig, nl);
		}
	}
}
