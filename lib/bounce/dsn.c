/* dsn.c: RFC 3464 delivery-status fields and RFC 5965 feedback-report
 * fields: unfolded "Name: value" lines into per-recipient blocks. */
#include "bounce.h"
#include "state.h"
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* dsn_looks_folded: ASCII-lowercase text that carries
 * delivery-status fields. */
int dsn_looks_folded(const char *f)
{
	return (strstr(f, "final-recipient:") || strstr(f, "original-recipient:")) &&
	       (strstr(f, "status:") || strstr(f, "action:"));
}

/* dsn_looks: text that carries delivery-status fields (ignoring
 * ASCII case: one folded copy, not a strcasestr per field). */
int dsn_looks(const char *s)
{
	size_t n;
	char *f = text_fold(s, &n);
	int r;

	if (!f)
		return (strcasestr(s, "final-recipient:") || strcasestr(s, "original-recipient:")) &&
		       (strcasestr(s, "status:") || strcasestr(s, "action:"));
	r = dsn_looks_folded(f);
	free(f);
	return r;
}

/* field_next: the next unfolded "Name: value" line from *p; returns 1 with
 * name/value filled, 2 for a blank line, 0 at the end. */
static int field_next(const char **p, char *name, size_t namelen, char *value, size_t valuelen)
{
	const char *s = *p, *colon, *nl;
	size_t n = 0;

	if (!*s)
		return 0;
	nl = strchr(s, '\n');
	if (!nl)
		nl = s + strlen(s);
	{
		const char *t = s;

		while (t < nl && (*t == ' ' || *t == '\t'))
			t++;
		if (t == nl) {
			*p = *nl ? nl + 1 : nl;
			return 2;
		}
	}
	colon = memchr(s, ':', (size_t)(nl - s));
	if (!colon || colon == s || memchr(s, ' ', (size_t)(colon - s))) {
		name[0] = '\0';
		value[0] = '\0';
		*p = *nl ? nl + 1 : nl;
		return 1;
	}
	text_copy_n(name, namelen, s, (size_t)(colon - s));
	for (char *q = name; *q; q++)
		*q = (char)tolower((unsigned char)*q);
	s = colon + 1;
	for (;;) {
		while (s < nl && n + 1 < valuelen)
			value[n++] = *s == '\t' ? ' ' : *s, s++;
		if (*nl && (nl[1] == ' ' || nl[1] == '\t')) {
			s = nl + 1;
			nl = strchr(s, '\n');
			if (!nl)
				nl = s + strlen(s);
			if (n + 1 < valuelen)
				value[n++] = ' ';
			continue;
		}
		break;
	}
	value[n] = '\0';
	memmove(value, text_trim(value), strlen(text_trim(value)) + 1);
	*p = *nl ? nl + 1 : nl;
	return 1;
}

/* dsn_after_semi: "dns; mx.example" -> "mx.example". */
const char *dsn_after_semi(const char *v)
{
	const char *s = strchr(v, ';');

	if (s && s - v < 24) {
		v = s + 1;
		while (*v == ' ')
			v++;
	}
	return v;
}

/* category_field: a sending MTA's own classification of this recipient's
 * failure (bounce_categories), e.g. "X-PowerMTA-BounceCategory: bad-mailbox". */
static void category_field(struct rcpt *r, const char *name, const char *value)
{
	char v[64];

	bounce_fold(v, sizeof(v), value);
	for (size_t i = 0; i < bounce_ncategories; i++)
		if (!strcmp(name, bounce_categories[i].field) && !strcasecmp(text_trim(v), bounce_categories[i].value)) {
			r->category = bounce_categories[i].reason;
			snprintf(r->category_rule, sizeof(r->category_rule), "field %s: %s", name,
				 bounce_categories[i].value);
			return;
		}
}

void dsn_parse(struct ctx *c, const char *text)
{
	char name[64], value[MAX_HEADER_VALUE];
	struct rcpt *r = NULL;
	const char *p = text;
	int k;
	int has_final = 0, has_orig = 0;

	while ((k = field_next(&p, name, sizeof(name), value, sizeof(value))) != 0) {
		if (k == 2) {
			if (r && r->addr[0])
				r = NULL, has_final = has_orig = 0;
			continue;
		}
		if (!name[0])
			continue;
		if (!strcmp(name, "final-recipient") || !strcmp(name, "original-recipient") ||
		    !strcmp(name, "x-actual-recipient")) {
			int fin = !strcmp(name, "final-recipient");
			char a[320];

			addr_clean(a, sizeof(a), value);
			if (!a[0])
				continue;
			if (!strcmp(name, "x-actual-recipient")) {
				continue;
			}
			/* a new block when this one has its address already (blocks
			 * without blank lines); fields before the address belong to
			 * the block it ends (Action and Status first, as some write) */
			if (r && r->addr[0] && ((fin && has_final) || (!fin && has_orig))) {
				r = NULL;
				has_final = has_orig = 0;
			}
			if (!r) {
				if (!(r = rcpt_new(c)))
					return;
				text_copy(r->reporting_mta, sizeof(r->reporting_mta), c->reporting_mta);
			}
			/* Final-Recipient names the address, unless it is no
			 * whole address ("@relay", "user@host"): then the original */
			if (fin) {
				if (addr_full(a) || !r->addr[0]) {
					text_copy(r->addr, sizeof(r->addr), a);
					r->addr_is_orig = 0;
				}
				has_final = 1;
			} else {
				if (!r->addr[0] || !addr_full(r->addr)) {
					text_copy(r->addr, sizeof(r->addr), a);
					r->addr_is_orig = 1;
				}
				if (addr_full(a))
					text_copy(r->orig_addr, sizeof(r->orig_addr), a);
				has_orig = 1;
			}
		} else if (!r) {
			if (!strcmp(name, "reporting-mta"))
				text_copy(c->reporting_mta, sizeof(c->reporting_mta), dsn_after_semi(value));
			else if (!strcmp(name, "original-envelope-id"))
				text_copy(c->envid, sizeof(c->envid), value);
			else if (!strcmp(name, "action") || !strcmp(name, "status") ||
				 !strcmp(name, "diagnostic-code")) {
				/* fields before any recipient: start a block without one */
				if (!(r = rcpt_new(c)))
					return;
			}
		}
		if (r) {
			if (!strcmp(name, "action")) {
				bounce_fold(r->action, sizeof(r->action), value);
				{
					char *sp = strchr(r->action, ' ');
					if (sp)
						*sp = '\0';
				}
			} else if (!strcmp(name, "status")) {
				char *q = value;
				while (*q && !isdigit((unsigned char)*q))
					q++;
				text_copy_n(r->status, sizeof(r->status), q, strspn(q, "0123456789."));
			} else if (!strcmp(name, "remote-mta")) {
				text_copy(r->remote_mta, sizeof(r->remote_mta), dsn_after_semi(value));
			} else if (!strcmp(name, "diagnostic-code")) {
				const char *semi = strchr(value, ';');

				if (semi && semi - value < 16)
					text_copy_n(r->diag_type, sizeof(r->diag_type), value, (size_t)(semi - value));
				text_copy(r->diag, sizeof(r->diag), dsn_after_semi(value));
			} else if (!strcmp(name, "reporting-mta")) {
				text_copy(r->reporting_mta, sizeof(r->reporting_mta), dsn_after_semi(value));
			} else if (name[0] == 'x' && name[1] == '-') {
				category_field(r, name, value);
			}
		}
	}
}

void arf_parse(struct ctx *c, const char *text)
{
	char name[64], value[MAX_HEADER_VALUE];
	const char *p = text;
	int k;

	while ((k = field_next(&p, name, sizeof(name), value, sizeof(value))) != 0) {
		if (k != 1 || !name[0])
			continue;
		if (!strcmp(name, "original-rcpt-to") || !strcmp(name, "removal-recipient")) {
			char a[320];
			struct rcpt *r;

			addr_clean(a, sizeof(a), value);
			if (a[0] && !rcpt_find(c, a) && (r = rcpt_new(c)))
				text_copy(r->addr, sizeof(r->addr), a);
		} else if (!strcmp(name, "reporting-mta")) {
			text_copy(c->reporting_mta, sizeof(c->reporting_mta), dsn_after_semi(value));
		}
	}
}
