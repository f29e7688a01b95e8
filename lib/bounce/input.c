/* input.c: the parser's input stage: line endings (CRLF and bare CR to LF),
 * the size limit, mbox postmarks, and the top-level header cut to what the
 * parser reads before GMime parses it. */
#include "bounce.h"
#include "bounds.h"
#include "state.h"
#include <string.h>
#include <strings.h>
#include <stdlib.h>

/* input_normalise: copy at most limit bytes of data into *out with CRLF and bare
 * CR turned into LF and NUL bytes into spaces. Returns 0 or -1 (memory). */
static int input_normalise(const char *data, size_t len, size_t limit, char **out, size_t *outlen,
		     int *truncated)
{
	char *p;
	size_t n = 0;

	*truncated = 0;
	if (len > limit) {
		len = limit;
		*truncated = 1;
	}
	if (!(p = malloc(len + 1)))
		return -1;
	/* runs without CR are copied whole; NULs in them become spaces */
	for (size_t i = 0; i < len;) {
		const char *cr = memchr(data + i, '\r', len - i);
		size_t run = cr ? (size_t)(cr - (data + i)) : len - i;
		char *z, *end;

		memcpy(p + n, data + i, run);
		for (z = p + n, end = p + n + run; (z = memchr(z, '\0', (size_t)(end - z)));)
			*z++ = ' ';
		n += run;
		i += run;
		if (i < len) {
			/* CR or CRLF: one LF */
			p[n++] = '\n';
			i += i + 1 < len && data[i + 1] == '\n' ? 2 : 1;
		}
	}
	p[n] = '\0';
	*out = p;
	*outlen = n;
	return 0;
}

/* input_is_postmark: the line at p is an mbox "From " line: "From SENDER DAY ". */
static int input_is_postmark(const char *p, const char *end)
{
	static const char *const days[] = { "Mon ", "Tue ", "Wed ", "Thu ", "Fri ", "Sat ", "Sun " };
	const char *q;

	if (end - p < 10 || memcmp(p, "From ", 5) != 0)
		return 0;
	q = p + 5;
	while (q < end && *q != ' ' && *q != '\n')
		q++;
	while (q < end && *q == ' ')
		q++;
	if (end - q < 4)
		return 0;
	for (size_t i = 0; i < 7; i++)
		if (!memcmp(q, days[i], 4))
			return 1;
	return 0;
}

const char *bounce_mbox_next(const char *data, size_t len, size_t *off, size_t *msglen)
{
	const char *p, *end = data + len, *start, *line;

	if (*off >= len)
		return NULL;
	p = data + *off;
	/* skip the postmark of this message, if any */
	start = p;
	line = p;
	if (input_is_postmark(line, end)) {
		const char *nl = memchr(line, '\n', (size_t)(end - line));
		/* a CR before it (only up to it: a search to the end would
		 * make splitting quadratic in the number of messages) */
		const char *nc = memchr(line, '\r', (size_t)((nl ? nl : end) - line));

		if (nc)
			nl = nc;
		start = nl ? nl + 1 : end;
		if (nl && *nl == '\r' && start < end && *start == '\n')
			start++;
	}
	/* find the next postmark at the start of a line (after LF, CRLF or
	 * a bare CR): only where an 'F' follows a line end is there anything
	 * to check */
	line = end;
	for (const char *q = start + 1; q < end;) {
		const char *f = memchr(q, 'F', (size_t)(end - q));

		if (!f)
			break;
		if ((f[-1] == '\n' || f[-1] == '\r') && input_is_postmark(f, end)) {
			line = f;
			break;
		}
		q = f + 1;
	}
	*msglen = (size_t)(line - start);
	*off = (size_t)(line - data);
	return start;
}

/* The top-level headers the parser reads through GMime. GMime makes an
 * object of every header it parses, the costliest part of a parse, so
 * input_top_filter hands it only these (and the first header); the others
 * (Received, DKIM-Signature, ...) are still in the header blob that
 * format detection searches. A header of the bounce itself read with
 * mime_header, g_mime_object_get_header or a g_mime_message_get_* call
 * must be named here (or be a Content-* header, or in the auto-reply or
 * complaint tables, which are added by name). */
static const char *const top_read[] = { "from", "to", "subject", "x-failed-recipients", "mime-version" };

/* top_kept: is the header named [name, name + n) one the parser reads? */
static int top_kept(const char *name, size_t n)
{
	if (n >= 8 && !strncasecmp(name, "content-", 8))
		return 1;
	/* the names are lowercase: compare the first byte before the rest */
	for (size_t i = 0; i < sizeof(top_read) / sizeof(top_read[0]); i++)
		if (top_read[i][0] == ascii_lower((unsigned char)name[0]) && !strncasecmp(name, top_read[i], n) &&
		    !top_read[i][n])
			return 1;
	for (size_t i = 0; i < bounce_nautoreply_headers; i++) {
		const char *h = bounce_autoreply_headers[i].name;

		if (ascii_lower((unsigned char)h[0]) == ascii_lower((unsigned char)name[0]) &&
		    !strncasecmp(name, h, n) && !h[n])
			return 1;
	}
	for (size_t i = 0; i < bounce_ncomplaint_headers; i++) {
		const char *h = bounce_complaint_headers[i].name;

		if (ascii_lower((unsigned char)h[0]) == ascii_lower((unsigned char)name[0]) &&
		    !strncasecmp(name, h, n) && !h[n])
			return 1;
	}
	return 0;
}

/* input_top_filter: when the top-level header block of buf (*lenp bytes, NUL
 * after them) is plain (every line up to the first empty one a header
 * "Name:" with a printable ASCII name, or the continuation of one),
 * copy it lowercase into blob (HDRBLOB bytes; as mime_header_text would write
 * GMime's headers of it), then drop in place the headers that top_kept
 * says the parser never reads, all but the first, and return 1. GMime
 * then parses the same message, fewer headers. Any other block (no
 * empty line, a line that is no header, an mbox line, 8-bit names) is
 * left alone for GMime as it is: returns 0. */
int input_top_filter(char *buf, size_t *lenp, char *blob)
{
	size_t len = *lenp, e = 0, w, i, bl;
	int keep = 1, first = 1;

	if (!len || buf[0] == ' ' || buf[0] == '\t' || buf[0] == '\n')
		return 0;
	for (i = 0; i < len;) {
		const char *nl = memchr(buf + i, '\n', len - i);
		size_t end, j = i;

		if (!nl)
			return 0; /* no empty line */
		end = (size_t)(nl - buf);
		if (end == i) {
			e = i; /* the empty line */
			break;
		}
		if (buf[i] != ' ' && buf[i] != '\t') {
			while (j < end && buf[j] >= 0x21 && buf[j] <= 0x7e && buf[j] != ':')
				j++;
			if (j == i)
				return 0;
			while (j < end && (buf[j] == ' ' || buf[j] == '\t'))
				j++;
			if (j >= end || buf[j] != ':')
				return 0;
		}
		i = end + 1;
	}
	if (!e)
		return 0;
	/* lowercase as tolower in the C locale (the programs never set
	 * another) */
	bl = e < HDRBLOB - 1 ? e : HDRBLOB - 1;
	for (i = 0; i < bl; i++)
		blob[i] = (char)ascii_lower((unsigned char)buf[i]);
	blob[bl] = '\0';
	for (i = 0, w = 0; i < e;) {
		size_t end = (size_t)((const char *)memchr(buf + i, '\n', e - i) - buf);

		if (buf[i] != ' ' && buf[i] != '\t') {
			size_t j = i;

			while (buf[j] != ':' && buf[j] != ' ' && buf[j] != '\t')
				j++;
			keep = first || top_kept(buf + i, j - i);
			first = 0;
		}
		if (keep) {
			memmove(buf + w, buf + i, end + 1 - i);
			w += end + 1 - i;
		}
		i = end + 1;
	}
	memmove(buf + w, buf + e, len - e);
	*lenp = w + len - e;
	buf[*lenp] = '\0';
	return 1;
}

int input_prepare(struct input *in, const char *data, size_t len, size_t limit)
{
	size_t off = 0, mlen = 0;
	const char *m;

	if (input_normalise(data, len, limit, &in->norm, &in->len, &in->truncated) < 0)
		return -1;
	/* an mbox postmark on the first line is not a header */
	m = input_is_postmark(in->norm, in->norm + in->len) ? bounce_mbox_next(in->norm, in->len, &off, &mlen)
							     : in->norm;
	if (m && m != in->norm) {
		memmove(in->norm, m, mlen);
		in->len = mlen;
		in->norm[in->len] = '\0';
	}
	/* what GMime builds, bounded before it parses (bounds.h) */
	return bounce_limits_apply(in->norm, &in->len, &in->limited);
}

void input_free(struct input *in)
{
	if (in->borrow)
		g_byte_array_free(in->borrow, FALSE); /* the wrapper; norm stays */
	free(in->norm);
	memset(in, 0, sizeof(*in));
}
