/* bounds.c: the input stage's bounds on what GMime is given to parse
 * (bounds.h).
 *
 * GMime's parser makes an object of every part, header field and address
 * it meets, all before the bounce parser looks at the tree: 10 MB of
 * empty parts, of header fields or of addresses cost it gigabytes
 * (issue 12). This pass reads the message once, line by line, in place
 * (it only ever shortens it), and follows its structure as GMime will:
 *
 * - A header block starts the message, follows every line that is a
 *   boundary of a multipart, and starts the body of a part whose type
 *   GMime parses as an embedded message (message/news, ...; rfc822 and
 *   global are leaves here: see mime.c). It ends at an empty line or a
 *   boundary line. Every line in it counts as a header line (GMime reads
 *   on past a line that is no header field, and so does this pass).
 * - A boundary line is "--" and a boundary declared by a multipart
 *   Content-Type field kept so far, then only white space ("--" more for
 *   the closing one). The boundaries come from GMime's own Content-Type
 *   parser, and every one declared so far is kept in the set: GMime's
 *   stack of open boundaries is never more than that set, so it never
 *   sees a boundary (nor a part, nor a header block) that this pass did
 *   not count.
 *
 * What lies beyond a bound is cut (parts: the message ends before the
 * boundary line that would open part BOUNCE_LIM_PARTS + 1) or dropped
 * (header fields, multipart Content-Type fields) or shortened (a field
 * longer than its bound loses its tail). Lines are never joined, and a
 * line is only cut when it cannot become a boundary line that way (it
 * does not start with '-'). Costs one pass over the message and a
 * Content-Type parse per Content-Type field kept. */
#include "bounds.h"

#include <gmime/gmime.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>

/* the state of one pass; the boundaries are owned here (lim_free) */
struct lim {
	char *buf;
	size_t len, r, w;         /* input length, read and write offsets (w <= r) */
	const char *why;          /* the first bound reached, or NULL */
	char *bnd[BOUNCE_LIM_MULTIPARTS];
	size_t bndlen[BOUNCE_LIM_MULTIPARTS];
	int nbnd, nmulti, oom;    /* boundaries in the set; multipart fields kept */
	size_t parts, fields, header_bytes, addr_bytes;
	/* the header field being copied: where it starts in the output, its
	 * bytes so far, its bound, whether it is dropped */
	size_t fstart, fbytes, fmax;
	int in_field, fdrop, fcut, faddr;
	const char *fwhy;         /* the bound that sets fmax */
	int msg_next;             /* the block's Content-Type makes the body a message */
};

static const char *const addr_fields[] = {
	"from", "sender", "reply-to", "to", "cc", "bcc",
	"resent-from", "resent-sender", "resent-reply-to", "resent-to", "resent-cc", "resent-bcc",
};

static void lim_note(struct lim *l, const char *why)
{
	if (!l->why)
		l->why = why;
}

static int is_lwsp(char c) { return c == ' ' || c == '\t' || c == '\r'; }

/* field_name_is: the field at s (n bytes of line) is named name */
static int field_name_is(const char *s, size_t n, const char *name)
{
	size_t k = strlen(name), i = k;

	if (n < k || strncasecmp(s, name, k))
		return 0;
	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	return i < n && s[i] == ':';
}

static int is_addr_field(const char *s, size_t n)
{
	for (size_t i = 0; i < sizeof(addr_fields) / sizeof(addr_fields[0]); i++)
		if (field_name_is(s, n, addr_fields[i]))
			return 1;
	return 0;
}

/* boundary_kind: 1 when the line [s, s + n) opens a part of a boundary in
 * the set, 2 when it only closes one, 0 when it is no boundary line */
static int boundary_kind(const struct lim *l, const char *s, size_t n)
{
	size_t t = n;
	int kind = 0;

	if (n < 2 || s[0] != '-' || s[1] != '-' || !l->nbnd)
		return 0;
	while (t > 2 && is_lwsp(s[t - 1]))
		t--;
	t -= 2; /* the text after "--", trailing white space off */
	for (int i = 0; i < l->nbnd; i++) {
		size_t bl = l->bndlen[i];

		if (t == bl && !memcmp(s + 2, l->bnd[i], bl))
			return 1;
		if (t == bl + 2 && !memcmp(s + 2, l->bnd[i], bl) && s[2 + bl] == '-' && s[3 + bl] == '-')
			kind = 2;
	}
	return kind;
}

/* emit: the bytes [s, s + n) to the output */
static void emit(struct lim *l, const char *s, size_t n)
{
	if (l->buf + l->w != s)
		memmove(l->buf + l->w, s, n);
	l->w += n;
}

/* field_end: the field being copied is complete: a Content-Type field is
 * read (a multipart's boundary joins the set; past the bound the field is
 * dropped), its bytes are counted */
static void field_end(struct lim *l)
{
	char val[BOUNCE_LIM_FIELD_BYTES + 1];
	const char *f, *colon;
	size_t n, k = 0;
	GMimeContentType *ct;
	const char *b;

	if (!l->in_field)
		return;
	l->in_field = 0;
	if (l->fdrop)
		return;
	f = l->buf + l->fstart;
	n = l->w - l->fstart;
	l->fields++;
	l->header_bytes += n;
	if (l->faddr)
		l->addr_bytes += n;
	if (!field_name_is(f, n, "content-type") || !(colon = memchr(f, ':', n)))
		return;
	/* the value unfolded, as GMime gives it to its parser */
	for (const char *p = colon + 1; p < f + n && k < BOUNCE_LIM_FIELD_BYTES; p++)
		if (*p != '\n' && *p != '\r')
			val[k++] = *p ? *p : ' ';
	val[k] = '\0';
	if (!(ct = g_mime_content_type_parse(NULL, val)))
		return;
	if (g_mime_content_type_is_type(ct, "message", "*")) {
		const char *sub = g_mime_content_type_get_media_subtype(ct);

		/* (bounce_init registers rfc822 and global as leaves) */
		if (sub && g_ascii_strcasecmp(sub, "rfc822") && g_ascii_strcasecmp(sub, "global")) {
			GMimeObject *o = g_mime_object_new_type(NULL, "message", sub);

			if (o && GMIME_IS_MESSAGE_PART(o))
				l->msg_next = 1;
			if (o)
				g_object_unref(o);
		}
	} else if (g_mime_content_type_is_type(ct, "multipart", "*") &&
		   (b = g_mime_content_type_get_parameter(ct, "boundary"))) {
		int known = 0;

		for (int i = 0; i < l->nbnd && !known; i++)
			known = l->bndlen[i] == strlen(b) && !memcmp(l->bnd[i], b, l->bndlen[i]);
		if (l->nmulti >= BOUNCE_LIM_MULTIPARTS) {
			/* one multipart more than the bound: GMime must not see
			 * it (every one counts, a boundary used again too: each
			 * is one level more on GMime's stack of boundaries, which
			 * it checks every line starting with "--" against) */
			lim_note(l, "multiparts");
			l->w = l->fstart;
			l->fields--;
			l->header_bytes -= n;
		} else if (!known && !(l->bnd[l->nbnd] = strdup(b))) {
			l->oom = 1;
		} else {
			l->nmulti++;
			if (!known)
				l->bndlen[l->nbnd++] = strlen(b);
		}
	}
	g_object_unref(ct);
}

/* field_start: a field begins with the line [s, s + n): is it kept, and
 * how long may it grow? */
static void field_start(struct lim *l, const char *s, size_t n)
{
	size_t room;

	l->in_field = 1;
	l->fstart = l->w;
	l->fbytes = 0;
	l->fcut = 0;
	l->faddr = is_addr_field(s, n);
	l->fmax = BOUNCE_LIM_FIELD_BYTES;
	l->fwhy = "header field length";
	room = BOUNCE_LIM_HEADER_BYTES - l->header_bytes;
	if (room < l->fmax) {
		l->fmax = room;
		l->fwhy = "header bytes";
	}
	room = BOUNCE_LIM_ADDR_BYTES - l->addr_bytes;
	if (l->faddr && room < l->fmax) {
		l->fmax = room;
		l->fwhy = "address fields";
	}
	l->fdrop = 0;
	if (l->fields >= BOUNCE_LIM_FIELDS) {
		lim_note(l, "header fields");
		l->fdrop = 1;
	} else if (l->fmax < 64 || (s[0] == '-' && n + 1 > l->fmax)) {
		/* no room left, or a line starting with '-' that would have to
		 * be cut (see the top) */
		lim_note(l, l->fwhy);
		l->fdrop = 1;
	}
}

/* field_line: one line [s, s + n + 1) of the field (n + 1 with its LF,
 * nl says whether there is one) into the output, within the bounds */
static void field_line(struct lim *l, const char *s, size_t n, int nl)
{
	size_t take = n + (size_t)nl;

	if (l->fdrop || l->fcut)
		return;
	if (l->fbytes + take > l->fmax) {
		size_t keep = l->fmax - l->fbytes; /* bytes of the line kept, its LF included */

		lim_note(l, l->fwhy);
		l->fcut = 1;
		if (keep < 2)
			return;
		emit(l, s, keep - 1);
		l->buf[l->w++] = '\n';
		l->fbytes += keep;
		return;
	}
	emit(l, s, take);
	l->fbytes += take;
}

static void lim_free(struct lim *l)
{
	for (int i = 0; i < l->nbnd; i++)
		free(l->bnd[i]);
}

int bounce_limits_apply(char *buf, size_t *len, const char **why)
{
	struct lim l = { .buf = buf, .len = *len };
	int headers = 1; /* in a header block (the message's own, first) */

	while (l.r < l.len && !l.oom) {
		const char *s = buf + l.r;
		const char *nlp = memchr(s, '\n', l.len - l.r);
		size_t n = nlp ? (size_t)(nlp - s) : l.len - l.r;
		int nl = nlp != NULL, kind = boundary_kind(&l, s, n);

		if (kind == 1) {
			/* a boundary line: a part and its header block follow */
			field_end(&l);
			if (l.parts >= BOUNCE_LIM_PARTS) {
				lim_note(&l, "parts");
				break;
			}
			l.parts++;
			headers = 1;
			l.msg_next = 0;
			emit(&l, s, n + (size_t)nl);
		} else if (kind == 2) {
			field_end(&l);
			headers = 0;
			emit(&l, s, n + (size_t)nl);
		} else if (!headers) {
			emit(&l, s, n + (size_t)nl);
		} else if (n == 0 || (n == 1 && s[0] == '\r')) {
			/* the end of a header block */
			field_end(&l);
			emit(&l, s, n + (size_t)nl);
			headers = 0;
			if (l.msg_next) {
				/* an embedded message: its header block follows */
				l.msg_next = 0;
				if (l.parts >= BOUNCE_LIM_PARTS) {
					lim_note(&l, "parts");
					l.r += n + (size_t)nl;
					break;
				}
				l.parts++;
				headers = 1;
			}
		} else if ((s[0] == ' ' || s[0] == '\t') && l.in_field) {
			field_line(&l, s, n, nl);
		} else {
			field_end(&l);
			field_start(&l, s, n);
			field_line(&l, s, n, nl);
		}
		l.r += n + (size_t)nl;
	}
	if (!l.oom)
		field_end(&l);
	if (l.r < l.len && !l.why)
		lim_note(&l, "parts");
	buf[l.w] = '\0';
	*len = l.w;
	*why = l.w == l.len ? NULL : l.why ? l.why : "parts";
	lim_free(&l);
	return l.oom ? -1 : 0;
}

int bounce_limits_headroom(size_t len)
{
	/* address space, not memory: mapped without access, never touched,
	 * so that the check costs two system calls and no page; a limit on
	 * the address space (RLIMIT_AS) refuses it as it would refuse
	 * malloc */
	size_t n = BOUNCE_LIM_HEADROOM(len);
	void *p = mmap(NULL, n, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	if (p == MAP_FAILED)
		return -1;
	munmap(p, n);
	return 0;
}
