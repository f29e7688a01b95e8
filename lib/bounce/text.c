/* text.c: text helpers of the bounce parser (text.h): growing strings, bounded
 * copies, trimming, ASCII folding, case-insensitive search, HTML to text. */
#include "text.h"
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

int sbuf_add(struct sbuf *b, const char *s, size_t n)
{
	if (b->oom)
		return -1;
	if (b->max && b->len + n > b->max) {
		n = b->len < b->max ? b->max - b->len : 0;
		b->cut = 1;
	}
	if (n == 0) {
		/* nothing to add: still a string, never NULL */
		if (!b->s) {
			if (!(b->s = calloc(1, 1))) {
				b->oom = 1;
				return -1;
			}
			b->cap = 1;
		}
		return 0;
	}
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		char *p;

		while (cap < b->len + n + 1)
			cap *= 2;
		if (!(p = realloc(b->s, cap))) {
			b->oom = 1;
			return -1;
		}
		b->s = p;
		b->cap = cap;
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
	return 0;
}

int sbuf_str(struct sbuf *b, const char *s) { return sbuf_add(b, s, strlen(s)); }

void sbuf_free(struct sbuf *b)
{
	free(b->s);
	memset(b, 0, sizeof(*b));
}

const char *sbuf_get(const struct sbuf *b) { return b->s ? b->s : ""; }

/* bcopy_str: copy at most dstlen-1 bytes of s (n bytes) into dst. */
void text_copy_n(char *dst, size_t dstlen, const char *s, size_t n)
{
	if (!dstlen)
		return;
	if (n >= dstlen)
		n = dstlen - 1;
	memcpy(dst, s, n);
	dst[n] = '\0';
}

void text_copy(char *dst, size_t dstlen, const char *s) { text_copy_n(dst, dstlen, s, strlen(s)); }

/* text_trim: strip white space at both ends, in place. */
char *text_trim(char *s)
{
	char *e;

	while (*s && isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

/* fold: lowercase copy of s with white space runs folded to one space. */
void bounce_fold(char *dst, size_t dstlen, const char *s)
{
	size_t n = 0;
	int sp = 0;

	if (!dstlen)
		return;
	/* isspace and tolower of the C locale (the programs never set
	 * another), without a library call per byte */
	for (; *s && n + 1 < dstlen; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == ' ' || (c >= '\t' && c <= '\r')) {
			sp = n > 0;
			continue;
		}
		if (sp && n + 2 < dstlen)
			dst[n++] = ' ';
		sp = 0;
		dst[n++] = (char)(c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c);
	}
	dst[n] = '\0';
}

/* text_fold: an ASCII-lowercase copy of s and its length, to search for
 * many patterns without strcasestr (caller frees); NULL when out of memory. */
char *text_fold(const char *s, size_t *n)
{
	size_t len = strlen(s);
	char *f = malloc(len + 1);

	if (!f)
		return NULL;
	for (size_t i = 0; i <= len; i++)
		f[i] = (char)ascii_lower((unsigned char)s[i]);
	*n = len;
	return f;
}

/* text_find: where pat occurs, ignoring ASCII case, in s, whose folded
 * copy of length n is folded (may be NULL: strcasestr then); NULL if not. */
const char *text_find(const char *s, const char *folded, size_t n, const char *pat)
{
	char p[256];
	size_t m = strlen(pat);
	const char *hit;

	if (!folded || m >= sizeof(p))
		return strcasestr(s, pat);
	for (size_t i = 0; i < m; i++)
		p[i] = (char)ascii_lower((unsigned char)pat[i]);
	if (m == 0)
		return s;
	hit = memmem(folded, n, p, m);
	return hit ? s + (hit - folded) : NULL;
}

/* text_one_line: diagnostics become one line of bounded length. */
void text_one_line(char *s)
{
	char *w = s;
	int sp = 0;

	for (char *p = s; *p; p++) {
		unsigned char ch = (unsigned char)*p;

		if (isspace(ch) || ch < 0x20) {
			sp = w > s;
			continue;
		}
		if (sp)
			*w++ = ' ';
		sp = 0;
		*w++ = (char)ch;
	}
	*w = '\0';
}

/* text_from_html: tags dropped, a few entities decoded, block ends to
 * newlines; enough to read an error text written as HTML. */
void text_from_html(const struct sbuf *in, struct sbuf *out)
{
	const char *p = sbuf_get(in);

	while (*p) {
		if (*p == '<') {
			const char *e = strchr(p, '>');

			if (!e)
				break;
			if (!strncasecmp(p, "<br", 3) || !strncasecmp(p, "</p", 3) || !strncasecmp(p, "</div", 5) ||
			    !strncasecmp(p, "</tr", 4) || !strncasecmp(p, "<p", 2))
				sbuf_add(out, "\n", 1);
			else if (!strncasecmp(p, "</td", 4))
				sbuf_add(out, " ", 1);
			p = e + 1;
		} else if (*p == '&') {
			static const struct { const char *e, *t; } ents[] = {
				{ "&lt;", "<" }, { "&gt;", ">" }, { "&amp;", "&" }, { "&nbsp;", " " }, { "&quot;", "\"" },
			};
			size_t i;

			for (i = 0; i < sizeof(ents) / sizeof(ents[0]); i++)
				if (!strncasecmp(p, ents[i].e, strlen(ents[i].e))) {
					sbuf_str(out, ents[i].t);
					p += strlen(ents[i].e);
					break;
				}
			if (i == sizeof(ents) / sizeof(ents[0]))
				sbuf_add(out, p++, 1);
		} else {
			const char *e = p + strcspn(p, "<&");

			sbuf_add(out, p, (size_t)(e - p));
			p = e;
		}
	}
}
