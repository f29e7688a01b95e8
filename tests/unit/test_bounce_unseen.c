/* test_bounce_unseen.c: the weaknesses issue 14 found on bounces the parser
 * was not tuned on, each fixed by a general rule: the DSN fields whatever
 * the text part's charset, Gmail's plain-text notice, the class digit of a
 * pseudo status, an antivirus footer, a 553 reply, a qmail refusal after
 * DATA, Microsoft's complaint (JMRP) around a bounce, a list server's own
 * notice. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "bounce.h"

/* one: the only recipient of msg (the report kept in *rep, freed by the
 * caller), checked against kind, address, reason, class */
static const struct bounce_rcpt *one(const char *msg, struct bounce_report **rep, enum bounce_kind kind,
				     const char *addr, const char *reason, enum bounce_class cls)
{
	char err[256];

	*rep = NULL;
	assert_int_equal(bounce_parse(msg, strlen(msg), NULL, rep, err, sizeof(err)), BOUNCE_OK);
	assert_non_null(*rep);
	assert_int_equal((*rep)->kind, kind);
	assert_int_equal((*rep)->nrcpt, 1);
	assert_string_equal((*rep)->rcpt[0].recipient, addr);
	assert_string_equal((*rep)->rcpt[0].reason, reason);
	assert_int_equal((*rep)->rcpt[0].class, cls);
	return &(*rep)->rcpt[0];
}

/* 2: the human-readable part declares a charset iconv does not know; the
 * DSN fields are ASCII and are read all the same. */
static void test_utf7_text_part(void **state)
{
	static const char msg[] =
		"From: postmaster@mx.example.com\n"
		"To: list-bounces@lists.example.org\n"
		"Subject: Undeliverable: news\n"
		"MIME-Version: 1.0\n"
		"Content-Type: multipart/report; report-type=delivery-status; boundary=\"b\"\n"
		"\n"
		"--b\n"
		"Content-Type: text/plain; charset=unicode-1-1-utf-7\n"
		"\n"
		"Delivery has failed to these recipients or groups: +ZeVnLIqe- +///\n"
		"--b\n"
		"Content-Type: message/delivery-status\n"
		"\n"
		"Reporting-MTA: dns;mx.example.com\n"
		"\n"
		"Final-Recipient: rfc822;member@example.com\n"
		"Action: failed\n"
		"Status: 5.1.1\n"
		"Diagnostic-Code: smtp;550 5.1.1 User unknown\n"
		"--b--\n";
	struct bounce_report *rep;

	(void)state;
	one(msg, &rep, BOUNCE_KIND_DSN, "member@example.com", "userunknown", BOUNCE_CLASS_HARD);
	bounce_report_free(rep);
}

/* 3: Gmail's plain-text "Delivery Status Notification (Failure)" */
static void test_gmail_plain_text(void **state)
{
	static const char msg[] =
		"From: Mail Delivery Subsystem <mailer-daemon@googlemail.com>\n"
		"To: list-bounces@lists.example.org\n"
		"Subject: Delivery Status Notification (Failure)\n"
		"Content-Type: text/plain; charset=UTF-8\n"
		"\n"
		"** Address not found **\n"
		"\n"
		"Your message wasn't delivered to member@example.com because the address couldn't be found, "
		"or is unable to receive mail.\n"
		"\n"
		"The response was:\n"
		"\n"
		"The email account that you tried to reach does not exist.\n";
	struct bounce_report *rep;

	(void)state;
	one(msg, &rep, BOUNCE_KIND_NONSTANDARD, "member@example.com", "userunknown", BOUNCE_CLASS_HARD);
	bounce_report_free(rep);
}

/* 4: a pseudo status takes its class digit from the reply (a 4xx that
 * expired is 4.0.9NN) */
static void test_pseudo_status_class(void **state)
{
	static const char msg[] =
		"From: Mail Delivery System <Mailer-Daemon@mx.example.com>\n"
		"To: list-bounces@lists.example.org\n"
		"Subject: Mail delivery failed: returning message to sender\n"
		"\n"
		"This message was created automatically by mail delivery software.\n"
		"\n"
		"A message that you sent could not be delivered to one or more of its\n"
		"recipients. This is a permanent error. The following address(es) failed:\n"
		"\n"
		"  member@example.com\n"
		"    SMTP error from remote mail server after RCPT TO:<member@example.com>:\n"
		"    451 Temporary local problem - please try later: retry timeout exceeded\n";
	struct bounce_report *rep;
	const struct bounce_rcpt *r;

	(void)state;
	r = one(msg, &rep, BOUNCE_KIND_NONSTANDARD, "member@example.com", "expired", BOUNCE_CLASS_SOFT);
	assert_int_equal(r->status[0], '4');
	bounce_report_free(rep);
}

/* 5: an antivirus stamp after a signature separator, or in a footer,
 * does not decide the reason */
static void test_antivirus_footer(void **state)
{
	static const char sep[] =
		"From: MAILER-DAEMON@mx.example.com\n"
		"To: list-bounces@lists.example.org\n"
		"Subject: Delivery Status Notification (Failure)\n"
		"MIME-Version: 1.0\n"
		"Content-Type: multipart/report; report-type=delivery-status; boundary=\"b\"\n"
		"\n"
		"--b\n"
		"Content-Type: text/plain\n"
		"\n"
		"Delivery to the following recipients failed.\n"
		"       member@example.com\n"
		"\n"
		"-- \n"
		"This message was scanned by ESET NOD32 Antivirus. No virus found.\n"
		"--b\n"
		"Content-Type: message/delivery-status\n"
		"\n"
		"Reporting-MTA: dns;mx.example.com\n"
		"\n"
		"Final-Recipient: rfc822;member@example.com\n"
		"Action: failed\n"
		"Status: 5.0.0\n"
		"--b--\n";
	static const char stamp[] =
		"From: MAILER-DAEMON@mx.example.com\n"
		"To: list-bounces@lists.example.org\n"
		"Subject: Undelivered Mail Returned to Sender\n"
		"\n"
		"This is the mail system at host mx.example.com.\n"
		"\n"
		"<member@example.com>: host mx.example.net[192.0.2.1] said: 554 Transaction\n"
		"    failed (in reply to end of DATA command)\n"
		"\n"
		"______________________________________________________________________\n"
		"This email has been scanned by the Symantec Email Security.cloud service.\n"
		"Virus-free.\n";
	struct bounce_report *rep;

	(void)state;
	one(sep, &rep, BOUNCE_KIND_DSN, "member@example.com", "onhold", BOUNCE_CLASS_SOFT);
	bounce_report_free(rep);
	one(stamp, &rep, BOUNCE_KIND_NONSTANDARD, "member@example.com", "systemerror", BOUNCE_CLASS_SOFT);
	bounce_report_free(rep);
}

/* 6: a 553 reply answers MAIL or RCPT (RFC 5321 4.3.2): "Unknown E-Mail
 * Address" with it is an unknown user, not a filter */
static void test_553_unknown_address(void **state)
{
	static const char msg[] =
		"From: MAILER-DAEMON@mx.example.com\n"
		"To: list-bounces@lists.example.org\n"
		"Subject: Returned mail: see transcript for details\n"
		"MIME-Version: 1.0\n"
		"Content-Type: multipart/report; report-type=delivery-status; boundary=\"b\"\n"
		"\n"
		"--b\n"
		"\n"
		"   ----- The following addresses had permanent fatal errors -----\n"
		"<member@example.com>\n"
		"    (reason: 553 5.3.0 <member@example.com>... Unknown E-Mail Address)\n"
		"--b\n"
		"Content-Type: message/delivery-status\n"
		"\n"
		"Reporting-MTA: dns; mx.example.com\n"
		"\n"
		"Final-Recipient: RFC822; member@example.com\n"
		"Action: failed\n"
		"Status: 5.3.0\n"
		"Diagnostic-Code: SMTP; 553 5.3.0 <member@example.com>... Unknown E-Mail Address\n"
		"--b--\n";
	struct bounce_report *rep;

	(void)state;
	one(msg, &rep, BOUNCE_KIND_DSN, "member@example.com", "userunknown", BOUNCE_CLASS_HARD);
	bounce_report_free(rep);
}

/* 6: qmail-remote's "failed after I sent the message" (qmail-rspawn runs
 * qmail-remote with one recipient): a refusal after DATA that says the
 * mailbox does not exist is that recipient refused, an unknown user; the
 * same words after DATA of a transaction that may have had several
 * recipients (Postfix's "in reply to end of DATA command") stay a filter,
 * and a refusal of the content after DATA stays what its words say */
static void test_qmail_after_data(void **state)
{
	static const char msg[] =
		"From: MAILER-DAEMON@mail.example.org\n"
		"To: list-bounces@lists.example.org\n"
		"Subject: failure notice\n"
		"\n"
		"Hi. This is the qmail-send program at mail.example.org.\n"
		"I'm afraid I wasn't able to deliver your message to the following addresses.\n"
		"This is a permanent error; I've given up. Sorry it didn't work out.\n"
		"\n"
		"<bob@example.com>:\n"
		"192.0.2.25 failed after I sent the message.\n"
		"Remote host said: 554 mailbox does not exist\n"
		"\n"
		"<carol@example.net>:\n"
		"192.0.2.26 failed after I sent the message.\n"
		"Remote host said: 554 5.7.1 Message content rejected\n"
		"\n"
		"--- Below this line is a copy of the message.\n"
		"\n"
		"From: list@lists.example.org\n"
		"Subject: news\n";
	static const char postfix[] =
		"From: MAILER-DAEMON@mx.example.org\n"
		"To: list-bounces@lists.example.org\n"
		"Subject: Undelivered Mail Returned to Sender\n"
		"\n"
		"This is the mail system at host mx.example.org.\n"
		"\n"
		"<member@example.com>: host mx.example.com[192.0.2.1] said: 554 mailbox does\n"
		"    not exist (in reply to end of DATA command)\n";
	struct bounce_report *rep = NULL;
	char err[256];

	(void)state;
	assert_int_equal(bounce_parse(msg, strlen(msg), NULL, &rep, err, sizeof(err)), BOUNCE_OK);
	assert_non_null(rep);
	assert_int_equal(rep->nrcpt, 2);
	assert_string_equal(rep->rcpt[0].recipient, "bob@example.com");
	assert_string_equal(rep->rcpt[0].reason, "userunknown");
	assert_int_equal(rep->rcpt[0].class, BOUNCE_CLASS_HARD);
	assert_string_equal(rep->rcpt[1].recipient, "carol@example.net");
	assert_string_equal(rep->rcpt[1].reason, "spamdetected");
	assert_int_equal(rep->rcpt[1].class, BOUNCE_CLASS_SOFT);
	bounce_report_free(rep);
	one(postfix, &rep, BOUNCE_KIND_NONSTANDARD, "member@example.com", "filtered", BOUNCE_CLASS_SOFT);
	bounce_report_free(rep);
}

/* 7: Outlook.com's complaint (JMRP: the reported message carries
 * X-HmXmrOriginalRecipient) about a message that is itself a bounce is a
 * complaint from the complainant, not that bounce's hard failure */
static void test_jmrp_complaint(void **state)
{
	static const char msg[] =
		"From: <staff@hotmail.com>\n"
		"To: abuse-report@lists.example.org\n"
		"Subject: Outlook.com report\n"
		"MIME-Version: 1.0\n"
		"Content-Type: multipart/mixed; boundary=\"o\"\n"
		"\n"
		"--o\n"
		"Content-Type: message/rfc822\n"
		"Content-Disposition: inline\n"
		"\n"
		"X-HmXmrOriginalRecipient: complainer@hotmail.example\n"
		"From: Mail Delivery System <MAILER-DAEMON@mx.example.org>\n"
		"To: complainer@hotmail.example\n"
		"Subject: Undelivered Mail Returned to Sender\n"
		"MIME-Version: 1.0\n"
		"Content-Type: multipart/report; report-type=delivery-status; boundary=\"i\"\n"
		"\n"
		"--i\n"
		"Content-Type: text/plain\n"
		"\n"
		"<nobody@example.net>: host mx.example.net said: 550 5.1.1 user unknown\n"
		"--i\n"
		"Content-Type: message/delivery-status\n"
		"\n"
		"Reporting-MTA: dns; mx.example.org\n"
		"\n"
		"Final-Recipient: rfc822; nobody@example.net\n"
		"Action: failed\n"
		"Status: 5.1.1\n"
		"--i--\n"
		"\n"
		"--o--\n";
	struct bounce_report *rep;

	(void)state;
	one(msg, &rep, BOUNCE_KIND_ARF, "complainer@hotmail.example", "feedback", BOUNCE_CLASS_COMPLAINT);
	bounce_report_free(rep);
}

/* a list server's own notice (Mailman 3's hold notice: from LIST-bounces,
 * with the list's List-Id) is no delivery report */
static void test_list_notice(void **state)
{
	static const char msg[] =
		"Subject: Your message to other@lists.example.test awaits moderator approval\n"
		"From: other-bounces@lists.example.test\n"
		"To: list@sender.test\n"
		"Precedence: bulk\n"
		"List-Id: <other.lists.example.test>\n"
		"\n"
		"Your mail to 'other@lists.example.test' with the subject\n"
		"\n"
		"    news\n"
		"\n"
		"Is being held until the list moderator can review it for approval.\n";
	char err[256];
	struct bounce_report *rep = NULL;

	(void)state;
	assert_int_equal(bounce_parse(msg, strlen(msg), NULL, &rep, err, sizeof(err)), BOUNCE_OK);
	for (size_t i = 0; i < rep->nrcpt; i++)
		assert_true(rep->rcpt[i].class != BOUNCE_CLASS_HARD && rep->rcpt[i].class != BOUNCE_CLASS_SOFT);
	assert_int_equal(rep->kind, BOUNCE_KIND_NOTBOUNCE);
	bounce_report_free(rep);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_utf7_text_part),
		cmocka_unit_test(test_gmail_plain_text),
		cmocka_unit_test(test_pseudo_status_class),
		cmocka_unit_test(test_antivirus_footer),
		cmocka_unit_test(test_553_unknown_address),
		cmocka_unit_test(test_qmail_after_data),
		cmocka_unit_test(test_jmrp_complaint),
		cmocka_unit_test(test_list_notice),
	};

	bounce_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
