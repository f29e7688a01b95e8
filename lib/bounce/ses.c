/* ses.c: provider notifications in JSON: Amazon SES (also wrapped by SNS);
 * their recipients become DSN or ARF fields for dsn.c. */
#include "bounce.h"
#include "state.h"
#include <stdio.h>
#include <string.h>

/* json_string: the JSON string that starts at p (at its opening quote)
 * into dst, escapes undone (\uXXXX beyond ASCII becomes '?'); returns the
 * position after the closing quote, or NULL. */
static const char *json_string(const char *p, const char *end, char *dst, size_t dstlen)
{
	size_t n = 0;

	if (p >= end || *p != '"')
		return NULL;
	for (p++; p < end && *p != '"'; p++) {
		char ch = *p;

		if (ch == '\\' && p + 1 < end) {
			p++;
			switch (*p) {
			case 'n': ch = ' '; break;
			case 't': ch = ' '; break;
			case 'u':
				ch = '?';
				if (end - p > 4) {
					unsigned v = 0;

					if (sscanf(p + 1, "%4x", &v) == 1 && v >= 0x20 && v < 0x7f)
						ch = (char)v;
					p += 4;
				}
				break;
			default: ch = *p; break;
			}
		}
		if (n + 1 < dstlen)
			dst[n++] = ch;
	}
	if (dstlen)
		dst[n] = '\0';
	return p < end ? p + 1 : NULL;
}

/* ses_json_value: the string value of "key" in [p, end) into dst; 1 if found. */
int ses_json_value(const char *p, const char *end, const char *key, char *dst, size_t dstlen)
{
	char pat[64];
	const char *q;
	size_t n = (size_t)snprintf(pat, sizeof(pat), "\"%s\"", key);

	dst[0] = '\0';
	while (p < end && (q = memmem(p, (size_t)(end - p), pat, n))) {
		q += n;
		while (q < end && (*q == ' ' || *q == ':'))
			q++;
		if (q < end && *q == '"')
			return json_string(q, end, dst, dstlen) != NULL;
		p = q;
	}
	return 0;
}

/* json_array: the extent of the array value of "key": [*as, *ae). */
static int json_array(const char *p, const char *end, const char *key, const char **as, const char **ae)
{
	char pat[64];
	const char *q;
	size_t n = (size_t)snprintf(pat, sizeof(pat), "\"%s\"", key);
	int depth = 0, instr = 0;

	if (!(q = memmem(p, (size_t)(end - p), pat, n)))
		return 0;
	q += n;
	while (q < end && (*q == ' ' || *q == ':'))
		q++;
	if (q >= end || *q != '[')
		return 0;
	*as = q;
	for (; q < end; q++) {
		if (instr) {
			if (*q == '\\')
				q++;
			else if (*q == '"')
				instr = 0;
		} else if (*q == '"') {
			instr = 1;
		} else if (*q == '[' || *q == '{') {
			depth++;
		} else if ((*q == ']' || *q == '}') && --depth == 0) {
			*ae = q + 1;
			return 1;
		}
	}
	return 0;
}

/* ses_parse: an Amazon SES notification (SNS JSON in the body): its
 * recipients become DSN fields. Returns the kind, or NOTBOUNCE if the
 * text is none. */
enum bounce_kind ses_parse(struct ctx *c, const char *text)
{
	const char *start = strstr(text, "{\"notificationType\"");
	const char *end, *as, *ae;
	char type[32], mta[256], smtp[MAX_DIAG];
	struct sbuf f = { .max = MAX_PART_TEXT };
	enum bounce_kind kind = BOUNCE_KIND_NOTBOUNCE;
	const char *list = NULL;

	if (!start)
		return kind;
	end = start + strlen(start);
	ses_json_value(start, end, "notificationType", type, sizeof(type));
	if (!strcmp(type, "Bounce"))
		list = "bouncedRecipients", kind = BOUNCE_KIND_DSN;
	else if (!strcmp(type, "Complaint"))
		list = "complainedRecipients", kind = BOUNCE_KIND_ARF;
	else if (!strcmp(type, "Delivery"))
		list = "recipients", kind = BOUNCE_KIND_DSN;
	else
		return BOUNCE_KIND_NOTBOUNCE;
	if (ses_json_value(start, end, "reportingMTA", mta, sizeof(mta)))
		text_copy(c->reporting_mta, sizeof(c->reporting_mta), dsn_after_semi(mta));
	ses_json_value(start, end, "smtpResponse", smtp, sizeof(smtp));
	if (!json_array(start, end, list, &as, &ae))
		return BOUNCE_KIND_NOTBOUNCE;
	/* objects {"emailAddress": ...} or plain strings */
	for (const char *p = as + 1; p < ae;) {
		char addr[320], v[MAX_DIAG];
		const char *q = p;

		while (q < ae && *q != '"' && *q != '{')
			q++;
		if (q >= ae)
			break;
		if (*q == '"') {
			if (!(p = json_string(q, ae, addr, sizeof(addr))))
				break;
			if (strchr(addr, '@')) {
				sbuf_str(&f, "\nFinal-Recipient: rfc822; ");
				sbuf_str(&f, addr);
				sbuf_str(&f, kind == BOUNCE_KIND_ARF ? "\n" : "\nAction: delivered\n");
				if (smtp[0]) {
					sbuf_str(&f, "Diagnostic-Code: smtp; ");
					sbuf_str(&f, smtp);
					sbuf_str(&f, "\n");
				}
			}
			continue;
		} else {
			const char *oe = q, *os = q;
			int depth = 0;

			for (; oe < ae; oe++) {
				if (*oe == '{')
					depth++;
				else if (*oe == '}' && --depth == 0)
					break;
			}
			if (!ses_json_value(os, oe, "emailAddress", addr, sizeof(addr)))
				addr[0] = '\0';
			if (addr[0]) {
				sbuf_str(&f, "\nFinal-Recipient: rfc822; ");
				sbuf_str(&f, addr);
				sbuf_str(&f, "\n");
				if (ses_json_value(os, oe, "action", v, sizeof(v)))
					sbuf_str(&f, "Action: "), sbuf_str(&f, v), sbuf_str(&f, "\n");
				if (ses_json_value(os, oe, "status", v, sizeof(v)))
					sbuf_str(&f, "Status: "), sbuf_str(&f, v), sbuf_str(&f, "\n");
				if (ses_json_value(os, oe, "diagnosticCode", v, sizeof(v)))
					sbuf_str(&f, "Diagnostic-Code: "), sbuf_str(&f, v), sbuf_str(&f, "\n");
			}
			p = oe < ae ? oe + 1 : ae;
		}
	}
	if (f.oom) {
		c->oom = 1;
	} else if (kind == BOUNCE_KIND_ARF) {
		/* Original-Rcpt-To fields for arf_parse */
		struct sbuf g = { .max = MAX_PART_TEXT };
		const char *p = sbuf_get(&f), *q;

		while ((q = strstr(p, "Final-Recipient: rfc822; "))) {
			const char *nl = strchr(q, '\n');

			sbuf_str(&g, "Original-Rcpt-To: ");
			q += strlen("Final-Recipient: rfc822; ");
			sbuf_add(&g, q, nl ? (size_t)(nl - q) : strlen(q));
			sbuf_str(&g, "\n");
			p = nl ? nl : q + strlen(q);
		}
		arf_parse(c, sbuf_get(&g));
		sbuf_free(&g);
	} else {
		dsn_parse(c, sbuf_get(&f));
	}
	sbuf_free(&f);
	return c->nrc ? kind : BOUNCE_KIND_NOTBOUNCE;
}

enum bounce_kind ses_detect(struct ctx *c, const char *text)
{
	enum bounce_kind kind = BOUNCE_KIND_NOTBOUNCE;

	if (!c->msg || c->have_dsn_part || c->have_arf_part)
		return kind;
	if (strstr(text, "notificationType\\\"") && !strstr(text, "{\"notificationType\"")) {
		/* SNS wraps the SES notification in a JSON string: unwrap */
		const char *m = strstr(text, "\"Message\"");
		char *inner = malloc(MAX_PART_TEXT);

		if (!inner) {
			c->oom = 1;
			return kind;
		}
		if (m && ses_json_value(m, m + strlen(m), "Message", inner, MAX_PART_TEXT))
			kind = ses_parse(c, inner);
		free(inner);
	} else if (strstr(text, "{\"notificationType\"")) {
		kind = ses_parse(c, text);
	}
	return kind;
}
