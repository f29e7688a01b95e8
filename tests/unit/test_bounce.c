/* test_bounce.c: unit tests of the bounce parser (lib/bounce/): bad
 * input (empty, binary, NUL bytes, truncated MIME, broken boundaries,
 * 8-bit garbage, deep nesting, huge headers, long lines, bare CR) gives a
 * clear result and no crash; DSN fields, the class rule, known_recipient,
 * mbox splitting, size limit, site rules. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bounce.h"

static struct bounce_report *parse_opt(const char *data, size_t len, const struct bounce_options *opt)
{
	struct bounce_report *rep = NULL;
	char err[256];

	assert_int_equal(bounce_parse(data, len, opt, &rep, err, sizeof(err)), BOUNCE_OK);
	assert_non_null(rep);
	return rep;
}

static struct bounce_report *parse(const char *data, size_t len) { return parse_opt(data, len, NULL); }

static struct bounce_report *parse_str(const char *s) { return parse(s, strlen(s)); }

#define DSN_HEAD                                                                                   \
	"From: MAILER-DAEMON@mx.example.org (Mail Delivery System)\n"                              \
	"To: bounces+alice=example.com@bounce.example.org\n"                                       \
	"Subject: Undelivered Mail Returned to Sender\n"                                           \
	"MIME-Version: 1.0\n"                                                                      \
	"Content-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\n\n"          \
	"--B\nContent-Type: text/plain\n\nI'm sorry to inform you that your message could not\n"   \
	"be delivered.\n\n"                                                                        \
	"--B\nContent-Type: message/delivery-status\n\n"                                           \
	"Reporting-MTA: dns; mx.example.org\nOriginal-Envelope-Id: ENV123\n\n"

static const char dsn_two[] = DSN_HEAD
	"Final-Recipient: rfc822; alice@example.com\n"
	"Original-Recipient: rfc822; alice@example.com\n"
	"Action: failed\nStatus: 5.1.1\nRemote-MTA: dns; mx.example.com\n"
	"Diagnostic-Code: smtp; 550 5.1.1 <alice@example.com>: Recipient address\n"
	"    rejected: User unknown in local recipient table\n\n"
	"Final-Recipient: rfc822; bob@example.net\n"
	"Action: failed\nStatus: 4.2.2\n"
	"Diagnostic-Code: smtp; 452 4.2.2 Mailbox full\n\n"
	"--B--\n";

static void test_empty(void **state)
{
	(void)state;
	struct bounce_report *rep = parse("", 0);

	assert_int_equal(rep->kind, BOUNCE_KIND_NOTBOUNCE);
	assert_int_equal(rep->nrcpt, 0);
	bounce_report_free(rep);
	rep = parse(NULL, 0);
	assert_int_equal(rep->kind, BOUNCE_KIND_NOTBOUNCE);
	bounce_report_free(rep);
}

static void test_bad_args(void **state)
{
	(void)state;
	char err[64];

	assert_int_equal(bounce_parse("x", 1, NULL, NULL, err, sizeof(err)), BOUNCE_EINVAL);
	assert_true(strlen(err) > 0);
}

static void test_binary(void **state)
{
	(void)state;
	char buf[65536];
	unsigned x = 12345;
	struct bounce_report *rep;

	for (size_t i = 0; i < sizeof(buf); i++) {
		x = x * 1103515245u + 12345u;
		buf[i] = (char)(x >> 16);
	}
	rep = parse(buf, sizeof(buf));
	assert_int_equal(rep->kind, BOUNCE_KIND_NOTBOUNCE);
	bounce_report_free(rep);
}

static void test_nul_bytes(void **state)
{
	(void)state;
	char buf[sizeof(dsn_two)];
	struct bounce_report *rep;

	size_t a = (size_t)(strstr(dsn_two, "I'm sorry") - dsn_two);
	size_t b = (size_t)(strstr(dsn_two, "be delivered") - dsn_two);

	memcpy(buf, dsn_two, sizeof(dsn_two));
	buf[a] = '\0';
	buf[b] = '\0';
	rep = parse(buf, sizeof(buf) - 1);
	assert_int_equal(rep->kind, BOUNCE_KIND_DSN);
	assert_int_equal(rep->nrcpt, 2);
	bounce_report_free(rep);
}

static void test_truncated_mime(void **state)
{
	(void)state;
	size_t cut = (size_t)(strstr(dsn_two, "Action: failed\nStatus: 5.1.1") - dsn_two) + 10;
	struct bounce_report *rep = parse(dsn_two, cut);

	assert_int_equal(rep->kind, BOUNCE_KIND_DSN);
	assert_int_equal(rep->nrcpt, 1);
	assert_string_equal(rep->rcpt[0].recipient, "alice@example.com");
	bounce_report_free(rep);
	/* cut everywhere: never a crash */
	for (size_t n = 0; n < sizeof(dsn_two); n += 7)
		bounce_report_free(parse(dsn_two, n));
}

static void test_broken_boundary(void **state)
{
	(void)state;
	char *s = strdup(dsn_two);
	struct bounce_report *rep;
	char *b;

	assert_non_null(s);
	/* the boundary lines do not match the declared boundary */
	while ((b = strstr(s, "--B")))
		b[2] = 'Q';
	rep = parse_str(s);
	assert_true(rep->kind == BOUNCE_KIND_DSN || rep->kind == BOUNCE_KIND_NONSTANDARD);
	assert_true(rep->nrcpt >= 1);
	bounce_report_free(rep);
	free(s);
}

static void test_8bit_garbage(void **state)
{
	(void)state;
	char buf[4096];
	struct bounce_report *rep;
	int n = snprintf(buf, sizeof(buf),
			 "From: MAILER-DAEMON@x.example\nSubject: Undelivered \xff\xfe\x80 mail\n"
			 "Content-Type: text/plain; charset=utf-8\n\n"
			 "<a\xc3\x28@example.com>: host said: 550 5.1.1 \xed\xa0\x80 user unknown\n");

	rep = parse(buf, (size_t)n);
	assert_int_equal(rep->kind, BOUNCE_KIND_NONSTANDARD);
	bounce_report_free(rep);
}

static void test_deep_nesting(void **state)
{
	(void)state;
	size_t cap = 10000 * 80 + 100, n = 0;
	char *s = malloc(cap);
	struct bounce_report *rep;

	assert_non_null(s);
	n += (size_t)snprintf(s + n, cap - n, "From: MAILER-DAEMON@x.example\n");
	for (int i = 0; i < 10000; i++)
		n += (size_t)snprintf(s + n, cap - n, "Content-Type: multipart/mixed; boundary=\"b%d\"\n\n--b%d\n", i, i);
	n += (size_t)snprintf(s + n, cap - n, "Content-Type: text/plain\n\nhello\n");
	rep = parse(s, n);
	assert_true(rep->kind == BOUNCE_KIND_NOTBOUNCE || rep->kind == BOUNCE_KIND_NONSTANDARD);
	bounce_report_free(rep);
	free(s);
}

static void test_huge_header_long_line(void **state)
{
	(void)state;
	size_t big = 3u << 20;
	char *s = malloc(big + 200);
	struct bounce_report *rep;
	size_t n;

	assert_non_null(s);
	n = (size_t)sprintf(s, "From: MAILER-DAEMON@x.example\nX-Big: ");
	memset(s + n, 'a', big);
	n += big;
	n += (size_t)sprintf(s + n, "\n\n<bob@example.com>: 550 5.1.1 user unknown\n");
	rep = parse(s, n);
	assert_int_equal(rep->kind, BOUNCE_KIND_NONSTANDARD);
	assert_int_equal(rep->nrcpt, 1);
	bounce_report_free(rep);
	/* one body line of 3 MiB */
	n = (size_t)sprintf(s, "From: MAILER-DAEMON@x.example\nSubject: failure notice\n\n");
	memset(s + n, 'b', big);
	n += big;
	rep = parse(s, n);
	assert_int_equal(rep->nrcpt, 0);
	bounce_report_free(rep);
	free(s);
}

static void test_size_limit(void **state)
{
	(void)state;
	struct bounce_options opt = { .message_size_limit = 300 };
	struct bounce_report *rep = parse_opt(dsn_two, strlen(dsn_two), &opt);

	assert_true(rep->truncated);
	bounce_report_free(rep);
	rep = parse_str(dsn_two);
	assert_false(rep->truncated);
	bounce_report_free(rep);
}

static void test_line_endings(void **state)
{
	(void)state;
	for (int v = 0; v < 2; v++) {
		size_t n = strlen(dsn_two), k = 0;
		char *s = malloc(2 * n + 1);
		struct bounce_report *rep;

		assert_non_null(s);
		for (size_t i = 0; i < n; i++) {
			if (dsn_two[i] == '\n') {
				s[k++] = '\r';
				if (v == 0)
					s[k++] = '\n';
			} else {
				s[k++] = dsn_two[i];
			}
		}
		rep = parse(s, k);
		assert_int_equal(rep->kind, BOUNCE_KIND_DSN);
		assert_int_equal(rep->nrcpt, 2);
		assert_string_equal(rep->rcpt[0].status, "5.1.1");
		assert_string_equal(rep->rcpt[1].status, "4.2.2");
		bounce_report_free(rep);
		free(s);
	}
}

static void test_dsn_fields(void **state)
{
	(void)state;
	struct bounce_report *rep = parse_str(dsn_two);
	const struct bounce_rcpt *a, *b;

	assert_int_equal(rep->kind, BOUNCE_KIND_DSN);
	assert_string_equal(rep->reporting_mta, "mx.example.org");
	assert_string_equal(rep->original_envelope_id, "ENV123");
	assert_int_equal(rep->nrcpt, 2);
	a = &rep->rcpt[0];
	b = &rep->rcpt[1];
	assert_string_equal(a->recipient, "alice@example.com");
	assert_string_equal(a->action, "failed");
	assert_string_equal(a->status, "5.1.1");
	assert_string_equal(a->smtp_code, "550");
	assert_string_equal(a->remote_mta, "mx.example.com");
	assert_string_equal(a->reason, "userunknown");
	assert_int_equal(a->class, BOUNCE_CLASS_HARD);
	assert_true(a->permanent);
	assert_non_null(strstr(a->diagnostic, "User unknown in local recipient table"));
	assert_null(strchr(a->diagnostic, '\n'));
	/* Action: failed with Status: 4.2.2 (an expired soft failure): soft */
	assert_string_equal(b->recipient, "bob@example.net");
	assert_string_equal(b->reason, "mailboxfull");
	assert_int_equal(b->class, BOUNCE_CLASS_SOFT);
	assert_false(b->permanent);
	bounce_report_free(rep);
}

static void test_dsn_block_shapes(void **state)
{
	(void)state;
	/* fields before the address; blocks without blank lines between */
	static const char s[] = DSN_HEAD "Action: failed\nStatus: 5.2.2\nFinal-Recipient: rfc822; p@example.com\n"
					 "Original-Recipient: rfc822; p@example.com\n\n"
					 "Final-Recipient: rfc822; q@example.com\nAction: failed\nStatus: 5.1.1\n"
					 "Final-Recipient: rfc822; r@example.com\nAction: delayed\nStatus: 4.4.1\n\n--B--\n";
	struct bounce_report *rep = parse_str(s);

	assert_int_equal(rep->nrcpt, 3);
	assert_string_equal(rep->rcpt[0].recipient, "p@example.com");
	assert_string_equal(rep->rcpt[0].status, "5.2.2");
	assert_string_equal(rep->rcpt[0].reason, "mailboxfull");
	assert_string_equal(rep->rcpt[1].recipient, "q@example.com");
	assert_string_equal(rep->rcpt[1].status, "5.1.1");
	assert_string_equal(rep->rcpt[2].recipient, "r@example.com");
	assert_int_equal(rep->rcpt[2].class, BOUNCE_CLASS_DELAYED);
	bounce_report_free(rep);
}

static void test_iso2022jp_fields(void **state)
{
	(void)state;
	/* "\x1b$B%f!<%6!<\x1b(B" is "ユーザー" (user) in ISO-2022-JP */
	static const char s[] = DSN_HEAD "Final-Recipient: rfc822; t@example.co.jp\nAction: failed\n"
					 "Status: 5.0.0\nDiagnostic-Code: X-Notes; \x1b$B%f!<%6!<\x1b(B Neko\n\n--B--\n";
	struct bounce_report *rep = parse_str(s);

	assert_int_equal(rep->nrcpt, 1);
	assert_non_null(strstr(rep->rcpt[0].diagnostic, "\xe3\x83\xa6\xe3\x83\xbc\xe3\x82\xb6\xe3\x83\xbc"));
	assert_null(strchr(rep->rcpt[0].diagnostic, '\x1b'));
	bounce_report_free(rep);
}

static void test_delayed_delivered(void **state)
{
	(void)state;
	static const char s[] = DSN_HEAD "Final-Recipient: rfc822; c@example.com\nAction: delayed\n"
					 "Status: 4.4.1\nDiagnostic-Code: smtp; connection timed out\n\n"
					 "Final-Recipient: rfc822; d@example.com\nAction: delivered\n"
					 "Status: 2.0.0\n\n--B--\n";
	struct bounce_report *rep = parse_str(s);

	assert_int_equal(rep->nrcpt, 2);
	assert_int_equal(rep->rcpt[0].class, BOUNCE_CLASS_DELAYED);
	assert_int_equal(rep->rcpt[1].class, BOUNCE_CLASS_DELIVERED);
	assert_string_equal(rep->rcpt[1].reason, "delivered");
	bounce_report_free(rep);
}

static void test_policy_is_soft(void **state)
{
	(void)state;
	static const char s[] = DSN_HEAD "Final-Recipient: rfc822; e@example.com\nAction: failed\n"
					 "Status: 5.7.1\nDiagnostic-Code: smtp; 554 5.7.1 Service unavailable;"
					 " Client host [192.0.2.1] blocked using zen.spamhaus.org\n\n--B--\n";
	struct bounce_report *rep = parse_str(s);

	assert_int_equal(rep->nrcpt, 1);
	assert_string_equal(rep->rcpt[0].reason, "blocked");
	assert_int_equal(rep->rcpt[0].class, BOUNCE_CLASS_SOFT);
	assert_true(rep->rcpt[0].permanent);
	bounce_report_free(rep);
}

static void test_known_recipient(void **state)
{
	(void)state;
	struct bounce_options opt = { .known_recipient = "bob@example.net" };
	struct bounce_report *rep = parse_opt(dsn_two, strlen(dsn_two), &opt);

	assert_int_equal(rep->nrcpt, 1);
	assert_string_equal(rep->rcpt[0].recipient, "bob@example.net");
	assert_string_equal(rep->rcpt[0].status, "4.2.2");
	bounce_report_free(rep);
	/* a forwarded address: the VERP recipient, the only block's fields */
	{
		static const char one[] = DSN_HEAD "Final-Recipient: rfc822; alias@forward.example\n"
						   "Action: failed\nStatus: 5.1.1\n\n--B--\n";

		opt.known_recipient = "carol@example.com";
		rep = parse_opt(one, strlen(one), &opt);
		assert_int_equal(rep->nrcpt, 1);
		assert_string_equal(rep->rcpt[0].recipient, "carol@example.com");
		assert_string_equal(rep->rcpt[0].status, "5.1.1");
		assert_int_equal(rep->rcpt[0].class, BOUNCE_CLASS_HARD);
		bounce_report_free(rep);
	}
}

static void test_nonstandard_postfix(void **state)
{
	(void)state;
	static const char s[] = "From: MAILER-DAEMON@mx.example.org\nTo: list@example.org\n"
				"Subject: Undelivered Mail Returned to Sender\n\n"
				"This is the mail system at host mx.example.org.\n\n"
				"<frank@example.com>: host mx.example.com[192.0.2.9] said: 550 5.2.2\n"
				"    <frank@example.com>: mailbox is full (in reply to RCPT TO command)\n";
	struct bounce_report *rep = parse_str(s);

	assert_int_equal(rep->kind, BOUNCE_KIND_NONSTANDARD);
	assert_int_equal(rep->nrcpt, 1);
	assert_string_equal(rep->rcpt[0].recipient, "frank@example.com");
	assert_string_equal(rep->rcpt[0].status, "5.2.2");
	assert_string_equal(rep->rcpt[0].reason, "mailboxfull");
	assert_int_equal(rep->rcpt[0].class, BOUNCE_CLASS_SOFT);
	bounce_report_free(rep);
}

static void test_autoreply_and_person(void **state)
{
	(void)state;
	struct bounce_report *rep =
		parse_str("From: Grace <grace@example.com>\nTo: list@example.org\nAuto-Submitted: auto-replied\n"
			  "Subject: Out of office\n\nI am away until Monday.\n");

	assert_int_equal(rep->kind, BOUNCE_KIND_AUTOREPLY);
	assert_int_equal(rep->nrcpt, 1);
	assert_string_equal(rep->rcpt[0].recipient, "grace@example.com");
	assert_int_equal(rep->rcpt[0].class, BOUNCE_CLASS_AUTOREPLY);
	bounce_report_free(rep);
	rep = parse_str("From: Heidi <heidi@example.com>\nTo: list@example.org\nSubject: Re: news\n\n"
			"Thanks, write to ivan@example.net about it.\n");
	assert_int_equal(rep->kind, BOUNCE_KIND_NOTBOUNCE);
	assert_int_equal(rep->nrcpt, 0);
	bounce_report_free(rep);
}

static void test_wrong_containers(void **state)
{
	(void)state;
	/* delivery-status fields in an application/octet-stream part */
	static const char oct[] =
		"From: MAILER-DAEMON@mx.example.org\nSubject: failure notice\nMIME-Version: 1.0\n"
		"Content-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\n\n"
		"--B\nContent-Type: text/plain\n\nDelivery failed.\n\n"
		"--B\nContent-Type: application/octet-stream\n\n"
		"Reporting-MTA: dns; mx.example.org\n\nFinal-Recipient: rfc822; ivan@example.com\n"
		"Action: failed\nStatus: 5.2.2\nDiagnostic-Code: smtp; 552 5.2.2 over quota\n\n--B--\n";
	/* the error text only as HTML */
	static const char html[] =
		"From: Mail Delivery Subsystem <mailer-daemon@example.org>\nSubject: Delivery Status Notification\n"
		"MIME-Version: 1.0\nContent-Type: text/html; charset=utf-8\n\n"
		"<html><body><p>Your message to <b>judy@example.com</b> was not delivered.</p>"
		"<p>550 5.1.1 The email account that you tried to reach does not exist.</p></body></html>\n";
	struct bounce_report *rep = parse_str(oct);

	assert_int_equal(rep->kind, BOUNCE_KIND_DSN);
	assert_int_equal(rep->nrcpt, 1);
	assert_string_equal(rep->rcpt[0].recipient, "ivan@example.com");
	assert_string_equal(rep->rcpt[0].reason, "mailboxfull");
	bounce_report_free(rep);
	rep = parse_str(html);
	assert_int_equal(rep->kind, BOUNCE_KIND_NONSTANDARD);
	assert_int_equal(rep->nrcpt, 1);
	assert_string_equal(rep->rcpt[0].recipient, "judy@example.com");
	assert_string_equal(rep->rcpt[0].status, "5.1.1");
	assert_int_equal(rep->rcpt[0].class, BOUNCE_CLASS_HARD);
	bounce_report_free(rep);
}

static void test_arf(void **state)
{
	(void)state;
	static const char arf[] =
		"From: abuse@isp.example\nSubject: FW: news\nMIME-Version: 1.0\n"
		"Content-Type: multipart/report; report-type=feedback-report; boundary=\"F\"\n\n"
		"--F\nContent-Type: text/plain\n\nThis is an abuse report.\n\n"
		"--F\nContent-Type: message/feedback-report\n\nFeedback-Type: abuse\nUser-Agent: x/1\n"
		"Version: 1\nOriginal-Rcpt-To: <kim@example.com>\n\n"
		"--F\nContent-Type: message/rfc822\n\nFrom: list@example.org\nTo: kim@example.com\n"
		"Message-ID: <m1@example.org>\nSubject: news\n\nhello\n--F--\n";
	struct bounce_report *rep = parse_str(arf);

	assert_int_equal(rep->kind, BOUNCE_KIND_ARF);
	assert_int_equal(rep->nrcpt, 1);
	assert_string_equal(rep->rcpt[0].recipient, "kim@example.com");
	assert_string_equal(rep->rcpt[0].reason, "feedback");
	assert_int_equal(rep->rcpt[0].class, BOUNCE_CLASS_COMPLAINT);
	assert_string_equal(rep->original_message_id, "<m1@example.org>");
	bounce_report_free(rep);
}

static void test_ses_json(void **state)
{
	(void)state;
	static const char ses[] =
		"From: no-reply@sns.amazonaws.com\nSubject: AWS Notification Message\n\n"
		"{\"notificationType\":\"Bounce\",\"bounce\":{\"bounceType\":\"Permanent\","
		"\"bouncedRecipients\":[{\"emailAddress\":\"lee@example.com\",\"action\":\"failed\","
		"\"status\":\"5.1.1\",\"diagnosticCode\":\"smtp; 550 5.1.1 user unknown\"},"
		"{\"emailAddress\":\"mo@example.net\",\"action\":\"failed\",\"status\":\"5.2.2\"}],"
		"\"reportingMTA\":\"dsn; a1.smtp-out.amazonses.com\"},\"mail\":{\"source\":\"list@example.org\"}}\n";
	static const char broken[] =
		"From: no-reply@sns.amazonaws.com\nSubject: AWS Notification Message\n\n"
		"{\"notificationType\":\"Bounce\",\"bounce\":{\"bouncedRecipients\":[{\"emailAddress\":\"x@ex";
	struct bounce_report *rep = parse_str(ses);

	assert_int_equal(rep->kind, BOUNCE_KIND_DSN);
	assert_int_equal(rep->nrcpt, 2);
	assert_string_equal(rep->rcpt[0].recipient, "lee@example.com");
	assert_string_equal(rep->rcpt[0].reason, "userunknown");
	assert_int_equal(rep->rcpt[0].class, BOUNCE_CLASS_HARD);
	assert_string_equal(rep->rcpt[1].recipient, "mo@example.net");
	assert_string_equal(rep->rcpt[1].reason, "mailboxfull");
	assert_string_equal(rep->reporting_mta, "a1.smtp-out.amazonses.com");
	bounce_report_free(rep);
	/* cut JSON: no crash, whatever can be salvaged */
	for (size_t n = strlen(broken) - 40; n <= strlen(broken); n++)
		bounce_report_free(parse(broken, n));
}

/* The JSON as json-glib reads it: escapes beyond ASCII decoded, a line
 * that Sendmail split at its length limit joined, the SNS wrapper, a
 * notification cut short, nesting too deep for a notification. */
static void test_ses_json_details(void **state)
{
	(void)state;
	static const char escapes[] =
		"From: no-reply@sns.amazonaws.com\nSubject: AWS Notification Message\n\n"
		"{\"notificationType\":\"Bounce\",\"bounce\":{\"bouncedRecipients\":[{\"emailAddress\":"
		"\"lee@example.com\",\"action\":\"failed\",\"status\":\"5.1.1\",\"diagnosticCode\":"
		"\"smtp; 550 5.1.1 adresse inconnue \\u00e9\\r\\nligne\"}],\"reportingMTA\":\"dsn; a1.exa!\n"
		" mple.com\"}}\n";
	static const char sns[] =
		"From: no-reply@sns.amazonaws.com\nSubject: AWS Notification Message\n\n"
		"{\n  \"Type\" : \"Notification\",\n  \"Message\" : \"{\\\"notificationType\\\":\\\"Complaint\\\","
		"\\\"complaint\\\":{\\\"complainedRecipients\\\":[{\\\"emailAddress\\\":\\\"ann@example.com\\\"}]}}\"\n}\n";
	static const char cut[] =
		"From: no-reply@sns.amazonaws.com\nSubject: AWS Notification Message\n\n"
		"{\"notificationType\":\"Bounce\",\"bounce\":{\"bouncedRecipients\":[{\"emailAddress\":"
		"\"lee@example.com\",\"status\":\"5.2.2\"}],\"timestamp\":\"2016-10-";
	char deep[4096];
	struct bounce_report *rep = parse_str(escapes);

	assert_int_equal(rep->kind, BOUNCE_KIND_DSN);
	assert_int_equal(rep->nrcpt, 1);
	assert_string_equal(rep->rcpt[0].diagnostic, "550 5.1.1 adresse inconnue \xc3\xa9 ligne");
	assert_string_equal(rep->reporting_mta, "a1.example.com");
	bounce_report_free(rep);
	rep = parse_str(sns);
	assert_int_equal(rep->kind, BOUNCE_KIND_ARF);
	assert_int_equal(rep->nrcpt, 1);
	assert_string_equal(rep->rcpt[0].recipient, "ann@example.com");
	bounce_report_free(rep);
	rep = parse_str(cut);
	assert_int_equal(rep->kind, BOUNCE_KIND_DSN);
	assert_int_equal(rep->nrcpt, 1);
	assert_string_equal(rep->rcpt[0].reason, "mailboxfull");
	bounce_report_free(rep);
	/* 1000 arrays deep: refused, no crash */
	{
		size_t n = (size_t)snprintf(deep, sizeof(deep), "Subject: AWS Notification Message\n\n"
						"{\"notificationType\":\"Bounce\",\"bounce\":");
		memset(deep + n, '[', 1000);
		deep[n + 1000] = '\0';
		rep = parse_str(deep);
		assert_int_equal(rep->kind, BOUNCE_KIND_NOTBOUNCE);
		bounce_report_free(rep);
	}
}

static void test_mbox(void **state)
{
	(void)state;
	static const char s[] = "From MAILER-DAEMON  Thu Apr 29 23:34:45 2015\nSubject: one\n\nbody\n"
				"From x  line in a body\n"
				"From MAILER-DAEMON  Fri Apr 30 23:34:45 2015\nSubject: two\n\nbody\n";
	size_t off = 0, len = 0, n = 0;
	const char *m;

	while ((m = bounce_mbox_next(s, strlen(s), &off, &len))) {
		n++;
		assert_true(!strncmp(m, "Subject: ", 9));
	}
	assert_int_equal(n, 2);
}

static void test_rules(void **state)
{
	(void)state;
	char path[] = "/tmp/test_bounce_rules.XXXXXX";
	int fd = mkstemp(path);
	FILE *fp;
	struct bounce_rules *rules = NULL;
	struct bounce_options opt = { 0 };
	struct bounce_report *rep;
	char err[512];

	assert_true(fd >= 0);
	fp = fdopen(fd, "w");
	assert_non_null(fp);
	fprintf(fp, "# site rules\n\nstatus=5.1.* text~\"local recipient table\" => reason=filtered class=soft\n");
	fclose(fp);
	assert_int_equal(bounce_rules_load(path, &rules, err, sizeof(err)), 0);
	opt.rules = rules;
	rep = parse_opt(dsn_two, strlen(dsn_two), &opt);
	assert_string_equal(rep->rcpt[0].reason, "filtered");
	assert_int_equal(rep->rcpt[0].class, BOUNCE_CLASS_SOFT);
	assert_non_null(strstr(rep->rcpt[0].rule, ":3"));
	assert_string_equal(rep->rcpt[1].reason, "mailboxfull");
	bounce_report_free(rep);
	bounce_rules_free(rules);

	fp = fopen(path, "w");
	assert_non_null(fp);
	fprintf(fp, "code=550 => reason=nosuchreason\n");
	fclose(fp);
	assert_int_equal(bounce_rules_load(path, &rules, err, sizeof(err)), -1);
	assert_non_null(strstr(err, ":1: unknown reason"));
	fp = fopen(path, "w");
	assert_non_null(fp);
	fprintf(fp, "# ok\nstatus=5.1.1 => reason=userunknown\nbogus\n");
	fclose(fp);
	assert_int_equal(bounce_rules_load(path, &rules, err, sizeof(err)), -1);
	assert_non_null(strstr(err, ":3: "));
	unlink(path);
}

/* One remote reply, as a DSN's Diagnostic-Code and as older Postfix's
 * plain-text bounce, gives this reason and class. */
struct reply_case {
	const char *status, *reply, *reason;
	enum bounce_class cls;
};

static void check_verdict(const char *msg, const char *form, const struct reply_case *c)
{
	struct bounce_report *rep = parse_str(msg);

	assert_int_equal(rep->nrcpt, 1);
	if (strcmp(rep->rcpt[0].reason, c->reason) || rep->rcpt[0].class != c->cls)
		fail_msg("%s \"%s\": got %s/%s, want %s/%s", form, c->reply, rep->rcpt[0].reason,
			 bounce_class_name(rep->rcpt[0].class), c->reason, bounce_class_name(c->cls));
	bounce_report_free(rep);
}

static void check_reply(const struct reply_case *c)
{
	char buf[4096];

	snprintf(buf, sizeof(buf),
		 "From: MAILER-DAEMON@mx.example.org (Mail Delivery System)\n"
		 "To: bounces@bounce.example.org\nSubject: Undelivered Mail Returned to Sender\n"
		 "MIME-Version: 1.0\n"
		 "Content-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\n\n"
		 "--B\nContent-Type: text/plain\n\nfailed.\n\n"
		 "--B\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example.org\n\n"
		 "Final-Recipient: rfc822; alice@example.com\nAction: failed\nStatus: %s\n"
		 "Diagnostic-Code: smtp; %s\n\n--B--\n",
		 c->status, c->reply);
	check_verdict(buf, "dsn", c);

	snprintf(buf, sizeof(buf),
		 "From: MAILER-DAEMON@mx.example.org (Mail Delivery System)\n"
		 "To: bounces@bounce.example.org\nSubject: Undelivered Mail Returned to Sender\n\n"
		 "This is the mail system at host mx.example.org.\n\n"
		 "I'm sorry to have to inform you that your message could not\n"
		 "be delivered to one or more recipients.\n\n"
		 "<alice@example.com>: host mx.example.com[192.0.2.1] said: %s (in reply to RCPT TO\n"
		 "    command)\n",
		 c->reply);
	check_verdict(buf, "text", c);
}

/* A block list, relay, sender, spam or policy refusal at RCPT TO is soft
 * even when worded as a recipient refusal; a real unknown user stays hard. */
static void test_block_beats_recipient_refusal(void **state)
{
	(void)state;
	static const struct reply_case cases[] = {
		/* Postfix reject_rbl_client, smtpd_delay_reject: at RCPT */
		{ "5.7.1", "554 5.7.1 <alice@example.com>: Recipient address rejected: Client host "
			   "[198.51.100.1] blocked using zen.spamhaus.org", "blocked", BOUNCE_CLASS_SOFT },
		{ "5.7.1", "554 5.7.1 <alice@example.com>: Recipient address rejected: Client host "
			   "[198.51.100.1] blocked using bl.example.net; see https://bl.example.net/",
		  "blocked", BOUNCE_CLASS_SOFT },
		{ "5.7.1", "554 5.7.1 <alice@example.com>: Client host rejected: Access denied", "blocked",
		  BOUNCE_CLASS_SOFT },
		{ "5.7.1", "554 5.7.1 <alice@example.com>: Relay access denied", "norelaying",
		  BOUNCE_CLASS_SOFT },
		{ "5.7.1", "550 5.7.1 <alice@example.com>: Recipient address rejected: rejected by policy",
		  "policyviolation", BOUNCE_CLASS_SOFT },
		{ "5.7.1", "550 5.7.1 Recipient rejected: host 198.51.100.1 listed in bl.example.net",
		  "blocked", BOUNCE_CLASS_SOFT },
		{ "5.0.0", "550 Recipient rejected: sender address rejected: domain not found", "rejected",
		  BOUNCE_CLASS_SOFT },
		{ "5.7.1", "550 5.7.1 Invalid recipient: your host 198.51.100.1 is listed at bl.example.net",
		  "blocked", BOUNCE_CLASS_SOFT },
		{ "5.7.1", "550 5.7.1 Invalid recipient: message rejected as spam", "spamdetected",
		  BOUNCE_CLASS_SOFT },
		/* Exim */
		{ "5.0.0", "550 rejected because 198.51.100.1 is in a black list at zen.spamhaus.org",
		  "blocked", BOUNCE_CLASS_SOFT },
		{ "5.0.0", "550 Administrative prohibition: host 198.51.100.1 is listed in bl.example.net",
		  "blocked", BOUNCE_CLASS_SOFT },
		/* Exchange and Office 365 */
		{ "5.7.606", "550 5.7.606 Access denied, banned sending IP [198.51.100.1]", "blocked",
		  BOUNCE_CLASS_SOFT },
		{ "5.7.1", "550 5.7.1 Service unavailable, Client host [198.51.100.1] blocked using Spamhaus",
		  "blocked", BOUNCE_CLASS_SOFT },
		{ "5.7.1", "550 5.7.1 Unable to relay", "norelaying", BOUNCE_CLASS_SOFT },
		/* a failing name server is no missing domain; NXDOMAIN is */
		{ "5.4.4", "Name service error for name=example.com type=MX: Malformed or unexpected "
			   "name server reply", "networkerror", BOUNCE_CLASS_SOFT },
		{ "5.4.4", "Host or domain name not found. Name service error for name=example.com "
			   "type=A: Host not found", "hostunknown", BOUNCE_CLASS_HARD },
		/* the recipient itself: hard */
		{ "5.1.1", "550 5.1.1 <alice@example.com>: Recipient address rejected: User unknown in "
			   "virtual mailbox table", "userunknown", BOUNCE_CLASS_HARD },
		{ "5.1.1", "550 5.1.1 <alice@example.com>: Recipient address rejected: User unknown in "
			   "local recipient table", "userunknown", BOUNCE_CLASS_HARD },
		{ "5.4.1", "550 5.4.1 Recipient address rejected: Access denied. AS(201806281)",
		  "userunknown", BOUNCE_CLASS_HARD },
		{ "5.1.10", "550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP "
			    "address lookup", "userunknown", BOUNCE_CLASS_HARD },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		check_reply(&cases[i]);
}

/* Text parts: an empty one (with a charset) is no crash; 8-bit text in a
 * declared charset is converted to UTF-8; well-formed UTF-8 and text
 * without a charset pass as they are; decoded text ends at a NUL. */
static void test_text_charsets(void **state)
{
	static const char empty[] =
		"From: MAILER-DAEMON@x.example\nSubject: Delivery failure\nMIME-Version: 1.0\n"
		"Content-Type: multipart/report; report-type=delivery-status; boundary=B\n\n"
		"--B\nContent-Type: text/plain; charset=us-ascii\n\n"
		"--B\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; x\n\n"
		"Final-Recipient: rfc822; a@example.com\nAction: failed\nStatus: 5.1.1\n\n--B--\n";
	static const char *const bodies[][3] = {
		/* charset, body, what the diagnostic must hold */
		{ "; charset=iso-8859-1", "Postfach \xfc" "berf\xfc" "llt", "Postfach \xc3\xbc" "berf\xc3\xbc" "llt" },
		{ "; charset=utf-8", "Postfach \xc3\xbc" "berf\xc3\xbc" "llt", "Postfach \xc3\xbc" "berf\xc3\xbc" "llt" },
		{ "", "Postfach voll", "Postfach voll" },
	};
	struct bounce_report *rep;
	char buf[1024];

	(void)state;
	rep = parse_str(empty);
	assert_int_equal(rep->kind, BOUNCE_KIND_DSN);
	assert_int_equal(rep->nrcpt, 1);
	assert_string_equal(rep->rcpt[0].status, "5.1.1");
	bounce_report_free(rep);
	for (size_t i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++) {
		snprintf(buf, sizeof(buf),
			 "From: MAILER-DAEMON@x.example\nSubject: Undelivered Mail Returned to Sender\n"
			 "MIME-Version: 1.0\nContent-Type: text/plain%s\nContent-Transfer-Encoding: 8bit\n\n"
			 "<a@example.com>: host mx said: 552 5.2.2 %s\n",
			 bodies[i][0], bodies[i][1]);
		rep = parse_str(buf);
		assert_int_equal(rep->nrcpt, 1);
		assert_non_null(strstr(rep->rcpt[0].diagnostic, bodies[i][2]));
		bounce_report_free(rep);
	}
	/* base64 text with a NUL: the text ends there */
	rep = parse_str("From: MAILER-DAEMON@x.example\nSubject: Undelivered Mail Returned to Sender\n"
			"MIME-Version: 1.0\nContent-Type: text/plain; charset=us-ascii\n"
			"Content-Transfer-Encoding: base64\n\n"
			/* "<a@example.com>: 550 5.1.1 unknown\0hidden words\n" */
			"PGFAZXhhbXBsZS5jb20+OiA1NTAgNS4xLjEgdW5rbm93bgBoaWRkZW4gd29yZHMK\n");
	assert_int_equal(rep->nrcpt, 1);
	assert_null(strstr(rep->rcpt[0].diagnostic, "hidden"));
	assert_non_null(strstr(rep->rcpt[0].diagnostic, "unknown"));
	bounce_report_free(rep);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_bad_args),
		cmocka_unit_test(test_binary),
		cmocka_unit_test(test_nul_bytes),
		cmocka_unit_test(test_truncated_mime),
		cmocka_unit_test(test_broken_boundary),
		cmocka_unit_test(test_8bit_garbage),
		cmocka_unit_test(test_deep_nesting),
		cmocka_unit_test(test_huge_header_long_line),
		cmocka_unit_test(test_size_limit),
		cmocka_unit_test(test_line_endings),
		cmocka_unit_test(test_dsn_fields),
		cmocka_unit_test(test_dsn_block_shapes),
		cmocka_unit_test(test_iso2022jp_fields),
		cmocka_unit_test(test_delayed_delivered),
		cmocka_unit_test(test_policy_is_soft),
		cmocka_unit_test(test_known_recipient),
		cmocka_unit_test(test_nonstandard_postfix),
		cmocka_unit_test(test_autoreply_and_person),
		cmocka_unit_test(test_wrong_containers),
		cmocka_unit_test(test_arf),
		cmocka_unit_test(test_ses_json),
		cmocka_unit_test(test_ses_json_details),
		cmocka_unit_test(test_mbox),
		cmocka_unit_test(test_rules),
		cmocka_unit_test(test_block_beats_recipient_refusal),
		cmocka_unit_test(test_text_charsets),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
