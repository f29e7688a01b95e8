/* kind.c: what kind of message it is (DSN, ARF, auto-reply, non-standard
 * bounce, none) and the checks on its recipients. */
#include "bounce.h"
#include "state.h"
#include <ctype.h>
#include <string.h>
#include <strings.h>

/* kind_own_letters: the letters of r's diagnostic outside its own address. */
size_t kind_own_letters(const struct rcpt *r)
{
	const char *a = strcasestr(r->diag, r->addr);
	size_t letters = 0;

	for (const char *p = r->diag; *p; p++) {
		if (a && p == a) {
			p += strlen(r->addr) - 1;
			continue;
		}
		letters += isalpha((unsigned char)*p) != 0;
	}
	return letters;
}

/* kind_listed_after_colon: in [s, e), the first line naming addr follows
 * (blank lines aside) a line that ends with ':'. */
int kind_listed_after_colon(const char *s, const char *e, const char *addr)
{
	const char *a = NULL, *p;
	size_t n = strlen(addr);

	for (p = s; n && p + n <= e; p++)
		if (ascii_lower((unsigned char)*p) == ascii_lower((unsigned char)*addr) && !strncasecmp(p, addr, n)) {
			a = p;
			break;
		}
	if (!a)
		return 0;
	while (a > s && a[-1] != '\n') /* the start of its line */
		a--;
	for (p = a; p > s;) {
		const char *le = p - 1, *ls; /* the '\n' ending the line before */

		while (le > s && isspace((unsigned char)le[-1]))
			le--;
		ls = le;
		while (ls > s && ls[-1] != '\n')
			ls--;
		if (le > ls)
			return le[-1] == ':';
		p = ls;
	}
	return 0;
}

/* kind_says_nothing: r's diagnostic is no more than its own address, or
 * carries no reply code. */
int kind_says_nothing(const struct rcpt *r)
{
	char code[8];

	if (!status_find_code(r->diag, code, sizeof(code)))
		return 1; /* no reply code: the words are elsewhere */
	return kind_own_letters(r) < 4;
}

/* kind_drop_empty: DSN blocks that named no recipient go when others did. */
void kind_drop_empty(struct ctx *c)
{
	size_t w = 0;
	int any = 0;

	for (size_t i = 0; i < c->nrc; i++)
		any |= c->rc[i].addr[0] != '\0';
	if (!any)
		return;
	for (size_t i = 0; i < c->nrc; i++)
		if (c->rc[i].addr[0])
			c->rc[w++] = c->rc[i];
	c->nrc = w;
}

int kind_any_in(const char *s, const char *const *list, size_t n)
{
	char f[1024];

	bounce_fold(f, sizeof(f), s);
	for (size_t i = 0; i < n; i++)
		if (strstr(f, list[i]))
			return 1;
	return 0;
}

/* kind_complaint_header: a header that marks a complaint-like report. */
int kind_complaint_header(struct ctx *c)
{
	char v[256], f[256];

	for (size_t i = 0; i < bounce_ncomplaint_headers; i++) {
		mime_header(GMIME_OBJECT(c->msg), bounce_complaint_headers[i].name, v, sizeof(v));
		bounce_fold(f, sizeof(f), v);
		if (v[0] && strstr(f, bounce_complaint_headers[i].value))
			return 1;
	}
	return 0;
}

/* kind_is_autoreply: 2 when the header or subject says auto-reply outright
 * (X-Autoreply, "Out of office"), 1 for Auto-Submitted: auto-replied
 * alone (bounces carry it too), 0 for none. */
int kind_is_autoreply(struct ctx *c)
{
	GMimeObject *o = GMIME_OBJECT(c->msg);
	char v[512], f[512];
	int sign = 0;

	for (size_t i = 0; i < bounce_nautoreply_headers; i++) {
		const struct bounce_header_sign *h = &bounce_autoreply_headers[i];

		const char *raw = g_mime_object_get_header(o, h->name);

		if (!raw)
			continue;
		text_copy(v, sizeof(v), raw);
		bounce_fold(f, sizeof(f), v);
		if (!h->value[0] || strstr(f, h->value))
			sign = strcmp(h->name, "auto-submitted") ? 2 : 1;
		if (sign == 2)
			return 2;
	}
	bounce_fold(f, sizeof(f), c->subject);
	for (size_t i = 0; i < bounce_nautoreply_subjects; i++)
		if (!strncmp(f, bounce_autoreply_subjects[i], strlen(bounce_autoreply_subjects[i])))
			return 2;
	return sign;
}

int kind_looks_like_bounce(struct ctx *c, const char *text)
{
	if (c->have_report || c->have_dsn_part)
		return 1;
	if (kind_any_in(c->from_raw, bounce_bounce_senders, bounce_nbounce_senders))
		return 1;
	if (kind_any_in(c->subject, bounce_bounce_subjects, bounce_nbounce_subjects))
		return 1;
	return scan_format(c, text) != NULL;
}
