/* verp.c: the signed VERP return-path codec (see verp.h; the format is
 * specified in docs/verp.md). Three forms, all in the local part after
 * return_prefix and recipient_delimiter:
 *   recipient  enc(local) "=" enc(domain) "=" TAG   (readable)
 *   long       "l-" ID "=" TAG                      (ID via struct verp_map)
 *   message    "m-" TOKEN "=" TAG                   (message mode)
 * enc() writes only [a-z0-9-+/.] and "_xx" escapes, so the return path has
 * no uppercase letter and survives lowercasing; the decoder lowercases its
 * input first and accepts only the one canonical encoding of a recipient.
 * TAG = base32(10-bit day stamp, 40-bit truncated HMAC-SHA256). */
#include "verp.h"
#include "secret.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#define DAY 86400L
#define LOCAL_MAX 64          /* RFC 5321 local part */
#define STAMP_MOD 1024        /* the stamp is days since the epoch modulo this */
#define LIFETIME_DAYS_MAX 365 /* must stay well below STAMP_MOD - 1 */
#define MAC_BYTES 5           /* 40 bits of HMAC-SHA256 */
#define TAG_LEN 10            /* base32 of 10 + 40 bits */
#define ID_LEN 20             /* base32 of 100 bits of SHA-256 */
#define ESC '_'

static const char b32_alphabet[] = "abcdefghijklmnopqrstuvwxyz234567";
/* Domain separation of the MAC and id inputs; "1" is the format version. */
static const char mac_context[] = "rebound-verp-1";
static const char id_context[] = "rebound-verp-id-1";

struct verp_codec {
	const struct verp_keys *keys; /* borrowed */
	const struct verp_map *map;   /* borrowed; may be NULL */
	char head[32];                /* return_prefix + recipient_delimiter */
	size_t headlen;
	char domain[256];             /* return_domain, lowercase */
	long lifetime_days;           /* tags up to this many days old verify */
};

static char ascii_lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* is_literal: bytes enc() writes as they are ('.' has its own rule). */
static int is_literal(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '/';
}

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* enc: encode n bytes of s into out (room for 3 * n + 1); returns the
 * length written. A '.' stays a '.' unless it is the first or last byte or
 * follows a '.' written as is: the output never has a leading, trailing or
 * doubled dot. Every other byte outside is_literal() becomes "_xx". */
static size_t enc(const unsigned char *s, size_t n, char *out)
{
	static const char hex[] = "0123456789abcdef";
	size_t o = 0;

	for (size_t i = 0; i < n; i++) {
		unsigned char c = s[i];

		if (is_literal(c) || (c == '.' && i > 0 && i + 1 < n && out[o - 1] != '.')) {
			out[o++] = (char)c;
		} else {
			out[o++] = ESC;
			out[o++] = hex[c >> 4];
			out[o++] = hex[c & 15];
		}
	}
	out[o] = '\0';
	return o;
}

/* dec: decode n characters of lowercase s into out (room for n bytes);
 * returns the length, or -1 for a character enc() never writes or a bad
 * escape. Canonical form is checked by the caller, by encoding again. */
static long dec(const char *s, size_t n, unsigned char *out)
{
	size_t o = 0;

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (is_literal(c) || c == '.') {
			out[o++] = c;
		} else if (c == ESC && i + 2 < n) {
			int hi = hex_value(s[i + 1]), lo = hex_value(s[i + 2]);

			if (hi < 0 || lo < 0)
				return -1;
			out[o++] = (unsigned char)(hi << 4 | lo);
			i += 2;
		} else {
			return -1;
		}
	}
	return (long)o;
}

/* recipient_split: check an address enc() may carry; returns the offset
 * of its last '@', or -1. */
static long recipient_split(const char *r, size_t len)
{
	const char *at;

	if (len == 0 || len > VERP_ADDRESS_MAX)
		return -1;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)r[i];

		if (c < 0x20 || c == 0x7f)
			return -1;
	}
	if (!(at = memrchr(r, '@', len)) || at == r || at == r + len - 1)
		return -1;
	return (long)(at - r);
}

/* token_valid: a message token: 1 to VERP_TOKEN_MAX of [a-z0-9-]. */
static int token_valid(const char *t, size_t n)
{
	if (n == 0 || n > VERP_TOKEN_MAX)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((t[i] >= 'a' && t[i] <= 'z') || (t[i] >= '0' && t[i] <= '9') || t[i] == '-'))
			return 0;
	return 1;
}

/* b32_bits: the first 5 * nchars bits of in as base32 into out (NUL-terminated). */
static void b32_bits(const unsigned char *in, size_t nchars, char *out)
{
	for (size_t i = 0; i < nchars; i++) {
		unsigned v = 0;

		for (size_t k = 0; k < 5; k++) {
			size_t bit = 5 * i + k;

			v = v << 1 | ((in[bit / 8] >> (7 - bit % 8)) & 1u);
		}
		out[i] = b32_alphabet[v];
	}
	out[nchars] = '\0';
}

static int b32_value(char c)
{
	const char *p = c ? strchr(b32_alphabet, c) : NULL;

	return p ? (int)(p - b32_alphabet) : -1;
}

/* recipient_id: the compact form's id of a recipient (ID_LEN + 1 bytes);
 * -1 on a libcrypto failure. */
static int recipient_id(const char *recipient, size_t len, char *id)
{
	unsigned char buf[sizeof(id_context) + VERP_ADDRESS_MAX];
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;

	if (len > VERP_ADDRESS_MAX)
		return -1;
	memcpy(buf, id_context, sizeof(id_context)); /* with its NUL */
	memcpy(buf + sizeof(id_context), recipient, len);
	if (!EVP_Digest(buf, sizeof(id_context) + len, md, &mdlen, EVP_sha256(), NULL) || mdlen < 13)
		return -1;
	b32_bits(md, ID_LEN, id);
	return 0;
}

/* tag_mac: the truncated MAC of (form, stamp, payload) under key. */
static int tag_mac(const struct verp_key *key, char form, unsigned stamp, const char *payload,
		   size_t n, unsigned char mac[MAC_BYTES])
{
	unsigned char buf[sizeof(mac_context) + 3 + VERP_ADDRESS_MAX];
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	size_t len = 0;

	if (n > VERP_ADDRESS_MAX || key->len > INT32_MAX)
		return -1;
	memcpy(buf, mac_context, sizeof(mac_context)); /* with its NUL */
	len = sizeof(mac_context);
	buf[len++] = (unsigned char)form;
	buf[len++] = (unsigned char)(stamp >> 8);
	buf[len++] = (unsigned char)(stamp & 0xff);
	memcpy(buf + len, payload, n);
	len += n;
	if (!HMAC(EVP_sha256(), key->bytes, (int)key->len, buf, len, md, &mdlen) || mdlen < MAC_BYTES)
		return -1;
	memcpy(mac, md, MAC_BYTES);
	OPENSSL_cleanse(md, sizeof(md));
	return 0;
}

static long day_of(time_t t)
{
	long long d = (long long)t / DAY;

	if ((long long)t % DAY < 0)
		d--;
	return (long)d;
}

static unsigned stamp_of_day(long day)
{
	long m = day % STAMP_MOD;

	return (unsigned)(m < 0 ? m + STAMP_MOD : m);
}

/* tag_make: TAG_LEN + 1 characters for (form, payload) at now with the
 * newest key. */
static int tag_make(const struct verp_codec *codec, char form, const char *payload, size_t n,
		    time_t now, char *tag)
{
	unsigned stamp = stamp_of_day(day_of(now));
	unsigned char mac[MAC_BYTES];
	uint64_t v;

	if (tag_mac(&codec->keys->key[0], form, stamp, payload, n, mac) < 0)
		return -1;
	v = (uint64_t)stamp;
	for (int i = 0; i < MAC_BYTES; i++)
		v = v << 8 | mac[i];
	for (int i = 0; i < TAG_LEN; i++)
		tag[i] = b32_alphabet[(v >> (5 * (TAG_LEN - 1 - i))) & 31];
	tag[TAG_LEN] = '\0';
	return 0;
}

int verp_codec_new(const struct config *cfg, const struct verp_keys *keys, const struct verp_map *map,
		   struct verp_codec **out)
{
	struct verp_codec *codec;
	size_t plen, dlen;

	if (!out)
		return VERP_MALFORMED;
	*out = NULL;
	if (!cfg || !keys || keys->n == 0 || !cfg->return_prefix || !cfg->return_domain ||
	    !cfg->recipient_delimiter || strlen(cfg->recipient_delimiter) != 1)
		return VERP_MALFORMED;
	plen = strlen(cfg->return_prefix);
	dlen = strlen(cfg->return_domain);
	if (plen == 0 || plen + 2 > sizeof(codec->head) || dlen == 0 || dlen >= sizeof(codec->domain) ||
	    cfg->tag_lifetime < 0 || cfg->tag_lifetime > LIFETIME_DAYS_MAX * DAY)
		return VERP_MALFORMED;
	if (!(codec = calloc(1, sizeof(*codec))))
		return VERP_NOMEM;
	codec->keys = keys;
	codec->map = map;
	for (size_t i = 0; i < plen; i++)
		codec->head[i] = ascii_lower(cfg->return_prefix[i]);
	codec->head[plen] = cfg->recipient_delimiter[0];
	codec->headlen = plen + 1;
	for (size_t i = 0; i < dlen; i++)
		codec->domain[i] = ascii_lower(cfg->return_domain[i]);
	/* Whole days, rounded up: a tag verifies until the end of the day on
	 * which it reaches tag_lifetime (docs/verp.md, "Expiry"). */
	codec->lifetime_days = (cfg->tag_lifetime + DAY - 1) / DAY;
	*out = codec;
	return VERP_OK;
}

void verp_codec_free(struct verp_codec *codec)
{
	free(codec);
}

/* assemble: head + body + "=" + tag + "@" + domain into out. */
static enum verp_status assemble(const struct verp_codec *codec, const char *body, size_t bodylen,
				 const char *tag, char out[VERP_MAX + 1])
{
	size_t dlen = strlen(codec->domain);

	if (codec->headlen + bodylen + 1 + TAG_LEN > LOCAL_MAX ||
	    codec->headlen + bodylen + 1 + TAG_LEN + 1 + dlen > VERP_MAX)
		return VERP_TOOLONG;
	memcpy(out, codec->head, codec->headlen);
	memcpy(out + codec->headlen, body, bodylen);
	out += codec->headlen + bodylen;
	*out++ = '=';
	memcpy(out, tag, TAG_LEN);
	out += TAG_LEN;
	*out++ = '@';
	memcpy(out, codec->domain, dlen + 1);
	return VERP_OK;
}

enum verp_status verp_encode(const struct verp_codec *codec, const char *recipient, time_t now,
			     char out[VERP_MAX + 1])
{
	char body[3 * VERP_ADDRESS_MAX + 8];
	char tag[TAG_LEN + 1];
	size_t len, n;
	long at;

	if (!codec || !recipient || !out)
		return VERP_MALFORMED;
	out[0] = '\0';
	len = strlen(recipient);
	if (len > VERP_ADDRESS_MAX)
		return VERP_TOOLONG;
	if ((at = recipient_split(recipient, len)) < 0)
		return VERP_MALFORMED;
	n = enc((const unsigned char *)recipient, (size_t)at, body);
	body[n++] = '=';
	n += enc((const unsigned char *)recipient + at + 1, len - (size_t)at - 1, body + n);
	if (codec->headlen + n + 1 + TAG_LEN <= LOCAL_MAX) {
		if (tag_make(codec, 'r', recipient, len, now, tag) < 0)
			return VERP_NOMEM;
		return assemble(codec, body, n, tag, out);
	}
	/* Too long to read: the compact form, by id through the map. */
	if (!codec->map || !codec->map->put)
		return VERP_TOOLONG;
	memcpy(body, "l-", 2);
	if (recipient_id(recipient, len, body + 2) < 0)
		return VERP_NOMEM;
	if (codec->map->put(codec->map->ctx, body + 2, recipient, now) < 0)
		return VERP_TEMPFAIL;
	if (tag_make(codec, 'l', body + 2, ID_LEN, now, tag) < 0)
		return VERP_NOMEM;
	return assemble(codec, body, 2 + ID_LEN, tag, out);
}

enum verp_status verp_encode_message(const struct verp_codec *codec, const char *token, time_t now,
				     char out[VERP_MAX + 1])
{
	char body[2 + VERP_TOKEN_MAX + 1];
	char tag[TAG_LEN + 1];
	size_t n;

	if (!codec || !token || !out)
		return VERP_MALFORMED;
	out[0] = '\0';
	n = strlen(token);
	if (!token_valid(token, n))
		return VERP_MALFORMED;
	memcpy(body, "m-", 2);
	memcpy(body + 2, token, n);
	if (tag_make(codec, 'm', token, n, now, tag) < 0)
		return VERP_NOMEM;
	return assemble(codec, body, 2 + n, tag, out);
}

/* tag_parse: TAG_LEN base32 characters into stamp and MAC; -1 if not. */
static int tag_parse(const char *s, size_t n, unsigned *stamp, unsigned char mac[MAC_BYTES])
{
	uint64_t v = 0;

	if (n != TAG_LEN)
		return -1;
	for (size_t i = 0; i < n; i++) {
		int d = b32_value(s[i]);

		if (d < 0)
			return -1;
		v = v << 5 | (uint64_t)d;
	}
	for (int i = MAC_BYTES - 1; i >= 0; i--) {
		mac[i] = (unsigned char)(v & 0xff);
		v >>= 8;
	}
	*stamp = (unsigned)v;
	return 0;
}

/* decode_recipient: the recipient form's two fields, lowercase, into
 * out->recipient; -1 unless they are the canonical encoding of an address
 * enc() accepts. */
static int decode_recipient(const char *lf, size_t ln, const char *df, size_t dn, struct verp_decoded *out)
{
	unsigned char buf[LOCAL_MAX + 1];
	char again[3 * LOCAL_MAX + 1];
	long l, d;

	if (ln + dn > LOCAL_MAX)
		return -1;
	if ((l = dec(lf, ln, buf)) < 0)
		return -1;
	buf[l] = '@';
	if ((d = dec(df, dn, buf + l + 1)) < 0)
		return -1;
	if (recipient_split((const char *)buf, (size_t)(l + 1 + d)) != l)
		return -1; /* empty part, control byte, or an '@' in the domain */
	if (enc(buf, (size_t)l, again) != ln || memcmp(again, lf, ln) != 0)
		return -1;
	if (enc(buf + l + 1, (size_t)d, again) != dn || memcmp(again, df, dn) != 0)
		return -1;
	memcpy(out->recipient, buf, (size_t)(l + 1 + d));
	out->recipient[l + 1 + d] = '\0';
	return 0;
}

static enum verp_status decode_fail(struct verp_decoded *out, enum verp_status st)
{
	memset(out, 0, sizeof(*out));
	out->key_index = -1;
	return st;
}

enum verp_status verp_decode(const struct verp_codec *codec, const char *return_path, time_t now,
			     struct verp_decoded *out)
{
	char path[VERP_MAX + 1];
	unsigned char mac[MAC_BYTES], want[MAC_BYTES];
	const char *payload, *local, *f[3], *at;
	size_t len, flen[3], nf = 0, paylen;
	unsigned stamp;
	long today, age;
	char form;

	if (!out)
		return VERP_MALFORMED;
	memset(out, 0, sizeof(*out));
	out->key_index = -1;
	if (!codec || !return_path || (len = strlen(return_path)) > VERP_MAX)
		return VERP_MALFORMED;
	for (size_t i = 0; i <= len; i++)
		path[i] = ascii_lower(return_path[i]);

	/* return_domain, then return_prefix and the delimiter. */
	if (!(at = strrchr(path, '@')) || strcmp(at + 1, codec->domain) != 0)
		return VERP_MALFORMED;
	local = path;
	if ((size_t)(at - local) > LOCAL_MAX || (size_t)(at - local) < codec->headlen ||
	    memcmp(local, codec->head, codec->headlen) != 0)
		return VERP_MALFORMED;

	/* Two or three fields separated by '=' (enc() never writes one). */
	for (const char *s = local + codec->headlen;; s++) {
		const char *e = s;

		while (e < at && *e != '=')
			e++;
		if (nf == 3)
			return VERP_MALFORMED;
		f[nf] = s;
		flen[nf++] = (size_t)(e - s);
		if (e == at)
			break;
		s = e;
	}
	if (nf < 2 || tag_parse(f[nf - 1], flen[nf - 1], &stamp, mac) < 0)
		return VERP_MALFORMED;
	if (nf == 3) {
		form = 'r';
		if (decode_recipient(f[0], flen[0], f[1], flen[1], out) < 0)
			return decode_fail(out, VERP_MALFORMED);
		out->form = VERP_FORM_RECIPIENT;
		payload = out->recipient;
		paylen = strlen(out->recipient);
	} else if (flen[0] == 2 + ID_LEN && !memcmp(f[0], "l-", 2)) {
		form = 'l';
		for (size_t i = 2; i < flen[0]; i++)
			if (b32_value(f[0][i]) < 0)
				return VERP_MALFORMED;
		out->form = VERP_FORM_LONG;
		payload = f[0] + 2;
		paylen = ID_LEN;
	} else if (flen[0] > 2 && !memcmp(f[0], "m-", 2) && token_valid(f[0] + 2, flen[0] - 2)) {
		form = 'm';
		out->form = VERP_FORM_MESSAGE;
		memcpy(out->token, f[0] + 2, flen[0] - 2);
		out->token[flen[0] - 2] = '\0';
		payload = out->token;
		paylen = flen[0] - 2;
	} else {
		return VERP_MALFORMED;
	}

	/* The day it was made: the one nearest today with that stamp (a
	 * negative age is a day in the future). */
	today = day_of(now);
	age = ((today - (long)stamp) % STAMP_MOD + STAMP_MOD) % STAMP_MOD;
	if (age >= STAMP_MOD / 2)
		age -= STAMP_MOD;
	out->stamp = (time_t)(today - age) * DAY;

	/* The MAC, newest key first; constant-time compare. */
	for (size_t k = 0; k < codec->keys->n; k++) {
		if (tag_mac(&codec->keys->key[k], form, stamp, payload, paylen, want) < 0)
			return decode_fail(out, VERP_NOMEM);
		if (CRYPTO_memcmp(want, mac, MAC_BYTES) == 0) {
			out->key_index = (int)k;
			break;
		}
	}
	if (out->key_index < 0)
		return VERP_BADTAG;
	/* Tomorrow passes: the clock where it was made may be a little ahead. */
	if (age > codec->lifetime_days || age < -1)
		return VERP_EXPIRED;

	if (form == 'l') {
		char id[ID_LEN + 1], *r = NULL;
		int rc;

		if (!codec->map || !codec->map->get)
			return VERP_UNKNOWN;
		memcpy(id, payload, ID_LEN);
		id[ID_LEN] = '\0';
		rc = codec->map->get(codec->map->ctx, id, &r);
		if (rc < 0) {
			free(r);
			return VERP_TEMPFAIL;
		}
		if (rc > 0 || !r) {
			free(r);
			return VERP_UNKNOWN;
		}
		/* The row must be the recipient the id was made from. */
		{
			size_t rlen = strlen(r);
			char check[ID_LEN + 1];

			if (rlen > VERP_ADDRESS_MAX || recipient_split(r, rlen) < 0 ||
			    recipient_id(r, rlen, check) < 0 || memcmp(check, id, ID_LEN) != 0) {
				free(r);
				return VERP_UNKNOWN;
			}
			memcpy(out->recipient, r, rlen + 1);
		}
		free(r);
	}
	return VERP_OK;
}

const char *verp_strerror(enum verp_status status)
{
	switch (status) {
	case VERP_OK: return "ok";
	case VERP_MALFORMED: return "malformed return path";
	case VERP_BADTAG: return "bad tag";
	case VERP_EXPIRED: return "expired";
	case VERP_UNKNOWN: return "unknown compact id";
	case VERP_TOOLONG: return "address too long";
	case VERP_TEMPFAIL: return "temporary failure";
	case VERP_NOMEM: return "out of memory";
	}
	return "unknown error";
}
