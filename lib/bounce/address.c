/* address.c: addresses: found in free text, cleaned from field values
 * (GMime parses the address syntax), the first of an address list, and
 * X-Failed-Recipients. */
#include "bounce.h"
#include "state.h"
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static int addr_local_char(unsigned char c)
{
	return isalnum(c) || (c && strchr(".!#$%&'*+-/=?^_`{|}~", c));
}

static int addr_domain_char(unsigned char c) { return isalnum(c) || c == '.' || c == '-'; }

static const char *const addr_types[] = { "smtp=", "rfc822=", "smtp:", "rfc822;" };

/* addr_find: the next thing that looks like an address in [s, end);
 * returns its start and sets *alen, or NULL. */
const char *addr_find(const char *s, const char *end, size_t *alen)
{
	for (const char *at = s; at < end && (at = memchr(at, '@', (size_t)(end - at))); at++) {
		const char *b = at, *e = at + 1;
		int dot = 0;

		while (b > s && addr_local_char((unsigned char)b[-1]))
			b--;
		while (e < end && addr_domain_char((unsigned char)*e)) {
			dot |= *e == '.';
			e++;
		}
		while (e > at + 1 && (e[-1] == '.' || e[-1] == '-'))
			e--;
		while (b < at && (*b == '.' || *b == '\''))
			b++;
		/* Exchange's address types: "SMTP=user@host", "RFC822=..." */
		for (size_t i = 0; i < sizeof(addr_types) / sizeof(addr_types[0]); i++)
			if ((size_t)(at - b) > strlen(addr_types[i]) &&
			    !strncasecmp(b, addr_types[i], strlen(addr_types[i])))
				b += strlen(addr_types[i]);
		if (b == at || e == at + 1 || !dot)
			continue;
		*alen = (size_t)(e - b);
		return b;
	}
	return NULL;
}

/* mailbox_addr: the mailbox's address with its domain in ASCII (IDNA).
 * GMime's IDN conversion (libidn2) is costly and leaves an all-ASCII
 * address as it is, so it runs only for addresses with other bytes. */
static const char *mailbox_addr(InternetAddressMailbox *mb)
{
	const char *a = internet_address_mailbox_get_addr(mb);
	const unsigned char *p;

	if (!a)
		return internet_address_mailbox_get_idn_addr(mb);
	for (p = (const unsigned char *)a; *p; p++)
		if (*p >= 0x80)
			return internet_address_mailbox_get_idn_addr(mb);
	return a;
}

/* dot_atom: [s, e) is atoms of RFC 5322 atext joined by single dots. */
static int dot_atom(const char *s, const char *e)
{
	int prev_dot = 1;

	if (s >= e || e[-1] == '.')
		return 0;
	for (; s < e; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch == '.') {
			if (prev_dot)
				return 0;
			prev_dot = 1;
		} else if (isalnum(ch) || (ch && ch < 0x80 && strchr("!#$%&'*+-/=?^_`{|}~", ch))) {
			prev_dot = 0;
		} else {
			return 0;
		}
	}
	return 1;
}

/* addr_value: the part of a field value that holds the address: after a
 * type ("rfc822;"), trimmed, without a source route ("<@relay:user@host>"
 * gives user@host); in tmp (tmplen bytes) or a part of it. */
static const char *addr_value(char *tmp, size_t tmplen, const char *value)
{
	const char *v = value, *semi = strchr(value, ';');
	char *at, *colon;

	if (semi && semi - value < 20)
		v = semi + 1;
	text_copy(tmp, tmplen, v);
	v = text_trim(tmp);
	at = strchr(tmp, '@');
	colon = strchr(tmp, ':');
	if (at && colon && at < colon && (at == tmp || at[-1] == '<' || at[-1] == ' '))
		v = text_trim(colon + 1);
	return v;
}

int addr_fast(char *dst, size_t dstlen, const char *v)
{
	const char *b = v, *e = v + strlen(v), *at;

	if (*b == '<' && e > b + 1 && e[-1] == '>')
		b++, e--;
	at = memchr(b, '@', (size_t)(e - b));
	if (!at || !dot_atom(b, at) || !dot_atom(at + 1, e) || (size_t)(e - b) >= dstlen)
		return 0;
	text_copy_n(dst, dstlen, b, (size_t)(e - b));
	return 1;
}

void addr_gmime(char *dst, size_t dstlen, const char *v)
{
	InternetAddressList *list = internet_address_list_parse(NULL, v);

	dst[0] = '\0';
	if (!list)
		return;
	for (int i = 0; i < internet_address_list_length(list); i++) {
		InternetAddress *ia = internet_address_list_get_address(list, i);

		if (INTERNET_ADDRESS_IS_MAILBOX(ia)) {
			const char *a = mailbox_addr(INTERNET_ADDRESS_MAILBOX(ia));

			if (a && strchr(a, '@')) {
				text_copy(dst, dstlen, a);
				break;
			}
		}
	}
	g_object_unref(list);
}

/* addr_clean: from a field value ("rfc822; <a@b>", "\"x\" <a@b>"), the
 * bare address into dst; GMime parses the address syntax (but for a bare
 * dot-atom local@domain, which it gives back as it is: addr_fast). */
void addr_clean(char *dst, size_t dstlen, const char *value)
{
	char tmp[MAX_HEADER_VALUE];
	const char *v = addr_value(tmp, sizeof(tmp), value);

	dst[0] = '\0';
	if (addr_fast(dst, dstlen, v))
		return;
	addr_gmime(dst, dstlen, v);
	if (!dst[0]) {
		size_t n;
		const char *a = addr_find(v, v + strlen(v), &n);

		if (a)
			text_copy_n(dst, dstlen, a, n);
		else if (*v && !strpbrk(v, " \t<>"))
			text_copy(dst, dstlen, v);
	}
}

/* plain_atoms: s is printable ASCII without the characters that make an
 * address list's text more than "name <local@domain>" (quotes, comments,
 * groups, routes, several addresses); NULL counts as plain. */
static int plain_atoms(const char *s)
{
	for (; s && *s; s++)
		if ((unsigned char)*s < 0x21 || (unsigned char)*s > 0x7e || strchr(";:,<>()\"\\[]@", *s))
			return 0;
	return 1;
}

int addr_list_fast(char *dst, size_t dstlen, InternetAddressList *l)
{
	InternetAddress *ia;
	const char *a, *name, *at;
	char local[320];
	size_t ln;

	if (internet_address_list_length(l) != 1)
		return 0;
	ia = internet_address_list_get_address(l, 0);
	if (!INTERNET_ADDRESS_IS_MAILBOX(ia))
		return 0;
	a = internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(ia));
	name = internet_address_get_name(ia);
	at = a ? strchr(a, '@') : NULL;
	for (const char *p = name; p && *p; p++)
		if ((unsigned char)*p < 0x20 || (unsigned char)*p > 0x7e || strchr(";:<>\"\\@,()[]", *p))
			return 0;
	/* '@' is among the characters plain_atoms refuses: the two halves
	 * of the address are checked apart */
	if (!a || !at || at == a || !at[1] || strchr(at + 1, '@') || strlen(a) + 1 >= dstlen)
		return 0;
	ln = (size_t)(at - a);
	if (ln >= sizeof(local))
		return 0;
	memcpy(local, a, ln);
	local[ln] = '\0';
	if (!plain_atoms(local) || !plain_atoms(at + 1))
		return 0;
	text_copy(dst, dstlen, a);
	return 1;
}

/* addr_of_list: the first address of a parsed list (From, To) into dst, as
 * addr_clean of the list's text finds it (addr_list_fast when it can). */
void addr_of_list(char *dst, size_t dstlen, InternetAddressList *l)
{
	char *s;

	dst[0] = '\0';
	if (internet_address_list_length(l) <= 0 || addr_list_fast(dst, dstlen, l))
		return;
	if ((s = internet_address_list_to_string(l, NULL, FALSE))) {
		addr_clean(dst, dstlen, s);
		g_free(s);
	}
}

/* addr_full: local@domain with a dot in the domain. */
int addr_full(const char *a)
{
	const char *at = strrchr(a, '@');

	return at && at > a && strchr(at, '.') && at[1] != '.';
}

/* addr_failed_recipients: X-Failed-Recipients (Exim, Google) names them. */
void addr_failed_recipients(struct ctx *c)
{
	const char *v = g_mime_object_get_header(GMIME_OBJECT(c->msg), "X-Failed-Recipients");
	InternetAddressList *l;

	if (!v || !(l = internet_address_list_parse(NULL, v)))
		return;
	for (int i = 0; i < internet_address_list_length(l); i++) {
		InternetAddress *ia = internet_address_list_get_address(l, i);
		const char *a;
		struct rcpt *r;

		if (!INTERNET_ADDRESS_IS_MAILBOX(ia))
			continue;
		a = mailbox_addr(INTERNET_ADDRESS_MAILBOX(ia));
		if (a && strchr(a, '@') && !rcpt_find(c, a) && (r = rcpt_new(c))) {
			text_copy(r->addr, sizeof(r->addr), a);
			r->from_text = 1;
		}
	}
	g_object_unref(l);
}
