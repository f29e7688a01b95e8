/* test_bounce_positions.c: where a failed recipient may be named and where
 * never (docs/parser.md, issue 14): list addresses, senders after "from",
 * X.400 "SMTP=" addresses, Original-Recipient, the returned message after
 * "start of returned message", phquery's advice. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "bounce.h"

/* parse: msg into *rep (the caller frees it) */
static void parse(const char *msg, const char *known, struct bounce_report **rep)
{
	char err[256];
	struct bounce_options opt = { .known_recipient = known };

	*rep = NULL;
	assert_int_equal(bounce_parse(msg, strlen(msg), &opt, rep, err, sizeof(err)), BOUNCE_OK);
	assert_non_null(*rep);
}

static int has(const struct bounce_report *rep, const char *addr)
{
	for (size_t i = 0; i < rep->nrcpt; i++)
		if (!strcmp(rep->rcpt[i].recipient, addr))
			return 1;
	return 0;
}

/* The list's own addresses (List-Post, X-BeenThere, the -request/-owner
 * forms) in a text bounce are no recipients; the member is. */
static void test_list_addresses(void **state)
{
	static const char msg[] =
		"From: Mail Delivery System <Mailer-Daemon@mx.example.net>\n"
		"To: announce-bounces@lists.example.org\n"
		"Subject: Mail delivery failure\n"
		"\n"
		"A message that you sent could not be delivered.\n"
		"The following message, addressed to 'member@example.net',\n"
		"failed: mailbox unavailable. Contact announce-owner@lists.example.org or\n"
		"announce-request@lists.example.org; the list is announce@lists.example.org.\n"
		"\n"
		"---- START OF RETURNED MESSAGE ----\n"
		"From: owner-announce@lists.example.org\n"
		"To: announce@lists.example.org\n"
		"List-Post: <mailto:announce@lists.example.org>\n"
		"Subject: news\n"
		"\n"
		"Write to someone@example.com for details.\n";
	struct bounce_report *rep;

	(void)state;
	parse(msg, NULL, &rep);
	assert_true(has(rep, "member@example.net"));
	assert_false(has(rep, "announce@lists.example.org"));
	assert_false(has(rep, "announce-owner@lists.example.org"));
	assert_false(has(rep, "announce-request@lists.example.org"));
	assert_false(has(rep, "someone@example.com"));
	bounce_report_free(rep);
}

/* "not accepting mail from X": X is the sender; Exim's "(generated from X)"
 * is the list's recipient that a redirection turned into the failed one. */
static void test_after_from(void **state)
{
	static const char aol[] =
		"From: Mail Delivery Subsystem <MAILER-DAEMON@mx.example.com>\n"
		"To: <list-bounces@lists.example.org>\n"
		"Subject: Mail Delivery Problem\n"
		"\n"
		"Your mail to the following recipients could not be delivered because\n"
		"they are not accepting mail from poster@lists.example.org:\n"
		"\tbuddy@example.com\n";
	static const char exim[] =
		"From: Mail Delivery System <Mailer-Daemon@mx.example.com>\n"
		"To: list-bounces@lists.example.org\n"
		"Subject: Mail delivery failed: returning message to sender\n"
		"\n"
		"This message was created automatically by mail delivery software.\n"
		"\n"
		"A message that you sent could not be delivered to one or more of its\n"
		"recipients. This is a permanent error. The following address(es) failed:\n"
		"\n"
		"  an undisclosed address\n"
		"    (generated from member@example.com)\n";
	struct bounce_report *rep;

	(void)state;
	parse(aol, NULL, &rep);
	assert_false(has(rep, "poster@lists.example.org"));
	assert_true(has(rep, "buddy@example.com"));
	bounce_report_free(rep);
	parse(exim, NULL, &rep);
	assert_true(has(rep, "member@example.com"));
	bounce_report_free(rep);
}

/* An X.400 O/R address's "SMTP=" attribute names the address (RFC 2156;
 * Exchange 5.5's IMS), in a MIME part as well as in plain text. */
static void test_x400_smtp(void **state)
{
	static const char msg[] =
		"From: System Administrator <postmaster@example.com>\n"
		"To: list-bounces@lists.example.org\n"
		"Subject: Undeliverable: news\n"
		"MIME-Version: 1.0\n"
		"Content-Type: multipart/mixed; boundary=\"b1\"\n"
		"\n"
		"--b1\n"
		"Content-Type: text/plain; charset=\"iso-8859-1\"\n"
		"\n"
		"Your message\n"
		"did not reach the following recipient(s):\n"
		"\n"
		"c=US;a= ;p=EXAMPLE;o=Site;dda:SMTP=member@example.com; on Fri, 4 Oct 2002\n"
		"    The recipient name is not recognized\n"
		"--b1--\n";
	static const char url[] =
		"From: MAILER-DAEMON@mx.example.com\n"
		"To: list-bounces@lists.example.org\n"
		"Subject: Undelivered Mail Returned to Sender\n"
		"\n"
		"<member@example.com>: host mx.example.com said: 550 5.1.1 user unknown\n"
		"See https://help.example.com/?addr=other@example.com for help.\n";
	struct bounce_report *rep;

	(void)state;
	parse(msg, NULL, &rep);
	assert_true(has(rep, "member@example.com"));
	bounce_report_free(rep);
	parse(url, NULL, &rep);
	assert_true(has(rep, "member@example.com"));
	assert_false(has(rep, "other@example.com"));
	bounce_report_free(rep);
}

/* Original-Recipient (RFC 3464 2.3.1) is reported beside Final-Recipient
 * and finds the block for a known (VERP) recipient. */
static void test_original_recipient(void **state)
{
	static const char msg[] =
		"From: MAILER-DAEMON@mx.example.com\n"
		"To: list-bounces+member=example.com@lists.example.org\n"
		"Subject: Delivery Status Notification\n"
		"MIME-Version: 1.0\n"
		"Content-Type: multipart/report; report-type=delivery-status; boundary=\"b\"\n"
		"\n"
		"--b\n"
		"Content-Type: text/plain\n"
		"\n"
		"Your message could not be delivered.\n"
		"--b\n"
		"Content-Type: message/delivery-status\n"
		"\n"
		"Reporting-MTA: dns; mx.example.com\n"
		"\n"
		"Final-Recipient: rfc822; other@example.net\n"
		"Action: failed\n"
		"Status: 5.1.1\n"
		"\n"
		"Original-Recipient: rfc822;member@example.com\n"
		"Final-Recipient: rfc822; forwarded@example.net\n"
		"Action: failed\n"
		"Status: 5.2.2\n"
		"--b--\n";
	struct bounce_report *rep;

	(void)state;
	parse(msg, NULL, &rep);
	assert_int_equal(rep->nrcpt, 2);
	assert_string_equal(rep->rcpt[1].recipient, "forwarded@example.net");
	assert_string_equal(rep->rcpt[1].original_recipient, "member@example.com");
	assert_string_equal(rep->rcpt[0].original_recipient, "");
	assert_int_equal(rep->rcpt[0].recipient_from_orcpt, 0);
	assert_int_equal(rep->rcpt[1].recipient_from_orcpt, 0);
	bounce_report_free(rep);
	parse(msg, "member@example.com", &rep);
	assert_int_equal(rep->nrcpt, 1);
	assert_string_equal(rep->rcpt[0].recipient, "member@example.com");
	assert_string_equal(rep->rcpt[0].status, "5.2.2");
	bounce_report_free(rep);
}

/* A Final-Recipient that is no whole address ("root@localhost") gives way
 * to Original-Recipient, and the report says so: that address is the
 * returned message's sender's ORCPT, not one the reporting MTA tried
 * (issue 12: message mode does not confirm it). */
static void test_recipient_from_orcpt(void **state)
{
	static const char msg[] =
		"From: MAILER-DAEMON@lists.example.org\n"
		"To: bounces+m-tok=tag@bounce.example.org\n"
		"Subject: Undelivered Mail Returned to Sender\n"
		"MIME-Version: 1.0\n"
		"Content-Type: multipart/report; report-type=delivery-status; boundary=\"b\"\n"
		"\n"
		"--b\n"
		"Content-Type: text/plain\n"
		"\n"
		"I'm sorry to have to inform you that your message could not be delivered.\n"
		"--b\n"
		"Content-Type: message/delivery-status\n"
		"\n"
		"Reporting-MTA: dns; lists.example.org\n"
		"\n"
		"Final-Recipient: rfc822; root@localhost\n"
		"Original-Recipient: rfc822;victim@example.com\n"
		"Action: failed\n"
		"Status: 5.2.2\n"
		"Diagnostic-Code: x-unix; mailbox full\n"
		"--b--\n";
	struct bounce_report *rep;

	(void)state;
	parse(msg, NULL, &rep);
	assert_int_equal(rep->nrcpt, 1);
	assert_string_equal(rep->rcpt[0].recipient, "victim@example.com");
	assert_int_equal(rep->rcpt[0].recipient_from_orcpt, 1);
	bounce_report_free(rep);
}

/* phquery's "Error Detail" advice names addresses to try: none of them is
 * a recipient. */
static void test_phquery_advice(void **state)
{
	static const char msg[] =
		"From: MAILER-DAEMON@mr.example.edu\n"
		"To: list-bounces@lists.example.org\n"
		"Subject: Returned mail - nameserver error report\n"
		"\n"
		" --------Message not delivered to the following:\n"
		"\n"
		" jdoe@example.edu    No matches to nameserver query\n"
		"\n"
		" --------Error Detail (phquery V4.1):\n"
		" If no lookup tools are available to you, try sending to the most\n"
		" explicit form of the name, e.g., if john.doe@example.edu fails, try\n"
		" john.q.doe@example.edu.\n";
	struct bounce_report *rep;

	(void)state;
	parse(msg, NULL, &rep);
	assert_true(has(rep, "jdoe@example.edu"));
	assert_false(has(rep, "john.doe@example.edu"));
	assert_false(has(rep, "john.q.doe@example.edu"));
	bounce_report_free(rep);
}

/* postmaster@ of the reporting host signs the report; postmaster@ of
 * another host may be the failed recipient */
static void test_reporter_postmaster(void **state)
{
	static const char msg[] =
		"From: MAILER-DAEMON@mx.example.com\n"
		"To: list-bounces@lists.example.org\n"
		"Subject: Undelivered Mail Returned to Sender\n"
		"\n"
		"This is the mail system at host mx.example.com.\n"
		"\n"
		"The mail system administrator here is postmaster@mx.example.com.\n"
		"\n"
		"<postmaster@other.example.net>: host mx.other.example.net[192.0.2.1] said: 550\n"
		"    5.1.1 no such user (in reply to RCPT TO command)\n";
	struct bounce_report *rep;

	(void)state;
	parse(msg, NULL, &rep);
	assert_true(has(rep, "postmaster@other.example.net"));
	assert_false(has(rep, "postmaster@mx.example.com"));
	bounce_report_free(rep);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_list_addresses),
		cmocka_unit_test(test_after_from),
		cmocka_unit_test(test_x400_smtp),
		cmocka_unit_test(test_original_recipient),
		cmocka_unit_test(test_recipient_from_orcpt),
		cmocka_unit_test(test_phquery_advice),
		cmocka_unit_test(test_reporter_postmaster),
	};

	bounce_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
