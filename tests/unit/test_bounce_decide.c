/* test_bounce_decide.c: unit tests of the parser's decision rules
 * (lib/bounce/decide.c): how reason, class and status are chosen when a
 * message carries several causes or codes, a sending MTA's own category
 * field, the SMTP command a refusal answered, pseudo statuses. Each case
 * is a whole message through bounce_parse(). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bounce.h"

struct want {
	const char *status;    /* Status: field ("" for none) */
	const char *extra;     /* more fields of the recipient block ("" for none) */
	const char *diag;      /* Diagnostic-Code: text ("" for none) */
	const char *text;      /* human-readable part */
	const char *reason;    /* expected */
	enum bounce_class cls; /* expected */
	const char *xstatus;   /* expected status, or NULL not to check */
};

/* dsn: a multipart/report for alice@example.com with the case's fields. */
static void dsn(char *buf, size_t len, const struct want *w)
{
	snprintf(buf, len,
		 "From: MAILER-DAEMON@mx.example.org (Mail Delivery System)\n"
		 "To: bounces@bounce.example.org\nSubject: Undelivered Mail Returned to Sender\n"
		 "MIME-Version: 1.0\n"
		 "Content-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\n\n"
		 "--B\nContent-Type: text/plain\n\n%s\n\n"
		 "--B\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example.org\n\n"
		 "Final-Recipient: rfc822; alice@example.com\nAction: failed\n%s%s%s%s%s%s\n--B--\n",
		 w->text, w->status[0] ? "Status: " : "", w->status, w->status[0] ? "\n" : "", w->extra,
		 w->diag[0] ? "Diagnostic-Code: smtp; " : "", w->diag);
}

static void check(const char *msg, const struct want *w)
{
	struct bounce_report *rep = NULL;
	char err[256];

	assert_int_equal(bounce_parse(msg, strlen(msg), NULL, &rep, err, sizeof(err)), BOUNCE_OK);
	assert_non_null(rep);
	assert_int_equal(rep->nrcpt, 1);
	if (strcmp(rep->rcpt[0].reason, w->reason) || rep->rcpt[0].class != w->cls ||
	    (w->xstatus && strcmp(rep->rcpt[0].status, w->xstatus)))
		fail_msg("\"%s\" / \"%s\": got %s/%s/%s (%s), want %s/%s/%s", w->diag, w->text,
			 rep->rcpt[0].reason, bounce_class_name(rep->rcpt[0].class), rep->rcpt[0].status,
			 rep->rcpt[0].rule, w->reason, bounce_class_name(w->cls),
			 w->xstatus ? w->xstatus : "-");
	bounce_report_free(rep);
}

static void run(const struct want *cases, size_t n)
{
	char buf[8192];

	for (size_t i = 0; i < n; i++) {
		char d[2048];
		struct want w = cases[i];

		/* the Diagnostic-Code field ends its line */
		snprintf(d, sizeof(d), "%s%s", w.diag, w.diag[0] ? "\n" : "");
		w.diag = d;
		dsn(buf, sizeof(buf), &w);
		w.diag = cases[i].diag;
		check(buf, &w);
	}
}

/* A sending MTA's own category of the failure decides (PowerMTA). */
static void test_category_field(void **state)
{
	(void)state;
	static const struct want cases[] = {
		{ "5.2.1", "X-PowerMTA-BounceCategory: bad-mailbox\n",
		  "550 5.2.1 <alice@example.com>... User Unknown", "failed.", "userunknown",
		  BOUNCE_CLASS_HARD, "5.2.1" },
		{ "5.0.0", "X-PowerMTA-BounceCategory: quota-issues\n", "552 mailbox over quota", "failed.",
		  "mailboxfull", BOUNCE_CLASS_SOFT, NULL },
		{ "5.0.0", "X-PowerMTA-BounceCategory: spam-related\n", "550 rejected", "failed.",
		  "spamdetected", BOUNCE_CLASS_SOFT, NULL },
		/* a value that says nothing leaves the words to decide */
		{ "5.2.1", "X-PowerMTA-BounceCategory: other\n",
		  "550 5.2.1 <alice@example.com>... User Unknown", "failed.", "filtered",
		  BOUNCE_CLASS_SOFT, NULL },
	};
	run(cases, sizeof(cases) / sizeof(cases[0]));
}

/* Several causes in one message: a queue timeout wrapping the error the
 * retries kept meeting. */
static void test_expiry_and_its_cause(void **state)
{
	(void)state;
	static const struct want cases[] = {
		/* qmail: X.4.1 with a failed connection, then "too long in the queue" */
		{ "4.4.1", "",
		  "Sorry, I wasn't able to establish an SMTP connection. (#4.4.1) I'm not going to try "
		  "again; this message has been in the queue too long.",
		  "failed.", "networkerror", BOUNCE_CLASS_SOFT, "4.4.1" },
		/* Exchange Online: a network status naming a DNS failure */
		{ "5.4.312", "", "550 5.4.312 Message expired, DNS query failed", "failed.", "networkerror",
		  BOUNCE_CLASS_SOFT, "5.4.312" },
		/* Sendmail: 4.4.7 after a name lookup that kept failing */
		{ "4.4.7", "",
		  "<alice@example.com>... Deferred: Name server: example.com.: host name lookup failure "
		  "Message could not be delivered for 5 days",
		  "failed.", "networkerror", BOUNCE_CLASS_SOFT, "4.4.7" },
		{ "4.4.7", "",
		  "Unable to deliver message to the following recipients, due to being unable to "
		  "connect successfully to the destination mail server.",
		  "failed.", "expired", BOUNCE_CLASS_SOFT, "4.4.7" },
		/* a refused or timed-out connection is no more than expiry */
		{ "5.4.316", "", "550 5.4.316 Message expired, connection refused", "failed.", "expired",
		  BOUNCE_CLASS_SOFT, NULL },
		{ "4.4.1", "", "connect to mx.example.com[192.0.2.1]:25: Connection timed out", "failed.",
		  "expired", BOUNCE_CLASS_SOFT, NULL },
		/* greylisting that never passed: expiry, though 4.7.1 names a block */
		{ "4.7.1", "",
		  "450 4.7.1 <alice@example.com>: Recipient address rejected: Greylisted, please try "
		  "again later",
		  "failed.", "expired", BOUNCE_CLASS_SOFT, NULL },
	};
	run(cases, sizeof(cases) / sizeof(cases[0]));
}

/* A relay's own summary before the remote reply it quotes: the quoted
 * reply's code and words decide (Amazon SES). */
static void test_quoted_reply(void **state)
{
	(void)state;
	static const struct want cases[] = {
		{ "5.0.0", "",
		  "5.1.0 - Unknown address error 550-'5.2.2 <alice@example.com>... Mailbox Full' "
		  "(delivery attempts: 0)",
		  "failed.", "mailboxfull", BOUNCE_CLASS_SOFT, "5.2.2" },
		/* the sender refused: not the relay's "unknown address" */
		{ "5.0.0", "",
		  "5.1.0 - Unknown address error 550-'5.7.1 <bounce@bounce.example.org>... Access "
		  "denied' (delivery attempts: 0)",
		  "failed.", "blocked", BOUNCE_CLASS_SOFT, "5.7.1" },
		/* no quoted code: the relay's words are all there is */
		{ "5.0.0", "",
		  "5.1.0 - Unknown address error 550-'<alice@example.com>... No such user' "
		  "(delivery attempts: 0)",
		  "failed.", "userunknown", BOUNCE_CLASS_HARD, "5.1.0" },
	};
	run(cases, sizeof(cases) / sizeof(cases[0]));
}

/* A phrase found only inside a longer phrase of another reason means what
 * the longer one means. */
static void test_phrase_inside_phrase(void **state)
{
	(void)state;
	static const struct want cases[] = {
		/* Postfix: a name server that failed (TRY_AGAIN), not NXDOMAIN */
		{ "", "", "", "The Postfix program\n\n<alice@example.com>: Name service error for domain "
			      "example.com: Host not found, try again",
		  "networkerror", BOUNCE_CLASS_SOFT, NULL },
		{ "5.4.4", "", "Host or domain name not found. Name service error for name=example.com "
			       "type=A: Host not found", "failed.", "hostunknown", BOUNCE_CLASS_HARD, NULL },
	};
	run(cases, sizeof(cases) / sizeof(cases[0]));
}

/* X.4.4 "unable to route" refined by its words. */
static void test_unable_to_route(void **state)
{
	(void)state;
	static const struct want cases[] = {
		/* no MX and no address: the domain accepts no mail */
		{ "5.4.4", "", "Sorry, I couldn't find a mail exchanger or IP address. (#5.4.4)", "failed.",
		  "notaccept", BOUNCE_CLASS_HARD, "5.4.4" },
		{ "5.4.4", "", "Name service error for name=example.com type=MX: Malformed or unexpected "
			       "name server reply", "failed.", "networkerror", BOUNCE_CLASS_SOFT, NULL },
		{ "5.4.4", "", "550 5.4.4 Invalid domain", "failed.", "hostunknown", BOUNCE_CLASS_HARD, NULL },
	};
	run(cases, sizeof(cases) / sizeof(cases[0]));
}

/* "Unknown user" in a DSN block that names no SMTP command: a quoted
 * reply may have come after DATA (a filter); the reporting system's own
 * verdict on the address, or an addressing status, is an unknown user. */
static void test_unknown_user_command(void **state)
{
	(void)state;
	static const struct want cases[] = {
		{ "5.0.0", "", "550 user unknown", "failed.", "filtered", BOUNCE_CLASS_SOFT, NULL },
		{ "5.0.0", "", "550 <alice@example.com>... No such user", "failed.", "filtered",
		  BOUNCE_CLASS_SOFT, NULL },
		{ "5.0.0", "",
		  "** Address not found ** Your message wasn't delivered to alice@example.com because "
		  "the address couldn't be found.",
		  "failed.", "userunknown", BOUNCE_CLASS_HARD, NULL },
		{ "5.1.1", "", "550 5.1.1 <alice@example.com>... User unknown", "failed.", "userunknown",
		  BOUNCE_CLASS_HARD, NULL },
		{ "5.1.10", "", "550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP "
				"address lookup", "failed.", "userunknown", BOUNCE_CLASS_HARD, NULL },
		/* RFC 5321's text for a 550 refusal of the mailbox answers RCPT TO */
		{ "5.0.0", "", "550 Requested action not taken: mailbox unavailable", "failed.",
		  "userunknown", BOUNCE_CLASS_HARD, NULL },
		/* the command named: RCPT TO is an unknown user, DATA a filter */
		{ "5.0.0", "", "550 user unknown (in reply to RCPT TO command)", "failed.", "userunknown",
		  BOUNCE_CLASS_HARD, NULL },
		{ "5.0.0", "", "550 user unknown (in reply to end of DATA command)", "failed.", "filtered",
		  BOUNCE_CLASS_SOFT, NULL },
	};
	run(cases, sizeof(cases) / sizeof(cases[0]));
}

/* Which code is the status when the message has several. */
static void test_status_choice(void **state)
{
	(void)state;
	static const struct want cases[] = {
		/* the remote's code beats the reporting MTA's summary */
		{ "4.4.7", "", "450 4.7.1 <alice@example.com>: Recipient address rejected: try later",
		  "failed.", "blocked", BOUNCE_CLASS_SOFT, "4.7.1" },
		/* a catch-all X.Y.0 of the other class yields to a reply whose
		 * code and status agree */
		{ "4.5.0", "", "550 5.5.0 Service refused, please try later", "failed.", "onhold",
		  BOUNCE_CLASS_SOFT, "5.5.0" },
		/* no status: the pseudo status's class from a labelled reply code */
		{ "", "", "", "kijitora failed: Error, ERROR_CODE :421, ERROR_CODE :, Host not reachable.",
		  "expired", BOUNCE_CLASS_SOFT, "4.0.947" },
		/* a software version is no status code */
		{ "5.0.0", "", "550 unknown user (mta-5.5.0-3)", "failed.", "filtered", BOUNCE_CLASS_SOFT,
		  "5.0.0" },
	};
	run(cases, sizeof(cases) / sizeof(cases[0]));
}

/* Sendmail's line about a host ("550 example.org (smtp)... 550 Host
 * unknown") belongs to the recipients named after it, not to the one
 * before it. */
static void test_host_summary_line(void **state)
{
	static const char msg[] =
		"From: Mail Delivery Subsystem <MAILER-DAEMON@mx.example.org>\n"
		"To: bounces@bounce.example.org\nSubject: Returned mail: User unknown\n\n"
		"   ----- Transcript of session follows -----\n"
		"While talking to mx.example.edu:\n"
		"554 <alice@example.edu>... Remote protocol error: Connection reset by peer\n"
		"550 example.org (smtp)... 550 Host unknown\n"
		"554 <bob@example.org>... 550 Host unknown (Authoritative answer from name server)\n"
		"\n   ----- Unsent message follows -----\n";
	struct bounce_report *rep = NULL;
	char err[256];
	int seen = 0;

	(void)state;
	assert_int_equal(bounce_parse(msg, strlen(msg), NULL, &rep, err, sizeof(err)), BOUNCE_OK);
	assert_int_equal(rep->nrcpt, 2);
	for (size_t i = 0; i < rep->nrcpt; i++) {
		if (!strcmp(rep->rcpt[i].recipient, "alice@example.edu")) {
			assert_string_equal(rep->rcpt[i].reason, "networkerror");
			assert_int_equal(rep->rcpt[i].class, BOUNCE_CLASS_SOFT);
			assert_null(strstr(rep->rcpt[i].diagnostic, "Host unknown"));
			seen++;
		} else if (!strcmp(rep->rcpt[i].recipient, "bob@example.org")) {
			assert_string_equal(rep->rcpt[i].reason, "hostunknown");
			assert_int_equal(rep->rcpt[i].class, BOUNCE_CLASS_HARD);
			seen++;
		}
	}
	assert_int_equal(seen, 2);
	bounce_report_free(rep);
}

/* parse_one: msg's recipient named addr (NULL: the only one); the report
 * is kept in *repp for the caller to free. */
static const struct bounce_rcpt *parse_one(const char *msg, const char *addr, struct bounce_report **repp)
{
	char err[256];

	*repp = NULL;
	assert_int_equal(bounce_parse(msg, strlen(msg), NULL, repp, err, sizeof(err)), BOUNCE_OK);
	assert_non_null(*repp);
	if (!addr) {
		assert_int_equal((*repp)->nrcpt, 1);
		return &(*repp)->rcpt[0];
	}
	for (size_t i = 0; i < (*repp)->nrcpt; i++)
		if (!strcmp((*repp)->rcpt[i].recipient, addr))
			return &(*repp)->rcpt[i];
	fail_msg("no recipient %s", addr);
	return NULL;
}

static void expect(const char *msg, const char *addr, const char *reason, enum bounce_class cls,
		   const char *status)
{
	struct bounce_report *rep;
	const struct bounce_rcpt *r = parse_one(msg, addr, &rep);

	if (strcmp(r->reason, reason) || r->class != cls || (status && strcmp(r->status, status)))
		fail_msg("%s: got %s/%s/%s (%s), want %s/%s/%s", r->recipient, r->reason,
			 bounce_class_name(r->class), r->status, r->rule, reason, bounce_class_name(cls),
			 status ? status : "-");
	bounce_report_free(rep);
}

/* Phrases around a varying token: a 553 that names a host that does not
 * exist; IMail's "Delivery failed N attempts". A name with '@' is no host.
 * A word row: "spam" as a whole word, whatever punctuation follows
 * (amavisd-new's "- spam", Exim's "Classified as spam (score ...)"), but
 * not inside another word ("antispam", "spammy") or a list's name. */
static void test_token_phrases(void **state)
{
	(void)state;
	static const struct want cases[] = {
		{ "", "", "553 mail.example.net does not exist", "", "hostunknown", BOUNCE_CLASS_HARD, "5.0.912" },
		{ "", "", "553 mail.example.net. does not exist", "", "hostunknown", BOUNCE_CLASS_HARD, NULL },
		{ "", "", "553 alice@example.net does not exist", "", "onhold", BOUNCE_CLASS_SOFT, NULL },
		{ "", "", "553 localhost does not exist", "", "onhold", BOUNCE_CLASS_SOFT, NULL },
		{ "", "", "Delivery failed 12 attempts: alice@example.com", "", "expired", BOUNCE_CLASS_SOFT,
		  "5.0.947" },
		{ "", "", "Delivery failed many attempts", "", "onhold", BOUNCE_CLASS_SOFT, NULL },
		{ "5.0.0", "", "554 5.7.0 Reject, id=12345-01 - spam", "", "spamdetected", BOUNCE_CLASS_SOFT,
		  "5.7.0" },
		{ "5.0.0", "", "550 Classified as spam (score 17.2)", "", "spamdetected", BOUNCE_CLASS_SOFT, NULL },
		{ "5.0.0", "", "550 rejected: SPAM. See http://example.net/block", "", "spamdetected",
		  BOUNCE_CLASS_SOFT, NULL },
		{ "5.0.0", "", "550 message looks like spam: score 9", "", "spamdetected", BOUNCE_CLASS_SOFT, NULL },
		{ "5.0.0", "", "550 Message rejected by antispam gateway", "", "onhold", BOUNCE_CLASS_SOFT, NULL },
		{ "5.0.0", "", "550 spammy content", "", "onhold", BOUNCE_CLASS_SOFT, NULL },
		{ "5.0.0", "", "550 5.7.1 listed at spamhaus", "", "blocked", BOUNCE_CLASS_SOFT, NULL },
	};
	run(cases, sizeof(cases) / sizeof(cases[0]));
}

/* Providers' words made general: Exchange Online's "X wasn't found at
 * domain" (either apostrophe) is an unknown user; "No MX" as a word, what
 * ever follows it, a domain that takes no mail; inside a word it is not. */
static void test_provider_words(void **state)
{
	(void)state;
	static const struct want cases[] = {
		{ "", "", "", "Your message to alice@example.com couldn't be delivered.\nalice wasn't found at example.com.",
		  "userunknown", BOUNCE_CLASS_HARD, NULL },
		{ "", "", "", "The email address wasn\xe2\x80\x99t found at the destination domain.",
		  "userunknown", BOUNCE_CLASS_HARD, NULL },
		{ "", "", "No mx record found for domain=example.com", "", "notaccept", BOUNCE_CLASS_HARD, NULL },
		{ "", "", "No MX found for domain example.com", "", "notaccept", BOUNCE_CLASS_HARD, NULL },
		{ "", "", "Casino mx host unavailable", "", "onhold", BOUNCE_CLASS_SOFT, NULL },
	};
	run(cases, sizeof(cases) / sizeof(cases[0]));
}

/* A Sendmail transcript before the recipient's summary line is that
 * recipient's: the command and the reply it answered. */
static void test_transcript_before_recipient(void **state)
{
	static const char relay[] =
		"From: Mail Delivery Subsystem <MAILER-DAEMON@mx.example.org>\n"
		"To: bounces@bounce.example.org\nSubject: Returned mail: Remote protocol error\n\n"
		"   ----- Transcript of session follows -----\n"
		"While talking to mx.example.edu:\n"
		">>> MAIL From:<bounces@bounce.example.org>\n"
		"<<< 550 Insecure Mail Relay\n"
		"554 <alice@example.edu>... Remote protocol error\n"
		"\n   ----- Unsent message follows -----\n";
	/* a multi-line reply whose last lines name the recipient */
	static const char multiline[] =
		"From: Postmaster <postmaster@mx.example.org>\n"
		"To: bounces@bounce.example.org\nSubject: Undeliverable Mail\nX-Mailer: <SMTP32 v8.22>\n\n"
		"Body of message generated response:\n"
		"550-REJECTED - Blacklisted URL in message. (example.net) in [black].\n"
		"550-H=mx.example.org [192.0.2.1] HELO=[mx.example.org]\n"
		"550 F=[bounces@bounce.example.org] T=[alice@example.jp] S=[News]\n";
	/* a line between the transcript and the recipient: not its */
	static const char apart[] =
		"From: Mail Delivery Subsystem <MAILER-DAEMON@mx.example.org>\n"
		"To: bounces@bounce.example.org\nSubject: Returned mail: see transcript\n\n"
		"   ----- Transcript of session follows -----\n"
		"While talking to mx.example.edu:\n"
		"<<< 550 Insecure Mail Relay\n"
		"421 other.example.edu (smtp)... Deferred: Connection timed out\n"
		"554 <alice@example.edu>... 550 Host unknown\n"
		"\n   ----- Unsent message follows -----\n";

	(void)state;
	expect(relay, "alice@example.edu", "norelaying", BOUNCE_CLASS_SOFT, "5.0.909");
	expect(multiline, "alice@example.jp", "spamdetected", BOUNCE_CLASS_SOFT, "5.0.980");
	expect(apart, "alice@example.edu", "hostunknown", BOUNCE_CLASS_HARD, NULL);
}

/* A permanent refusal at the greeting that gives no other cause: the
 * server will not talk to this client (blocked); a temporary one is not. */
static void test_refused_at_connection(void **state)
{
	static const char exim[] =
		"From: Mail Delivery System <Mailer-Daemon@mx.example.org>\n"
		"To: bounces@bounce.example.org\nSubject: Mail delivery failed: returning message to sender\n\n"
		"This message was created automatically by mail delivery software.\n\n"
		"A message that you sent could not be delivered to one or more of its\n"
		"recipients. This is a permanent error. The following address(es) failed:\n\n"
		"  alice@example.com\n"
		"    SMTP error from remote mail server after initial connection:\n"
		"    host mx.example.com [192.0.2.2]: 554 mx.example.com : go away, we are full\n\n"
		"------ This is a copy of the message, including all the headers. ------\n";
	static const char exim4xx[] =
		"From: Mail Delivery System <Mailer-Daemon@mx.example.org>\n"
		"To: bounces@bounce.example.org\nSubject: Mail delivery failed: returning message to sender\n\n"
		"This message was created automatically by mail delivery software.\n\n"
		"  alice@example.com\n"
		"    SMTP error from remote mail server after initial connection:\n"
		"    host mx.example.com [192.0.2.2]: 421 mx.example.com : come back later\n\n"
		"------ This is a copy of the message, including all the headers. ------\n";
	/* Sendmail: a reply with no command before it answered the greeting */
	static const char sendmail[] =
		"From: Mail Delivery Subsystem <MAILER-DAEMON@mx.example.org>\n"
		"To: bounces@bounce.example.org\nSubject: Returned mail: see transcript for details\n"
		"MIME-Version: 1.0\n"
		"Content-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\n\n"
		"--B\nContent-Type: text/plain\n\n"
		"   ----- The following addresses had permanent fatal errors -----\n"
		"<alias@example.org>\n\n"
		"   ----- Transcript of session follows -----\n"
		"... while talking to mx.example.org.:\n"
		"<<< 554 IP=192.0.2.9 - A problem occurred.\n"
		"554 5.0.0 Service unavailable\n\n"
		"--B\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example.org\n\n"
		"Final-Recipient: RFC822; alice@example.org\nAction: failed\nStatus: 5.5.0\n"
		"Diagnostic-Code: SMTP; 554 IP=192.0.2.9 - A problem occurred.\n\n--B--\n";

	(void)state;
	expect(exim, "alice@example.com", "blocked", BOUNCE_CLASS_SOFT, "5.0.971");
	{
		struct bounce_report *rep;
		const struct bounce_rcpt *r = parse_one(exim4xx, "alice@example.com", &rep);

		assert_string_not_equal(r->reason, "blocked");
		bounce_report_free(rep);
	}
	expect(sendmail, "alice@example.org", "blocked", BOUNCE_CLASS_SOFT, "5.5.0");
}

/* "name <address>" whose name looks like an address: the bracketed one
 * is the recipient (Exim's malformed-address report). */
static void test_name_addr(void **state)
{
	static const char msg[] =
		"From: Mail Delivery System <Mailer-Daemon@mx.example.org>\n"
		"To: bounces@bounce.example.org\nSubject: Mail delivery failed\n\n"
		"A message that you sent contained one or more recipient addresses that were\n"
		"incorrectly constructed:\n\n"
		"  carol@example.com <alice@example.net>: malformed address: <alice@example.net> may not "
		"follow carol@example.com\n\n"
		"This address has been ignored.\n\n"
		"------ This is a copy of your message, including all the headers. ------\n";

	(void)state;
	expect(msg, "alice@example.net", "syntaxerror", BOUNCE_CLASS_SOFT, "5.0.902");
}

/* A recipient listed with nothing said about it (the bounce's framing
 * only): undefined, not onhold; a reason line above the address (Lotus
 * Notes) is something said. */
static void test_nothing_said(void **state)
{
	static const char listed[] =
		"From: Mail Delivery System <postmaster@mx.example.org>\n"
		"To: bounces@bounce.example.org\nSubject: Delivery Status Notification (Failure)\n\n"
		"This is an automatically generated Delivery Status Notification.\n\n"
		"Delivery to the following recipients failed permanently:\n\n"
		"   * alice@example.jp\n";
	static const char reason_above[] =
		"From: Mail Delivery System <postmaster@mx.example.org>\n"
		"To: bounces@bounce.example.org\nSubject: Delivery Status Notification (Failure)\n\n"
		"Delivery to the following recipients failed permanently:\n\n"
		"The mail server said something we do not read\n"
		"   * alice@example.jp\n";

	(void)state;
	expect(listed, "alice@example.jp", "undefined", BOUNCE_CLASS_SOFT, "5.0.900");
	expect(reason_above, "alice@example.jp", "onhold", BOUNCE_CLASS_SOFT, NULL);
}

/* Formats whose own words Sisimai's modules read: InterScan's bare
 * "Unable to deliver message to <addr>", MessageLabs' "542 <addr>
 * Rejected". */
static void test_format_defaults(void **state)
{
	static const char interscan[] =
		"From: postmaster@mx.example.org\nTo: bounces@bounce.example.org\n"
		"Subject: Mail could not be delivered\n\n"
		"****** Message from InterScan Messaging Security Suite ******\n\n"
		"The following mail could not be delivered.\n"
		"Reason:  Unable to deliver message to <alice@example.jp> (and other recipients in the same "
		"domain).\n";
	static const char messagelabs[] =
		"From: MAILER-DAEMON@messagelabs.com\nTo: bounces@bounce.example.org\n"
		"Subject: failure notice\nMIME-Version: 1.0\n"
		"Content-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\n\n"
		"--B\nContent-Type: text/plain\n\n"
		"This is the mail delivery agent at Symantec Email Security.cloud.\n\n"
		"I was unable to deliver your message to the following addresses:\n\n"
		"alice@example.com\n\nReason: 542 alice@example.com Rejected\n\n"
		"--B\nContent-Type: message/delivery-status\n\n"
		"Reporting-MTA: dns; server-1.bemta-2.messagelabs.com\n\n"
		"Action: failed\nFinal-Recipient: rfc822; alice@example.com\n\n--B--\n";

	(void)state;
	expect(interscan, "alice@example.jp", "userunknown", BOUNCE_CLASS_HARD, "5.0.911");
	expect(messagelabs, "alice@example.com", "userunknown", BOUNCE_CLASS_HARD, NULL);
}

/* Status: X.0.0 with a diagnostic that has no code (a program's exit
 * status): the one code of the same class on the reporting MTA's own
 * summary lines; not when the diagnostic has a code, nor when the summary
 * lines disagree. */
static void test_summary_status(void **state)
{
	static const char fmt[] =
		"From: Mail Delivery Subsystem <MAILER-DAEMON@mx.example.org>\n"
		"To: bounces@bounce.example.org\nSubject: Returned mail: see transcript for details\n"
		"MIME-Version: 1.0\n"
		"Content-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\n\n"
		"--B\nContent-Type: text/plain\n\n"
		"   ----- Transcript of session follows -----\n"
		"%s\n\n"
		"--B\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example.org\n\n"
		"Final-Recipient: RFC822; alice@example.org\nAction: failed\nStatus: 5.0.0\n"
		"Diagnostic-Code: %s\n\n--B--\n";
	char msg[2048];

	(void)state;
	snprintf(msg, sizeof(msg), fmt, "db connect failed\n554 5.3.0 unknown mailer error 255", "X-Unix; 255");
	expect(msg, "alice@example.org", "mailererror", BOUNCE_CLASS_SOFT, "5.3.0");
	snprintf(msg, sizeof(msg), fmt, "554 5.3.0 unknown mailer error 255\n554 5.2.2 mailbox full",
		 "X-Unix; 255");
	expect(msg, "alice@example.org", "mailererror", BOUNCE_CLASS_SOFT, "5.0.0");
	snprintf(msg, sizeof(msg), fmt, "550 5.1.1 <alice@example.org>... User unknown",
		 "SMTP; 550 5.0.0 <alice@example.org>... User unknown");
	{
		struct bounce_report *rep;
		const struct bounce_rcpt *r = parse_one(msg, "alice@example.org", &rep);

		assert_string_equal(r->status, "5.0.0");
		bounce_report_free(rep);
	}
}

/* OpenSMTPD's "Envelope expired" report deletes the envelope as it is
 * sent: final (soft, expired) though it says Action: delayed; a real
 * delay warning stays delayed. */
static void test_envelope_expired_is_final(void **state)
{
	static const char fmt[] =
		"From: Mailer Daemon <MAILER-DAEMON@mx.example.org>\n"
		"To: bounces@bounce.example.org\nSubject: Delivery status notification: delayed\n"
		"MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"B\"\n\n"
		"--B\nContent-Type: text/plain; charset=us-ascii\n\n"
		"    Hi!\n\n    This is the MAILER-DAEMON, please DO NOT REPLY to this email.\n\n"
		"    A message is delayed for more than %s for the following\n    list of recipients:\n\n"
		"alice@example.net: %s\n\n"
		"    Please note that this is only a temporary failure report.\n\n"
		"--B\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example.org\n\n"
		"Final-Recipient: rfc822; alice@example.net\nAction: delayed\nStatus: 4.4.7\n\n--B--\n";
	char msg[2048];

	(void)state;
	snprintf(msg, sizeof(msg), fmt, "0 seconds", "Envelope expired");
	expect(msg, "alice@example.net", "expired", BOUNCE_CLASS_SOFT, "4.4.7");
	snprintf(msg, sizeof(msg), fmt, "4 hours", "Network error on destination MXs");
	{
		struct bounce_report *rep;
		const struct bounce_rcpt *r = parse_one(msg, "alice@example.net", &rep);

		assert_int_equal(r->class, BOUNCE_CLASS_DELAYED);
		bounce_report_free(rep);
	}
}

/* fml's own notices (X-MLServer: fml with a Message-ID of its own): the
 * list that refused the post is the recipient; a post fml distributes
 * (its author's Message-ID) is no bounce. */
static void test_fml_notices(void **state)
{
	static const char notmember[] =
		"From: list-admin@lists.example.org\nTo: bounces@bounce.example.org\n"
		"Subject: You bounces@bounce.example.org are not member (list ML)\n"
		"Message-ID: <202611280123.FML4711.list@lists.example.org>\n"
		"X-MLServer: fml [fml 4.0.3 release (20011202/4.0.3)]\n\n"
		"You are not a member of this mailing list <list@lists.example.org>.\n\n"
		"If you know the general guide of this list, please send mail with\n"
		"the mail body\n\n\tguide\n\nto the address\n\n\tlist-ctl@lists.example.org\n";
	static const char loop[] =
		"From: list-admin@lists.example.org\nTo: list-admin@lists.example.org\n"
		"Subject: Loop Alert: Duplicated Message-ID (list ML)\n"
		"Message-ID: <202611280123.FML4712.list@lists.example.org>\n"
		"X-MLServer: fml [fml 4.0.3 release (20011202/4.0.3)]\n\n"
		"Duplicated Message-ID in <list@lists.example.org>.\n\n\n"
		"Original mail as follows:\n\n   From: <bounces@bounce.example.org>\n";
	static const char post[] =
		"From: carol@example.net\nTo: list@lists.example.org\nSubject: meeting\n"
		"Message-ID: <abc123@example.net>\n"
		"X-MLServer: fml [fml 4.0.3 release (20011202/4.0.3)]\n"
		"X-ML-Info: If you have a question, please contact list-admin@lists.example.org\n\n"
		"You are not a member of the committee yet, see you on Monday.\n";
	struct bounce_report *rep = NULL;
	char err[256];

	(void)state;
	expect(notmember, NULL, "rejected", BOUNCE_CLASS_SOFT, "5.0.918");
	assert_int_equal(bounce_parse(notmember, strlen(notmember), NULL, &rep, err, sizeof(err)), BOUNCE_OK);
	assert_string_equal(rep->rcpt[0].recipient, "list@lists.example.org");
	bounce_report_free(rep);
	expect(loop, "list@lists.example.org", "systemerror", BOUNCE_CLASS_SOFT, "5.0.930");
	assert_int_equal(bounce_parse(post, strlen(post), NULL, &rep, err, sizeof(err)), BOUNCE_OK);
	assert_int_equal(rep->kind, BOUNCE_KIND_NOTBOUNCE);
	bounce_report_free(rep);
}

/* A warning without DSN fields whose words say the message is still
 * queued is delayed (it must not count as a soft bounce); a final
 * failure's words are not. */
static void test_warning_without_dsn(void **state)
{
	static const char gmail[] =
		"From: Mail Delivery Subsystem <mailer-daemon@googlemail.com>\n"
		"To: bounces@bounce.example.org\nSubject: Delivery Status Notification (Delay)\n\n"
		"This is an automatically generated Delivery Status Notification\n\n"
		"THIS IS A WARNING MESSAGE ONLY.\n\nYOU DO NOT NEED TO RESEND YOUR MESSAGE.\n\n"
		"Delivery to the following recipient has been delayed:\n\n     alice@example.com\n\n"
		"Message will be retried for 2 more day(s)\n";
	static const char exim[] =
		"From: Mail Delivery System <Mailer-Daemon@mx.example.org>\n"
		"To: bounces@bounce.example.org\nSubject: Mail delivery failed: returning message to sender\n\n"
		"This message was created automatically by mail delivery software.\n\n"
		"A message that you sent could not be delivered to one or more of its\n"
		"recipients. This is a permanent error. The following address(es) failed:\n\n"
		"  alice@example.com\n    retry timeout exceeded\n\n"
		"------ This is a copy of the message, including all the headers. ------\n";

	/* a warning whose words name no cause: still queued, so expired
	 * (RFC 3464's "delayed" in words); one that names a cause keeps it */
	static const char retried[] =
		"From: mailer-daemon@mx.example.org\n"
		"To: bounces@bounce.example.org\nSubject: Undelivered Mail\n\n"
		"----- The following addresses had errors -----\n"
		"[Address: <alice@example.com>, ResponseCode 421, Nothing more]\n\n"
		"Message will be retried for 4 more day(s)\n";
	static const char full[] =
		"From: mailer-daemon@mx.example.org\n"
		"To: bounces@bounce.example.org\nSubject: Undelivered Mail\n\n"
		"----- The following addresses had errors -----\n"
		"[Address: <alice@example.com>, ResponseCode 452, Mailbox full]\n\n"
		"Message will be retried for 4 more day(s)\n";
	static const char said_nothing[] =
		"From: mailer-daemon@mx.example.org\n"
		"To: bounces@bounce.example.org\nSubject: Undelivered Mail\n\n"
		"----- The following addresses had errors -----\n"
		"[Address: <alice@example.com>, ResponseCode 421, Nothing more]\n";

	(void)state;
	expect(gmail, "alice@example.com", "expired", BOUNCE_CLASS_DELAYED, "4.0.947");
	expect(exim, "alice@example.com", "expired", BOUNCE_CLASS_SOFT, "5.0.947");
	expect(retried, "alice@example.com", "expired", BOUNCE_CLASS_DELAYED, NULL);
	expect(full, "alice@example.com", "mailboxfull", BOUNCE_CLASS_DELAYED, NULL);
	expect(said_nothing, "alice@example.com", "onhold", BOUNCE_CLASS_SOFT, NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_category_field),
		cmocka_unit_test(test_expiry_and_its_cause),
		cmocka_unit_test(test_quoted_reply),
		cmocka_unit_test(test_phrase_inside_phrase),
		cmocka_unit_test(test_unable_to_route),
		cmocka_unit_test(test_unknown_user_command),
		cmocka_unit_test(test_status_choice),
		cmocka_unit_test(test_host_summary_line),
		cmocka_unit_test(test_token_phrases),
		cmocka_unit_test(test_provider_words),
		cmocka_unit_test(test_transcript_before_recipient),
		cmocka_unit_test(test_refused_at_connection),
		cmocka_unit_test(test_name_addr),
		cmocka_unit_test(test_nothing_said),
		cmocka_unit_test(test_format_defaults),
		cmocka_unit_test(test_summary_status),
		cmocka_unit_test(test_envelope_expired_is_final),
		cmocka_unit_test(test_fml_notices),
		cmocka_unit_test(test_warning_without_dsn),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
