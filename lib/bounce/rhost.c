/* rhost.c: the lookup over the remote host tables
 * (lib/bounce/rhost_tables.c): which provider a bounce comes from (host
 * name of the remote or reporting MTA, or the recipient's domain) and what
 * its own error code or words mean. Regular expressions are compiled once,
 * thread-safely; a lookup allocates nothing (its buffers are on the stack,
 * bounded). */
#include "rhost.h"
#include "tables.h"

#include <ctype.h>
#include <pthread.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RHOST_MAX 64        /* providers with a compiled code_re */
#define RHOST_TEXT_MAX 4096 /* bytes of text a row is looked for in */

static regex_t code_res[RHOST_MAX];
static signed char code_state[RHOST_MAX]; /* 0: not compiled yet, 1: ready, -1: failed */
static pthread_mutex_t re_lock = PTHREAD_MUTEX_INITIALIZER;

/* provider_re: the provider's compiled code_re, compiled on first use, or
 * NULL (none, or it does not compile). One at a time: most bounces need
 * none, and compiling them all cost 0.37 M instructions and 8 page faults
 * in every process (rebound-pipe runs once per bounce). */
static const regex_t *provider_re(size_t idx)
{
	int st;

	if (idx >= RHOST_MAX || idx >= bounce_nrhosts || !bounce_rhosts[idx].code_re)
		return NULL;
	pthread_mutex_lock(&re_lock);
	if (!code_state[idx])
		code_state[idx] = regcomp(&code_res[idx], bounce_rhosts[idx].code_re, REG_EXTENDED | REG_ICASE) == 0 ? 1 : -1;
	st = code_state[idx];
	pthread_mutex_unlock(&re_lock);
	return st > 0 ? &code_res[idx] : NULL;
}

/* host_of: the host name in an MTA field ("dns; mx.example.net [192.0.2.1]",
 * "mx.example.net.", "[192.0.2.1]"), lowercase, into dst. */
static void host_of(const char *mta, char *dst, size_t dstlen)
{
	const char *p = mta, *semi = strchr(mta, ';');
	size_t n = 0;

	if (semi)
		p = semi + 1;
	while (*p == ' ' || *p == '\t')
		p++;
	while (*p && !isspace((unsigned char)*p) && *p != '[' && *p != '(' && *p != ':' && *p != ']' &&
	       n + 1 < dstlen)
		dst[n++] = (char)tolower((unsigned char)*p++);
	while (n && dst[n - 1] == '.')
		n--;
	dst[n] = '\0';
}

/* name_matches: host is name or under it ("cox.net" matches "mx.cox.net");
 * a name starting with "." matches only hosts under it. */
static int name_matches(const char *host, const char *name, size_t nlen)
{
	size_t hlen = strlen(host);

	if (!nlen || hlen < nlen)
		return 0;
	if (name[0] == '.')
		return hlen > nlen && !strncmp(host + hlen - nlen, name, nlen);
	if (hlen == nlen)
		return !strncmp(host, name, nlen);
	return host[hlen - nlen - 1] == '.' && !strncmp(host + hlen - nlen, name, nlen);
}

static int list_matches(const char *host, const char *list)
{
	if (!list || !*host)
		return 0;
	for (const char *p = list; *p;) {
		size_t n;

		p += strspn(p, " ");
		n = strcspn(p, " ");
		if (n && name_matches(host, p, n))
			return 1;
		p += n;
	}
	return 0;
}

const struct bounce_rhost *bounce_rhost_provider(const char *host, int is_domain)
{
	char h[256];

	if (!host)
		return NULL;
	if (is_domain) {
		size_t n = 0;

		for (; host[n] && n + 1 < sizeof(h); n++)
			h[n] = (char)tolower((unsigned char)host[n]);
		h[n] = '\0';
	} else
		host_of(host, h, sizeof(h));
	for (size_t i = 0; i < bounce_nrhosts; i++)
		if (list_matches(h, is_domain ? bounce_rhosts[i].domains : bounce_rhosts[i].hosts))
			return &bounce_rhosts[i];
	return NULL;
}

/* status_holds: see struct bounce_rhost_row.status. */
static int status_holds(const char *pat, const char *status)
{
	size_t n = strlen(pat);
	const char *dash;

	if (!status[0])
		return 0;
	if (pat[0] == 'X') {
		if (status[0] != '4' && status[0] != '5')
			return 0;
		pat++, status++, n--;
	}
	if (n && pat[n - 1] == '*')
		return !strncmp(status, pat, n - 1);
	if ((dash = strchr(pat, '-'))) {
		/* "5.7.850-899": same class and subject, last number in range */
		const char *dot = strrchr(status, '.');
		size_t head;
		long lo, hi, v;
		char *end;

		for (head = (size_t)(dash - pat); head && pat[head - 1] != '.'; head--)
			;
		if (!dot || (size_t)(dot + 1 - status) != head || strncmp(status, pat, head))
			return 0;
		lo = strtol(pat + head, NULL, 10);
		hi = strtol(dash + 1, NULL, 10);
		v = strtol(dot + 1, &end, 10);
		return end != dot + 1 && !*end && v >= lo && v <= hi;
	}
	return !strcmp(status, pat);
}

/* code_holds: the provider's code equals the row's, or is a number in
 * the row's range "1020-1080". */
static int code_holds(const char *pat, const char *code)
{
	const char *dash = strchr(pat, '-');

	if (!code[0])
		return 0;
	if (dash && isdigit((unsigned char)pat[0]) && isdigit((unsigned char)dash[1]) &&
	    strspn(code, "0123456789") == strlen(code)) {
		long v = strtol(code, NULL, 10);

		return v >= strtol(pat, NULL, 10) && v <= strtol(dash + 1, NULL, 10);
	}
	return !strcmp(pat, code);
}

/* provider_code: the provider's error code in folded, lowercase, or "". */
static void provider_code(size_t idx, const char *folded, char *dst, size_t dstlen)
{
	regmatch_t m[8];
	const regex_t *re = provider_re(idx);

	dst[0] = '\0';
	if (!re || regexec(re, folded, 8, m, 0) != 0)
		return;
	{
		int g = bounce_rhosts[idx].code_group;
		size_t n;

		if (g < 0 || g > 7 || m[g].rm_so < 0)
			return;
		n = (size_t)(m[g].rm_eo - m[g].rm_so);
		if (n >= dstlen)
			n = dstlen - 1;
		for (size_t i = 0; i < n; i++)
			dst[i] = (char)tolower((unsigned char)folded[m[g].rm_so + (regoff_t)i]);
		dst[n] = '\0';
	}
}

/* rows_in: the reason of the first row of provider idx that holds for q,
 * with folded as the text; REASON_NONE if none. */
static enum bounce_reason rows_in(size_t idx, const struct bounce_rhost_query *q, const char *folded, char *why,
			   size_t whylen)
{
	const struct bounce_rhost *p = &bounce_rhosts[idx];
	char code[64], padded[RHOST_TEXT_MAX + 8];
	int have_code = 0; /* the code is looked for only when a row asks */

	/* a space at both ends: a row may ask for a word's edge */
	snprintf(padded, sizeof(padded), " %s ", folded);
	for (size_t i = 0; i < bounce_nrhost_rows; i++) {
		const struct bounce_rhost_row *r = &bounce_rhost_rows[i];

		if (strcmp(r->provider, p->name))
			continue;
		if (r->status && !status_holds(r->status, q->status))
			continue;
		if (r->reply) {
			size_t n = strlen(r->reply);

			if (r->reply[n - 1] == '*' ? strncmp(q->reply, r->reply, n - 1) : strcmp(q->reply, r->reply))
				continue;
		}
		if (r->command && strcmp(r->command, q->command))
			continue;
		if (r->code && !have_code) {
			provider_code(idx, folded, code, sizeof(code));
			have_code = 1;
		}
		if (r->code && !code_holds(r->code, code))
			continue;
		if (r->text && !strstr(padded, r->text))
			continue;
		if (why) {
			if (r->code)
				snprintf(why, whylen, "rhost %s: code %s", p->name, code);
			else if (r->text)
				snprintf(why, whylen, "rhost %s: \"%s\"%s%s", p->name, r->text,
					 r->status ? " with status " : "", r->status ? q->status : "");
			else
				snprintf(why, whylen, "rhost %s: status %s%s%s", p->name, q->status,
					 r->command ? " after " : "", r->command ? r->command : "");
		}
		return r->reason;
	}
	return REASON_NONE;
}

/* fold_text: the first RHOST_TEXT_MAX bytes of text, lowercase (ASCII),
 * runs of white space folded to one space. */
static void fold_text(const char *text, char *dst, size_t dstlen)
{
	size_t n = 0;
	int space = 1;

	for (const char *p = text; *p && n + 1 < dstlen; p++) {
		unsigned char ch = (unsigned char)*p;

		if (isspace(ch)) {
			if (!space)
				dst[n++] = ' ';
			space = 1;
			continue;
		}
		dst[n++] = (char)tolower(ch);
		space = 0;
	}
	while (n && dst[n - 1] == ' ')
		n--;
	dst[n] = '\0';
}

static enum bounce_reason rows_find(size_t idx, const struct bounce_rhost_query *q, char *why, size_t whylen)
{
	enum bounce_reason r = rows_in(idx, q, q->folded, why, whylen);
	char folded[RHOST_TEXT_MAX + 1];

	if (r != REASON_NONE || !q->text || !*q->text)
		return r;
	fold_text(q->text, folded, sizeof(folded));
	return rows_in(idx, q, folded, why, whylen);
}

/* text_host: the provider named by a remote host in the error text when
 * no Remote-MTA field says it: "host mx.example.net[192.0.2.1] said:"
 * (Postfix), "host: mx.example.net (192.0.2.1)" and "host mx.example.net
 * [192.0.2.1]" (Exim), "while talking to mx.example.net." (Sendmail). */
static const struct bounce_rhost *text_host(const char *folded)
{
	static const char *const lead[] = { "host: ", "host ", "talking to " };

	for (size_t i = 0; i < sizeof(lead) / sizeof(lead[0]); i++)
		for (const char *p = folded; (p = strstr(p, lead[i])); p++) {
			char h[256];
			size_t n = 0;
			const char *q = p + strlen(lead[i]);
			const struct bounce_rhost *r;

			if (p > folded && isalnum((unsigned char)p[-1]))
				continue;
			while ((isalnum((unsigned char)*q) || *q == '.' || *q == '-') && n + 1 < sizeof(h))
				h[n++] = *q++;
			h[n] = '\0';
			if (strchr(h, '.') && (r = bounce_rhost_provider(h, 0)))
				return r;
		}
	return NULL;
}

const struct bounce_rhost *bounce_rhost_provider_of(const struct bounce_rhost_query *q)
{
	const struct bounce_rhost *p;
	const char *at = strrchr(q->recipient, '@');

	if ((p = bounce_rhost_provider(q->remote_mta, 0)))
		return p;
	if (!q->remote_mta[0] && (p = text_host(q->folded)))
		return p;
	if (at && (p = bounce_rhost_provider(at + 1, 1)))
		return p;
	return bounce_rhost_provider(q->reporting_mta, 0);
}

enum bounce_reason bounce_rhost_reason(const struct bounce_rhost *p, const struct bounce_rhost_query *q,
				       char *why, size_t whylen)
{
	if (!p || !q->folded[0])
		return REASON_NONE;
	return rows_find((size_t)(p - bounce_rhosts), q, why, whylen);
}

int bounce_rhost_check(char *err, size_t errlen)
{
	if (bounce_nrhosts > RHOST_MAX) {
		snprintf(err, errlen, "%zu providers, at most %d", bounce_nrhosts, RHOST_MAX);
		return -1;
	}
	for (size_t i = 0; i < bounce_nrhosts; i++) {
		regex_t re;

		if (!bounce_rhosts[i].hosts || !bounce_rhosts[i].source) {
			snprintf(err, errlen, "provider %s: no hosts or no source", bounce_rhosts[i].name);
			return -1;
		}
		if (bounce_rhosts[i].code_re) {
			if (regcomp(&re, bounce_rhosts[i].code_re, REG_EXTENDED | REG_ICASE) != 0) {
				snprintf(err, errlen, "provider %s: bad code_re", bounce_rhosts[i].name);
				return -1;
			}
			if (bounce_rhosts[i].code_group < 1 || bounce_rhosts[i].code_group > 7 ||
			    re.re_nsub < (size_t)bounce_rhosts[i].code_group) {
				regfree(&re);
				snprintf(err, errlen, "provider %s: bad code_group", bounce_rhosts[i].name);
				return -1;
			}
			regfree(&re);
		}
	}
	for (size_t i = 0; i < bounce_nrhost_rows; i++) {
		const struct bounce_rhost_row *r = &bounce_rhost_rows[i];
		size_t k;

		for (k = 0; k < bounce_nrhosts && strcmp(bounce_rhosts[k].name, r->provider); k++)
			;
		if (k == bounce_nrhosts || r->reason == REASON_NONE ||
		    (!r->status && !r->reply && !r->command && !r->code && !r->text) ||
		    (r->code && !bounce_rhosts[k].code_re)) {
			snprintf(err, errlen, "row %zu (%s, %s): unknown provider, no reason, or no condition", i,
				 r->provider, bounce_reason_name(r->reason));
			return -1;
		}
		if (r->text)
			for (const char *t = r->text; *t; t++)
				if (*t >= 'A' && *t <= 'Z') {
					snprintf(err, errlen, "row %zu (%s): text not lowercase", i, r->provider);
					return -1;
				}
	}
	return 0;
}
