/* test_bounce_bounds.c: unit tests of lib/bounce/bounds.c, the bounds on
 * what GMime parses (issue 12): a message within the bounds is left as it
 * is (also every message of ../shared/corpus/set-of-emails, when there);
 * past a bound, parts are cut, header fields dropped or shortened and
 * multiparts dropped, and GMime, parsing the result, builds no more than
 * the bounds allow; bounce_parse says which bound it reached and still
 * reads the bounce in front of the excess. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <gmime/gmime.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bounce.h"
#include "bounce/bounds.h"

#define HEAD "From: MAILER-DAEMON@mx.example.org\nTo: bounces@bounce.example.org\nSubject: failure\n" \
	     "MIME-Version: 1.0\n"

/* a growing message the tests build; freed by the test */
struct msg {
	char *s;
	size_t len, cap;
};

static void msg_add(struct msg *m, const char *s)
{
	size_t n = strlen(s);

	if (m->len + n + 1 > m->cap) {
		m->cap = (m->len + n + 1) * 2;
		m->s = realloc(m->s, m->cap);
		assert_non_null(m->s);
	}
	memcpy(m->s + m->len, s, n + 1);
	m->len += n;
}

static void msg_rep(struct msg *m, const char *s, int times)
{
	for (int i = 0; i < times; i++)
		msg_add(m, s);
}

/* apply: bounce_limits_apply on m; returns why */
static const char *apply(struct msg *m)
{
	const char *why = "unset";
	size_t n = m->len;

	assert_int_equal(bounce_limits_apply(m->s, &n, &why), 0);
	assert_true(n <= m->len);
	assert_int_equal(m->s[n], '\0');
	if (!why)
		assert_int_equal(n, m->len);
	m->len = n;
	return why;
}

/* What GMime builds of a message: parts (every object), header fields
 * (all objects', the embedded messages' too), the deepest nesting. */
struct census {
	int parts, fields, depth;
};

static void census_obj(GMimeObject *o, int depth, struct census *c)
{
	c->parts++;
	c->fields += g_mime_header_list_get_count(g_mime_object_get_header_list(o));
	if (depth > c->depth)
		c->depth = depth;
	if (GMIME_IS_MULTIPART(o)) {
		int n = g_mime_multipart_get_count(GMIME_MULTIPART(o));

		for (int i = 0; i < n; i++)
			census_obj(g_mime_multipart_get_part(GMIME_MULTIPART(o), i), depth + 1, c);
	} else if (GMIME_IS_MESSAGE_PART(o)) {
		GMimeMessage *m = g_mime_message_part_get_message(GMIME_MESSAGE_PART(o));

		if (m) {
			c->fields += g_mime_header_list_get_count(g_mime_object_get_header_list(GMIME_OBJECT(m)));
			if (g_mime_message_get_mime_part(m))
				census_obj(g_mime_message_get_mime_part(m), depth + 1, c);
		}
	}
}

static GMimeMessage *gmime_parse(const struct msg *m)
{
	GMimeStream *st = g_mime_stream_mem_new_with_buffer(m->s, m->len);
	GMimeParser *p = g_mime_parser_new_with_stream(st);
	GMimeMessage *msg;

	g_object_unref(st);
	g_mime_parser_set_format(p, GMIME_FORMAT_MESSAGE);
	msg = g_mime_parser_construct_message(p, NULL);
	g_object_unref(p);
	assert_non_null(msg);
	return msg;
}

static struct census census(const struct msg *m)
{
	struct census c = { 0 };
	GMimeMessage *msg = gmime_parse(m);

	c.fields = g_mime_header_list_get_count(g_mime_object_get_header_list(GMIME_OBJECT(msg)));
	if (g_mime_message_get_mime_part(msg))
		census_obj(g_mime_message_get_mime_part(msg), 1, &c);
	g_object_unref(msg);
	return c;
}

static const char dsn[] = HEAD "Content-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\n\n"
	"--B\nContent-Type: text/plain\n\nYour message could not be delivered.\n\n"
	"--B\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example.org\n\n"
	"Final-Recipient: rfc822; alice@example.com\nAction: failed\nStatus: 5.1.1\n"
	"Diagnostic-Code: smtp; 550 5.1.1 user unknown\n\n--B--\n";

static void test_untouched(void **state)
{
	struct msg m = { 0 };

	(void)state;
	msg_add(&m, dsn);
	assert_null(apply(&m));
	assert_string_equal(m.s, dsn);
	free(m.s);
}

/* '--P\n\n' * N under a multipart header: cut before part 1001 */
static void test_empty_parts(void **state)
{
	struct msg m = { 0 };
	struct census c;

	(void)state;
	msg_add(&m, HEAD "Content-Type: multipart/mixed; boundary=\"P\"\n\n");
	msg_rep(&m, "--P\n\n", 5000);
	assert_string_equal(apply(&m), "parts");
	assert_int_equal(m.len, strlen(HEAD "Content-Type: multipart/mixed; boundary=\"P\"\n\n") + 5 * BOUNCE_LIM_PARTS);
	c = census(&m);
	assert_true(c.parts <= BOUNCE_LIM_PARTS + 1);
	free(m.s);
}

/* nested message/news parts: each embedded message counts as a part */
static void test_embedded_messages(void **state)
{
	struct msg m = { 0 };
	struct census c;

	(void)state;
	msg_add(&m, HEAD "Content-Type: multipart/mixed; boundary=\"P\"\n\n--P\n");
	msg_rep(&m, "Content-Type: message/news\n\n", 3000);
	assert_string_equal(apply(&m), "parts");
	c = census(&m);
	assert_true(c.parts <= 2 * (BOUNCE_LIM_PARTS + 1));
	free(m.s);
}

/* every level its own boundary: multipart fields past the bound dropped */
static void test_deep_multipart(void **state)
{
	struct msg m = { 0 };
	struct census c;
	char line[128];

	(void)state;
	msg_add(&m, HEAD);
	for (int i = 0; i < 200; i++) {
		snprintf(line, sizeof(line), "Content-Type: multipart/mixed; boundary=\"b%d\"\n\n--b%d\n", i, i);
		msg_add(&m, line);
	}
	msg_add(&m, "\nx\n");
	assert_string_equal(apply(&m), "multiparts");
	c = census(&m);
	assert_true(c.depth <= BOUNCE_LIM_MULTIPARTS + 1);
	free(m.s);
}

/* every level the same boundary: each multipart field counts (each is a
 * level more on GMime's stack of boundaries) */
static void test_same_boundary_nested(void **state)
{
	struct msg m = { 0 };
	struct census c;

	(void)state;
	msg_add(&m, HEAD "Content-Type: multipart/mixed; boundary=\"b\"\n\n");
	msg_rep(&m, "--b\nContent-Type: multipart/mixed; boundary=\"b\"\n\n", 200);
	msg_rep(&m, "--bx\n", 1000);
	assert_string_equal(apply(&m), "multiparts");
	c = census(&m);
	assert_true(c.depth <= BOUNCE_LIM_MULTIPARTS + 1);
	free(m.s);
}

/* 20000 header fields in one part: the fields past the bound dropped (the
 * next part's too: the bound is the message's), the part's body and the
 * parts after it kept */
static void test_many_fields(void **state)
{
	struct msg m = { 0 };
	struct census c;

	(void)state;
	msg_add(&m, HEAD "Content-Type: multipart/mixed; boundary=\"P\"\n\n--P\n");
	msg_rep(&m, "X-A: b\n", 20000);
	msg_add(&m, "\nbody one\n--P\nContent-Type: text/plain\n\nbody two\n--P--\n");
	assert_string_equal(apply(&m), "header fields");
	assert_non_null(strstr(m.s, "X-A: b\n\nbody one\n--P\n\nbody two\n--P--\n"));
	c = census(&m);
	assert_true(c.fields <= BOUNCE_LIM_FIELDS);
	assert_int_equal(c.parts, 3);
	free(m.s);
}

/* a To: of 1 M addresses and a Subject of 1 M words: cut at their bounds */
static void test_long_fields(void **state)
{
	struct msg m = { 0 };
	GMimeMessage *msg;
	InternetAddressList *to;

	(void)state;
	msg_add(&m, "From: a@example.org\nTo: ");
	msg_rep(&m, "a@b.c,", 200000);
	msg_add(&m, "x@y.z\nSubject: ");
	msg_rep(&m, "w ", 100000);
	msg_add(&m, "w\n\nbody\n");
	assert_string_equal(apply(&m), "header field length");
	assert_true(m.len < 2 * BOUNCE_LIM_FIELD_BYTES + 100);
	assert_non_null(strstr(m.s, "\n\nbody\n"));
	msg = gmime_parse(&m);
	to = g_mime_message_get_to(msg);
	assert_true(internet_address_list_length(to) > 1000);
	assert_true(internet_address_list_length(to) <= BOUNCE_LIM_FIELD_BYTES / 6 + 1);
	assert_true(strlen(g_mime_message_get_subject(msg)) <= BOUNCE_LIM_FIELD_BYTES);
	g_object_unref(msg);
	free(m.s);
}

/* repeated address fields share one bound */
static void test_address_bytes(void **state)
{
	struct msg m = { 0 };
	struct census c;

	(void)state;
	msg_add(&m, "From: a@example.org\n");
	msg_rep(&m, "Cc: a@b.c, d@e.f, g@h.i\n", 20000);
	msg_add(&m, "\nbody\n");
	assert_string_equal(apply(&m), "address fields");
	c = census(&m);
	assert_true(c.fields <= BOUNCE_LIM_ADDR_BYTES / 20 + 2);
	free(m.s);
}

/* a header line too long to keep whole that starts with '-' is dropped,
 * not cut: cut, it could become a boundary line ("--P") */
static void test_dash_line_dropped(void **state)
{
	struct msg m = { 0 };

	(void)state;
	msg_add(&m, HEAD "Content-Type: multipart/mixed; boundary=\"P\"\n\n--P\n--P");
	msg_rep(&m, "x", 2 * BOUNCE_LIM_FIELD_BYTES);
	msg_add(&m, ": v\n\nbody\n--P--\n");
	assert_string_equal(apply(&m), "header field length");
	assert_null(strstr(m.s, "--Px"));
	assert_int_equal(census(&m).parts, 2);
	free(m.s);
}

/* bounce_parse: says which bound it reached, and the DSN in front of 10 MB
 * of empty parts is still read */
static void test_parse_limited(void **state)
{
	struct msg m = { 0 };
	struct bounce_report *rep = NULL;
	char err[256];

	(void)state;
	assert_int_equal(bounce_parse(dsn, strlen(dsn), NULL, &rep, err, sizeof(err)), BOUNCE_OK);
	assert_null(rep->limited);
	bounce_report_free(rep);

	msg_add(&m, dsn);
	m.len -= strlen("--B--\n");
	msg_rep(&m, "--B\n\n", 2000000);
	assert_int_equal(bounce_parse(m.s, m.len, NULL, &rep, err, sizeof(err)), BOUNCE_OK);
	assert_string_equal(rep->limited, "parts");
	assert_int_equal(rep->kind, BOUNCE_KIND_DSN);
	assert_int_equal(rep->nrcpt, 1);
	assert_string_equal(rep->rcpt[0].recipient, "alice@example.com");
	assert_string_equal(rep->rcpt[0].status, "5.1.1");
	bounce_report_free(rep);
	free(m.s);
}

/* every real bounce of the corpus is within the bounds */
static void test_corpus_untouched(void **state)
{
	const char *dir = "../shared/corpus/set-of-emails";
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	(void)state;
	if (!d)
		skip();
	while ((e = readdir(d))) {
		char path[1024];
		struct msg m = { 0 };
		FILE *fp;
		char buf[65536];
		size_t k;

		if (!strstr(e->d_name, ".eml"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		assert_non_null(fp = fopen(path, "rb"));
		while ((k = fread(buf, 1, sizeof(buf) - 1, fp)) > 0) {
			buf[k] = '\0';
			msg_add(&m, buf);
		}
		fclose(fp);
		if (!m.s)
			continue;
		if (apply(&m) != NULL)
			fail_msg("%s: a bound was reached", e->d_name);
		free(m.s);
		n++;
	}
	closedir(d);
	assert_true(n > 600);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_untouched),
		cmocka_unit_test(test_empty_parts),
		cmocka_unit_test(test_embedded_messages),
		cmocka_unit_test(test_deep_multipart),
		cmocka_unit_test(test_same_boundary_nested),
		cmocka_unit_test(test_many_fields),
		cmocka_unit_test(test_long_fields),
		cmocka_unit_test(test_address_bytes),
		cmocka_unit_test(test_dash_line_dropped),
		cmocka_unit_test(test_parse_limited),
		cmocka_unit_test(test_corpus_untouched),
	};

	bounce_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
