/* text.h: text helpers of the bounce parser (lib/bounce/text.c): growing
 * strings, bounded copies, trimming, ASCII folding, case-insensitive
 * search. They depend on nothing else of the parser; the site rules and
 * every stage use them. Internal to lib/. */
#ifndef REBOUND_BOUNCE_TEXT_H
#define REBOUND_BOUNCE_TEXT_H

#include <stddef.h>

/* A growing string, bounded by max (0 = unbounded); cut is set when text
 * was dropped at the bound, oom when memory ran out. Owner frees with
 * sbuf_free. (Not GLib's GString, which aborts when memory runs out:
 * bounce_parse reports that as BOUNCE_ENOMEM, and rebound-pipe exits 75
 * for it.) */
struct sbuf {
	char *s;
	size_t len, cap, max;
	int cut, oom;
};
int sbuf_add(struct sbuf *b, const char *s, size_t n);
int sbuf_str(struct sbuf *b, const char *s);
void sbuf_free(struct sbuf *b);
/* sbuf_get: the string, "" when nothing was added */
const char *sbuf_get(const struct sbuf *b);

/* ascii_lower: ch in ASCII lowercase (tolower of the C locale). */
static inline unsigned char ascii_lower(unsigned char ch)
{
	return ch >= 'A' && ch <= 'Z' ? (unsigned char)(ch + ('a' - 'A')) : ch;
}

/* text_copy_n: copy at most dstlen-1 bytes of s (n bytes) into dst;
 * text_copy: the same for a string. */
void text_copy_n(char *dst, size_t dstlen, const char *s, size_t n);
void text_copy(char *dst, size_t dstlen, const char *s);
/* text_trim: strip white space at both ends, in place. */
char *text_trim(char *s);
/* bounce_fold: lowercase copy with runs of white space folded to one. */
void bounce_fold(char *dst, size_t dstlen, const char *s);
/* text_fold: an ASCII-lowercase copy of s and its length (caller frees);
 * NULL when out of memory. */
char *text_fold(const char *s, size_t *n);
/* text_find: where pat occurs, ignoring ASCII case, in s, whose folded
 * copy of length n is folded (may be NULL: strcasestr then); NULL if not. */
const char *text_find(const char *s, const char *folded, size_t n, const char *pat);
/* text_one_line: white space runs and control characters to one space. */
void text_one_line(char *s);
/* text_from_html: tags dropped, a few entities decoded, block ends to
 * newlines, appended to out. */
void text_from_html(const struct sbuf *in, struct sbuf *out);

#endif
