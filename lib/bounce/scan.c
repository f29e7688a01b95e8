/* scan.c: the error text of non-standard bounces: the server's format, the
 * span of the error report, and the recipients and diagnostics its lines
 * name. */
#include "bounce.h"
#include "state.h"
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* A line of text folded to ASCII lowercase once, to be matched against
 * many patterns (as strcasestr would in the C locale, but without
 * rebuilding the search state per pattern). */
struct fline {
	size_t n;
	char buf[MAX_LINE];
};

/* text_fline_set: fold [s, e) into fl, cut at MAX_LINE - 1 bytes or a NUL. */
static void text_fline_set(struct fline *fl, const char *s, const char *e)
{
	size_t n = (size_t)(e - s), i;

	if (n >= sizeof(fl->buf))
		n = sizeof(fl->buf) - 1;
	for (i = 0; i < n && s[i]; i++) {
		unsigned char ch = (unsigned char)s[i];

		fl->buf[i] = (char)(ch >= 'A' && ch <= 'Z' ? ch + ('a' - 'A') : ch);
	}
	fl->buf[i] = '\0';
	fl->n = i;
}

/* text_span_has: pat occurs in the n folded bytes at buf (a folded line),
 * ignoring ASCII case. */
static int text_span_has(const char *buf, size_t n, const char *pat)
{
	size_t m = strlen(pat);
	const char *h = buf, *end = buf + n;
	unsigned char p0;

	if (m == 0)
		return 1;
	if (m > n)
		return 0;
	p0 = ascii_lower((unsigned char)pat[0]);
	while ((size_t)(end - h) >= m && (h = memchr(h, p0, (size_t)(end - h) - m + 1))) {
		size_t j = 1;

		while (j < m && (unsigned char)h[j] == ascii_lower((unsigned char)pat[j]))
			j++;
		if (j == m)
			return 1;
		h++;
	}
	return 0;
}

/* scan_format: the first row of the formats table whose sign is in the
 * bounce's header or text (computed once per message). */
const struct bounce_format *scan_format(struct ctx *c, const char *text)
{
	size_t n = 0;
	char *folded;

	if (c->format_done)
		return c->format;
	c->format_done = 1;
	if (c->ftext && text == sbuf_get(&c->text)) {
		/* the complete text, folded once (bounce_parse) */
		for (size_t i = 0; i < bounce_nformats; i++) {
			const struct bounce_format *f = &bounce_formats[i];

			/* a format with a second sign (also) is named by the
			 * header alone */
			if (f->also ? strstr(c->hdrblob, f->detect) && strstr(c->hdrblob, f->also)
				    : strstr(c->hdrblob, f->detect) || text_find(text, c->ftext, c->ftext_n, f->detect))
				return c->format = f;
		}
		return NULL;
	}
	folded = text_fold(text, &n);
	for (size_t i = 0; i < bounce_nformats; i++) {
		const struct bounce_format *f = &bounce_formats[i];

		if (f->also ? strstr(c->hdrblob, f->detect) && strstr(c->hdrblob, f->also)
			    : strstr(c->hdrblob, f->detect) || text_find(text, folded, n, f->detect)) {
			free(folded);
			return c->format = f;
		}
	}
	free(folded);
	return NULL;
}

/* list_form: a list's own address by its form (docs/parser.md, "Where a
 * failed recipient may be named"): LIST-request (RFC 2142 6), Mailman's
 * LIST-bounces, -owner, -admin, -confirm, -join, -leave, -subscribe,
 * -unsubscribe, Majordomo's owner-LIST. */
int scan_list_form(const char *a)
{
	static const char *const suffixes[] = { "-request", "-bounces", "-owner", "-admin", "-confirm",
						"-join", "-leave", "-subscribe", "-unsubscribe" };
	const char *at = strrchr(a, '@');
	const char *lp = a;

	if (!at)
		return 0;
	/* the local part before any "+detail" (Mailman's LIST-bounces+...) */
	for (const char *p = a; p < at; p++)
		if (*p == '+') {
			at = p;
			break;
		}
	for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
		size_t n = strlen(suffixes[i]);

		if ((size_t)(at - lp) > n && !strncasecmp(at - n, suffixes[i], n))
			return 1;
	}
	return !strncasecmp(a, "owner-", 6) && at - a > 6;
}

/* reporter_postmaster: postmaster@ of the reporting host itself (the
 * bounce's From domain or the Reporting-MTA, exactly): the address that
 * signs the report (RFC 5321 4.5.1), not a failed recipient. postmaster@ of
 * any other host, a sibling too, may be one (a report about mail to a
 * provider's postmaster). */
static int reporter_postmaster(struct ctx *c, const char *a)
{
	const char *fd = strrchr(c->from, '@');

	if (strncasecmp(a, "postmaster@", 11) || !a[11])
		return 0;
	return (fd && !strcasecmp(a + 11, fd + 1)) || !strcasecmp(a + 11, c->reporting_mta);
}

/* scan_ignored_addr: an address that is not a failed recipient: the bounce's
 * own sender and recipient, the returned message's sender, role
 * addresses of the reporting system, the list's own addresses. */
int scan_ignored_addr(struct ctx *c, const char *a)
{
	static const char *const roles[] = { "mailer-daemon@", "mailer_daemon@",
					     "root@", "abuse@", "double-bounce@", "noreply@",
					     "no-reply@", "support@", "help@", "helpdesk@" };

	if ((c->from[0] && !strcasecmp(a, c->from)) || (c->to[0] && !c->allow_to && !strcasecmp(a, c->to)) ||
	    (c->orig_from[0] && !c->allow_to && !strcasecmp(a, c->orig_from)))
		return 1;
	for (size_t i = 0; i < sizeof(roles) / sizeof(roles[0]); i++)
		if (!strncasecmp(a, roles[i], strlen(roles[i])))
			return 1;
	for (size_t i = 0; i < 2; i++)
		if (c->list_addr[i][0] && !strcasecmp(a, c->list_addr[i]))
			return 1;
	return reporter_postmaster(c, a) || scan_list_form(a);
}

/* skip_line: lines whose addresses are never failed recipients: those
 * that begin with one of skip_lead (after blanks and '>') or hold one of
 * skip_any (matched in one pass: matchers_skip_any). */
static const char *const skip_lead[] = { "from:", "return-path:", "sender:", "reply-to:",
					 "message-id:", "received:", "date:", "in-reply-to:",
					 "references:", "mail from:", ">>> mail from", "x-",
					 "errors-to:", "by ", "for <", "envelope-from", "arrival-date" };
static int skip_line(const char *s, const char *e, const char *folded)
{
	const char *t = s;

	while (t < e && (*t == ' ' || *t == '\t' || *t == '>'))
		t++;
	/* the first bytes of skip_lead, to try it only where one may match */
	if (t < e && strchr("frsmdi>xeba", ascii_lower((unsigned char)*t))) {
		for (size_t i = 0; i < sizeof(skip_lead) / sizeof(skip_lead[0]); i++)
			if ((size_t)(e - t) >= strlen(skip_lead[i]) &&
			    !strncasecmp(t, skip_lead[i], strlen(skip_lead[i])))
				return 1;
	}
	if (folded) {
		/* the line in the text folded once: as text_fline_set cuts it */
		size_t n = (size_t)(e - s) < MAX_LINE - 1 ? (size_t)(e - s) : MAX_LINE - 1;

		return phrase_any(matchers_skip_any, folded, n);
	} else {
		struct fline fl;

		text_fline_set(&fl, s, e);
		if (phrase_any(matchers_skip_any, fl.buf, fl.n))
			return 1;
	}
	return 0;
}

static void buf_append(char *buf, size_t size, const char *s, const char *e)
{
	size_t n = strlen(buf);

	while (s < e && isspace((unsigned char)*s))
		s++;
	if (s >= e)
		return;
	if (n && n + 1 < size)
		buf[n++] = ' ';
	if (n < size)
		text_copy_n(buf + n, size - n, s, (size_t)(e - s));
}

/* note: a line of error text about r: its diagnostic when r was found in
 * the text, else context beside the DSN fields. */
static void note(struct rcpt *r, const char *s, const char *e)
{
	if (r->from_text)
		buf_append(r->diag, sizeof(r->diag), s, e);
	else
		buf_append(r->context, sizeof(r->context), s, e);
}

void scan_diag_append(struct rcpt *r, const char *s, const char *e)
{
	buf_append(r->diag, sizeof(r->diag), s, e);
}

/* scan_error_span: [*s, *e) of text is the error report (before the returned
 * message). */
void scan_error_span(struct ctx *c, const struct bounce_format *f, const char *text, const char **s,
		     const char **e)
{
	const char *p = text, *start = text, *end = text + strlen(text);
	int started = f == NULL || f->start == NULL;
	struct fline fl_line, *fl = &fl_line;
	/* the complete text: its folded copy stands for each line's, and
	 * the span is the same each time (the format is known once) */
	int whole = c->ftext && text == sbuf_get(&c->text);

	if (matchers_init() < 0) {
		c->oom = 1;
		*s = start;
		*e = end;
		return;
	}
	if (whole && c->span_done && c->span_format == f) {
		*s = c->span_s;
		*e = c->span_e;
		return;
	}
	for (p = text; *p;) {
		const char *nl = strchr(p, '\n');
		const char *lb;
		size_t ln;

		if (!nl)
			nl = p + strlen(p);
		if (whole) {
			lb = c->ftext + (p - text);
			ln = (size_t)(nl - p) < MAX_LINE - 1 ? (size_t)(nl - p) : MAX_LINE - 1;
		} else {
			text_fline_set(fl, p, nl);
			lb = fl->buf;
			ln = fl->n;
		}
		if (!started && text_span_has(lb, ln, f->start)) {
			start = p;
			started = 1;
		} else if (started || p > start) {
			int stop = 0;

			if (f && f->end && text_span_has(lb, ln, f->end))
				stop = 1;
			if (!stop && phrase_any(matchers_end, lb, ln))
				stop = 1;
			/* a signature separator (RFC 3676 4.3: "-- " alone on a
			 * line; "--" as many write it): a footer follows, an
			 * antivirus stamp or a disclaimer, not the error */
			if (!stop && nl - p >= 2 && nl - p <= 3 && p[0] == '-' && p[1] == '-' &&
			    (nl - p == 2 || p[2] == ' '))
				stop = 1;
			if (stop && p > start) {
				end = p;
				break;
			}
		}
		p = *nl ? nl + 1 : nl;
	}
	*s = start;
	*e = end;
	if (whole) {
		c->span_done = 1;
		c->span_format = f;
		c->span_s = start;
		c->span_e = end;
	}
}

/* host_summary: Sendmail's line about a host, not a recipient: "550
 * example.org (smtp)... 550 Host unknown", "421 example.edu (smtp)...
 * Deferred: ...". The recipients it concerns are named on the lines after
 * it, so it ends the previous recipient's error text. */
static int host_summary(const char *p, const char *e)
{
	const char *q;

	if (e - p < 12 || !isdigit((unsigned char)p[0]) || !isdigit((unsigned char)p[1]) ||
	    !isdigit((unsigned char)p[2]) || p[3] != ' ')
		return 0;
	q = p + 4;
	while (q < e && *q != ' ' && *q != '<' && *q != '@')
		q++;
	if (q == p + 4 || q + 2 >= e || q[0] != ' ' || q[1] != '(')
		return 0;
	for (q += 2; q < e && isalnum((unsigned char)*q); q++)
		;
	return e - q >= 4 && !memcmp(q, ")...", 4);
}

/* transcript_line: a line of an SMTP session transcript that comes
 * before the line naming the recipient it concerns: Sendmail's "...
 * while talking to mx.example.org.:", ">>> MAIL From:<...>", "<<< 550
 * ..."; a line of a multi-line reply ("550-REJECTED ..."). Returns 2
 * for "while talking to", where a session with another host begins. */
static int transcript_line(const char *p, const char *e)
{
	while (p < e && (*p == ' ' || *p == '\t' || *p == '.'))
		p++;
	if (e - p >= 4 && (!memcmp(p, ">>> ", 4) || !memcmp(p, "<<< ", 4)))
		return 1;
	if (e - p >= 17 && (*p | 0x20) == 'w' && !strncasecmp(p, "while talking to ", 17))
		return 2;
	return e - p >= 4 && p[0] >= '2' && p[0] <= '5' && isdigit((unsigned char)p[1]) &&
	       isdigit((unsigned char)p[2]) && p[3] == '-';
}

/* x400_smtp: the address at a follows "SMTP=" or "RFC822=" (an X.400
 * O/R address's domain-defined attribute), not a URL's "?x=" */
static int x400_smtp(const char *p, const char *a)
{
	return (a - p >= 5 && !strncasecmp(a - 5, "smtp=", 5)) || (a - p >= 7 && !strncasecmp(a - 7, "rfc822=", 7));
}

/* after_from: the address at a (on the line from p) follows the word
 * "from" ("not accepting mail from X", "mail from <X>"): the sender, the
 * reverse path of RFC 5321 3.3, never a failed recipient. */
static int after_from(const char *p, const char *a)
{
	const char *b = a;

	while (b > p && (b[-1] == '<' || b[-1] == '"' || b[-1] == '\''))
		b--;
	if (b == p || (b[-1] != ' ' && b[-1] != ':'))
		return 0;
	b--;
	while (b > p && (*b == ' ' || *b == ':'))
		b--;
	if (b - p < 3 || strncasecmp(b - 3, "from", 4) || (b - 3 > p && isalpha((unsigned char)b[-4])))
		return 0;
	/* Exim's "(generated from ADDRESS)": the list's recipient that a
	 * redirection turned into the failed one */
	return !(b - 3 - p >= 10 && !strncasecmp(b - 13, "generated ", 10));
}

/* scan_text: recipients and their diagnostics from the error text. */
void scan_text(struct ctx *c, const char *text, int add_new)
{
	const struct bounce_format *f = scan_format(c, text);
	const char *s, *e, *p;
	/* indices, not pointers: rcpt_new may move the array */
	long cur = -1;
	/* transcript lines no recipient has claimed yet: they belong to
	 * the recipient named on the line right after them */
	const char *pend = NULL;
	int npend = 0, tl;

	scan_error_span(c, f, text, &s, &e);
	for (p = s; p < e;) {
		const char *nl = memchr(p, '\n', (size_t)(e - p));
		const char *a, *q = p;
		size_t alen;
		long hit = -1;

		if (!nl)
			nl = e;
		if (nl - p > MAX_LINE)
			nl = p + MAX_LINE;
		if (p == nl || strspn(p, " \t") == (size_t)(nl - p)) {
			/* a blank line ends what the DSN context says; error text
			 * of a recipient found in the text runs to the next one */
			if (cur >= 0 && !c->rc[cur].from_text && c->rc[cur].context[0])
				cur = -1;
			pend = NULL;
			npend = 0;
			p = nl < e ? nl + 1 : e;
			continue;
		}
		if (!skip_line(p, nl, c->ftext && text == sbuf_get(&c->text) ? c->ftext + (p - text) : NULL)) {
			while ((a = addr_find(q, nl, &alen))) {
				char addr[320];
				struct rcpt *r;

				text_copy_n(addr, sizeof(addr), a, alen);
				q = a + alen;
				/* inside a URL or a mailto: link: not a recipient;
				 * but an X.400 O/R address's domain-defined attribute
				 * "SMTP=user@host" (RFC 2156's RFC 822 address in
				 * X.400; Exchange's "dda:SMTP=") is one */
				if (a > p && (a[-1] == '/' || (a[-1] == '=' && !x400_smtp(p, a)) ||
					      (a - p >= 7 && !strncasecmp(a - 7, "mailto:", 7))))
					continue;
				/* "name <address>" (RFC 5322's name-addr) whose name
				 * looks like an address: the address in angle
				 * brackets is the one (Exim's "kijitora@example.com
				 * <neko@example.net>: malformed address: ...") */
				if (!(a > p && a[-1] == '<') && nl - q > 2 && q[0] == ' ' && q[1] == '<') {
					size_t l2;
					const char *b = addr_find(q + 2, nl, &l2);

					if (b == q + 2 && b + l2 < nl && b[l2] == '>')
						continue;
				}
				if (scan_ignored_addr(c, addr) || after_from(p, a))
					continue;
				r = rcpt_find(c, addr);
				if (!r && add_new && (r = rcpt_new(c))) {
					text_copy(r->addr, sizeof(r->addr), addr);
					r->from_text = 1;
				}
				if (r && hit < 0)
					hit = r - c->rc;
			}
		}
		if (hit >= 0 && cur < 0 && pend) {
			/* the transcript before the recipient's own line: the
			 * command and the reply its summary line speaks of */
			for (const char *l = pend; l < p;) {
				const char *le = memchr(l, '\n', (size_t)(p - l));

				note(&c->rc[hit], l, le ? le : p);
				l = le ? le + 1 : p;
			}
		}
		if (hit >= 0)
			cur = hit;
		else if (host_summary(p, nl))
			cur = -1; /* about a host: its recipients' lines follow */
		else if (transcript_line(p, nl) == 2)
			cur = -1; /* a session with another host begins */
		if (cur >= 0) {
			note(&c->rc[cur], p, nl);
			pend = NULL;
			npend = 0;
		} else if ((tl = transcript_line(p, nl))) {
			if (!pend || tl == 2) {
				pend = p;
				npend = 0;
			}
			if (++npend > 8) {
				/* keep the last eight lines */
				const char *n1 = memchr(pend, '\n', (size_t)(nl - pend));

				pend = n1 ? n1 + 1 : p;
				npend--;
			}
		} else {
			pend = NULL;
			npend = 0;
		}
		p = nl < e ? nl + 1 : e;
	}
}
