/* bounce.c: the bounce parser and classifier (bounce.h). Normalises line
 * endings, lets GMime parse the MIME structure, walks the parts (bounded),
 * reads RFC 3464 delivery-status fields, ARF reports and auto-replies, and
 * falls back to the error text of servers' own formats, all driven by the
 * tables in bounce_tables.c. Then decides reason, status and class per
 * recipient. Never exits, never logs. */
#include "bounce.h"
#include "bounce_int.h"
#include "bounce_limits.h"
#include "bounce_rhost.h"
#include "bounce_tables.h"
#include "phrase.h"

#include <ctype.h>
#include <gmime/gmime.h>
#include <magic.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LIMIT_DEFAULT 10240000u
#define MAX_DEPTH 32          /* MIME nesting we walk */
#define MAX_PARTS 256         /* parts we look at */
#define MAX_PART_TEXT (1u << 20) /* decoded bytes we keep from one part */
#define MAX_TEXT (2u << 20)   /* human-readable text we scan */
#define MAX_HEADER_VALUE 4096 /* one header value we read */
#define MAX_LINE 4096         /* longer lines are cut for scanning */
#define MAX_RCPT 256          /* recipients per message */
#define MAX_DIAG 1000         /* bytes of diagnostic kept */
#define HDRBLOB 8192          /* bytes of the top-level header kept */

/* ---- one-time initialisation ---------------------------------------- */

#if defined(__SANITIZE_ADDRESS__)
#define REBOUND_LSAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define REBOUND_LSAN 1
#endif
#endif
#ifdef REBOUND_LSAN
#include <sanitizer/lsan_interface.h>
#define LSAN_OFF() __lsan_disable()
#define LSAN_ON() __lsan_enable()
#else
#define LSAN_OFF() ((void)0)
#define LSAN_ON() ((void)0)
#endif

static pthread_once_t gmime_once = PTHREAD_ONCE_INIT;
/* A returned message (message/rfc822, message/global) is parsed as a leaf:
 * the parser reads only its header block (take_returned) and, for a report
 * forwarded inside it, parses it then (walk). This saves GMime building and
 * freeing a tree nobody reads, and keeps the part within its MIME bounds. */
static void gmime_init_once(void)
{
	/* registering a type again, GMime drops its old 16-byte entry without
	 * freeing it: a one-off loss per process, among what g_mime_init
	 * keeps until exit anyway; kept out of LeakSanitizer's reports */
	LSAN_OFF();
	g_mime_init();
	g_mime_object_register_type("message", "rfc822", GMIME_TYPE_PART);
	g_mime_object_register_type("message", "global", GMIME_TYPE_PART);
	LSAN_ON();
}
void bounce_init(void) { pthread_once(&gmime_once, gmime_init_once); }

static pthread_once_t magic_once = PTHREAD_ONCE_INIT;
static pthread_mutex_t magic_lock = PTHREAD_MUTEX_INITIALIZER;
static magic_t magic_cookie;
static void magic_init_once(void)
{
	magic_t m = magic_open(MAGIC_MIME_TYPE | MAGIC_NO_CHECK_COMPRESS | MAGIC_NO_CHECK_TAR |
			       MAGIC_NO_CHECK_ELF | MAGIC_NO_CHECK_CDF);

	if (m && magic_load(m, NULL) != 0) {
		magic_close(m);
		m = NULL;
	}
	magic_cookie = m;
}

/* sniff: libmagic's MIME type of data into out ("" when unknown). Loaded
 * once, lazily, only when a part's declared type says too little. */
static void sniff(const char *data, size_t len, char *out, size_t outlen)
{
	const char *t = NULL;

	out[0] = '\0';
	pthread_once(&magic_once, magic_init_once);
	if (!magic_cookie)
		return;
	pthread_mutex_lock(&magic_lock);
	t = magic_buffer(magic_cookie, data, len > 65536 ? 65536 : len);
	if (t)
		snprintf(out, outlen, "%s", t);
	pthread_mutex_unlock(&magic_lock);
}

/* ascii_lower: ch in ASCII lowercase (tolower of the C locale). */
static inline unsigned char ascii_lower(unsigned char ch)
{
	return ch >= 'A' && ch <= 'Z' ? (unsigned char)(ch + ('a' - 'A')) : ch;
}

/* ---- the phrase tables as one-pass matchers ------------------------- */

/* Built once, on first use, for the life of the process (never freed):
 * the phrases of reasons, of SMTP commands and of temporary failures,
 * matched against folded text in one pass each (phrase.h). */
static pthread_mutex_t sets_lock = PTHREAD_MUTEX_INITIALIZER;
static int sets_ready;
static struct phrase_set *set_phrases, *set_commands, *set_temporary, *set_end, *set_skip_any;

/* skip_any: words of a line whose addresses are never failed recipients
 * (skip_line). */
static const char *const skip_any[] = { "contact", "please",
					"mail from:<", "mail from: <", "sender:", "envelope-from",
					"return-path", "helo", "ehlo", "message-id:", "message-id <",
					"smtp.mailfrom", "with esmtp", "(via", " from <" };

/* lower_set: a set of ASCII-lowercase copies of the n patterns (matched
 * against folded lines as fline_has would, ignoring ASCII case). The
 * copies live as long as the process, like the set. */
static struct phrase_set *lower_set(const char *const *pats, size_t n)
{
	char **low = calloc(n + 1, sizeof(*low));
	struct phrase_set *ps = NULL;
	size_t i;

	if (!low)
		return NULL;
	for (i = 0; i < n; i++) {
		size_t m = strlen(pats[i]);

		if (!(low[i] = malloc(m + 1)))
			break;
		for (size_t j = 0; j <= m; j++)
			low[i][j] = (char)(pats[i][j] >= 'A' && pats[i][j] <= 'Z' ? pats[i][j] + ('a' - 'A')
										 : pats[i][j]);
	}
	if (i == n)
		ps = phrase_set_new((const char *const *)low, n);
	if (!ps) {
		for (size_t j = 0; j < n; j++)
			free(low[j]);
	}
	free(low); /* the set keeps the strings, not this array */
	return ps;
}

/* sets_init: 0 once the sets exist, -1 when memory ran out (tried again
 * by the next call). Called where the error text is first scanned or a
 * recipient classified, not for a parse that needs neither (start-up of
 * one process per message pays only for what it uses). */
static int sets_init(void)
{
	const char **tmp;
	size_t np = bounce_nphrases + bounce_ntoken_phrases;
	size_t n = np > bounce_ncommands ? np : bounce_ncommands;
	int ok;

	if (__atomic_load_n(&sets_ready, __ATOMIC_ACQUIRE))
		return 0;
	pthread_mutex_lock(&sets_lock);
	if (sets_ready) {
		pthread_mutex_unlock(&sets_lock);
		return 0;
	}
	if ((tmp = calloc(n + 1, sizeof(*tmp)))) {
		/* the phrases, then what comes before each token phrase's
		 * token: one pass finds both (text_mask) */
		for (size_t i = 0; i < bounce_nphrases; i++)
			tmp[i] = bounce_phrases[i].text;
		for (size_t i = 0; i < bounce_ntoken_phrases; i++)
			tmp[bounce_nphrases + i] = bounce_token_phrases[i].before;
		if (!set_phrases)
			set_phrases = phrase_set_new(tmp, np);
		for (size_t i = 0; i < bounce_ncommands; i++)
			tmp[i] = bounce_commands[i].text;
		if (!set_commands)
			set_commands = phrase_set_new(tmp, bounce_ncommands);
		free(tmp);
	}
	if (!set_temporary)
		set_temporary = phrase_set_new(bounce_temporary_phrases, bounce_ntemporary_phrases);
	if (!set_end)
		set_end = lower_set(bounce_end_markers, bounce_nend_markers);
	if (!set_skip_any)
		set_skip_any = lower_set(skip_any, sizeof(skip_any) / sizeof(skip_any[0]));
	ok = set_phrases && set_commands && set_temporary && set_end && set_skip_any;
	__atomic_store_n(&sets_ready, ok, __ATOMIC_RELEASE);
	pthread_mutex_unlock(&sets_lock);
	return ok ? 0 : -1;
}

/* ---- growing strings ------------------------------------------------- */

int sbuf_add(struct sbuf *b, const char *s, size_t n)
{
	if (b->oom)
		return -1;
	if (b->max && b->len + n > b->max) {
		n = b->len < b->max ? b->max - b->len : 0;
		b->cut = 1;
	}
	if (n == 0) {
		/* nothing to add: still a string, never NULL */
		if (!b->s) {
			if (!(b->s = calloc(1, 1))) {
				b->oom = 1;
				return -1;
			}
			b->cap = 1;
		}
		return 0;
	}
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		char *p;

		while (cap < b->len + n + 1)
			cap *= 2;
		if (!(p = realloc(b->s, cap))) {
			b->oom = 1;
			return -1;
		}
		b->s = p;
		b->cap = cap;
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
	return 0;
}

int sbuf_str(struct sbuf *b, const char *s) { return sbuf_add(b, s, strlen(s)); }

void sbuf_free(struct sbuf *b)
{
	free(b->s);
	memset(b, 0, sizeof(*b));
}

static const char *sbuf_get(const struct sbuf *b) { return b->s ? b->s : ""; }

/* bcopy_str: copy at most dstlen-1 bytes of s (n bytes) into dst. */
static void copy_n(char *dst, size_t dstlen, const char *s, size_t n)
{
	if (!dstlen)
		return;
	if (n >= dstlen)
		n = dstlen - 1;
	memcpy(dst, s, n);
	dst[n] = '\0';
}

static void copy_str(char *dst, size_t dstlen, const char *s) { copy_n(dst, dstlen, s, strlen(s)); }

/* trim: strip white space at both ends, in place. */
static char *trim(char *s)
{
	char *e;

	while (*s && isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

/* fold: lowercase copy of s with white space runs folded to one space. */
void bounce_fold(char *dst, size_t dstlen, const char *s)
{
	size_t n = 0;
	int sp = 0;

	if (!dstlen)
		return;
	/* isspace and tolower of the C locale (the programs never set
	 * another), without a library call per byte */
	for (; *s && n + 1 < dstlen; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == ' ' || (c >= '\t' && c <= '\r')) {
			sp = n > 0;
			continue;
		}
		if (sp && n + 2 < dstlen)
			dst[n++] = ' ';
		sp = 0;
		dst[n++] = (char)(c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c);
	}
	dst[n] = '\0';
}

/* ---- input: line endings, size, mbox -------------------------------- */

/* normalise: copy at most limit bytes of data into *out with CRLF and bare
 * CR turned into LF and NUL bytes into spaces. Returns 0 or -1 (memory). */
static int normalise(const char *data, size_t len, size_t limit, char **out, size_t *outlen,
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

/* is_postmark: the line at p is an mbox "From " line: "From SENDER DAY ". */
static int is_postmark(const char *p, const char *end)
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
	if (is_postmark(line, end)) {
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
		if ((f[-1] == '\n' || f[-1] == '\r') && is_postmark(f, end)) {
			line = f;
			break;
		}
		q = f + 1;
	}
	*msglen = (size_t)(line - start);
	*off = (size_t)(line - data);
	return start;
}

/* ---- addresses -------------------------------------------------------- */

static int addr_local_char(unsigned char c)
{
	return isalnum(c) || (c && strchr(".!#$%&'*+-/=?^_`{|}~", c));
}

static int addr_domain_char(unsigned char c) { return isalnum(c) || c == '.' || c == '-'; }

static const char *const addr_types[] = { "smtp=", "rfc822=", "smtp:", "rfc822;" };

/* addr_find: the next thing that looks like an address in [s, end);
 * returns its start and sets *alen, or NULL. */
static const char *addr_find(const char *s, const char *end, size_t *alen)
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

/* addr_clean: from a field value ("rfc822; <a@b>", "\"x\" <a@b>"), the
 * bare address into dst; GMime parses the address syntax (but for a bare
 * dot-atom local@domain, which it gives back as it is). */
static void addr_clean(char *dst, size_t dstlen, const char *value)
{
	const char *v = value, *semi = strchr(value, ';');
	InternetAddressList *list;
	char tmp[MAX_HEADER_VALUE];

	dst[0] = '\0';
	if (semi && semi - value < 20)
		v = semi + 1;
	copy_str(tmp, sizeof(tmp), v);
	v = trim(tmp);
	{
		/* a source route "<@relay:user@host>": keep user@host */
		char *at = strchr(tmp, '@'), *colon = strchr(tmp, ':');

		if (at && colon && at < colon && (at == tmp || at[-1] == '<' || at[-1] == ' '))
			v = trim(colon + 1);
	}
	{
		/* local@domain or <local@domain> */
		const char *b = v, *e = v + strlen(v), *at;

		if (*b == '<' && e > b + 1 && e[-1] == '>')
			b++, e--;
		at = memchr(b, '@', (size_t)(e - b));
		if (at && dot_atom(b, at) && dot_atom(at + 1, e) && (size_t)(e - b) < dstlen) {
			copy_n(dst, dstlen, b, (size_t)(e - b));
#ifdef REBOUND_CHECK_FASTPATH
			if ((list = internet_address_list_parse(NULL, v))) {
				char slow[MAX_HEADER_VALUE] = "";

				for (int i = 0; i < internet_address_list_length(list); i++) {
					InternetAddress *ia = internet_address_list_get_address(list, i);

					if (INTERNET_ADDRESS_IS_MAILBOX(ia)) {
						const char *a = mailbox_addr(INTERNET_ADDRESS_MAILBOX(ia));

						if (a && strchr(a, '@')) {
							copy_str(slow, sizeof(slow), a);
							break;
						}
					}
				}
				g_object_unref(list);
				if (strcmp(slow, dst)) {
					fprintf(stderr, "addr_clean: fast <%s> slow <%s>\n", dst, slow);
					abort();
				}
			}
#endif
			return;
		}
	}
	if ((list = internet_address_list_parse(NULL, v))) {
		for (int i = 0; i < internet_address_list_length(list); i++) {
			InternetAddress *ia = internet_address_list_get_address(list, i);

			if (INTERNET_ADDRESS_IS_MAILBOX(ia)) {
				const char *a = mailbox_addr(INTERNET_ADDRESS_MAILBOX(ia));

				if (a && strchr(a, '@')) {
					copy_str(dst, dstlen, a);
					break;
				}
			}
		}
		g_object_unref(list);
	}
	if (!dst[0]) {
		size_t n;
		const char *a = addr_find(v, v + strlen(v), &n);

		if (a)
			copy_n(dst, dstlen, a, n);
		else if (*v && !strpbrk(v, " \t<>"))
			copy_str(dst, dstlen, v);
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

/* list_addr: the first address of a parsed list (From, To) into dst, as
 * addr_clean of the list's text finds it. One mailbox with a plain
 * ASCII name and address (the usual case) is read as is: its text
 * "name <local@domain>" would parse back to the same address. Others go
 * through the list's text and addr_clean. */
static void list_addr(char *dst, size_t dstlen, InternetAddressList *l)
{
	InternetAddress *ia;
	char *s;

	dst[0] = '\0';
	if (internet_address_list_length(l) <= 0)
		return;
	ia = internet_address_list_get_address(l, 0);
	if (internet_address_list_length(l) == 1 && INTERNET_ADDRESS_IS_MAILBOX(ia)) {
		const char *a = internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(ia));
		const char *name = internet_address_get_name(ia);
		const char *at = a ? strchr(a, '@') : NULL;
		int plain_name = 1;

		for (const char *p = name; p && *p; p++)
			if ((unsigned char)*p < 0x20 || (unsigned char)*p > 0x7e || strchr(";:<>\"\\@,()[]", *p))
				plain_name = 0;
		/* '@' is among the characters plain_atoms refuses: the two
		 * halves of the address are checked apart */
		if (a && at && at > a && at[1] && !strchr(at + 1, '@') && plain_name && strlen(a) + 1 < dstlen) {
			char local[320];
			size_t ln = (size_t)(at - a);

			if (ln < sizeof(local)) {
				memcpy(local, a, ln);
				local[ln] = '\0';
				if (plain_atoms(local) && plain_atoms(at + 1)) {
					copy_str(dst, dstlen, a);
#ifdef REBOUND_CHECK_FASTPATH
					{
						char slow[320];

						s = internet_address_list_to_string(l, NULL, FALSE);
						addr_clean(slow, sizeof(slow), s ? s : "");
						g_free(s);
						if (strcmp(slow, dst)) {
							fprintf(stderr, "list_addr: fast <%s> slow <%s>\n", dst, slow);
							abort();
						}
					}
#endif
					return;
				}
			}
		}
	}
	if ((s = internet_address_list_to_string(l, NULL, FALSE))) {
		addr_clean(dst, dstlen, s);
		g_free(s);
	}
}

/* addr_full: local@domain with a dot in the domain. */
static int addr_full(const char *a)
{
	const char *at = strrchr(a, '@');

	return at && at > a && strchr(at, '.') && at[1] != '.';
}

/* ---- the working state of one parse ---------------------------------- */

struct rcpt {
	char addr[320];
	char action[32];
	char status[32];
	char code[8];
	char diag[MAX_DIAG + 1];
	char remote_mta[256];
	char reporting_mta[256];
	char reason[32];
	char rule[160];
	char diag_type[16];    /* "smtp", "x-unix", ... from Diagnostic-Code */
	char context[MAX_DIAG + 1]; /* the text part's lines about this recipient */
	const char *category;  /* reason named by the sending MTA's own
				* classification field (bounce_categories) */
	char category_rule[96];
	int from_text; /* found in the error text, not in DSN fields */
	int borrowed;  /* diag is the bounce's whole error text: nothing was
			* said about this recipient itself */
};

struct ctx {
	const struct bounce_options *opt;
	const struct bounce_rules *rules;
	GMimeMessage *msg;
	GMimeMessage *fwd[4];  /* forwarded reports parsed by walk; owned */
	int nfwd;
	int nparts;
	const char *limited;   /* the bound bounce_limits_apply reached, or NULL */
	struct sbuf text;      /* human-readable error text, UTF-8 */
	struct sbuf html;      /* text/html, used when there is no text/plain */
	struct sbuf dsn;       /* delivery-status fields */
	struct sbuf arf;       /* feedback-report fields */
	struct sbuf orig;      /* returned message's headers */
	char *ftext;           /* text folded to ASCII lowercase, once it is
				* complete (bounce_parse; ctx_free frees) */
	size_t ftext_n;
	int span_done;         /* error_span of the complete text, kept */
	const struct bounce_format *span_format;
	const char *span_s, *span_e;
	int have_report;       /* multipart/report */
	int have_dsn_part, have_arf_part;
	char subject[512];
	char from[320];
	char from_raw[512];
	char to[320];
	char reporting_mta[256];
	char envid[256];
	char orig_msgid[512];
	char orig_to[320];
	char orig_from[320];
	char *hdrblob;         /* the top-level header, lowercase, bounded
				* (HDRBLOB bytes, bounce_parse's own) */
	const struct bounce_format *format;
	int format_done;
	int allow_to;          /* the bounce's To and the returned message's
				* sender may be recipients (second look) */
	struct rcpt *rc;
	size_t nrc, caprc;
	int oom;
};

static struct rcpt *rcpt_new(struct ctx *c)
{
	struct rcpt *r;

	if (c->nrc >= MAX_RCPT)
		return NULL;
	if (c->nrc == c->caprc) {
		/* grows by doubling: most bounces name one recipient */
		size_t cap = c->caprc ? c->caprc * 2 : 2;
		struct rcpt *n;

		if (cap > MAX_RCPT)
			cap = MAX_RCPT;
		if (!(n = realloc(c->rc, cap * sizeof(*n)))) {
			c->oom = 1;
			return NULL;
		}
		c->rc = n;
		c->caprc = cap;
	}
	r = &c->rc[c->nrc++];
	memset(r, 0, sizeof(*r));
	return r;
}

static struct rcpt *rcpt_find(struct ctx *c, const char *addr)
{
	for (size_t i = 0; i < c->nrc; i++)
		if (!strcasecmp(c->rc[i].addr, addr))
			return &c->rc[i];
	return NULL;
}

/* ---- header access --------------------------------------------------- */

/* header_value: a header of the text at hdrs (unfolded), into dst. */
static int header_value(const char *hdrs, const char *name, char *dst, size_t dstlen)
{
	size_t nl = strlen(name);
	const char *p = hdrs;

	dst[0] = '\0';
	while (p && *p) {
		if (*p == '\n')
			return 0; /* end of the header block */
		if (!strncasecmp(p, name, nl) && p[nl] == ':') {
			const char *v = p + nl + 1;
			size_t n = 0;

			while (*v && n + 1 < dstlen) {
				if (*v == '\n') {
					if (v[1] == ' ' || v[1] == '\t') {
						v++;
						continue;
					}
					break;
				}
				dst[n++] = *v++ == '\t' ? ' ' : v[-1];
			}
			dst[n] = '\0';
			memmove(dst, trim(dst), strlen(trim(dst)) + 1);
			return 1;
		}
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return 0;
}

/* The top-level headers the parser reads through GMime. GMime makes an
 * object of every header it parses, the costliest part of a parse, so
 * top_filter hands it only these (and the first header); the others
 * (Received, DKIM-Signature, ...) are still in the header blob that
 * format detection searches. A header of the bounce itself read with
 * obj_header, g_mime_object_get_header or a g_mime_message_get_* call
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

/* top_filter: when the top-level header block of buf (*lenp bytes, NUL
 * after them) is plain (every line up to the first empty one a header
 * "Name:" with a printable ASCII name, or the continuation of one),
 * copy it lowercase into blob (HDRBLOB bytes; as header_text would write
 * GMime's headers of it), then drop in place the headers that top_kept
 * says the parser never reads, all but the first, and return 1. GMime
 * then parses the same message, fewer headers. Any other block (no
 * empty line, a line that is no header, an mbox line, 8-bit names) is
 * left alone for GMime as it is: returns 0. */
static int top_filter(char *buf, size_t *lenp, char *blob)
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

static void obj_header(GMimeObject *o, const char *name, char *dst, size_t dstlen)
{
	const char *v = g_mime_object_get_header(o, name);

	copy_str(dst, dstlen, v ? v : "");
}

/* ---- walking the MIME tree ------------------------------------------- */

/* part_bytes: the decoded content of a leaf part (transfer encoding
 * undone; charset converted to UTF-8 for text parts), bounded. */
/* ascii_as_utf8: charsets in which the ASCII bytes stand for themselves,
 * as in UTF-8 (lowercase names). */
static int ascii_as_utf8(const char *cs)
{
	static const char *const names[] = { "us-ascii", "ascii", "utf-8", "utf8", "iso-8859-1", "iso-8859-2",
					     "iso-8859-15", "latin1", "windows-1250", "windows-1251",
					     "windows-1252" };

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcasecmp(cs, names[i]))
			return 1;
	return 0;
}

/* text_as_is: the decoded bytes of text part o are already what
 * g_mime_text_part_get_text would give (its charset conversion to UTF-8
 * changes nothing): no charset named, ASCII in a charset that keeps
 * ASCII, or well-formed UTF-8 declared as UTF-8. */
static int text_as_is(GMimeObject *o, const unsigned char *s, size_t n)
{
	GMimeContentType *ct = g_mime_object_get_content_type(o);
	const char *cs = ct ? g_mime_content_type_get_parameter(ct, "charset") : NULL;
	int ascii = 1;

	if (!cs)
		return 1;
	if (!ascii_as_utf8(cs))
		return 0;
	for (size_t i = 0; i < n && ascii; i++)
		ascii = s[i] < 0x80;
	if (ascii)
		return 1;
	return (!strcasecmp(cs, "utf-8") || !strcasecmp(cs, "utf8")) && g_utf8_validate_len((const char *)s, n, NULL);
}

static void part_bytes(GMimeObject *o, struct sbuf *out)
{
	GMimeDataWrapper *w;
	GMimeStream *mem;
	GByteArray *ba;

	/* decode the transfer encoding; a text part whose charset
	 * conversion would change nothing is taken as it is (up to a NUL,
	 * as its text would end there) */
	if (GMIME_IS_PART(o) && (w = g_mime_part_get_content(GMIME_PART(o)))) {
		int done = 0;

		mem = g_mime_stream_mem_new();
		if (g_mime_data_wrapper_write_to_stream(w, mem) >= 0) {
			size_t n;

			ba = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem));
			n = ba->len;
			if (!GMIME_IS_TEXT_PART(o)) {
				done = 1;
			} else if (text_as_is(o, ba->data, ba->len)) {
				const unsigned char *z = n ? memchr(ba->data, '\0', n) : NULL;

				if (z)
					n = (size_t)(z - ba->data);
				done = 1;
			}
			if (done)
				sbuf_add(out, (const char *)ba->data, n > MAX_PART_TEXT ? MAX_PART_TEXT : n);
		}
		g_object_unref(mem);
		if (done)
			return;
	}
	if (GMIME_IS_TEXT_PART(o)) {
		char *t = g_mime_text_part_get_text(GMIME_TEXT_PART(o));

		if (t) {
			sbuf_add(out, t, strlen(t) > MAX_PART_TEXT ? MAX_PART_TEXT : strlen(t));
			g_free(t);
			return;
		}
	}
	if (!GMIME_IS_PART(o) || !(w = g_mime_part_get_content(GMIME_PART(o))))
		return;
	mem = g_mime_stream_mem_new();
	if (g_mime_data_wrapper_write_to_stream(w, mem) >= 0) {
		ba = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem));
		sbuf_add(out, (const char *)ba->data, ba->len > MAX_PART_TEXT ? MAX_PART_TEXT : ba->len);
	}
	g_object_unref(mem);
}

static char *text_fold(const char *s, size_t *n);

/* looks_like_dsn_folded: ASCII-lowercase text that carries
 * delivery-status fields. */
static int looks_like_dsn_folded(const char *f)
{
	return (strstr(f, "final-recipient:") || strstr(f, "original-recipient:")) &&
	       (strstr(f, "status:") || strstr(f, "action:"));
}

/* looks_like_dsn: text that carries delivery-status fields (ignoring
 * ASCII case: one folded copy, not a strcasestr per field). */
static int looks_like_dsn(const char *s)
{
	size_t n;
	char *f = text_fold(s, &n);
	int r;

	if (!f)
		return (strcasestr(s, "final-recipient:") || strcasestr(s, "original-recipient:")) &&
		       (strcasestr(s, "status:") || strcasestr(s, "action:"));
	r = looks_like_dsn_folded(f);
	free(f);
	return r;
}

static int looks_like_headers(const char *s)
{
	int n = 0;
	static const char *const h[] = { "received:", "from:", "to:", "subject:", "message-id:",
					 "date:", "return-path:", "mime-version:" };

	for (size_t i = 0; i < sizeof(h) / sizeof(h[0]); i++)
		if (!strncasecmp(s, h[i], strlen(h[i])) || strcasestr(s, h[i]))
			n++;
	return n >= 3;
}

static void add_text(struct sbuf *dst, const struct sbuf *src)
{
	if (dst->len)
		sbuf_add(dst, "\n", 1);
	sbuf_add(dst, sbuf_get(src), src->len);
}

/* header_text: the header block of o as g_mime_header_list_to_string
 * writes it ("Name:raw value" of each parsed header, in order), appended
 * to out; without its stream, filter and copies. The input was
 * normalised to LF, so the newline filter it applies changes nothing. A
 * header whose value was changed after parsing (none here) is
 * reformatted by GMime: then GMime writes the block. */
static void header_text(GMimeObject *o, struct sbuf *out)
{
	GMimeHeaderList *hl = g_mime_object_get_header_list(o);
	int n = hl ? g_mime_header_list_get_count(hl) : 0;

	for (int i = 0; i < n; i++) {
		GMimeHeader *h = g_mime_header_list_get_header_at(hl, i);

		if (h && h->reformat) {
			char *s = g_mime_header_list_to_string(hl, NULL);

			out->len = 0;
			if (s) {
				sbuf_str(out, s);
				g_free(s);
			}
			return;
		}
	}
	for (int i = 0; i < n && !out->cut && !out->oom; i++) {
		GMimeHeader *h = g_mime_header_list_get_header_at(hl, i);
		const char *name = h ? g_mime_header_get_raw_name(h) : NULL;
		const char *raw = h ? g_mime_header_get_raw_value(h) : NULL;

		if (!raw)
			continue;
		sbuf_str(out, name ? name : "");
		sbuf_add(out, ":", 1);
		sbuf_str(out, raw);
	}
	if (!out->s)
		sbuf_add(out, "", 0);
}

/* take_returned: headers of a returned message (GMimeMessage). */
/* header_block_len: the length of the header block at the start of s (len
 * bytes): whole "Name: value" lines and their continuation lines, up to a
 * blank line or a line that is neither, as GMime's header parser reads */
static size_t header_block_len(const char *s, size_t len)
{
	size_t i = 0;

	while (i < len) {
		const char *nl = memchr(s + i, '\n', len - i);
		size_t end = nl ? (size_t)(nl - s) + 1 : len, j = i;

		if (s[i] == ' ' || s[i] == '\t') {
			if (!i)
				break;
		} else {
			while (j < end && s[j] > ' ' && s[j] < 127 && s[j] != ':')
				j++;
			if (j == i)
				break;
			while (j < end && (s[j] == ' ' || s[j] == '\t'))
				j++;
			if (j >= end || s[j] != ':')
				break;
		}
		i = end;
	}
	return i;
}

static void take_returned(struct ctx *c, const char *s, size_t len)
{
	size_t n = header_block_len(s, len);

	if (c->orig.len || !n)
		return;
	sbuf_add(&c->orig, s, n);
}

/* take_returned_msg: the header of a returned message GMime parsed (message/news) */
static void take_returned_msg(struct ctx *c, GMimeMessage *m)
{
	struct sbuf h = { .max = MAX_PART_TEXT };

	if (c->orig.len || !m)
		return;
	header_text(GMIME_OBJECT(m), &h);
	if (h.oom)
		c->oom = 1;
	else
		sbuf_add(&c->orig, sbuf_get(&h), h.len);
	sbuf_free(&h);
}

/* is_returned: a returned message parsed as a leaf (gmime_init_once) */
static int is_returned(GMimeObject *o)
{
	GMimeContentType *ct = g_mime_object_get_content_type(o);

	return GMIME_IS_PART(o) && ct &&
	       (g_mime_content_type_is_type(ct, "message", "rfc822") ||
		g_mime_content_type_is_type(ct, "message", "global"));
}

/* parse_returned: the returned message in s (len bytes) as a GMime message
 * when its header says multipart/report, else NULL; owned by c (ctx_free) */
static GMimeMessage *parse_returned(struct ctx *c, const char *s, size_t len)
{
	size_t n = header_block_len(s, len);
	GMimeStream *st;
	GMimeParser *parser;
	GMimeMessage *m;
	GByteArray *copy;
	const char *why;
	int found = 0;

	for (size_t i = 0; i + 16 <= n && !found; i++)
		found = !g_ascii_strncasecmp(s + i, "multipart/report", 16);
	if (!found || c->nfwd >= (int)(sizeof(c->fwd) / sizeof(c->fwd[0])))
		return NULL;
	/* bounded as the message is (bounce_limits.h), in a copy the stream owns */
	copy = g_byte_array_sized_new((guint)len + 1);
	g_byte_array_append(copy, (const guint8 *)s, (guint)len);
	g_byte_array_append(copy, (const guint8 *)"", 1);
	if (bounce_limits_apply((char *)copy->data, &len, &why) < 0) {
		c->oom = 1;
		g_byte_array_free(copy, TRUE);
		return NULL;
	}
	g_byte_array_set_size(copy, (guint)len);
	if (why && !c->limited)
		c->limited = why;
	st = g_mime_stream_mem_new_with_byte_array(copy);
	parser = g_mime_parser_new_with_stream(st);
	g_object_unref(st);
	g_mime_parser_set_format(parser, GMIME_FORMAT_MESSAGE);
	m = g_mime_parser_construct_message(parser, NULL);
	g_object_unref(parser);
	if (m)
		c->fwd[c->nfwd++] = m;
	return m;
}

/* visit_leaf: one leaf part into c. A returned message with a report inside
 * it (when want_fwd) is parsed, and its report handed back in *fwd for walk
 * to read instead. */
static void visit_leaf(struct ctx *c, GMimeObject *o, int in_report, int want_fwd, GMimeObject **fwd)
{
	int returned = is_returned(o);
	GMimeContentType *ct = g_mime_object_get_content_type(o);
	const char *type = ct ? g_mime_content_type_get_media_type(ct) : "text";
	const char *sub = ct ? g_mime_content_type_get_media_subtype(ct) : "plain";
	char mt[128], sn[128];
	struct sbuf b = { .max = MAX_PART_TEXT };

	snprintf(mt, sizeof(mt), "%s/%s", type ? type : "", sub ? sub : "");
	for (char *p = mt; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	part_bytes(o, &b);
	if (b.oom) {
		c->oom = 1;
		goto out;
	}
	if (!b.len)
		goto out;
	if (returned && want_fwd) {
		GMimeMessage *m = parse_returned(c, b.s, b.len);
		GMimeObject *inner = m ? g_mime_message_get_mime_part(m) : NULL;
		GMimeContentType *ict = inner ? g_mime_object_get_content_type(inner) : NULL;

		/* a DSN forwarded as an attachment (a bounce of a bounce,
		 * a relay that wraps the report): read the report inside */
		if (ict && g_mime_content_type_is_type(ict, "multipart", "report")) {
			*fwd = inner;
			goto out;
		}
	}
	/* declared type missing, generic or wrong: ask libmagic, then look */
	if (!strcmp(mt, "application/octet-stream") || !strcmp(mt, "/") || !type || !*type ||
	    (in_report && strncmp(mt, "message/", 8) && strncmp(mt, "text/", 5))) {
		sniff(b.s, b.len, sn, sizeof(sn));
		if (!strncmp(sn, "message/", 8) || !strncmp(sn, "text/", 5))
			copy_str(mt, sizeof(mt), !strncmp(sn, "message/", 8) ? "message/rfc822" : "text/plain");
	}
	if (strstr(mt, "delivery-status")) {
		/* fields are ASCII, but Japanese servers write ISO-2022-JP
		 * into Diagnostic-Code: convert (ASCII passes unchanged) */
		if (memmem(b.s, b.len, "\x1b$B", 3) || memmem(b.s, b.len, "\x1b$@", 3)) {
			gsize outlen = 0;
			gchar *u = g_convert(b.s, (gssize)b.len, "UTF-8", "ISO-2022-JP", NULL, &outlen, NULL);

			if (u) {
				b.len = 0;
				sbuf_add(&b, u, outlen);
				g_free(u);
			}
		}
		add_text(&c->dsn, &b);
		c->have_dsn_part = 1;
	} else if (!strcmp(mt, "message/feedback-report")) {
		add_text(&c->arf, &b);
		c->have_arf_part = 1;
	} else if (returned) {
		take_returned(c, b.s, b.len);
	} else if (strstr(mt, "rfc822-header") || !strcmp(mt, "message/rfc822") ||
		   !strcmp(mt, "message/global") || !strcmp(mt, "message/partial")) {
		if (!c->orig.len)
			add_text(&c->orig, &b);
	} else if (!strcmp(mt, "text/html")) {
		add_text(&c->html, &b);
	} else if (!strncmp(mt, "text/", 5) || !strncmp(mt, "message/", 8)) {
		/* DSN fields or returned headers in a text/plain container */
		if (in_report && !c->have_dsn_part && looks_like_dsn(b.s)) {
			add_text(&c->dsn, &b);
			c->have_dsn_part = 1;
		} else if (in_report && c->text.len && looks_like_headers(b.s) && !c->orig.len) {
			add_text(&c->orig, &b);
		} else {
			add_text(&c->text, &b);
		}
	}
out:
	sbuf_free(&b);
}

struct walk_item {
	GMimeObject *o;
	int depth;
	int in_report;
};

static void walk(struct ctx *c, GMimeObject *top)
{
	struct walk_item stack[MAX_PARTS];
	int sp = 0;

	if (!top)
		return;
	stack[sp++] = (struct walk_item){ top, 0, 0 };
	while (sp > 0 && c->nparts < MAX_PARTS && !c->oom) {
		struct walk_item it = stack[--sp];

		c->nparts++;
		if (GMIME_IS_MULTIPART(it.o)) {
			GMimeMultipart *mp = GMIME_MULTIPART(it.o);
			GMimeContentType *ct = g_mime_object_get_content_type(it.o);
			int n = g_mime_multipart_get_count(mp);
			int rep = it.in_report;

			if (ct && g_mime_content_type_is_type(ct, "multipart", "report")) {
				c->have_report = 1;
				rep = 1;
			}
			if (n == 0) {
				/* broken boundaries: the parts are all in the prologue */
				const char *pro = g_mime_multipart_get_prologue(mp);

				if (pro && *pro) {
					struct sbuf b = { .max = MAX_PART_TEXT };

					sbuf_str(&b, pro);
					add_text(&c->text, &b);
					sbuf_free(&b);
				}
			}
			if (it.depth + 1 >= MAX_DEPTH)
				continue;
			/* the first parts, as many as the stack holds (in reverse:
			 * the first is taken first) */
			for (int i = (n < MAX_PARTS - sp ? n : MAX_PARTS - sp) - 1; i >= 0; i--)
				stack[sp++] = (struct walk_item){ g_mime_multipart_get_part(mp, i), it.depth + 1, rep };
		} else if (GMIME_IS_MESSAGE_PART(it.o)) {
			GMimeMessage *m = g_mime_message_part_get_message(GMIME_MESSAGE_PART(it.o));
			GMimeObject *inner = m ? g_mime_message_get_mime_part(m) : NULL;
			GMimeContentType *ict = inner ? g_mime_object_get_content_type(inner) : NULL;

			/* a DSN forwarded as an attachment (a bounce of a bounce,
			 * a relay that wraps the report): read the report inside */
			if (ict && g_mime_content_type_is_type(ict, "multipart", "report") && !c->have_dsn_part &&
			    !c->have_report && it.depth + 1 < MAX_DEPTH && sp < MAX_PARTS) {
				stack[sp++] = (struct walk_item){ inner, it.depth + 1, 0 };
				continue;
			}
			take_returned_msg(c, m);
		} else {
			GMimeObject *fwd = NULL;

			visit_leaf(c, it.o, it.in_report,
				   !c->have_dsn_part && !c->have_report && it.depth + 1 < MAX_DEPTH && sp < MAX_PARTS, &fwd);
			if (fwd)
				stack[sp++] = (struct walk_item){ fwd, it.depth + 1, 0 };
		}
	}
}

/* ---- RFC 3464 fields -------------------------------------------------- */

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
	copy_n(name, namelen, s, (size_t)(colon - s));
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
	memmove(value, trim(value), strlen(trim(value)) + 1);
	*p = *nl ? nl + 1 : nl;
	return 1;
}

/* after_semi: "dns; mx.example" -> "mx.example". */
static const char *after_semi(const char *v)
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
		if (!strcmp(name, bounce_categories[i].field) && !strcasecmp(trim(v), bounce_categories[i].value)) {
			r->category = bounce_categories[i].reason;
			snprintf(r->category_rule, sizeof(r->category_rule), "field %s: %s", name,
				 bounce_categories[i].value);
			return;
		}
}

static void parse_dsn(struct ctx *c, const char *text)
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
				copy_str(r->reporting_mta, sizeof(r->reporting_mta), c->reporting_mta);
			}
			/* Final-Recipient names the address, unless it is no
			 * whole address ("@relay", "user@host"): then the original */
			if (fin) {
				if (addr_full(a) || !r->addr[0])
					copy_str(r->addr, sizeof(r->addr), a);
				has_final = 1;
			} else {
				if (!r->addr[0] || !addr_full(r->addr))
					copy_str(r->addr, sizeof(r->addr), a);
				has_orig = 1;
			}
		} else if (!r) {
			if (!strcmp(name, "reporting-mta"))
				copy_str(c->reporting_mta, sizeof(c->reporting_mta), after_semi(value));
			else if (!strcmp(name, "original-envelope-id"))
				copy_str(c->envid, sizeof(c->envid), value);
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
				copy_n(r->status, sizeof(r->status), q, strspn(q, "0123456789."));
			} else if (!strcmp(name, "remote-mta")) {
				copy_str(r->remote_mta, sizeof(r->remote_mta), after_semi(value));
			} else if (!strcmp(name, "diagnostic-code")) {
				const char *semi = strchr(value, ';');

				if (semi && semi - value < 16)
					copy_n(r->diag_type, sizeof(r->diag_type), value, (size_t)(semi - value));
				copy_str(r->diag, sizeof(r->diag), after_semi(value));
			} else if (!strcmp(name, "reporting-mta")) {
				copy_str(r->reporting_mta, sizeof(r->reporting_mta), after_semi(value));
			} else if (name[0] == 'x' && name[1] == '-') {
				category_field(r, name, value);
			}
		}
	}
}

static void parse_arf(struct ctx *c, const char *text)
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
				copy_str(r->addr, sizeof(r->addr), a);
		} else if (!strcmp(name, "reporting-mta")) {
			copy_str(c->reporting_mta, sizeof(c->reporting_mta), after_semi(value));
		}
	}
}

/* ---- Amazon SES notifications (JSON) ----------------------------------- */

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

/* json_value: the string value of "key" in [p, end) into dst; 1 if found. */
static int json_value(const char *p, const char *end, const char *key, char *dst, size_t dstlen)
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

/* parse_ses: an Amazon SES notification (SNS JSON in the body): its
 * recipients become DSN fields. Returns the kind, or NOTBOUNCE if the
 * text is none. */
static enum bounce_kind parse_ses(struct ctx *c, const char *text)
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
	json_value(start, end, "notificationType", type, sizeof(type));
	if (!strcmp(type, "Bounce"))
		list = "bouncedRecipients", kind = BOUNCE_KIND_DSN;
	else if (!strcmp(type, "Complaint"))
		list = "complainedRecipients", kind = BOUNCE_KIND_ARF;
	else if (!strcmp(type, "Delivery"))
		list = "recipients", kind = BOUNCE_KIND_DSN;
	else
		return BOUNCE_KIND_NOTBOUNCE;
	if (json_value(start, end, "reportingMTA", mta, sizeof(mta)))
		copy_str(c->reporting_mta, sizeof(c->reporting_mta), after_semi(mta));
	json_value(start, end, "smtpResponse", smtp, sizeof(smtp));
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
			if (!json_value(os, oe, "emailAddress", addr, sizeof(addr)))
				addr[0] = '\0';
			if (addr[0]) {
				sbuf_str(&f, "\nFinal-Recipient: rfc822; ");
				sbuf_str(&f, addr);
				sbuf_str(&f, "\n");
				if (json_value(os, oe, "action", v, sizeof(v)))
					sbuf_str(&f, "Action: "), sbuf_str(&f, v), sbuf_str(&f, "\n");
				if (json_value(os, oe, "status", v, sizeof(v)))
					sbuf_str(&f, "Status: "), sbuf_str(&f, v), sbuf_str(&f, "\n");
				if (json_value(os, oe, "diagnosticCode", v, sizeof(v)))
					sbuf_str(&f, "Diagnostic-Code: "), sbuf_str(&f, v), sbuf_str(&f, "\n");
			}
			p = oe < ae ? oe + 1 : ae;
		}
	}
	if (f.oom) {
		c->oom = 1;
	} else if (kind == BOUNCE_KIND_ARF) {
		/* Original-Rcpt-To fields for parse_arf */
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
		parse_arf(c, sbuf_get(&g));
		sbuf_free(&g);
	} else {
		parse_dsn(c, sbuf_get(&f));
	}
	sbuf_free(&f);
	return c->nrc ? kind : BOUNCE_KIND_NOTBOUNCE;
}

/* ---- the error text of non-standard bounces ---------------------------- */

/* A line of text folded to ASCII lowercase once, to be matched against
 * many patterns (as strcasestr would in the C locale, but without
 * rebuilding the search state per pattern). */
struct fline {
	size_t n;
	char buf[MAX_LINE];
};

/* fline_set: fold [s, e) into fl, cut at MAX_LINE - 1 bytes or a NUL. */
static void fline_set(struct fline *fl, const char *s, const char *e)
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


/* span_has: pat occurs in the n folded bytes at buf (a folded line),
 * ignoring ASCII case. */
static int span_has(const char *buf, size_t n, const char *pat)
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

/* text_fold: an ASCII-lowercase copy of s and its length, to search for
 * many patterns without strcasestr (caller frees); NULL when out of memory. */
static char *text_fold(const char *s, size_t *n)
{
	size_t len = strlen(s);
	char *f = malloc(len + 1);

	if (!f)
		return NULL;
	for (size_t i = 0; i <= len; i++)
		f[i] = (char)ascii_lower((unsigned char)s[i]);
	*n = len;
	return f;
}

/* text_find: where pat occurs, ignoring ASCII case, in s, whose folded
 * copy of length n is folded (may be NULL: strcasestr then); NULL if not. */
static const char *text_find(const char *s, const char *folded, size_t n, const char *pat)
{
	char p[256];
	size_t m = strlen(pat);
	const char *hit;

	if (!folded || m >= sizeof(p))
		return strcasestr(s, pat);
	for (size_t i = 0; i < m; i++)
		p[i] = (char)ascii_lower((unsigned char)pat[i]);
	if (m == 0)
		return s;
	hit = memmem(folded, n, p, m);
	return hit ? s + (hit - folded) : NULL;
}

/* format_detect: the first row of the formats table whose sign is in the
 * bounce's header or text (computed once per message). */
static const struct bounce_format *format_detect(struct ctx *c, const char *text)
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

/* ignored_addr: an address that is not a failed recipient: the bounce's
 * own sender and recipient, the returned message's sender, role
 * addresses of the reporting system. */
static int ignored_addr(struct ctx *c, const char *a)
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
	return 0;
}

/* skip_line: lines whose addresses are never failed recipients: those
 * that begin with one of skip_lead (after blanks and '>') or hold one of
 * skip_any (matched in one pass: set_skip_any). */
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
		/* the line in the text folded once: as fline_set cuts it */
		size_t n = (size_t)(e - s) < MAX_LINE - 1 ? (size_t)(e - s) : MAX_LINE - 1;

		return phrase_any(set_skip_any, folded, n);
	} else {
		struct fline fl;

		fline_set(&fl, s, e);
		if (phrase_any(set_skip_any, fl.buf, fl.n))
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
		copy_n(buf + n, size - n, s, (size_t)(e - s));
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

static void diag_append(struct rcpt *r, const char *s, const char *e)
{
	buf_append(r->diag, sizeof(r->diag), s, e);
}

/* error_span: [*s, *e) of text is the error report (before the returned
 * message). */
static void error_span(struct ctx *c, const struct bounce_format *f, const char *text, const char **s,
		       const char **e)
{
	const char *p = text, *start = text, *end = text + strlen(text);
	int started = f == NULL || f->start == NULL;
	struct fline fl_line, *fl = &fl_line;
	/* the complete text: its folded copy stands for each line's, and
	 * the span is the same each time (the format is known once) */
	int whole = c->ftext && text == sbuf_get(&c->text);

	if (sets_init() < 0) {
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
			fline_set(fl, p, nl);
			lb = fl->buf;
			ln = fl->n;
		}
		if (!started && span_has(lb, ln, f->start)) {
			start = p;
			started = 1;
		} else if (started || p > start) {
			int stop = 0;

			if (f && f->end && span_has(lb, ln, f->end))
				stop = 1;
			if (!stop && phrase_any(set_end, lb, ln))
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

/* scan_text: recipients and their diagnostics from the error text. */
static void scan_text(struct ctx *c, const char *text, int add_new)
{
	const struct bounce_format *f = format_detect(c, text);
	const char *s, *e, *p;
	/* indices, not pointers: rcpt_new may move the array */
	long cur = -1;
	/* transcript lines no recipient has claimed yet: they belong to
	 * the recipient named on the line right after them */
	const char *pend = NULL;
	int npend = 0, tl;

	error_span(c, f, text, &s, &e);
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

				copy_n(addr, sizeof(addr), a, alen);
				q = a + alen;
				/* inside a URL or a mailto: link: not a recipient */
				if (a > p && (a[-1] == '/' || a[-1] == '=' ||
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
				if (ignored_addr(c, addr))
					continue;
				r = rcpt_find(c, addr);
				if (!r && add_new && (r = rcpt_new(c))) {
					copy_str(r->addr, sizeof(r->addr), addr);
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

/* ---- status, reply code, reason, class -------------------------------- */

/* find_status: an RFC 3463 code in s into dst. When a relay quotes the
 * remote server ("5.1.0 - Unknown address error 550-'5.2.2 ..."), the
 * last code that follows a reply code ("550-5.2.2", "421 4.4.2") is the
 * remote's own; else the first code. */
static int find_status(const char *s, char *dst, size_t dstlen, const char **quoted)
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
	copy_n(dst, dstlen, best, bestlen);
	return 1;
}

/* find_code: an SMTP reply code (2xx-5xx) in s: three digits, not part of
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

static int find_code(const char *s, char *dst, size_t dstlen)
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
		copy_n(dst, dstlen, p, 3);
		return 1;
	}
	return 0;
}

static const char *status_reason(const char *status)
{
	char key[32];

	if (!status[0] || (status[0] != '4' && status[0] != '5'))
		return NULL;
	snprintf(key, sizeof(key), "X%s", status + 1);
	for (size_t i = 0; i < bounce_nstatus_reasons; i++) {
		const char *k = bounce_status_reasons[i].code;
		size_t n = strlen(k);

		if (!strcmp(k, status) || !strcmp(k, key) || (n == 3 && !strncmp(k, key, 3) && key[3] == '.'))
			return bounce_status_reasons[i].reason;
	}
	return NULL;
}

/* strip_codes: drop the "550-5.7.1 " and "550 5.7.1 " that multi-line
 * replies repeat inside the text, so that phrases match across lines. */
static void strip_codes(char *s)
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
static int status_exact(const char *status)
{
	if (status[0] != '5')
		return 0; /* a temporary code may still be explained by its words */
	for (size_t i = 0; i < bounce_nstatus_reasons; i++)
		if (bounce_status_reasons[i].reason && !strcmp(bounce_status_reasons[i].code, status))
			return 1;
	return 0;
}

/* Reasons as bits, for the phrase matches of one diagnostic. */
typedef unsigned long long rmask;
static signed char phrase_bit[4096];
static pthread_once_t bits_once = PTHREAD_ONCE_INIT;

/* letter_at[c]: the first row of bounce_reasons whose name starts with
 * 'a' + c (the table is in alphabetical order; letters_ready says the
 * index was built, by bits_init) */
static unsigned char letter_at[27];
static int letters_ready;

static int reason_bit(const char *reason)
{
	size_t lo = 0, hi = bounce_nreasons;
	unsigned c = (unsigned char)reason[0] - 'a';

	if (c < 26 && __atomic_load_n(&letters_ready, __ATOMIC_ACQUIRE)) {
		lo = letter_at[c];
		hi = letter_at[c + 1];
	}
	for (size_t i = lo; i < hi; i++)
		if (bounce_reasons[i][0] == reason[0] && !strcmp(reason, bounce_reasons[i]))
			return (int)i;
	return -1;
}

static void bits_init(void)
{
	const char *last = NULL;
	int bit = -1;
	size_t r = 0;
	int sorted = bounce_nreasons < 256;

	/* the letter index of reason_bit (only if the table is in order) */
	for (size_t i = 1; sorted && i < bounce_nreasons; i++)
		sorted = strcmp(bounce_reasons[i - 1], bounce_reasons[i]) < 0 && bounce_reasons[i][0] >= 'a' &&
			 bounce_reasons[i][0] <= 'z';
	if (sorted && bounce_nreasons && bounce_reasons[0][0] >= 'a') {
		for (int c = 0; c < 27; c++) {
			while (r < bounce_nreasons && (unsigned char)bounce_reasons[r][0] < 'a' + c)
				r++;
			letter_at[c] = (unsigned char)r;
		}
		__atomic_store_n(&letters_ready, 1, __ATOMIC_RELEASE);
	}

	/* rows of one reason mostly follow each other: look a reason up once */
	for (size_t i = 0; i < bounce_nphrases && i < sizeof(phrase_bit); i++) {
		if (!last || strcmp(bounce_phrases[i].reason, last)) {
			last = bounce_phrases[i].reason;
			bit = reason_bit(last);
		}
		phrase_bit[i] = (signed char)bit;
	}
}

#define RB(name) (1ULL << reason_bit(name))

static rmask text_mask_phrases(const char *folded, const size_t *first, const char **which);

/* token_at: the length of a token of kind t at s (0 if none): digits, or
 * a host name (labels of letters, digits and hyphens joined by dots, at
 * least two, the last a word of letters; a trailing dot is allowed). */
static size_t token_at(const char *s, enum bounce_token t)
{
	size_t n = 0, labels = 0, alpha = 0;

	if (t == BOUNCE_TOKEN_NUMBER) {
		while (isdigit((unsigned char)s[n]))
			n++;
		return n;
	}
	for (;;) {
		size_t l = 0;

		alpha = 1;
		while (isalnum((unsigned char)s[n + l]) || s[n + l] == '-') {
			alpha &= isalpha((unsigned char)s[n + l]) != 0;
			l++;
		}
		if (!l)
			break;
		labels++;
		n += l;
		if (s[n] != '.')
			break;
		n++;
	}
	if (labels < 2 || !alpha || s[n] == '@')
		return 0;
	return n;
}

/* token_mask: the reasons of bounce_token_phrases found in folded;
 * first[i] is where row i's before first occurs (phrase_scan). */
static rmask token_mask(const char *folded, const size_t *first, const char **which)
{
	rmask m = 0;

	for (size_t i = 0; i < bounce_ntoken_phrases; i++) {
		const struct bounce_token_phrase *t = &bounce_token_phrases[i];
		size_t bl = strlen(t->before);

		if (first[i] == PHRASE_NONE)
			continue;
		for (const char *p = folded + first[i]; p; p = strstr(p + 1, t->before)) {
			size_t n = token_at(p + bl, t->token);

			if (n && !strncmp(p + bl + n, t->after, strlen(t->after))) {
				int b = reason_bit(t->reason);

				if (b >= 0 && !(m & (1ULL << b))) {
					m |= 1ULL << b;
					if (!which[b])
						which[b] = t->show;
				}
				break;
			}
		}
	}
	return m;
}

/* text_mask: the reasons whose phrases occur in folded; which[] gets the
 * first phrase found per reason (for --explain). */
static rmask text_mask(const char *text, const char **which, int *oom)
{
	char folded[2 * MAX_DIAG + 8];
	size_t *first;
	rmask m;
	int n;

	pthread_once(&bits_once, bits_init);
	if (!*text)
		return 0;
	/* a space at both ends: phrases may ask for a word's edge */
	n = snprintf(folded, sizeof(folded), " %s ", text);
	if (n < 0)
		return 0;
	if ((size_t)n >= sizeof(folded))
		n = (int)sizeof(folded) - 1;
	/* where each phrase (and each token phrase's lead) first occurs,
	 * all in one pass (phrase.h) */
	if (!(first = malloc((bounce_nphrases + bounce_ntoken_phrases + 1) * sizeof(*first)))) {
		*oom = 1;
		return 0;
	}
	if (phrase_scan(set_phrases, folded, (size_t)n, first, NULL) == 0) {
		free(first);
		return 0;
	}
	/* in this order: a reason both find is shown by its phrase */
	m = text_mask_phrases(folded, first, which);
	m |= token_mask(folded, first + bounce_nphrases, which);
	free(first);
	return m;
}

/* text_mask_phrases: text_mask's part for bounce_phrases, in folded (a
 * space at both ends); first[i]: where phrase i first occurs. */
static rmask text_mask_phrases(const char *folded, const size_t *first, const char **which)
{
	rmask m = 0;
	/* the phrases that occur, in table order (few: the loops below
	 * need look at no other) */
	unsigned short occ[sizeof(phrase_bit)];
	size_t nocc = 0;

	for (size_t i = 0; i < bounce_nphrases && i < sizeof(phrase_bit); i++) {
		int b = phrase_bit[i];

		if (first[i] == PHRASE_NONE || b < 0)
			continue;
		occ[nocc++] = (unsigned short)i;
		if (!(m & (1ULL << b))) {
			m |= 1ULL << b;
			which[b] = bounce_phrases[i].text;
		}
	}
	/* a phrase found only inside a longer phrase of another reason means
	 * what the longer one means: Postfix's "Host not found, try again" is
	 * a failed name lookup (a network error), not a missing host */
	for (int b = 0; b < 64; b++) {
		char blanked[2 * MAX_DIAG + 8];
		int blank = 0, again = 0;

		if (!(m & (1ULL << b)))
			continue;
		for (size_t k = 0; k < nocc; k++) {
			size_t j = occ[k];
			const char *lp = bounce_phrases[j].text;

			if (phrase_bit[j] == b || !strcmp(lp, which[b]) || !strstr(lp, which[b]))
				continue;
			if (!blank)
				copy_str(blanked, sizeof(blanked), folded);
			for (char *q = blanked; (q = strstr(q, lp));)
				memset(q, ' ', strlen(lp));
			blank = 1;
		}
		if (!blank)
			continue;
		/* with the longer phrases blanked, does a phrase of b match?
		 * (only one that occurs in folded can) */
		for (size_t k = 0; k < nocc && !again; k++) {
			size_t i = occ[k];

			if (phrase_bit[i] == b && strstr(blanked, bounce_phrases[i].text)) {
				again = 1;
				which[b] = bounce_phrases[i].text;
			}
		}
		if (!again) {
			m &= ~(1ULL << b);
			which[b] = NULL;
		}
	}
	return m;
}

/* smtp_command: the command the remote server answered, from the last
 * phrase of the commands table in folded (the first row of those that
 * end up last); "" if none. */
static const char *smtp_command(const char *folded, int *oom)
{
	const char *best = "";
	size_t bestpos = PHRASE_NONE, *last;

	if (!(last = malloc((bounce_ncommands + 1) * sizeof(*last)))) {
		*oom = 1;
		return best;
	}
	if (phrase_scan(set_commands, folded, strlen(folded), NULL, last)) {
		for (size_t i = 0; i < bounce_ncommands; i++) {
			if (last[i] != PHRASE_NONE && (bestpos == PHRASE_NONE || last[i] > bestpos)) {
				bestpos = last[i];
				best = bounce_commands[i].command;
			}
		}
	}
	free(last);
	return best;
}

static int is_hard(const char *reason, int permanent)
{
	for (size_t i = 0; i < bounce_nhard_reasons; i++)
		if (!strcmp(reason, bounce_hard_reasons[i].reason))
			return !bounce_hard_reasons[i].perm_only || permanent;
	return 0;
}

static int in_list(const char *s, const char *const *list)
{
	for (; s && *list; list++)
		if (!strcmp(s, *list))
			return 1;
	return 0;
}

/* The order in which reasons are tried (see docs/parser.md): first those
 * a status code or a phrase can each decide, narrow before broad; then,
 * when the status says little, the phrases of a second list. */
static const char *const order_first[] = {
	"mailboxfull", "mesgtoobig", "exceedlimit", "suspend", "hasmoved", "norelaying",
	"userunknown", "filtered", "rejected", "hostunknown", "notcompliantrfc", "badreputation",
	"spamdetected", "authfailure", "requireptr", "expired", "toomanyconn", "speeding", "blocked", NULL,
};
static const char *const order_second[] = {
	"mailboxfull", "spamdetected", "policyviolation", "virusdetected", "notcompliantrfc",
	"securityerror", "notaccept", "networkerror", "expired", "systemerror", "suspend",
	"contenterror", "systemfull", "mailererror", "syntaxerror", NULL,
};
/* status reasons that say too little to stand against a phrase */
static const char *const weak_status[] = { "undefined", "onhold", "systemerror", "securityerror",
					   "networkerror", NULL };
/* status reasons so specific that a phrase does not overrule them */
static const char *const strong_status[] = { "mailboxfull", "exceedlimit", "mesgtoobig", "hasmoved",
					     "systemfull", "suspend",
					     "expired", "rejected", "authfailure",
					     "requireptr", "policyviolation", "hostunknown", NULL };
static const char *const greeting[] = { "CONN", "EHLO", "HELO", NULL };
static const char *const before_data[] = { "CONN", "EHLO", "HELO", "MAIL", "RCPT", "RCPT?", NULL };

/* uu_vetoes: reasons whose words say an "unknown user" status code is
 * about something else (relaying, a block, a full mailbox, the sender). */
static rmask uu_vetoes_mask;
static void uu_vetoes_init(void)
{
	uu_vetoes_mask = RB("norelaying") | RB("blocked") | RB("mailboxfull") | RB("hasmoved") |
			 RB("rejected") | RB("notaccept") | RB("authfailure") | RB("requireptr") |
			 RB("badreputation") | RB("speeding") | RB("spamdetected") | RB("toomanyconn");
}
static pthread_once_t vetoes_once = PTHREAD_ONCE_INIT;
static rmask uu_vetoes(void)
{
	pthread_once(&vetoes_once, uu_vetoes_init);
	return uu_vetoes_mask;
}

/* uu_weak: the only "unknown user" words are a refusal that gives no
 * cause (bounce_generic_rcpt_phrases), and words of a block, a relay
 * refusal, the sender, spam or a policy give one: "Recipient address
 * rejected: Client host [...] blocked using ..." is a block, the address
 * may be fine. A phrase that is part of the refusal itself ("access
 * denied" in "Recipient address rejected: Access denied") gives no cause.
 * A X.7 status alone does not: Postfix's check_recipient_access REJECT
 * ("554 5.7.1 ... Recipient address rejected: Access denied") and
 * "553 5.7.1 Invalid recipient" are refusals of the recipient. */
static int uu_weak(const char *uuw, rmask tm, const char *const *which)
{
	rmask causes = uu_vetoes() | RB("policyviolation");
	int generic = 0;

	if (!uuw)
		return 0;
	for (size_t i = 0; i < bounce_ngeneric_rcpt_phrases; i++)
		if (!strcmp(uuw, bounce_generic_rcpt_phrases[i]))
			generic = 1;
	if (!generic)
		return 0;
	for (size_t b = 0; b < bounce_nreasons && b < 64; b++)
		if ((tm & causes & (1ULL << b)) && which[b] && !strstr(uuw, which[b]))
			return 1;
	return 0;
}

/* reason_holds: does reason R hold, given the status's reason rs, the
 * phrase matches tm, the SMTP command and whether the "unknown user"
 * words are weak (uu_weak)? */
static int reason_holds(const char *R, const char *rs, rmask tm, const char *cmd, int perm, int weak,
			int specific)
{
	rmask uu = RB("userunknown");

	/* words of expiry early on only for temporary failures (greylisting
	 * that never passed); a permanent refusal wrapped in "too long in
	 * the queue" is the refusal */
	if (!strcmp(R, "expired") && perm && !(rs && !strcmp(rs, R)))
		return 0;
	/* a network status that names a cause of its own ("4.4.1" with a
	 * failed connection, "4.4.3 directory server failure") says what the
	 * retries that expired kept meeting: words of expiry do not overrule it */
	if (!strcmp(R, "expired") && rs && strcmp(rs, R) && specific)
		return 0;
	/* after MAIL FROM, an unknown address or domain is the sender's */
	if (!strcmp(cmd, "MAIL") && (!strcmp(R, "userunknown") || !strcmp(R, "hostunknown")))
		return 0;
	/* refused after HELO or at the greeting: our name, not the recipient's */
	if (!strcmp(R, "hostunknown") && in_list(cmd, greeting) && !(rs && !strcmp(rs, R)))
		return 0;
	if (!strcmp(R, "userunknown")) {
		if (rs && !strcmp(rs, "suspend"))
			return 0;
		if (rs && !strcmp(rs, "userunknown"))
			return !(tm & uu_vetoes());
		if (weak)
			return 0;
		return (!strcmp(cmd, "RCPT") || !strcmp(cmd, "RCPT?")) && (tm & uu);
	}
	if (!strcmp(R, "filtered")) {
		if (rs && !strcmp(rs, "suspend"))
			return 0;
		if (rs && !strcmp(rs, "filtered"))
			return (tm & (uu | RB("filtered"))) != 0;
		if (in_list(cmd, before_data))
			return 0;
		if (weak)
			return (tm & RB("filtered")) != 0;
		/* "unknown user" not known to answer RCPT: a filter (the
		 * recipient may have been accepted and refused later) */
		return (tm & (uu | RB("filtered"))) != 0;
	}
	if (!strcmp(R, "rejected")) {
		if (rs && !strcmp(rs, "rejected"))
			return 1;
		if (!strcmp(cmd, "MAIL") && ((tm & uu) || (rs && (!strcmp(rs, "userunknown") ||
								    !strcmp(rs, "hostunknown")))))
			return 1;
		if (!(tm & RB("rejected")))
			return 0;
		if (!strcmp(cmd, "MAIL"))
			return 1;
		if (!strcmp(cmd, "DATA"))
			return !rs || strcmp(rs, "userunknown");
		return !rs || in_list(rs, weak_status);
	}
	return (rs && !strcmp(rs, R)) || (tm & RB(R));
}

/* summary_status: the one RFC 3463 code of class cls, other than X.0.0,
 * that begins a line of text after a reply code ("554 5.3.0 unknown
 * mailer error 255": the reporting MTA's own summary line; quoted
 * replies, "<<< 550 5.1.1 ...", do not begin their lines); 0 if there is
 * none or more than one. */
static int summary_status(const char *text, char cls, char *dst, size_t dstlen)
{
	int found = 0;

	for (const char *p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
		char st[32];
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
		if (!strcmp(st + 1, ".0.0"))
			continue;
		if (found && strcmp(st, dst))
			return 0; /* two different codes: none says it alone */
		copy_str(dst, dstlen, st);
		found = 1;
	}
	return found;
}

/* greeting_reply: a session transcript in which the server's reply came
 * before any command was sent, Sendmail's "... while talking to
 * mx.example.org.: <<< 554 ...": the greeting itself refused us. */
static int greeting_reply(const char *folded)
{
	for (const char *p = folded; (p = strstr(p, "while talking to ")); p++) {
		const char *q = p + 17;

		q += strcspn(q, " :\n");
		while (*q && strchr(": \t\n", *q))
			q++;
		if (!strncmp(q, "<<< ", 4))
			return 1;
	}
	return 0;
}

/* says_any: one of the n phrases occurs in folded (short lists:
 * bounce_final_phrases, the message left the queue when the report was
 * written, whatever its Action says; bounce_queued_phrases, it is still
 * queued and will be tried again). */
static int says_any(const char *folded, const char *const *phrases, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strstr(folded, phrases[i]))
			return 1;
	return 0;
}

/* says_temporary: the text says the failure is temporary (no code does). */
static int says_temporary(const char *folded)
{
	return phrase_any(set_temporary, folded, strlen(folded));
}

/* decide: fill status, code, reason and class of one recipient. */
static void decide(struct ctx *c, struct rcpt *r, enum bounce_kind kind, enum bounce_class *cls,
		   int *permanent)
{
	char folded[MAX_DIAG + 1], ctxf[2 * MAX_DIAG + 2];
	const char *which[64] = { 0 };
	const char *rs, *cmd, *reason = NULL;
	rmask tm;
	int local, weak, specific;

	const char *words = r->diag; /* where the remote server's words are */

	if (sets_init() < 0) {
		c->oom = 1;
		return;
	}
	if (!r->code[0])
		find_code(r->diag, r->code, sizeof(r->code));
	{
		/* the remote server's own code is more specific than the
		 * reporting MTA's summary (Status: 4.4.7 after a 450 4.7.1) */
		char st[32];
		const char *quoted;

		int have = find_status(r->diag, st, sizeof(st), &quoted);

		if (have && (st[0] != '2' || !strcmp(r->action, "delivered")) &&
		    (!r->status[0] || (st[0] == r->status[0] && strcmp(st + 1, ".0.0")) ||
		     /* the reply's own code and status agree on the class the
		      * reporting MTA's catch-all X.Y.0 does not ("Status:
		      * 4.5.0" for "550 5.5.0 Service refused") */
		     (st[0] != '2' && st[0] == r->code[0] && st[0] != r->status[0] &&
		      strlen(r->status) >= 3 && r->status[strlen(r->status) - 1] == '0' && r->status[strlen(r->status) - 2] == '.'))) {
			copy_str(r->status, sizeof(r->status), st);
			/* a relay's own summary before the reply it quotes
			 * ("5.1.0 - Unknown address error 550-'5.7.1 ... Access
			 * denied'"): the quoted reply's words decide */
			if (quoted)
				words = quoted;
		} else if (!have && c->nrc == 1 && kind == BOUNCE_KIND_DSN && !strcmp(r->status + 1, ".0.0") &&
			   summary_status(sbuf_get(&c->text), r->status[0], st, sizeof(st))) {
			/* Status: X.0.0 says nothing and the diagnostic has no
			 * code (a program's exit status); the one code of the
			 * same class on the reporting MTA's own summary lines
			 * says what failed (Sendmail's "554 5.3.0 unknown mailer
			 * error 255" beside "Status: 5.0.0") */
			copy_str(r->status, sizeof(r->status), st);
		}
	}
	bounce_fold(folded, sizeof(folded), words);
	strip_codes(folded);
	snprintf(ctxf, sizeof(ctxf), "%s %s", words, r->context);
	bounce_fold(ctxf, sizeof(ctxf), ctxf);
	*permanent = r->status[0] == '5' || (!r->status[0] && r->code[0] == '5');
	*cls = BOUNCE_CLASS_NONE;

	if (kind == BOUNCE_KIND_ARF) {
		copy_str(r->reason, sizeof(r->reason), "feedback");
		copy_str(r->rule, sizeof(r->rule), "kind arf");
		*cls = BOUNCE_CLASS_COMPLAINT;
		*permanent = 0;
		r->status[0] = r->code[0] = '\0';
		return;
	}
	if (kind == BOUNCE_KIND_AUTOREPLY) {
		copy_str(r->reason, sizeof(r->reason), "vacation");
		copy_str(r->rule, sizeof(r->rule), "kind autoreply");
		*cls = BOUNCE_CLASS_AUTOREPLY;
		*permanent = 0;
		r->status[0] = r->code[0] = '\0';
		return;
	}
	if (r->status[0] == '2' || !strcmp(r->action, "delivered") || !strcmp(r->action, "relayed") ||
	    !strcmp(r->action, "expanded") || !strcmp(r->action, "deliverable")) {
		copy_str(r->reason, sizeof(r->reason), "delivered");
		snprintf(r->rule, sizeof(r->rule), "action %s / status %s", r->action, r->status);
		*cls = BOUNCE_CLASS_DELIVERED;
		*permanent = 0;
		return;
	}
	/* the provider whose remote host table applies (lib/bounce_rhost.h) */
	struct bounce_rhost_query rq = { r->remote_mta, r->reporting_mta, r->addr, r->status, r->code, "",
					 ctxf, c->nrc == 1 ? sbuf_get(&c->text) : NULL };
	const struct bounce_rhost *prov = bounce_rhost_provider_of(&rq);

	if (bounce_rules_apply(c->rules, r->status, r->code, folded, r->reporting_mta, r->remote_mta,
			       prov ? prov->name : "", r->reason, sizeof(r->reason), cls, r->rule,
			       sizeof(r->rule)))
		goto classify;

	if (r->category) {
		/* the sending MTA's own classification of this failure */
		copy_str(r->reason, sizeof(r->reason), r->category);
		copy_str(r->rule, sizeof(r->rule), r->category_rule);
		goto classify;
	}

	rs = status_reason(r->status);
	tm = text_mask(folded[0] ? folded : ctxf, which, &c->oom);
	cmd = smtp_command(ctxf, &c->oom);
	/* (the whole error text when it concerns one DSN recipient that it
	 * does not name: Sendmail's transcript names the address before it
	 * was rewritten) */
	if (!*cmd && (greeting_reply(ctxf) || (c->nrc == 1 && !r->from_text && !r->context[0] && c->ftext &&
					       greeting_reply(c->ftext))))
		cmd = "CONN";
	if (!*cmd && c->format && c->format->command)
		cmd = c->format->command;
	/* a DSN's per-recipient Diagnostic-Code that names no command and
	 * quotes no SMTP reply is the reporting system's own verdict on the
	 * address (Gmail's "Address not found ... the address couldn't be
	 * found", a Domino directory lookup, Diagnostic-Code: X-Notes): an
	 * unknown address, as if answered to RCPT TO. A quoted reply that
	 * names no command ("550 user unknown") may have come after DATA: a
	 * filter, as in the text. An X.1 (addressing) status counts as
	 * no reply: Office 365's "5.1.10 RESOLVER.ADR.RecipientNotFound". */
	if (!*cmd && kind == BOUNCE_KIND_DSN && !r->from_text && r->diag[0] &&
	    ((!r->code[0] && (!rs || in_list(rs, weak_status))) || !strncmp(r->status + 1, ".1.", 3)))
		cmd = "RCPT?"; /* presumed, for unknown user vs filter only */
	/* a provider's own documented codes and words beat the general tables */
	rq.command = cmd;
	if ((reason = bounce_rhost_reason(prov, &rq, r->rule, sizeof(r->rule)))) {
		copy_str(r->reason, sizeof(r->reason), reason);
		goto classify;
	}
	/* a network and routing status (X.4.x: "no answer from host",
	 * "delivery time expired", Exchange's "5.4.312 Message expired, DNS
	 * query failed") whose words name its network cause ("no route to
	 * host", a failed name lookup) is that network error, not a mere
	 * expiry; a timeout or a refused connection is no more than expiry */
	if (((!rs && !strncmp(r->status + 1, ".4.", 3)) || (rs && !strcmp(rs, "expired") && !strcmp(r->status + 1, ".4.1"))) &&
	    (tm & RB("networkerror")))
		rs = "networkerror";
	/* X.4.7 "delivery time expired" after a name lookup that kept failing
	 * (Sendmail's "Deferred: Name server: example.org.: host name lookup
	 * failure") is that network error; a failed connection stays expiry */
	if (rs && !strcmp(rs, "expired") && !strcmp(r->status + 1, ".4.7") && (tm & RB("networkerror")) &&
	    which[reason_bit("networkerror")] &&
	    (strstr(which[reason_bit("networkerror")], "name") || strstr(which[reason_bit("networkerror")], "dns")))
		rs = "networkerror";
	/* X.4.4 "unable to route" whose words name a failing name server
	 * ("Malformed or unexpected name server reply") and no missing host
	 * is that network error: the domain may well exist */
	if (rs && !strcmp(rs, "hostunknown") && !strcmp(r->status + 1, ".4.4") &&
	    (tm & RB("networkerror")) && !(tm & RB("hostunknown")))
		rs = "networkerror";
	/* ... and one whose words say the domain has no mail exchanger
	 * (qmail's "couldn't find a mail exchanger or IP address") is a
	 * domain that accepts no mail */
	if (rs && !strcmp(rs, "hostunknown") && !strcmp(r->status + 1, ".4.4") &&
	    (tm & RB("notaccept")) && !(tm & RB("hostunknown")))
		rs = "notaccept";
	/* a local program's words (Diagnostic-Code: X-Unix; ...) are no SMTP
	 * reply: the SMTP-based order does not apply */
	local = !strncasecmp(r->diag_type, "x-unix", 6);
	/* the status code itself names a network or routing cause (X.4.N,
	 * not the catch-all X.4.0) */
	specific = rs && !strncmp(r->status + 1, ".4.", 3) && strcmp(r->status + 3, ".0");
	weak = uu_weak(which[reason_bit("userunknown")], tm, which);
	if (!local && rs && (in_list(rs, strong_status) || status_exact(r->status))) {
		reason = rs;
		snprintf(r->rule, sizeof(r->rule), "status %s", r->status);
	}
	for (size_t i = 0; !reason && !local && order_first[i]; i++)
		if (reason_holds(order_first[i], rs, tm, cmd, r->status[0] == '5' || r->code[0] == '5',
				 weak, specific)) {
			reason = order_first[i];
			if (rs && !strcmp(rs, reason))
				snprintf(r->rule, sizeof(r->rule), "status %s", r->status);
			else {
				const char *w = which[reason_bit(reason)];

				if (!w) /* filtered on an "unknown user" phrase */
					w = which[reason_bit("userunknown")];
				snprintf(r->rule, sizeof(r->rule), "phrase \"%s\"%s%s", w ? w : "",
					 *cmd ? " after " : "", cmd);
			}
		}
	if (!reason && in_list(cmd, greeting) && strcmp(cmd, "CONN")) {
		/* refused after HELO/EHLO: our name, a block */
		reason = "blocked";
		snprintf(r->rule, sizeof(r->rule), "rejected after %s", cmd);
	}
	if (!reason && (!rs || !strcmp(rs, "userunknown") || in_list(rs, weak_status))) {
		for (size_t i = 0; !reason && order_second[i]; i++)
			if (tm & RB(order_second[i])) {
				reason = order_second[i];
				snprintf(r->rule, sizeof(r->rule), "phrase \"%s\"", which[reason_bit(reason)]);
			}
		if (!reason && (!strncasecmp(r->diag_type, "x-unix", 6) ||
				       !strncasecmp(r->diag_type, "x-postfix", 9))) {
			reason = "mailererror";
			snprintf(r->rule, sizeof(r->rule), "diagnostic type %s", r->diag_type);
		}
		if (!reason && !rs && r->code[0] == '5' && r->code[1] == '0') {
			reason = "syntaxerror";
			snprintf(r->rule, sizeof(r->rule), "reply code %s", r->code);
		}
		if (!reason && !rs && (!strcmp(r->action, "delayed") || !strcmp(r->action, "expired"))) {
			reason = "expired";
			snprintf(r->rule, sizeof(r->rule), "action %s", r->action);
		}
		if (!reason && !rs && (!strcmp(cmd, "HELO") || !strcmp(cmd, "EHLO"))) {
			reason = "blocked";
			snprintf(r->rule, sizeof(r->rule), "rejected after %s", cmd);
		}
		/* a permanent refusal of the connection itself, in the
		 * greeting, that names no other cause: the server will not
		 * talk to this client (RFC 5321 3.1: "554 No SMTP service
		 * here"; Sisimai Reason::Blocked reads Exim's "SMTP error
		 * from remote mail server after initial connection" so) */
		if (!reason && !rs && !strcmp(cmd, "CONN") && r->code[0] == '5') {
			reason = "blocked";
			snprintf(r->rule, sizeof(r->rule), "refused at connection (%s)", r->code);
		}
	}
	if (!reason && rs && !strcmp(rs, "userunknown") && (tm & uu_vetoes())) {
		/* the words overruled the status: the first of their reasons */
		for (size_t i = 0; !reason && order_first[i]; i++)
			if (tm & uu_vetoes() & RB(order_first[i])) {
				reason = order_first[i];
				snprintf(r->rule, sizeof(r->rule), "phrase \"%s\" over status %s",
					 which[reason_bit(reason)] ? which[reason_bit(reason)] : "", r->status);
			}
	}
	if (!reason && rs) {
		reason = rs;
		snprintf(r->rule, sizeof(r->rule), "status %s", r->status);
	}
	if (!reason && !strcmp(r->action, "delayed")) {
		reason = "expired";
		copy_str(r->rule, sizeof(r->rule), "action delayed");
	}
	if (!reason && c->format && c->format->reason) {
		reason = c->format->reason;
		snprintf(r->rule, sizeof(r->rule), "format %s", c->format->name);
	}
	if (!reason) {
		/* onhold: words about this recipient that no rule reads;
		 * undefined: none (the bounce's own framing text, borrowed
		 * as the diagnostic, says nothing about the address) */
		reason = r->diag[0] && !r->borrowed ? "onhold" : "undefined";
		copy_str(r->rule, sizeof(r->rule), r->borrowed ? "no words about this recipient"
					   : r->diag[0] ? "no rule matched the diagnostic"
							: "nothing to go by");
	}
	copy_str(r->reason, sizeof(r->reason), reason);
classify:
	if (!r->status[0]) {
		const char *d = "0.900";
		char first = r->code[0] == '4' || !strcmp(r->action, "delayed") || says_temporary(folded) ? '4' : '5';

		for (size_t i = 0; i < bounce_npseudo_statuses; i++)
			if (!strcmp(bounce_pseudo_statuses[i].reason, r->reason))
				d = bounce_pseudo_statuses[i].detail;
		snprintf(r->status, sizeof(r->status), "%c.%s", first, d);
		*permanent = first == '5';
	}
	if (!strcmp(r->action, "delayed") && !says_any(ctxf, bounce_final_phrases, bounce_nfinal_phrases))
		*cls = BOUNCE_CLASS_DELAYED;
	else if (!r->action[0] && *cls == BOUNCE_CLASS_NONE &&
		 says_any(ctxf, bounce_queued_phrases, bounce_nqueued_phrases))
		/* no DSN fields, and the words say the message is still
		 * queued: a warning (a soft bounce would count toward
		 * suppression) */
		*cls = BOUNCE_CLASS_DELAYED;
	else if (*cls == BOUNCE_CLASS_NONE)
		*cls = is_hard(r->reason, *permanent) ? BOUNCE_CLASS_HARD : BOUNCE_CLASS_SOFT;
}

static int find_code(const char *s, char *dst, size_t dstlen);

/* own_letters: the letters of r's diagnostic outside its own address. */
static size_t own_letters(const struct rcpt *r)
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

/* listed_after_colon: in [s, e), the first line naming addr follows
 * (blank lines aside) a line that ends with ':'. */
static int listed_after_colon(const char *s, const char *e, const char *addr)
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

/* says_nothing: r's diagnostic is no more than its own address, or
 * carries no reply code. */
static int says_nothing(const struct rcpt *r)
{
	char code[8];

	if (!find_code(r->diag, code, sizeof(code)))
		return 1; /* no reply code: the words are elsewhere */
	return own_letters(r) < 4;
}

/* drop_empty: DSN blocks that named no recipient go when others did. */
static void drop_empty(struct ctx *c)
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

/* failed_recipients: X-Failed-Recipients (Exim, Google) names them. */
static void failed_recipients(struct ctx *c)
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
			copy_str(r->addr, sizeof(r->addr), a);
			r->from_text = 1;
		}
	}
	g_object_unref(l);
}

/* ---- kinds -------------------------------------------------------------- */

static int any_in(const char *s, const char *const *list, size_t n)
{
	char f[1024];

	bounce_fold(f, sizeof(f), s);
	for (size_t i = 0; i < n; i++)
		if (strstr(f, list[i]))
			return 1;
	return 0;
}

/* complaint_header: a header that marks a complaint-like report. */
static int complaint_header(struct ctx *c)
{
	char v[256], f[256];

	for (size_t i = 0; i < bounce_ncomplaint_headers; i++) {
		obj_header(GMIME_OBJECT(c->msg), bounce_complaint_headers[i].name, v, sizeof(v));
		bounce_fold(f, sizeof(f), v);
		if (v[0] && strstr(f, bounce_complaint_headers[i].value))
			return 1;
	}
	return 0;
}

/* is_autoreply: 2 when the header or subject says auto-reply outright
 * (X-Autoreply, "Out of office"), 1 for Auto-Submitted: auto-replied
 * alone (bounces carry it too), 0 for none. */
static int is_autoreply(struct ctx *c)
{
	GMimeObject *o = GMIME_OBJECT(c->msg);
	char v[512], f[512];
	int sign = 0;

	for (size_t i = 0; i < bounce_nautoreply_headers; i++) {
		const struct bounce_header_sign *h = &bounce_autoreply_headers[i];

		const char *raw = g_mime_object_get_header(o, h->name);

		if (!raw)
			continue;
		copy_str(v, sizeof(v), raw);
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

static int looks_like_bounce(struct ctx *c, const char *text)
{
	if (c->have_report || c->have_dsn_part)
		return 1;
	if (any_in(c->from_raw, bounce_bounce_senders, bounce_nbounce_senders))
		return 1;
	if (any_in(c->subject, bounce_bounce_subjects, bounce_nbounce_subjects))
		return 1;
	return format_detect(c, text) != NULL;
}

/* ---- the report --------------------------------------------------------- */

static char *dup_or_empty(const char *s, int *oom)
{
	char *d = strdup(s ? s : "");

	if (!d)
		*oom = 1;
	return d;
}

static void rcpt_free_fields(struct bounce_rcpt *r)
{
	free(r->recipient);
	free(r->action);
	free(r->status);
	free(r->smtp_code);
	free(r->reason);
	free(r->diagnostic);
	free(r->remote_mta);
	free(r->reporting_mta);
	free(r->rule);
}

void bounce_report_free(struct bounce_report *rep)
{
	if (!rep)
		return;
	for (size_t i = 0; i < rep->nrcpt; i++)
		rcpt_free_fields(&rep->rcpt[i]);
	free(rep->rcpt);
	free(rep->reporting_mta);
	free(rep->original_envelope_id);
	free(rep->original_message_id);
	free(rep);
}

const char *bounce_kind_name(enum bounce_kind kind)
{
	switch (kind) {
	case BOUNCE_KIND_DSN: return "dsn";
	case BOUNCE_KIND_ARF: return "arf";
	case BOUNCE_KIND_AUTOREPLY: return "autoreply";
	case BOUNCE_KIND_NONSTANDARD: return "nonstandard";
	case BOUNCE_KIND_NOTBOUNCE: return "notbounce";
	}
	return "notbounce";
}

const char *bounce_class_name(enum bounce_class cls)
{
	switch (cls) {
	case BOUNCE_CLASS_NONE: return "";
	case BOUNCE_CLASS_HARD: return "hard";
	case BOUNCE_CLASS_SOFT: return "soft";
	case BOUNCE_CLASS_DELAYED: return "delayed";
	case BOUNCE_CLASS_DELIVERED: return "delivered";
	case BOUNCE_CLASS_COMPLAINT: return "complaint";
	case BOUNCE_CLASS_AUTOREPLY: return "autoreply";
	}
	return "";
}

/* one_line: diagnostics become one line of bounded length. */
static void one_line(char *s)
{
	char *w = s;
	int sp = 0;

	for (char *p = s; *p; p++) {
		unsigned char ch = (unsigned char)*p;

		if (isspace(ch) || ch < 0x20) {
			sp = w > s;
			continue;
		}
		if (sp)
			*w++ = ' ';
		sp = 0;
		*w++ = (char)ch;
	}
	*w = '\0';
}

static void ctx_free(struct ctx *c)
{
	sbuf_free(&c->text);
	free(c->ftext);
	sbuf_free(&c->html);
	sbuf_free(&c->dsn);
	sbuf_free(&c->arf);
	sbuf_free(&c->orig);
	free(c->rc);
	for (int i = 0; i < c->nfwd; i++)
		g_object_unref(c->fwd[i]);
	if (c->msg)
		g_object_unref(c->msg);
}

/* html_to_text: tags dropped, a few entities decoded, block ends to
 * newlines; enough to read an error text written as HTML. */
static void html_to_text(const struct sbuf *in, struct sbuf *out)
{
	const char *p = sbuf_get(in);

	while (*p) {
		if (*p == '<') {
			const char *e = strchr(p, '>');

			if (!e)
				break;
			if (!strncasecmp(p, "<br", 3) || !strncasecmp(p, "</p", 3) || !strncasecmp(p, "</div", 5) ||
			    !strncasecmp(p, "</tr", 4) || !strncasecmp(p, "<p", 2))
				sbuf_add(out, "\n", 1);
			else if (!strncasecmp(p, "</td", 4))
				sbuf_add(out, " ", 1);
			p = e + 1;
		} else if (*p == '&') {
			static const struct { const char *e, *t; } ents[] = {
				{ "&lt;", "<" }, { "&gt;", ">" }, { "&amp;", "&" }, { "&nbsp;", " " }, { "&quot;", "\"" },
			};
			size_t i;

			for (i = 0; i < sizeof(ents) / sizeof(ents[0]); i++)
				if (!strncasecmp(p, ents[i].e, strlen(ents[i].e))) {
					sbuf_str(out, ents[i].t);
					p += strlen(ents[i].e);
					break;
				}
			if (i == sizeof(ents) / sizeof(ents[0]))
				sbuf_add(out, p++, 1);
		} else {
			const char *e = p + strcspn(p, "<&");

			sbuf_add(out, p, (size_t)(e - p));
			p = e;
		}
	}
}

static void read_orig_headers(struct ctx *c)
{
	char v[MAX_HEADER_VALUE];
	const char *h = sbuf_get(&c->orig);

	while (*h == '\n')
		h++;
	if (header_value(h, "Message-ID", v, sizeof(v)))
		copy_str(c->orig_msgid, sizeof(c->orig_msgid), trim(v));
	if (header_value(h, "To", v, sizeof(v)))
		addr_clean(c->orig_to, sizeof(c->orig_to), v);
	if (header_value(h, "From", v, sizeof(v)))
		addr_clean(c->orig_from, sizeof(c->orig_from), v);
}

/* orig_in_text: the returned message's headers when it is inline text
 * after an end marker (no MIME). */
static void orig_in_text(struct ctx *c)
{
	const char *t = sbuf_get(&c->text);
	const char *best = NULL;

	for (size_t i = 0; i < bounce_nend_markers; i++) {
		const char *m = text_find(t, c->ftext, c->ftext_n, bounce_end_markers[i]);

		if (m && (!best || m < best))
			best = m;
	}
	if (best) {
		const char *nl = strchr(best, '\n');

		if (nl) {
			nl++;
			while (*nl == '\n' || *nl == ' ')
				nl++;
			sbuf_str(&c->orig, nl);
		}
	}
}

enum bounce_status bounce_parse(const char *data, size_t len, const struct bounce_options *opt,
				struct bounce_report **out, char *err, size_t errlen)
{
	static const struct bounce_options defopt;
	struct ctx c = { 0 };
	char hdrblob[HDRBLOB]; /* not zeroed as a whole: a string */
	struct bounce_report *rep = NULL;
	char *norm = NULL;
	GByteArray *borrow = NULL; /* norm, lent to GMime's stream */
	size_t nlen = 0, limit;
	int truncated = 0, oom = 0;
	enum bounce_kind kind = BOUNCE_KIND_NOTBOUNCE;
	GMimeStream *st;
	GMimeParser *parser;
	const char *text;
	int auto_sign, filtered;

	if (err && errlen)
		err[0] = '\0';
	if (!out || (!data && len)) {
		if (err && errlen)
			snprintf(err, errlen, "bounce_parse: bad arguments");
		return BOUNCE_EINVAL;
	}
	*out = NULL;
	if (!opt)
		opt = &defopt;
	c.opt = opt;
	c.rules = opt->rules;
	hdrblob[0] = '\0';
	c.hdrblob = hdrblob;
	c.text.max = MAX_TEXT;
	c.dsn.max = MAX_TEXT;
	c.arf.max = MAX_PART_TEXT;
	c.orig.max = MAX_PART_TEXT;
	c.html.max = MAX_TEXT;
	limit = opt->message_size_limit ? opt->message_size_limit : LIMIT_DEFAULT;
	/* GLib aborts when memory runs out: start only with room for the
	 * bounded parse (bounce_limits.h) */
	if (bounce_limits_headroom(len < limit ? len : limit) < 0)
		goto enomem;
	bounce_init();

	if (normalise(data ? data : "", len, limit, &norm, &nlen, &truncated) < 0)
		goto enomem;
	{
		/* an mbox postmark on the first line is not a header */
		size_t off = 0, mlen = 0;
		const char *m = is_postmark(norm, norm + nlen) ? bounce_mbox_next(norm, nlen, &off, &mlen) : norm;

		if (m && m != norm) {
			memmove(norm, m, mlen);
			nlen = mlen;
			norm[nlen] = '\0';
		}
	}

	if (bounce_limits_apply(norm, &nlen, &c.limited) < 0)
		goto enomem;
	filtered = top_filter(norm, &nlen, c.hdrblob);
	/* GMime reads the normalised copy where it is, not a copy of it: the
	 * stream borrows norm through a byte array that does not own it; the
	 * array goes after the message (ctx_free), norm after that */
	borrow = g_byte_array_new_take((guint8 *)norm, nlen);
	st = g_mime_stream_mem_new_with_byte_array(borrow);
	g_mime_stream_mem_set_owner(GMIME_STREAM_MEM(st), FALSE);
	parser = g_mime_parser_new_with_stream(st);
	g_object_unref(st);
	g_mime_parser_set_format(parser, GMIME_FORMAT_MESSAGE);
	c.msg = g_mime_parser_construct_message(parser, NULL);
	g_object_unref(parser);

	if (c.msg) {
		InternetAddressList *l;
		const char *subj = g_mime_message_get_subject(c.msg);

		copy_str(c.subject, sizeof(c.subject), subj ? subj : "");
		obj_header(GMIME_OBJECT(c.msg), "From", c.from_raw, sizeof(c.from_raw));
		if (!filtered) {
			struct sbuf hb = { .max = HDRBLOB - 1 };

			header_text(GMIME_OBJECT(c.msg), &hb);
			if (hb.oom)
				goto enomem;
			copy_n(c.hdrblob, HDRBLOB, sbuf_get(&hb), hb.len);
			for (char *q = c.hdrblob; *q; q++)
				*q = (char)tolower((unsigned char)*q);
			sbuf_free(&hb);
		}
		if ((l = g_mime_message_get_from(c.msg)))
			list_addr(c.from, sizeof(c.from), l);
		if ((l = g_mime_message_get_to(c.msg)))
			list_addr(c.to, sizeof(c.to), l);
		walk(&c, g_mime_message_get_mime_part(c.msg));
	}
	if (c.oom || c.text.oom || c.dsn.oom)
		goto enomem;
	if (!c.text.len && c.html.len)
		html_to_text(&c.html, &c.text);
	if (c.text.oom || !(c.ftext = text_fold(sbuf_get(&c.text), &c.ftext_n)))
		goto enomem;
	if (!c.orig.len && !c.have_report)
		orig_in_text(&c);
	read_orig_headers(&c);
	text = sbuf_get(&c.text);

	auto_sign = c.msg ? is_autoreply(&c) : 0;
	if (c.msg && !c.have_dsn_part && !c.have_arf_part && strstr(text, "notificationType\\\"") &&
	    !strstr(text, "{\"notificationType\"")) {
		/* SNS wraps the SES notification in a JSON string: unwrap */
		const char *m = strstr(text, "\"Message\"");
		char *inner = malloc(MAX_PART_TEXT);

		if (!inner)
			goto enomem;
		if (m && json_value(m, m + strlen(m), "Message", inner, MAX_PART_TEXT))
			kind = parse_ses(&c, inner);
		free(inner);
	}
	if (kind != BOUNCE_KIND_NOTBOUNCE) {
		/* an Amazon SES notification wrapped by SNS */
	} else if (c.msg && !c.have_dsn_part && !c.have_arf_part && strstr(text, "{\"notificationType\"") &&
		   (kind = parse_ses(&c, text)) != BOUNCE_KIND_NOTBOUNCE) {
		/* an Amazon SES notification: its JSON said it all */
	} else if (c.msg && (c.have_arf_part || any_in(c.subject, bounce_complaint_subjects,
						 bounce_ncomplaint_subjects) || complaint_header(&c))) {
		kind = BOUNCE_KIND_ARF;
		parse_arf(&c, sbuf_get(&c.arf));
		if (!c.nrc && c.orig_to[0]) {
			struct rcpt *r = rcpt_new(&c);

			if (r)
				copy_str(r->addr, sizeof(r->addr), c.orig_to);
		}
		if (!c.nrc && !c.have_arf_part && c.from[0]) {
			/* an unsubscribe request: from the recipient itself */
			struct rcpt *r = rcpt_new(&c);

			if (r)
				copy_str(r->addr, sizeof(r->addr), c.from);
		}
	} else if (c.msg && (c.have_dsn_part || looks_like_dsn_folded(c.ftext)) && looks_like_bounce(&c, text)) {
		kind = c.have_dsn_part ? BOUNCE_KIND_DSN : BOUNCE_KIND_NONSTANDARD;
		parse_dsn(&c, c.have_dsn_part ? sbuf_get(&c.dsn) : text);
		drop_empty(&c);
		if (!c.nrc) {
			kind = BOUNCE_KIND_NONSTANDARD;
			failed_recipients(&c);
		}
		scan_text(&c, text, c.nrc == 0);
		if (c.nrc == 1 && !addr_full(c.rc[0].addr)) {
			/* Final-Recipient names no whole address ("@relay"): the
			 * error text's one address is the recipient */
			size_t n0 = c.nrc;

			scan_text(&c, text, 1);
			if (c.nrc == n0 + 1) {
				copy_str(c.rc[0].addr, sizeof(c.rc[0].addr), c.rc[n0].addr);
				c.nrc = n0;
			} else {
				c.nrc = n0;
			}
		}
		/* DSN fields without Diagnostic-Code: the human-readable part
		 * speaks for them (all of it when there is one recipient) */
		for (size_t i = 0; i < c.nrc; i++) {
			struct rcpt *r = &c.rc[i];

			if (r->diag[0] || r->from_text)
				continue;
			if (c.nrc == 1) {
				const char *s0, *e0;

				error_span(&c, format_detect(&c, text), text, &s0, &e0);
				diag_append(r, s0, e0);
			} else {
				copy_str(r->diag, sizeof(r->diag), r->context);
			}
		}
	} else if (c.msg && auto_sign == 2 && !any_in(c.from_raw, bounce_bounce_senders, bounce_nbounce_senders)) {
		kind = BOUNCE_KIND_AUTOREPLY;
	} else if (c.msg && looks_like_bounce(&c, text)) {
		kind = BOUNCE_KIND_NONSTANDARD;
		failed_recipients(&c);
		scan_text(&c, text, c.nrc == 0);
		if (!c.nrc) {
			/* nobody else: the bounce went back to the recipient's
			 * own address, or one wrote to oneself: look again */
			c.allow_to = 1;
			scan_text(&c, text, 1);
		}
		if (c.nrc && !c.rc[0].diag[0]) {
			/* X-Failed-Recipients names none the text speaks of:
			 * the text's recipients */
			c.nrc = 0;
			scan_text(&c, text, 1);
			if (!c.nrc)
				failed_recipients(&c);
		}
	} else if (c.msg && auto_sign) {
		kind = BOUNCE_KIND_AUTOREPLY;
	}
	if (kind == BOUNCE_KIND_AUTOREPLY && c.from[0]) {
		struct rcpt *r = rcpt_new(&c);

		if (r)
			copy_str(r->addr, sizeof(r->addr), c.from);
	}
	if (kind == BOUNCE_KIND_NONSTANDARD && c.nrc == 1 && c.rc[0].from_text && says_nothing(&c.rc[0])) {
		/* the error text came before the recipient's line (or beside
		 * it): with one recipient, all of it is the diagnostic */
		const char *s0, *e0;

		/* (a line of no more than the address is short) */
		int bare = strlen(c.rc[0].diag) < strlen(c.rc[0].addr) + 16 && own_letters(&c.rc[0]) < 4;

		c.rc[0].diag[0] = '\0';
		error_span(&c, format_detect(&c, text), text, &s0, &e0);
		/* its own line was no more than the address, in a list that
		 * a line ending in ':' introduced ("Delivery to the following
		 * recipients failed permanently:\n  * bob@example.org"):
		 * nothing was said about it (Lotus Notes writes the reason on
		 * the line above the address instead) */
		c.rc[0].borrowed = bare && listed_after_colon(s0, e0, c.rc[0].addr);
		diag_append(&c.rc[0], s0, e0);
	}
	if (kind == BOUNCE_KIND_NONSTANDARD && !c.nrc && c.orig_to[0] && !ignored_addr(&c, c.orig_to)) {
		struct rcpt *r = rcpt_new(&c);

		if (r) {
			copy_str(r->addr, sizeof(r->addr), c.orig_to);
			r->from_text = 1;
			r->borrowed = 1;
			/* the whole error text is the diagnostic */
			{
				const char *s, *e;

				error_span(&c, format_detect(&c, text), text, &s, &e);
				diag_append(r, s, e);
			}
		}
	}
	if (c.oom)
		goto enomem;

	/* the recipient known from VERP */
	if (opt->known_recipient && *opt->known_recipient && kind != BOUNCE_KIND_NOTBOUNCE) {
		struct rcpt *m = rcpt_find(&c, opt->known_recipient);

		if (!m && c.nrc >= 1)
			m = &c.rc[0];
		if (!m)
			m = rcpt_new(&c);
		if (m) {
			struct rcpt keep = *m;

			copy_str(keep.addr, sizeof(keep.addr), opt->known_recipient);
			c.rc[0] = keep;
			c.nrc = 1;
		}
	}

	if (!(rep = calloc(1, sizeof(*rep))))
		goto enomem;
	rep->kind = kind;
	rep->truncated = truncated;
	rep->limited = c.limited;
	rep->reporting_mta = dup_or_empty(c.reporting_mta, &oom);
	rep->original_envelope_id = dup_or_empty(c.envid, &oom);
	rep->original_message_id = dup_or_empty(c.orig_msgid, &oom);
	if (c.nrc && !(rep->rcpt = calloc(c.nrc, sizeof(*rep->rcpt))))
		oom = 1;
	for (size_t i = 0; !oom && i < c.nrc; i++) {
		struct rcpt *r = &c.rc[i];
		struct bounce_rcpt *o = &rep->rcpt[i];
		enum bounce_class cls = BOUNCE_CLASS_NONE;
		int perm = 0;

		one_line(r->diag);
		if (!r->reporting_mta[0])
			copy_str(r->reporting_mta, sizeof(r->reporting_mta), c.reporting_mta);
		decide(&c, r, kind, &cls, &perm);
		rep->nrcpt++;
		o->recipient = dup_or_empty(r->addr, &oom);
		o->action = dup_or_empty(r->action, &oom);
		o->status = dup_or_empty(r->status, &oom);
		o->smtp_code = dup_or_empty(r->code, &oom);
		o->reason = dup_or_empty(r->reason, &oom);
		o->class = cls;
		o->permanent = perm;
		o->diagnostic = dup_or_empty(r->diag, &oom);
		o->remote_mta = dup_or_empty(r->remote_mta, &oom);
		o->reporting_mta = dup_or_empty(r->reporting_mta, &oom);
		o->rule = dup_or_empty(r->rule, &oom);
	}
	if (oom || c.oom)
		goto enomem;
	ctx_free(&c);
	if (borrow)
		g_byte_array_free(borrow, FALSE); /* the wrapper; norm stays */
	free(norm);
	*out = rep;
	return BOUNCE_OK;

enomem:
	bounce_report_free(rep);
	ctx_free(&c);
	if (borrow)
		g_byte_array_free(borrow, FALSE);
	free(norm);
	if (err && errlen)
		snprintf(err, errlen, "out of memory");
	return BOUNCE_ENOMEM;
}
