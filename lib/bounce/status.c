/* status.c: RFC 3463 status codes and SMTP reply codes found in a
 * diagnostic, and the reason a status code means (tables.c). */
#include "state.h"
#include <ctype.h>
#include <stdio.h>
#include <string.h>

/* status_find: an RFC 3463 code in s into dst. When a relay quotes the
 * remote server ("5.1.0 - Unknown address error 550-'5.2.2 ..."), the
 * last code that follows a reply code ("550-5.2.2", "421 4.4.2") is the
 * remote's own; else the first code. */
int status_find(const char *s, char *dst, size_t dstlen, const char **quoted)
{
	const char *first = NULL, *best = NULL, *bestreply = NULL;
	size_t firstlen = 0, bestlen = 0;

	for (const char *p = s; *p; p++) {
		const char *q;
		size_t a, b;

		if ((*p != '2' && *p != '4' && *p != '5') || p[1] != '.' ||
		    (p > s && (isalnum((unsigned char)p[-1]) || p[-1] == '.')))
			continue;
		/* a version number ("mxl_mta-5.5.0-3", "v5.1.1"): no code */
		if (p - s >= 2 && p[-1] == '-' && isalpha((unsigned char)p[-2]))
			continue;
		q = p + 2;
		a = strspn(q, "0123456789");
		if (a < 1 || a > 3 || q[a] != '.')
			continue;
		b = strspn(q + a + 1, "0123456789");
		if (b < 1 || b > 3 || isalnum((unsigned char)q[a + 1 + b]) ||
		    (q[a + 1 + b] == '.' && isdigit((unsigned char)q[a + 2 + b])))
			continue;
		/* a transcript's successes ("250 2.1.5 Ok", "221 2.0.0 Bye")
		 * count only when there is nothing else */
		if (*p == '2' && (first || best)) {
			p = q + a + b;
			continue;
		}
		if (!first || *first == '2') {
			first = p;
			firstlen = (size_t)(q + a + 1 + b - p);
		}
		{
			/* a reply code before it, the code quoted or not
			 * ("550 5.2.2", "550-5.2.2", "550-'5.2.2") */
			const char *r = p - (p > s && (p[-1] == '\'' || p[-1] == '"'));

			if (*p != '2' && r - s >= 4 && (r[-1] == ' ' || r[-1] == '-') &&
			    isdigit((unsigned char)r[-2]) && isdigit((unsigned char)r[-3]) && r[-4] >= '2' &&
			    r[-4] <= '5' && (r - s == 4 || !isalnum((unsigned char)r[-5]))) {
				best = p;
				bestlen = (size_t)(q + a + 1 + b - p);
				bestreply = r != p ? r - 4 : NULL;
			}
		}
		p = q + a + b;
	}
	if (quoted)
		*quoted = best && bestreply && first && first < bestreply ? bestreply : NULL;
	if (!best) {
		best = first;
		bestlen = firstlen;
	}
	if (!best)
		return 0;
	text_copy_n(dst, dstlen, best, bestlen);
	return 1;
}

/* status_find_code: an SMTP reply code (2xx-5xx) in s: three digits, not part of
 * a longer number or an IP address, followed by space, '-' or the end. */
/* after_code_label: the ':' at colon ends a label that names a reply
 * code ("ERROR_CODE :421", "SMTP code: 550"), not a port or a time. */
static int after_code_label(const char *s, const char *colon)
{
	const char *q = colon;

	while (q > s && q[-1] == ' ')
		q--;
	return q - s >= 4 && !strncasecmp(q - 4, "code", 4);
}

int status_find_code(const char *s, char *dst, size_t dstlen)
{
	for (const char *p = s; *p; p++) {
		if ((*p != '2' && *p != '4' && *p != '5') || !isdigit((unsigned char)p[1]) ||
		    !isdigit((unsigned char)p[2]))
			continue;
		if (p > s && (isalnum((unsigned char)p[-1]) || p[-1] == '.' || p[-1] == '-' ||
			      (p[-1] == ':' && !after_code_label(s, p - 1)) || p[-1] == '#' || p[-1] == '/' ||
			      p[-1] == '+'))
			continue;
		if (p[3] && p[3] != ' ' && p[3] != '-' && p[3] != '\n' && p[3] != ']' && p[3] != ',')
			continue;
		if (p[1] > '5')
			continue;
		text_copy_n(dst, dstlen, p, 3);
		return 1;
	}
	return 0;
}

/* number: a subject or detail of 1-3 digits at *p (no leading zero but
 * for "0"), moving *p past its digits; -1 when there is none such. */
static int number(const char **p)
{
	const char *q = *p;
	size_t n = strspn(q, "0123456789");
	int v = 0;

	*p = q + n;
	if (n < 1 || n > 3 || (n > 1 && q[0] == '0'))
		return -1;
	for (size_t i = 0; i < n; i++)
		v = v * 10 + (q[i] - '0');
	return v;
}

void status_parse(const char *s, struct status_code *st)
{
	const char *p = s;

	memset(st, 0, sizeof(*st));
	st->subject = st->detail = -1;
	st->cls = s[0];
	if (!s[0] || s[1] != '.')
		return;
	p = s + 2;
	st->subject = number(&p);
	if (*p != '.') {
		st->bare = st->subject >= 0 && !*p;
		return;
	}
	st->dot = 1;
	p++;
	st->detail = number(&p);
	st->whole = st->subject >= 0 && st->detail >= 0 && !*p;
}

/* row_holds: the status table's code k ("X.1.1", "5.4.1", a class and
 * subject "X.7") names st. */
static int row_holds(const char *k, const struct status_code *st)
{
	struct status_code row;

	status_parse(k, &row);
	if ((row.cls != 'X' && row.cls != st->cls) || row.subject != st->subject)
		return 0;
	if (row.whole)
		return st->whole && st->detail == row.detail;
	/* "X.7": the subject, alone or followed by its detail */
	return row.bare && (st->bare || (row.cls == 'X' && st->dot));
}

enum bounce_reason status_reason(const struct status_code *st)
{
	if (st->cls != '4' && st->cls != '5')
		return REASON_NONE;
	for (size_t i = 0; i < bounce_nstatus_reasons; i++)
		if (row_holds(bounce_status_reasons[i].code, st))
			return bounce_status_reasons[i].reason;
	return REASON_NONE;
}

/* status_strip_codes: drop the "550-5.7.1 " and "550 5.7.1 " that multi-line
 * replies repeat inside the text, so that phrases match across lines. */
void status_strip_codes(char *s)
{
	char *w = s, *p = s;
	int first = 1;

	while (*p) {
		if ((p == s || p[-1] == ' ') && p[0] >= '2' && p[0] <= '5' && isdigit((unsigned char)p[1]) &&
		    isdigit((unsigned char)p[2]) && (p[3] == '-' || p[3] == ' ') && p[4] >= '2' &&
		    p[4] <= '5' && p[5] == '.') {
			char *q = p + 6;

			q += strspn(q, "0123456789");
			if (*q == '.' && isdigit((unsigned char)q[1])) {
				q += 1 + strspn(q + 1, "0123456789");
				if (*q == ' ' || !*q) {
					if (first) {
						first = 0;
					} else {
						p = *q ? q + 1 : q;
						continue;
					}
				}
			}
		}
		*w++ = *p++;
	}
	*w = '\0';
}

/* status_exact: a row of the status table names exactly this code (a
 * server's own use of it, e.g. Exchange Online's 5.4.1): it decides. */
int status_exact(const struct status_code *st)
{
	if (st->cls != '5')
		return 0; /* a temporary code may still be explained by its words */
	for (size_t i = 0; i < bounce_nstatus_reasons; i++)
		if (bounce_status_reasons[i].reason != REASON_NONE && bounce_status_reasons[i].code[0] == '5' &&
		    row_holds(bounce_status_reasons[i].code, st))
			return 1;
	return 0;
}

/* status_summary: the one RFC 3463 code of class cls, other than X.0.0,
 * that begins a line of text after a reply code ("554 5.3.0 unknown
 * mailer error 255": the reporting MTA's own summary line; quoted
 * replies, "<<< 550 5.1.1 ...", do not begin their lines); 0 if there is
 * none or more than one. */
int status_summary(const char *text, char cls, char *dst, size_t dstlen)
{
	int found = 0;

	for (const char *p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
		char st[32];
		struct status_code sc;
		size_t n;

		if (!(p[0] >= '4' && p[0] <= '5' && isdigit((unsigned char)p[1]) && isdigit((unsigned char)p[2]) &&
		      p[3] == ' ' && p[4] == cls && p[5] == '.'))
			continue;
		n = 6 + strspn(p + 6, "0123456789");
		if (n == 6 || n > 9 || p[n] != '.' || !isdigit((unsigned char)p[n + 1]))
			continue;
		n += 1 + strspn(p + n + 1, "0123456789");
		if (p[n] != ' ' || n - 4 >= sizeof(st))
			continue;
		memcpy(st, p + 4, n - 4);
		st[n - 4] = '\0';
		status_parse(st, &sc);
		if (status_is(&sc, 0, 0))
			continue;
		if (found && strcmp(st, dst))
			return 0; /* two different codes: none says it alone */
		text_copy(dst, dstlen, st);
		found = 1;
	}
	return found;
}
