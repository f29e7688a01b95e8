/* test_bounce_rhost.c: unit tests of the remote host tables
 * (lib/bounce_rhost*.c): the tables are well formed; a provider is found
 * by the remote MTA, a host named in the error text, the recipient's
 * domain or the reporting MTA, and only on a label boundary; its codes
 * (exact, numeric ranges) and words, with status patterns (exact, either
 * class, prefix, range) and commands, give its reason; through
 * bounce_parse the reason and the --explain rule come from the table, and
 * site rules (provider=, rhost~) override it. Also a few of the general
 * phrase meanings added beside the tables (lib/bounce/tables.c). */
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
#include "bounce/rhost.h"

static void test_tables_well_formed(void **state)
{
	(void)state;
	char err[256] = "";

	if (bounce_rhost_check(err, sizeof(err)) != 0)
		fail_msg("%s", err);
	assert_true(bounce_nrhosts >= 18);
	assert_true(bounce_nrhost_rows >= 400);
}

static const char *provider_name(const struct bounce_rhost *p) { return p ? p->name : "(none)"; }

static void test_provider_by_host(void **state)
{
	(void)state;
	assert_string_equal(provider_name(bounce_rhost_provider("dns; cox.net", 0)), "cox");
	assert_string_equal(provider_name(bounce_rhost_provider("dns; MX.East.Cox.NET. [192.0.2.1]", 0)), "cox");
	assert_string_equal(provider_name(bounce_rhost_provider("notcox.net", 0)), "(none)");
	/* ".orange.fr": hosts under it only */
	assert_string_equal(provider_name(bounce_rhost_provider("smtp-in.orange.fr", 0)), "franceptt");
	assert_string_equal(provider_name(bounce_rhost_provider("orange.fr", 0)), "(none)");
	assert_string_equal(
		provider_name(bounce_rhost_provider("dns; eur01.prod.protection.outlook.com", 0)), "microsoft");
	assert_string_equal(provider_name(bounce_rhost_provider("mta7.am0.yahoodns.net", 0)), "yahooinc");
	assert_string_equal(provider_name(bounce_rhost_provider("[192.0.2.1]", 0)), "(none)");
	assert_string_equal(provider_name(bounce_rhost_provider("", 0)), "(none)");
	/* recipient domains: the provider's own only */
	assert_string_equal(provider_name(bounce_rhost_provider("Wanadoo.FR", 1)), "franceptt");
	assert_string_equal(provider_name(bounce_rhost_provider("docomo.ne.jp", 1)), "nttdocomo");
	assert_string_equal(provider_name(bounce_rhost_provider("example.com", 1)), "(none)");
	assert_string_equal(provider_name(bounce_rhost_provider("secureserver.net", 1)), "(none)");
}

static const char *reason_of(const char *remote, const char *rcpt, const char *status, const char *reply,
			     const char *cmd, const char *folded, char *why, size_t whylen)
{
	struct bounce_rhost_query q = { remote, "", rcpt, status, reply, cmd, folded, NULL };
	const struct bounce_rhost *p = bounce_rhost_provider_of(&q);
	enum bounce_reason r;

	why[0] = '\0';
	r = bounce_rhost_reason(p, &q, why, whylen);
	return r != REASON_NONE ? bounce_reason_name(r) : "(none)";
}

static void test_reasons(void **state)
{
	(void)state;
	char why[160];

	/* codes: Cox "AUP#CODE", before its words */
	assert_string_equal(reason_of("cox.net", "a@cox.net", "5.1.0", "550", "MAIL",
				      "550 5.1.0 <x@example.org> sender rejected. aup#cdrbl", why, sizeof(why)),
			    "blocked");
	assert_string_equal(why, "rhost cox: code cdrbl");
	assert_string_equal(reason_of("cox.net", "", "5.1.0", "550", "MAIL", "550 5.1.0 sender rejected", why,
				      sizeof(why)),
			    "rejected");
	/* Orange: "OFR004_416", "LPN105-104", a code that is not its own */
	assert_string_equal(reason_of("", "a@wanadoo.fr", "5.1.1", "550", "",
				      "550 5.1.1 adresse d au moins un destinataire invalide. ofr004_416", why,
				      sizeof(why)),
			    "userunknown");
	assert_string_equal(reason_of("", "a@orange.fr", "", "421", "", "too many connections, slow down. lpn105-104",
				      why, sizeof(why)),
			    "toomanyconn");
	assert_string_equal(reason_of("", "a@orange.fr", "", "550", "", "code ofr_4160 here", why, sizeof(why)),
			    "(none)");
	/* Spectrum: a numeric range of codes */
	assert_string_equal(reason_of("charter.net", "", "5.1.0", "550", "", "550 5.1.0 refused aup#i1045", why,
				      sizeof(why)),
			    "rejected");
	assert_string_equal(reason_of("charter.net", "", "5.1.0", "550", "", "550 5.1.0 refused aup#o1530", why,
				      sizeof(why)),
			    "mesgtoobig");
	/* GoDaddy "IB607" beats the general "too many recipients" */
	assert_string_equal(reason_of("smtp.secureserver.net", "", "5.1.1", "550", "RCPT",
				      "550 5.1.1 <a@example.com> - 192.0.2.2 has sent to too many recipients this "
				      "hour. ib607 <http://x.co/rlbounce>",
				      why, sizeof(why)),
			    "speeding");
	/* Microsoft: a status range with its words; the status must hold */
	assert_string_equal(reason_of("x.prod.protection.outlook.com", "", "4.7.855", "451", "",
				      "451 4.7.855 access denied, please try again later", why, sizeof(why)),
			    "blocked");
	assert_string_equal(reason_of("x.prod.protection.outlook.com", "", "4.7.855", "451", "",
				      "451 4.7.855 something else", why, sizeof(why)),
			    "(none)");
	assert_string_equal(reason_of("x.prod.protection.outlook.com", "", "5.7.1", "550", "",
				      "550 5.7.1 unable to relay", why, sizeof(why)),
			    "norelaying");
	assert_string_equal(reason_of("x.prod.protection.outlook.com", "", "5.7.2", "550", "",
				      "550 5.7.2 unable to relay", why, sizeof(why)),
			    "(none)");
	/* Outlook.com's own codes, with their reply code (a recipient's domain
	 * names the provider): SC-004 is an IP block, RP-003 a connection limit */
	assert_string_equal(reason_of("", "a@hotmail.com", "", "550", "MAIL",
				      "550 sc-004 (col0-mc1-f1) unfortunately, messages from 192.0.2.1 weren't sent.",
				      why, sizeof(why)),
			    "blocked");
	assert_string_equal(reason_of("", "a@outlook.com", "", "421", "", "421 rp-003 try again later", why,
				      sizeof(why)),
			    "toomanyconn");
	assert_string_equal(reason_of("", "a@outlook.com", "", "421", "", "421 sc-004 try again later", why,
				      sizeof(why)),
			    "(none)");
	/* Google: "X.2.2" is either class */
	assert_string_equal(reason_of("gmail-smtp-in.l.google.com", "", "4.2.2", "452", "",
				      "452 4.2.2 the email account that you tried to reach is over quota", why,
				      sizeof(why)),
			    "mailboxfull");
	assert_string_equal(reason_of("aspmx.l.google.com", "", "5.2.2", "552", "",
				      "552 5.2.2 the email account that you tried to reach is over quota", why,
				      sizeof(why)),
			    "mailboxfull");
	/* NTT DOCOMO: the status and the command answered */
	assert_string_equal(reason_of("mfsmax.docomo.ne.jp", "", "5.0.0", "550", "DATA",
				      "550 unknown user a@docomo.ne.jp", why, sizeof(why)),
			    "rejected");
	assert_string_equal(why, "rhost nttdocomo: status 5.0.0 after DATA");
	assert_string_equal(reason_of("mfsmax.docomo.ne.jp", "", "5.0.0", "550", "RCPT",
				      "550 unknown user a@docomo.ne.jp", why, sizeof(why)),
			    "userunknown");
	/* Mimecast: reply code and words */
	assert_string_equal(reason_of("us-smtp-inbound-1.mimecast.com", "", "5.0.0", "554", "",
				      "554 host network not allowed - https://community.mimecast.com/", why,
				      sizeof(why)),
			    "policyviolation");
	assert_string_equal(reason_of("us-smtp-inbound-1.mimecast.com", "", "5.0.0", "550", "",
				      "550 host network not allowed", why, sizeof(why)),
			    "(none)");
	/* the remote host named in the text when no Remote-MTA says it */
	assert_string_equal(reason_of("", "a@example.fr", "5.2.0", "550", "",
				      "a@example.fr: smtp error from remote server for text command, host: "
				      "smtp-in.orange.fr (192.0.2.65) reason: 550 5.2.0 mail rejected. ofr_506 [506]",
				      why, sizeof(why)),
			    "spamdetected");
	/* the provider's words before the recipient's line: the bounce's text */
	{
		struct bounce_rhost_query q = { "", "", "a@vtext.com", "", "", "",
						"rcpt to: a@vtext.com size (in bytes): 222",
						"Error: Invalid user address\n\nError message below:\n"
						"550 - Requested action not taken: no such user here\n" };
		const struct bounce_rhost *p = bounce_rhost_provider_of(&q);

		assert_string_equal(provider_name(p), "verizon");
		assert_int_equal(bounce_rhost_reason(p, &q, why, sizeof(why)), REASON(userunknown));
		q.text = NULL;
		assert_int_equal(bounce_rhost_reason(p, &q, why, sizeof(why)), REASON_NONE);
	}
	/* no provider, or nothing of its list */
	assert_string_equal(reason_of("mx.example.net", "a@example.net", "5.1.1", "550", "RCPT",
				      "550 5.1.1 aup#cxbl", why, sizeof(why)),
			    "(none)");
	assert_string_equal(reason_of("cox.net", "", "5.1.1", "550", "RCPT", "550 5.1.1 no such mailbox", why,
				      sizeof(why)),
			    "(none)");
}

static const char cox_dsn[] =
	"From: MAILER-DAEMON@mx.example.org (Mail Delivery System)\n"
	"To: bounces+alice=cox.net@bounce.example.org\n"
	"Subject: Undelivered Mail Returned to Sender\n"
	"MIME-Version: 1.0\n"
	"Content-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\n\n"
	"--B\nContent-Type: text/plain\n\nYour message could not be delivered.\n\n"
	"--B\nContent-Type: message/delivery-status\n\n"
	"Reporting-MTA: dns; mx.example.org\n\n"
	"Final-Recipient: rfc822; alice@cox.net\n"
	"Action: failed\nStatus: 5.1.0\nRemote-MTA: dns; cxr.mx.a.cloudfilter.net\n"
	"Diagnostic-Code: smtp; 550 5.1.0 <list@example.org> sender rejected. Refer to Error\n"
	"    Codes section at https://www.cox.com/residential/support/email-error-codes.html\n"
	"    for more information. AUP#CXBL\n\n"
	"--B--\n";

static void test_parse_and_site_rules(void **state)
{
	(void)state;
	struct bounce_report *rep = NULL;
	struct bounce_rules *rules = NULL;
	struct bounce_options opt = { 0 };
	char err[512], path[] = "/tmp/test_bounce_rhost.XXXXXX";
	int fd;
	FILE *fp;

	assert_int_equal(bounce_parse(cox_dsn, strlen(cox_dsn), NULL, &rep, err, sizeof(err)), BOUNCE_OK);
	assert_int_equal(rep->nrcpt, 1);
	assert_string_equal(rep->rcpt[0].reason, "blocked");
	assert_int_equal(rep->rcpt[0].class, BOUNCE_CLASS_SOFT);
	assert_string_equal(rep->rcpt[0].rule, "rhost cox: code cxbl");
	bounce_report_free(rep);

	/* a site rule on the provider overrides its table */
	fd = mkstemp(path);
	assert_true(fd >= 0);
	fp = fdopen(fd, "w");
	assert_non_null(fp);
	fprintf(fp, "provider=franceptt => reason=undefined\n"
		    "provider=cox text~\"aup#cxbl\" => reason=badreputation\n");
	fclose(fp);
	assert_int_equal(bounce_rules_load(path, &rules, err, sizeof(err)), 0);
	opt.rules = rules;
	assert_int_equal(bounce_parse(cox_dsn, strlen(cox_dsn), &opt, &rep, err, sizeof(err)), BOUNCE_OK);
	assert_string_equal(rep->rcpt[0].reason, "badreputation");
	assert_non_null(strstr(rep->rcpt[0].rule, ":2"));
	bounce_report_free(rep);
	bounce_rules_free(rules);

	fp = fopen(path, "w");
	assert_non_null(fp);
	fprintf(fp, "rhost~cloudfilter.net => reason=filtered\n");
	fclose(fp);
	assert_int_equal(bounce_rules_load(path, &rules, err, sizeof(err)), 0);
	opt.rules = rules;
	assert_int_equal(bounce_parse(cox_dsn, strlen(cox_dsn), &opt, &rep, err, sizeof(err)), BOUNCE_OK);
	assert_string_equal(rep->rcpt[0].reason, "filtered");
	bounce_report_free(rep);
	bounce_rules_free(rules);

	/* an unknown provider is a configuration error with FILE:LINE */
	fp = fopen(path, "w");
	assert_non_null(fp);
	fprintf(fp, "# x\nprovider=nosuchprovider => reason=blocked\n");
	fclose(fp);
	assert_int_equal(bounce_rules_load(path, &rules, err, sizeof(err)), -1);
	assert_non_null(strstr(err, ":2: provider="));
	unlink(path);
}

/* a DSN from a host no provider table names, with this status and reply */
static void check_meaning(const char *status, const char *diag, const char *reason)
{
	char msg[2048], err[256];
	struct bounce_report *rep = NULL;

	snprintf(msg, sizeof(msg),
		 "From: MAILER-DAEMON@mx.example.org\nTo: list@example.org\nSubject: failure\n"
		 "MIME-Version: 1.0\n"
		 "Content-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\n\n"
		 "--B\nContent-Type: text/plain\n\nDelivery failed.\n\n"
		 "--B\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example.org\n\n"
		 "Final-Recipient: rfc822; bob@example.net\nAction: failed\nStatus: %s\n"
		 "Remote-MTA: dns; mx.example.net\nDiagnostic-Code: smtp; %s\n\n--B--\n",
		 status, diag);
	assert_int_equal(bounce_parse(msg, strlen(msg), NULL, &rep, err, sizeof(err)), BOUNCE_OK);
	assert_int_equal(rep->nrcpt, 1);
	if (strcmp(rep->rcpt[0].reason, reason))
		fail_msg("\"%s\": got %s (%s), want %s", diag, rep->rcpt[0].reason, rep->rcpt[0].rule, reason);
	bounce_report_free(rep);
}

static void test_phrase_meanings(void **state)
{
	(void)state;
	check_meaning("5.2.2", "552 Quota violation for bob@example.net", "mailboxfull");
	check_meaning("5.0.0", "550 Quota violation for bob@example.net", "mailboxfull");
	check_meaning("4.0.0", "451 Could not load DRD for domain (example.net)", "systemerror");
	check_meaning("5.0.0", "554 Message rejected: Email address is not verified. The following "
			       "identities failed the check in region EU-WEST-1: list@example.org",
		      "norelaying");
	check_meaning("5.7.9", "550 5.7.9 Rejected", "securityerror");
	check_meaning("5.7.9", "554 5.7.9 Header error", "policyviolation");
	check_meaning("5.0.0", "550 5.0.0 Refused due to recipient preferences (in reply to end of DATA command)",
		      "filtered");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tables_well_formed),
		cmocka_unit_test(test_provider_by_host),
		cmocka_unit_test(test_reasons),
		cmocka_unit_test(test_parse_and_site_rules),
		cmocka_unit_test(test_phrase_meanings),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
