/* test_verp.c: unit tests of the VERP codec (lib/verp.c) and its keys
 * (lib/secret.c): round trips of tricky addresses, the 64-octet limit and
 * the compact form (through an in-memory map), every single-character
 * change of a return path, case changes, expiry and the future, key
 * rotation, malformed input, and the checks on secret_file. The clock is
 * the `now` argument. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "verp.h"

#define DAY 86400L
/* 2026-11-18 11:13:20 UTC (day 20775, stamp 295): an arbitrary fixed clock. */
#define T0 ((time_t)1795000400)

static const char *const key_new = "0123456789abcdef0123456789abcdef-new";
static const char *const key_old = "fedcba9876543210fedcba9876543210-old";

/* An in-memory struct verp_map, as the store will provide. */
#define MAP_MAX 4096
struct memmap {
	char *id[MAP_MAX];
	char *rcpt[MAP_MAX];
	size_t n;
	int fail_put, fail_get; /* make the callbacks fail (-1) */
	int lie;                /* get answers another recipient */
	int puts;
};

static int memmap_put(void *ctx, const char *id, const char *recipient, time_t now)
{
	struct memmap *m = ctx;

	(void)now;
	if (m->fail_put)
		return -1;
	m->puts++;
	for (size_t i = 0; i < m->n; i++) {
		if (!strcmp(m->id[i], id)) {
			/* An id names one recipient only. */
			assert_string_equal(m->rcpt[i], recipient);
			return 0;
		}
	}
	assert_true(m->n < MAP_MAX);
	m->id[m->n] = strdup(id);
	m->rcpt[m->n] = strdup(recipient);
	assert_non_null(m->id[m->n]);
	assert_non_null(m->rcpt[m->n]);
	m->n++;
	return 0;
}

static int memmap_get(void *ctx, const char *id, char **recipient)
{
	struct memmap *m = ctx;

	*recipient = NULL;
	if (m->fail_get)
		return -1;
	for (size_t i = 0; i < m->n; i++) {
		if (!strcmp(m->id[i], id)) {
			*recipient = strdup(m->lie ? "someone.else@example.com" : m->rcpt[i]);
			return *recipient ? 0 : -1;
		}
	}
	return 1;
}

static void memmap_clear(struct memmap *m)
{
	for (size_t i = 0; i < m->n; i++) {
		free(m->id[i]);
		free(m->rcpt[i]);
	}
	memset(m, 0, sizeof(*m));
}

/* A codec over a config text, keys and an optional map. */
struct fixture {
	struct config *cfg;
	struct verp_keys *keys;
	struct memmap mm;
	struct verp_map map;
	struct verp_codec *codec;
};

static void fixture_open(struct fixture *fx, const char *conf, const char *const *keys, size_t nkeys,
			 int with_map)
{
	char err[512] = "";

	memset(fx, 0, sizeof(*fx));
	if (config_load_string("t.conf", conf, &fx->cfg, err, sizeof(err)) != 0)
		fail_msg("config: %s", err);
	assert_int_equal(verp_keys_from_strings(keys, nkeys, &fx->keys), 0);
	fx->map.put = memmap_put;
	fx->map.get = memmap_get;
	fx->map.ctx = &fx->mm;
	assert_int_equal(verp_codec_new(fx->cfg, fx->keys, with_map ? &fx->map : NULL, &fx->codec), VERP_OK);
}

static void fixture_close(struct fixture *fx)
{
	verp_codec_free(fx->codec);
	verp_keys_free(fx->keys);
	config_free(fx->cfg);
	memmap_clear(&fx->mm);
}

#define CONF "return_domain = bounce.example.org\nsecret_file = /etc/rebound/secret\n"

static void open_default(struct fixture *fx)
{
	const char *keys[] = { key_new, key_old };

	fixture_open(fx, CONF, keys, 2, 1);
}

/* The local part of a return path: safe in an unquoted local part
 * (dot-atom), no uppercase, at most 64 octets. */
static void assert_safe(const char *path)
{
	const char *at = strrchr(path, '@');
	size_t n;

	assert_non_null(at);
	n = (size_t)(at - path);
	if (n > 64)
		fail_msg("local part of %zu octets: %s", n, path);
	if (path[0] == '.' || at[-1] == '.')
		fail_msg("leading or trailing dot: %s", path);
	for (const char *p = path; p < at; p++) {
		if (!strchr("abcdefghijklmnopqrstuvwxyz0123456789-+/._=", *p))
			fail_msg("character 0x%02x in %s", (unsigned char)*p, path);
		if (p[0] == '.' && p[1] == '.')
			fail_msg("double dot in %s", path);
	}
	for (const char *p = path; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			fail_msg("uppercase in %s", path);
}

static void change_case(char *s, int upper)
{
	for (; *s; s++) {
		if (upper && *s >= 'a' && *s <= 'z')
			*s = (char)(*s - 'a' + 'A');
		else if (!upper && *s >= 'A' && *s <= 'Z')
			*s = (char)(*s - 'A' + 'a');
	}
}

/* roundtrip: encode, check the path, and decode it as is, lowercased and
 * uppercased, to exactly the recipient, in want_form (-1: either form);
 * returns the form. */
static int roundtrip(struct fixture *fx, const char *rcpt, int want_form, char *path_out)
{
	char path[VERP_MAX + 1], variant[VERP_MAX + 1];
	struct verp_decoded d;
	enum verp_status st;

	st = verp_encode(fx->codec, rcpt, T0, path);
	if (st != VERP_OK)
		fail_msg("encode \"%s\": %s", rcpt, verp_strerror(st));
	assert_safe(path);
	for (int v = 0; v < 3; v++) {
		strcpy(variant, path);
		if (v > 0)
			change_case(variant, v == 2);
		st = verp_decode(fx->codec, variant, T0, &d);
		if (st != VERP_OK)
			fail_msg("decode \"%s\" (for \"%s\"): %s", variant, rcpt, verp_strerror(st));
		if (want_form >= 0)
			assert_int_equal(d.form, want_form);
		assert_string_equal(d.recipient, rcpt);
		assert_int_equal(d.key_index, 0);
		assert_int_equal(d.stamp, (T0 / DAY) * DAY);
	}
	if (path_out)
		strcpy(path_out, path);
	return (int)d.form;
}

static const char *const tricky[] = {
	"alice@example.com",
	"Alice@Example.COM",
	"a@b.c",
	"first.last@example.com",
	"user+tag@example.com",
	"user=tag@example.com",
	"user-tag@example.com",
	"user_tag@example.com",
	"a/b@example.com",
	"a+b=c-d.e/f_g@example.com",
	"_@example.com",
	"=@example.com",
	"_2e@example.com",
	"\"john doe\"@example.com",
	"\"a\\\"b\"@example.com",
	"\"a@b\"@example.com",
	"\"\"@example.com",
	"\".alice.\"@example.com",
	"\"a..b\"@example.com",
	".@example.com",
	"..@example.com",
	"a..b@example.com",
	"a...b@example.com",
	"a.@example.com",
	".a@example.com",
	"x@.example.com.",
	"x@example..com",
	"!#$%&'*?^`{|}~@example.com",
	"j\xc3\xb6rg@example.com",
	"\xe7\x94\xa8\xe6\x88\xb7@\xe4\xbe\x8b\xe5\xad\x90.\xe5\x85\xac\xe5\x8f\xb8",
	"user@xn--bcher-kva.example",
	"postmaster@[192.0.2.1]",
	"user@[IPv6:2001:db8::1]",
	"l-abcdefghijklmnopqrst@example.com",
	"m-token@example.com",
	"bounces+alice=example.com=abcdefghij@bounce.example.org",
	"UPPER.CASE+TAG@EXAMPLE.ORG",
};

static void test_roundtrip_table(void **state)
{
	struct fixture fx;

	(void)state;
	open_default(&fx);
	for (size_t i = 0; i < sizeof(tricky) / sizeof(tricky[0]); i++) {
		char path[VERP_MAX + 1];
		int fields = 1;

		/* The readable form has three fields, the compact one two. */
		assert_int_equal(verp_encode(fx.codec, tricky[i], T0, path), VERP_OK);
		for (const char *p = path; *p != '@'; p++)
			fields += *p == '=';
		roundtrip(&fx, tricky[i], fields == 3 ? VERP_FORM_RECIPIENT : VERP_FORM_LONG, NULL);
	}
	/* The readable ones really are readable. */
	{
		char path[VERP_MAX + 1];

		assert_int_equal(verp_encode(fx.codec, "alice@example.com", T0, path), VERP_OK);
		assert_int_equal(strncmp(path, "bounces+alice=example.com=", 26), 0);
		assert_int_equal(strlen(path), 26 + 10 + strlen("@bounce.example.org"));
		assert_string_equal(path + 36, "@bounce.example.org");
		assert_int_equal(verp_encode(fx.codec, "Alice@Example.COM", T0, path), VERP_OK);
		assert_int_equal(strncmp(path, "bounces+_41lice=_45xample._43_4f_4d=", 36), 0);
		assert_int_equal(verp_encode(fx.codec, "a..b@example.com", T0, path), VERP_OK);
		assert_int_equal(strncmp(path, "bounces+a._2eb=example.com=", 27), 0);
		assert_int_equal(verp_encode(fx.codec, ".a.@example.com", T0, path), VERP_OK);
		assert_int_equal(strncmp(path, "bounces+_2ea_2e=example.com=", 28), 0);
		assert_int_equal(verp_encode(fx.codec, "\"j d\"@example.com", T0, path), VERP_OK);
		assert_int_equal(strncmp(path, "bounces+_22j_20d_22=example.com=", 32), 0);
	}
	fixture_close(&fx);
}

/* The format is fixed (return paths in flight must decode after an
 * upgrade): a known answer, also reproduced with openssl in docs/verp.md. */
static void test_known_answer(void **state)
{
	const char *keys[] = { "0123456789abcdef0123456789abcdef" };
	struct fixture fx;
	char path[VERP_MAX + 1];

	(void)state;
	fixture_open(&fx, CONF, keys, 1, 1);
	assert_int_equal(verp_encode(fx.codec, "alice@example.com", T0, path), VERP_OK);
	assert_string_equal(path, "bounces+alice=example.com=jhnln5un2f@bounce.example.org");
	assert_int_equal(verp_encode_message(fx.codec, "q1w2e3", T0, path), VERP_OK);
	assert_string_equal(path, "bounces+m-q1w2e3=jhigdovgii@bounce.example.org");
	fixture_close(&fx);
}

/* Every substitution (all byte values), deletion and insertion of one
 * character fails to decode, except a change of case, which decodes to
 * the same recipient or token. */
static void assert_changes_fail(struct fixture *fx, const char *path, const struct verp_decoded *orig)
{
	size_t len = strlen(path);
	char buf[VERP_MAX + 2];
	struct verp_decoded d;
	enum verp_status st;

	for (size_t i = 0; i < len; i++) {
		for (int c = 1; c < 256; c++) {
			char o = path[i];
			int lo = o >= 'A' && o <= 'Z' ? o - 'A' + 'a' : (unsigned char)o;
			int lc = c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;

			if (c == (unsigned char)o)
				continue;
			strcpy(buf, path);
			buf[i] = (char)c;
			st = verp_decode(fx->codec, buf, T0, &d);
			if (lc == lo) {
				if (st != VERP_OK)
					fail_msg("case change \"%s\": %s", buf, verp_strerror(st));
				assert_int_equal(d.form, orig->form);
				assert_string_equal(d.recipient, orig->recipient);
				assert_string_equal(d.token, orig->token);
			} else if (st == VERP_OK) {
				fail_msg("substitution at %zu (0x%02x) decodes: \"%s\"", i, c, buf);
			}
		}
		/* deletion */
		memcpy(buf, path, i);
		strcpy(buf + i, path + i + 1);
		if (verp_decode(fx->codec, buf, T0, &d) == VERP_OK)
			fail_msg("deletion at %zu decodes: \"%s\"", i, buf);
	}
	for (size_t i = 0; i <= len; i++) {
		for (int c = 1; c < 256; c++) {
			memcpy(buf, path, i);
			buf[i] = (char)c;
			strcpy(buf + i + 1, path + i);
			if (verp_decode(fx->codec, buf, T0, &d) == VERP_OK)
				fail_msg("insertion at %zu (0x%02x) decodes: \"%s\"", i, c, buf);
		}
	}
}

static void test_single_changes(void **state)
{
	static const char *const rcpts[] = {
		"alice@example.com", "Fo.o_b+r@Ex.org", "\"a b\"@x.y", "l-x=y@example.com",
		/* compact form */
		"a-very-long-local-part-that-will-not-fit-in-sixty-four-octets@some.long.example.domain.com",
	};
	struct fixture fx;
	char path[VERP_MAX + 1];
	struct verp_decoded d;

	(void)state;
	open_default(&fx);
	for (size_t i = 0; i < sizeof(rcpts) / sizeof(rcpts[0]); i++) {
		assert_int_equal(verp_encode(fx.codec, rcpts[i], T0, path), VERP_OK);
		assert_int_equal(verp_decode(fx.codec, path, T0, &d), VERP_OK);
		assert_string_equal(d.recipient, rcpts[i]);
		assert_changes_fail(&fx, path, &d);
	}
	assert_int_equal(verp_encode_message(fx.codec, "abc-123", T0, path), VERP_OK);
	assert_int_equal(verp_decode(fx.codec, path, T0, &d), VERP_OK);
	assert_int_equal(d.form, VERP_FORM_MESSAGE);
	assert_string_equal(d.token, "abc-123");
	assert_changes_fail(&fx, path, &d);
	fixture_close(&fx);
}

/* Random multi-character edits (deterministic): never a crash, and never
 * a successful decode unless the edits only changed case. */
static void test_random_edits(void **state)
{
	static const char alphabet[] = "abcxyz0279_=.-+/@AZ\"\\ \xc3\xff";
	struct fixture fx;
	char path[VERP_MAX + 1], buf[VERP_MAX + 8], lower[VERP_MAX + 8];
	struct verp_decoded d;
	uint32_t seed = 7;

	(void)state;
	open_default(&fx);
	assert_int_equal(verp_encode(fx.codec, "Some.One+x@example.com", T0, path), VERP_OK);
	for (int round = 0; round < 20000; round++) {
		size_t len = strlen(path);
		int edits = 1 + (int)((seed = seed * 1103515245u + 12345u) >> 16) % 4;

		strcpy(buf, path);
		for (int e = 0; e < edits && len > 0 && len < VERP_MAX; e++) {
			uint32_t r = (seed = seed * 1103515245u + 12345u) >> 8;
			size_t at = r % len;
			char c = alphabet[(r >> 10) % (sizeof(alphabet) - 1)];

			switch ((r >> 20) % 3) {
			case 0: buf[at] = c; break;
			case 1: memmove(buf + at, buf + at + 1, len - at); len--; break;
			default: memmove(buf + at + 1, buf + at, len - at + 1); buf[at] = c; len++; break;
			}
		}
		strcpy(lower, buf);
		change_case(lower, 0);
		if (verp_decode(fx.codec, buf, T0, &d) == VERP_OK) {
			if (strcmp(lower, path) != 0)
				fail_msg("edited return path decodes: \"%s\"", buf);
			assert_string_equal(d.recipient, "Some.One+x@example.com");
		}
	}
	fixture_close(&fx);
}

static void test_expiry(void **state)
{
	struct fixture fx;
	char path[VERP_MAX + 1];
	struct verp_decoded d;
	time_t made = T0 - T0 % DAY + 10; /* 00:00:10 on T0's day */

	(void)state;
	open_default(&fx); /* tag_lifetime 30d */
	assert_int_equal(verp_encode(fx.codec, "alice@example.com", made, path), VERP_OK);
	/* Up to 30 days later, to the end of that day. */
	for (long days = 0; days <= 30; days++) {
		assert_int_equal(verp_decode(fx.codec, path, made + days * DAY, &d), VERP_OK);
		assert_int_equal(d.stamp, made - 10);
	}
	assert_int_equal(verp_decode(fx.codec, path, made - 10 + 31 * DAY - 1, &d), VERP_OK);
	/* From day 31 on: expired, but genuine, so it says for whom. */
	for (long days = 31; days < 1000; days += 7) {
		assert_int_equal(verp_decode(fx.codec, path, made - 10 + days * DAY, &d), VERP_EXPIRED);
		assert_string_equal(d.recipient, "alice@example.com");
		assert_int_equal(d.key_index, 0);
		if (days < 512)
			assert_int_equal(d.stamp, made - 10);
	}
	/* One day ahead (a fast clock where it was made) passes; more fails. */
	assert_int_equal(verp_decode(fx.codec, path, made - DAY, &d), VERP_OK);
	assert_int_equal(d.stamp, made - 10);
	for (long days = 2; days < 900; days += 5) {
		assert_int_equal(verp_decode(fx.codec, path, made - days * DAY, &d), VERP_EXPIRED);
		if (days < 512) /* the stamp is read as the nearest day: here, ahead */
			assert_int_equal(d.stamp, made - 10);
	}
	/* The message and compact forms expire alike. */
	assert_int_equal(verp_encode_message(fx.codec, "tok", made, path), VERP_OK);
	assert_int_equal(verp_decode(fx.codec, path, made + 30 * DAY, &d), VERP_OK);
	assert_int_equal(verp_decode(fx.codec, path, made + 31 * DAY, &d), VERP_EXPIRED);
	assert_int_equal(verp_decode(fx.codec, path, made - 2 * DAY, &d), VERP_EXPIRED);
	fixture_close(&fx);

	/* A short lifetime, not a whole number of days: rounded up. */
	{
		const char *keys[] = { key_new };

		fixture_open(&fx, CONF "tag_lifetime = 36h\n", keys, 1, 1);
		assert_int_equal(verp_encode(fx.codec, "alice@example.com", made, path), VERP_OK);
		assert_int_equal(verp_decode(fx.codec, path, made + 2 * DAY, &d), VERP_OK);
		assert_int_equal(verp_decode(fx.codec, path, made + 3 * DAY, &d), VERP_EXPIRED);
		fixture_close(&fx);
		fixture_open(&fx, CONF "tag_lifetime = 365d\n", keys, 1, 1);
		assert_int_equal(verp_encode(fx.codec, "alice@example.com", made, path), VERP_OK);
		assert_int_equal(verp_decode(fx.codec, path, made + 365 * DAY, &d), VERP_OK);
		assert_int_equal(verp_decode(fx.codec, path, made + 366 * DAY, &d), VERP_EXPIRED);
		assert_int_equal(verp_decode(fx.codec, path, made - 2 * DAY, &d), VERP_EXPIRED);
		fixture_close(&fx);
	}
}

static void test_rotation(void **state)
{
	const char *old_only[] = { key_old };
	const char *rotated[] = { key_new, key_old };
	const char *new_only[] = { key_new };
	struct fixture a, b, c;
	char path[VERP_MAX + 1], path2[VERP_MAX + 1];
	struct verp_decoded d;

	(void)state;
	fixture_open(&a, CONF, old_only, 1, 1);
	fixture_open(&b, CONF, rotated, 2, 1);
	fixture_open(&c, CONF, new_only, 1, 1);
	/* Made before the rotation, decoded after it: the old key, second. */
	assert_int_equal(verp_encode(a.codec, "alice@example.com", T0, path), VERP_OK);
	assert_int_equal(verp_decode(b.codec, path, T0 + DAY, &d), VERP_OK);
	assert_string_equal(d.recipient, "alice@example.com");
	assert_int_equal(d.key_index, 1);
	/* New return paths use the newest key. */
	assert_int_equal(verp_encode(b.codec, "alice@example.com", T0, path2), VERP_OK);
	assert_string_not_equal(path, path2);
	assert_int_equal(verp_decode(c.codec, path2, T0, &d), VERP_OK);
	assert_int_equal(d.key_index, 0);
	/* Once the old key is removed, its return paths no longer verify. */
	assert_int_equal(verp_decode(c.codec, path, T0, &d), VERP_BADTAG);
	assert_int_equal(d.key_index, -1);
	assert_string_equal(d.recipient, "alice@example.com"); /* claimed, unverified */
	assert_int_equal(verp_decode(a.codec, path2, T0, &d), VERP_BADTAG);
	fixture_close(&a);
	fixture_close(&b);
	fixture_close(&c);
}

static void test_malformed(void **state)
{
	struct fixture fx;
	char path[VERP_MAX + 1], buf[VERP_MAX + 64];
	struct verp_decoded d;
	const char *tag;

	(void)state;
	open_default(&fx);
	assert_int_equal(verp_encode(fx.codec, "alice@example.com", T0, path), VERP_OK);
	tag = strstr(path, ".com=") + 5;
	assert_int_equal(verp_decode(fx.codec, path, T0, &d), VERP_OK);

	static const char *const bad[] = {
		"",
		"@",
		"bounces",
		"alice@example.com",
		"bounces+alice=example.com@bounce.example.org",
		"bounces+alice=example.com==@bounce.example.org",
		"bounces+=@bounce.example.org",
		"bounces+@bounce.example.org",
		"bounces@bounce.example.org",
		"bounces+l-=aaaaaaaaaa@bounce.example.org",
		"bounces+m-=aaaaaaaaaa@bounce.example.org",
		"bounces+l-aaaa=aaaaaaaaaa@bounce.example.org",
		"bounces+m-AB_C=aaaaaaaaaa@bounce.example.org",
		"bounces+x-abc=aaaaaaaaaa@bounce.example.org",
		"bounces+a=b=aaaaaaaaa1@bounce.example.org",
		"bounces+a=b=aaaaaaaaa@bounce.example.org",
		"bounces+a=b=aaaaaaaaaaa@bounce.example.org",
		"bounces+a=b=c=aaaaaaaaaa@bounce.example.org",
		"bounces+a_4=b=aaaaaaaaaa@bounce.example.org",
		"bounces+a_zz=b=aaaaaaaaaa@bounce.example.org",
		"bounces+_61=b=aaaaaaaaaa@bounce.example.org", /* not canonical */
		"bounces+.a=b=aaaaaaaaaa@bounce.example.org",
		"bounces+=b=aaaaaaaaaa@bounce.example.org",
		"bounces+a==aaaaaaaaaa@bounce.example.org",
		"bounces+a=b_40c=aaaaaaaaaa@bounce.example.org", /* '@' in the domain */
		"bounces+a_0a=b=aaaaaaaaaa@bounce.example.org",  /* control character */
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		enum verp_status st = verp_decode(fx.codec, bad[i], T0, &d);

		if (st != VERP_MALFORMED)
			fail_msg("\"%s\": %s", bad[i], verp_strerror(st));
		assert_int_equal(d.key_index, -1);
		assert_string_equal(d.recipient, "");
	}
	/* Wrong return domain, prefix or delimiter around a good tag; brackets;
	 * extra text around a good return path. */
	{
		static const char *const around_tag[] = {
			"bounces+alice=example.com=%.10s@bounce.example.net",
			"bounces+alice=example.com=%.10s@example.org",
			"bounces+alice=example.com=%.10s@bounce.example.org.",
			"bounce+alice=example.com=%.10s@bounce.example.org",
			"bounces-alice=example.com=%.10s@bounce.example.org",
		};
		static const char *const around_path[] = { "<%s>", "%s@bounce.example.org", "x@%s", " %s" };

		for (size_t i = 0; i < sizeof(around_tag) / sizeof(around_tag[0]); i++) {
			snprintf(buf, sizeof(buf), around_tag[i], tag);
			assert_int_equal(verp_decode(fx.codec, buf, T0, &d), VERP_MALFORMED);
		}
		for (size_t i = 0; i < sizeof(around_path) / sizeof(around_path[0]); i++) {
			snprintf(buf, sizeof(buf), around_path[i], path);
			assert_int_equal(verp_decode(fx.codec, buf, T0, &d), VERP_MALFORMED);
		}
	}
	/* Too long as a whole. */
	memset(buf, 'a', VERP_MAX + 10);
	buf[VERP_MAX + 10] = '\0';
	assert_int_equal(verp_decode(fx.codec, buf, T0, &d), VERP_MALFORMED);
	/* Right form, wrong tag. */
	snprintf(buf, sizeof(buf), "bounces+alice=example.com=%.10s@bounce.example.org", "aaaaaaaaaa");
	assert_int_equal(verp_decode(fx.codec, buf, T0, &d), VERP_BADTAG);
	assert_string_equal(d.recipient, "alice@example.com");
	/* NULL arguments. */
	assert_int_equal(verp_decode(fx.codec, NULL, T0, &d), VERP_MALFORMED);
	assert_int_equal(verp_decode(NULL, path, T0, &d), VERP_MALFORMED);
	assert_int_equal(verp_decode(fx.codec, path, T0, NULL), VERP_MALFORMED);
	fixture_close(&fx);
}

static void test_prefix_config(void **state)
{
	const char *keys[] = { key_new };
	struct fixture fx, other;
	char path[VERP_MAX + 1];
	struct verp_decoded d;

	(void)state;
	/* Another prefix, the '-' delimiter and an uppercase return_domain. */
	fixture_open(&fx, "return_domain = Bounce.Example.ORG\nsecret_file = /s\n"
			  "return_prefix = rb\nrecipient_delimiter = -\n", keys, 1, 1);
	fixture_open(&other, CONF, keys, 1, 1);
	assert_int_equal(verp_encode(fx.codec, "l-x-y@example.com", T0, path), VERP_OK);
	assert_int_equal(strncmp(path, "rb-l-x-y=example.com=", 21), 0);
	assert_string_equal(strrchr(path, '@'), "@bounce.example.org");
	roundtrip(&fx, "l-x-y@example.com", VERP_FORM_RECIPIENT, NULL);
	roundtrip(&fx, "Alice.-@example.com", VERP_FORM_RECIPIENT, NULL);
	/* The other prefix does not decode here, nor this one there. */
	assert_int_equal(verp_decode(other.codec, path, T0, &d), VERP_MALFORMED);
	assert_int_equal(verp_encode(other.codec, "l-x-y@example.com", T0, path), VERP_OK);
	assert_int_equal(verp_decode(fx.codec, path, T0, &d), VERP_MALFORMED);
	fixture_close(&fx);
	fixture_close(&other);
	/* A prefix must be able to start a dot-atom. */
	{
		struct config *cfg = NULL;
		char err[256];

		assert_int_equal(config_load_string("t", CONF "return_prefix = .b\n", &cfg, err, sizeof(err)), -1);
		assert_int_equal(config_load_string("t", CONF "return_prefix = a..b\n", &cfg, err, sizeof(err)), -1);
		assert_int_equal(config_load_string("t", CONF "return_prefix = a.b.\n", &cfg, err, sizeof(err)), 0);
		config_free(cfg);
	}
}

static void test_encode_invalid(void **state)
{
	struct fixture fx;
	char path[VERP_MAX + 1], big[VERP_ADDRESS_MAX + 8];
	static const char *const bad[] = {
		"", "@", "alice", "alice@", "@example.com", "al\nice@example.com", "alice@exa\tmple.com",
		"alice@example.com\r", "al\x7fice@example.com",
	};

	(void)state;
	open_default(&fx);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		strcpy(path, "junk");
		assert_int_equal(verp_encode(fx.codec, bad[i], T0, path), VERP_MALFORMED);
		assert_string_equal(path, "");
	}
	/* Longer than VERP_ADDRESS_MAX. */
	memset(big, 'a', sizeof(big));
	big[VERP_ADDRESS_MAX - 12] = '@';
	big[VERP_ADDRESS_MAX + 1] = '\0';
	assert_int_equal(verp_encode(fx.codec, big, T0, path), VERP_TOOLONG);
	big[VERP_ADDRESS_MAX] = '\0';
	assert_int_equal(verp_encode(fx.codec, big, T0, path), VERP_OK);
	assert_int_equal(verp_encode(NULL, "a@b", T0, path), VERP_MALFORMED);
	assert_int_equal(verp_encode(fx.codec, NULL, T0, path), VERP_MALFORMED);
	/* Message tokens. */
	assert_int_equal(verp_encode_message(fx.codec, "", T0, path), VERP_MALFORMED);
	assert_int_equal(verp_encode_message(fx.codec, "ABC", T0, path), VERP_MALFORMED);
	assert_int_equal(verp_encode_message(fx.codec, "a_b", T0, path), VERP_MALFORMED);
	assert_int_equal(verp_encode_message(fx.codec, "a.b", T0, path), VERP_MALFORMED);
	assert_int_equal(verp_encode_message(fx.codec, "0123456789abcdef0123456789abcdef0", T0, path),
			 VERP_MALFORMED);
	assert_int_equal(verp_encode_message(fx.codec, "0123456789abcdef0123456789abcdef", T0, path), VERP_OK);
	assert_safe(path);
	fixture_close(&fx);
}

static void test_message_form(void **state)
{
	const char *keys[] = { key_new };
	struct fixture fx;
	char path[VERP_MAX + 1];
	struct verp_decoded d;

	(void)state;
	/* The longest prefix and token still fit. */
	fixture_open(&fx, CONF "return_prefix = abcdefghijklmnop\n", keys, 1, 0);
	assert_int_equal(verp_encode_message(fx.codec, "0123456789abcdef0123456789abcdef", T0, path), VERP_OK);
	assert_safe(path);
	assert_int_equal(verp_decode(fx.codec, path, T0, &d), VERP_OK);
	assert_int_equal(d.form, VERP_FORM_MESSAGE);
	assert_string_equal(d.token, "0123456789abcdef0123456789abcdef");
	assert_string_equal(d.recipient, "");
	change_case(path, 1);
	assert_int_equal(verp_decode(fx.codec, path, T0, &d), VERP_OK);
	assert_string_equal(d.token, "0123456789abcdef0123456789abcdef");
	/* A token is not a recipient: the same text in another form differs. */
	assert_int_equal(verp_encode_message(fx.codec, "x", T0, path), VERP_OK);
	assert_int_equal(strncmp(path, "abcdefghijklmnop+m-x=", 21), 0);
	fixture_close(&fx);
}

/* next: a small deterministic generator for the sweep. */
static uint32_t next(uint32_t *s)
{
	*s = *s * 1103515245u + 12345u;
	return *s >> 8;
}

static void test_length_sweep(void **state)
{
	static const char pool[] = "abcXYZ019.-+=_/\"\\ !\xc3\xa9@";
	struct fixture fx;
	uint32_t seed = 42;
	char rcpt[VERP_ADDRESS_MAX + 1], path[VERP_MAX + 1];
	int readable = 0, compact = 0;

	(void)state;
	open_default(&fx);
	for (size_t llen = 1; llen <= 64; llen++) {
		for (size_t dlen = 1; llen + 1 + dlen <= VERP_ADDRESS_MAX; dlen += 1 + dlen / 3) {
			for (int rep = 0; rep < 2; rep++) {
				for (size_t i = 0; i < llen; i++)
					rcpt[i] = pool[next(&seed) % (sizeof(pool) - 1)];
				rcpt[llen] = '@';
				for (size_t i = 0; i < dlen; i++)
					rcpt[llen + 1 + i] = "abc.-XY9\xe4"[next(&seed) % 9];
				rcpt[llen + 1 + dlen] = '\0';
				if (roundtrip(&fx, rcpt, -1, path) == VERP_FORM_RECIPIENT)
					readable++;
				else
					compact++;
			}
		}
	}
	/* Both forms were exercised (test_form_boundary pins the switch). */
	assert_true(readable > 50);
	assert_true(compact > 50);
	fixture_close(&fx);
}

static void test_compact_form(void **state)
{
	struct fixture fx;
	char rcpt[VERP_ADDRESS_MAX + 1], path[VERP_MAX + 1], path2[VERP_MAX + 1];
	struct verp_decoded d;

	(void)state;
	open_default(&fx);
	/* 254 octets (a 64-octet local part and a 189-octet domain). */
	memset(rcpt, 'a', 64);
	rcpt[64] = '@';
	for (size_t i = 65; i < 254; i++)
		rcpt[i] = (i % 10 == 0) ? '.' : (char)('a' + i % 26);
	rcpt[254] = '\0';
	roundtrip(&fx, rcpt, VERP_FORM_LONG, path);
	assert_int_equal(fx.mm.n, 1);
	assert_int_equal(strncmp(path, "bounces+l-", 10), 0);
	/* The same recipient always gets the same id (one row). */
	assert_int_equal(verp_encode(fx.codec, rcpt, T0 + 5 * DAY, path2), VERP_OK);
	assert_int_equal(fx.mm.n, 1);
	assert_int_equal(memcmp(path, path2, 10 + 20), 0);
	/* Without a map: cannot encode nor decode it, and says so. */
	{
		struct verp_codec *bare;

		assert_int_equal(verp_codec_new(fx.cfg, fx.keys, NULL, &bare), VERP_OK);
		assert_int_equal(verp_encode(bare, rcpt, T0, path2), VERP_TOOLONG);
		assert_int_equal(verp_decode(bare, path, T0, &d), VERP_UNKNOWN);
		assert_int_equal(d.form, VERP_FORM_LONG);
		assert_int_equal(d.key_index, 0);
		/* ... but the tag still verifies or not. */
		strcpy(path2, path);
		path2[11] = path2[11] == 'a' ? 'b' : 'a';
		assert_int_equal(verp_decode(bare, path2, T0, &d), VERP_BADTAG);
		verp_codec_free(bare);
	}
	/* Map failures and lies. */
	fx.mm.fail_get = 1;
	assert_int_equal(verp_decode(fx.codec, path, T0, &d), VERP_TEMPFAIL);
	fx.mm.fail_get = 0;
	fx.mm.lie = 1;
	assert_int_equal(verp_decode(fx.codec, path, T0, &d), VERP_UNKNOWN);
	assert_string_equal(d.recipient, "");
	fx.mm.lie = 0;
	fx.mm.fail_put = 1;
	assert_int_equal(verp_encode(fx.codec, rcpt, T0, path2), VERP_TEMPFAIL);
	fx.mm.fail_put = 0;
	/* An id the map does not know. */
	memmap_clear(&fx.mm);
	assert_int_equal(verp_decode(fx.codec, path, T0, &d), VERP_UNKNOWN);
	/* Expired compact paths fail before the map is asked. */
	fx.mm.fail_get = 1;
	assert_int_equal(verp_decode(fx.codec, path, T0 + 40 * DAY, &d), VERP_EXPIRED);
	fixture_close(&fx);
}

/* The readable form is used whenever it fits in 64 octets. */
static void test_form_boundary(void **state)
{
	struct fixture fx;
	char rcpt[80], path[VERP_MAX + 1];
	struct verp_decoded d;

	(void)state;
	open_default(&fx);
	/* "bounces+" (8) + local + "=" + "x.org" (5) + "=" + tag (10) <= 64. */
	for (size_t llen = 30; llen <= 45; llen++) {
		memset(rcpt, 'q', llen);
		strcpy(rcpt + llen, "@x.org");
		assert_int_equal(verp_encode(fx.codec, rcpt, T0, path), VERP_OK);
		assert_safe(path);
		assert_int_equal(verp_decode(fx.codec, path, T0, &d), VERP_OK);
		assert_string_equal(d.recipient, rcpt);
		assert_int_equal(d.form, 8 + llen + 1 + 5 + 1 + 10 <= 64 ? VERP_FORM_RECIPIENT : VERP_FORM_LONG);
		if (d.form == VERP_FORM_RECIPIENT)
			assert_int_equal(strchr(path, '@') - path, (long)(8 + llen + 1 + 5 + 1 + 10));
	}
	fixture_close(&fx);
}

/* Key files. */
static char tmpdir[64];

static const char *write_keys(const char *name, const char *text, mode_t mode)
{
	static char path[128];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	assert_int_equal(fchmod(fd, mode), 0);
	assert_int_equal(close(fd), 0);
	return path;
}

static void keys_err(const char *name, const char *text, mode_t mode, const char *expect)
{
	struct verp_keys *keys = (struct verp_keys *)1;
	char err[512] = "";

	assert_int_equal(verp_keys_load(write_keys(name, text, mode), &keys, err, sizeof(err)), -1);
	assert_null(keys);
	if (!strstr(err, expect))
		fail_msg("error \"%s\" lacks \"%s\"", err, expect);
}

static struct verp_keys *keys_ok(const char *name, const char *text, size_t want)
{
	struct verp_keys *keys = NULL;
	char err[512] = "";

	if (verp_keys_load(write_keys(name, text, 0600), &keys, err, sizeof(err)) != 0)
		fail_msg("unexpected error: %s", err);
	assert_int_equal(verp_keys_count(keys), want);
	return keys;
}

#define K1 "8f4c2b9a1d7e6f3a0b5c9d2e8f1a4b7c"
#define K2 "e3b0c44298fc1c149afbf4c8996fb924"

static void test_keys_file(void **state)
{
	struct verp_keys *keys, *ref;
	struct config *cfg;
	struct verp_codec *c1, *c2;
	char err[512], p1[VERP_MAX + 1], p2[VERP_MAX + 1];
	const char *strs[] = { K2, K1 };

	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/test_verp.XXXXXX");
	assert_non_null(mkdtemp(tmpdir));

	keys = keys_ok("plain", K1 "\n", 1);
	verp_keys_free(keys);
	keys = keys_ok("noeol", K1, 1);
	verp_keys_free(keys);
	keys = keys_ok("owner-only-read", K1 "\n", 1);
	verp_keys_free(keys);
	/* CRLF, blanks, comments and white space around keys. */
	keys = keys_ok("crlf", "# rotated 2026-11-01\r\n\r\n  " K2 " \t\r\n\n#" K1 "\r\n" K1 "\r\n   \r\n", 2);
	/* ... are the same keys as written plainly: same return paths. */
	assert_int_equal(verp_keys_from_strings(strs, 2, &ref), 0);
	assert_int_equal(config_load_string("t", CONF, &cfg, err, sizeof(err)), 0);
	assert_int_equal(verp_codec_new(cfg, keys, NULL, &c1), VERP_OK);
	assert_int_equal(verp_codec_new(cfg, ref, NULL, &c2), VERP_OK);
	assert_int_equal(verp_encode(c1, "alice@example.com", T0, p1), VERP_OK);
	assert_int_equal(verp_encode(c2, "alice@example.com", T0, p2), VERP_OK);
	assert_string_equal(p1, p2);
	verp_codec_free(c1);
	verp_codec_free(c2);
	verp_keys_free(ref);
	verp_keys_free(keys);
	config_free(cfg);
	/* Permissions: nothing for group or others. */
	keys = keys_ok("ro", K1 "\n", 1);
	verp_keys_free(keys);
	{
		struct verp_keys *k = NULL;

		write_keys("0400", K1 "\n", 0400);
		snprintf(p1, sizeof(p1), "%s/0400", tmpdir);
		assert_int_equal(verp_keys_load(p1, &k, err, sizeof(err)), 0);
		verp_keys_free(k);
	}
	keys_err("g-read", K1 "\n", 0640, "mode 0640");
	keys_err("o-read", K1 "\n", 0604, "must not be accessible by group or others");
	keys_err("g-write", K1 "\n", 0620, "mode 0620");
	keys_err("all", K1 "\n", 0666, "mode 0666");
	keys_err("o-exec", K1 "\n", 0601, "mode 0601");
	/* Content. */
	keys_err("empty", "", 0600, "no key");
	keys_err("blank", "\n \n\r\n", 0600, "no key");
	keys_err("comments", "# " K1 "\n", 0600, "no key");
	keys_err("short", K1 "\n0123456789abcdef0123456789abcde\n", 0600, ":2: key shorter than 32");
	keys_err("inner-space", K1 " " K2 "\n", 0600, ":1: key contains white space");
	{
		char big[1100];

		memset(big, 'k', 1025);
		big[1025] = '\0';
		keys_err("toolong", big, 0600, "longer than 1024");
	}
	{
		/* The error never shows the key. */
		struct verp_keys *k = (struct verp_keys *)1;

		assert_int_equal(verp_keys_load(write_keys("secret-short", "secretsecret\n", 0600), &k, err,
						sizeof(err)), -1);
		assert_null(strstr(err, "secretsecret"));
	}
	/* Not a file, not there. */
	{
		struct verp_keys *k = (struct verp_keys *)1;

		assert_int_equal(verp_keys_load(tmpdir, &k, err, sizeof(err)), -1);
		assert_non_null(strstr(err, "not a regular file"));
		snprintf(p1, sizeof(p1), "%s/missing", tmpdir);
		assert_int_equal(verp_keys_load(p1, &k, err, sizeof(err)), -1);
		assert_non_null(strstr(err, "cannot open"));
		assert_null(k);
	}
	/* A file with a NUL byte. */
	{
		struct verp_keys *k = (struct verp_keys *)1;
		int fd;

		snprintf(p1, sizeof(p1), "%s/nulbyte", tmpdir);
		fd = open(p1, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		assert_true(fd >= 0);
		assert_int_equal(write(fd, K1 "\0" K2 "\n", 66), 66);
		close(fd);
		assert_int_equal(verp_keys_load(p1, &k, err, sizeof(err)), -1);
		assert_non_null(strstr(err, "NUL"));
	}
	/* verp_keys_from_strings and verp_codec_new refuse nothing to sign with. */
	{
		struct verp_keys *k = NULL;
		const char *none[] = { "" };
		struct verp_codec *c = (struct verp_codec *)1;

		assert_int_equal(verp_keys_from_strings(none, 1, &k), -1);
		assert_null(k);
		assert_int_equal(verp_keys_from_strings(strs, 0, &k), -1);
		assert_int_equal(verp_codec_new(NULL, NULL, NULL, &c), VERP_MALFORMED);
		assert_null(c);
		assert_int_equal(verp_keys_count(NULL), 0);
	}
	{
		char cmd[128];

		snprintf(cmd, sizeof(cmd), "rm -rf -- '%s'", tmpdir);
		assert_int_equal(system(cmd), 0);
	}
}

static void test_strerror(void **state)
{
	(void)state;
	assert_string_equal(verp_strerror(VERP_OK), "ok");
	assert_string_equal(verp_strerror(VERP_MALFORMED), "malformed return path");
	assert_string_equal(verp_strerror(VERP_BADTAG), "bad tag");
	assert_string_equal(verp_strerror(VERP_EXPIRED), "expired");
	for (int s = VERP_OK; s <= VERP_NOMEM; s++)
		assert_string_not_equal(verp_strerror((enum verp_status)s), "unknown error");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip_table),
		cmocka_unit_test(test_known_answer),
		cmocka_unit_test(test_single_changes),
		cmocka_unit_test(test_random_edits),
		cmocka_unit_test(test_expiry),
		cmocka_unit_test(test_rotation),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_prefix_config),
		cmocka_unit_test(test_encode_invalid),
		cmocka_unit_test(test_message_form),
		cmocka_unit_test(test_length_sweep),
		cmocka_unit_test(test_compact_form),
		cmocka_unit_test(test_form_boundary),
		cmocka_unit_test(test_keys_file),
		cmocka_unit_test(test_strerror),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
