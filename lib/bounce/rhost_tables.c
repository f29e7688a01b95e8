/* rhost_tables.c: remote host tables, the data of lib/bounce/rhost.c.
 * Each provider's own documented error codes and wording, and what they
 * mean (docs/parser.md, "Remote host tables"). Adding a provider is adding
 * a bounce_rhosts row and its bounce_rhost_rows; nothing else changes.
 *
 * The facts come from the providers' postmaster pages named in each
 * provider's source field, as collected in Sisimai's lib/Sisimai/Rhost/
 * modules (p5-sisimai, BSD-2-Clause, azumakuniyuki); the rows are
 * rebound's own. Each provider's whole list is here, not only the codes
 * seen in any test corpus. Texts are lowercase, white space folded. */
#include "rhost.h"

#include <stddef.h>

const struct bounce_rhost bounce_rhosts[] = {
	{ "apple", ".mail.icloud.com .apple.com .me.com", "icloud.com me.com mac.com", NULL, 0,
	  "https://support.apple.com/en-us/102322 (iCloud Mail postmaster); Sisimai Rhost::Apple" },
	{ "aol", ".aol.com", "aol.com", NULL, 0, "Sisimai Rhost::Aol (AOL's resolver errors)" },
	{ "cloudflare", ".mx.cloudflare.net", NULL, NULL, 0,
	  "https://developers.cloudflare.com/email-routing/postmaster/; Sisimai Rhost::Cloudflare" },
	{ "cox", "cox.net", "cox.net", "aup#([0-9a-z]+)", 1,
	  "https://www.cox.com/residential/support/email-error-codes.html; Sisimai Rhost::Cox" },
	{ "facebook", "facebook.com", "facebook.com",
	  "(^|[^a-z])((pol|msg|rcp|dns|con|int)-[pt][0-9])", 2,
	  "https://www.facebook.com/postmaster/response_codes; Sisimai Rhost::Facebook" },
	{ "franceptt", ".laposte.net .orange.fr .wanadoo.fr", "laposte.net orange.fr wanadoo.fr",
	  "(^|[^a-z0-9])(lpn|ofr|ouk)[0-9]{0,3}[-_]([0-9]{3})([^0-9]|$)", 3,
	  "Orange and La Poste reply texts (\"OFR_416\", \"LPN007_426\"); Sisimai Rhost::FrancePTT" },
	{ "godaddy", "smtp.secureserver.net mailstore1.secureserver.net", NULL,
	  "(^|[^a-z0-9])(ib[0-9]{3})([^0-9]|$)", 2,
	  "https://www.godaddy.com/help/what-does-my-email-bounceback-mean-3568; Sisimai Rhost::GoDaddy" },
	{ "google", "aspmx.l.google.com gmail-smtp-in.l.google.com", "gmail.com googlemail.com", NULL, 0,
	  "https://support.google.com/a/answer/3726730 (SMTP error reference); Sisimai Rhost::Google" },
	{ "iua", ".email.ua", "i.ua email.ua", "\\.i\\.ua/err/([0-9]+)", 1,
	  "https://mail.i.ua/err/NN; Sisimai Rhost::IUA" },
	{ "kddi", ".ezweb.ne.jp msmx.au.com", "ezweb.ne.jp au.com", NULL, 0, "au (KDDI) replies; Sisimai Rhost::KDDI" },
	{ "messagelabs", ".messagelabs.com", NULL, NULL, 0,
	  "https://knowledge.broadcom.com/external/article/169652 (Email Security.cloud); "
	  "Sisimai Rhost::MessageLabs" },
	{ "microsoft", ".prod.outlook.com .protection.outlook.com", "outlook.com hotmail.com", NULL, 0,
	  "https://learn.microsoft.com/en-us/Exchange/mail-flow-best-practices/non-delivery-reports-in-"
	  "exchange-online/non-delivery-reports-in-exchange-online; https://technet.microsoft.com/en-us/"
	  "library/bb232118; Sisimai Rhost::Microsoft" },
	{ "mimecast", ".mimecast.com", NULL, NULL, 0,
	  "https://community.mimecast.com/s/article/Mimecast-SMTP-Error-Codes-842605754; Sisimai Rhost::Mimecast" },
	{ "nttdocomo", "mfsmax.docomo.ne.jp", "docomo.ne.jp", NULL, 0, "NTT DOCOMO replies; Sisimai Rhost::NTTDOCOMO" },
	{ "spectrum", "charter.net", "charter.net", "aup#[-a-z]*([0-9]{4})", 1,
	  "https://www.spectrumbusiness.net/support/internet/understanding-email-error-codes; "
	  "Sisimai Rhost::Spectrum" },
	{ "tencent", ".qq.com", "qq.com foxmail.com", NULL, 0,
	  "https://service.mail.qq.com/detail/122; Sisimai Rhost::Tencent" },
	{ "verizon", ".vtext.com .vzwpix.com", "vtext.com vzwpix.com", NULL, 0,
	  "Verizon Wireless's mail-to-SMS/MMS gateways' replies; Sisimai Lhost::Verizon" },
	{ "yahooinc", ".yahoodns.net", NULL, NULL, 0,
	  "https://senders.yahooinc.com/smtp-error-codes; Sisimai Rhost::YahooInc" },
	{ "zoho", ".zoho.com .zoho.eu", "zoho.com zohomail.com", NULL, 0,
	  "https://www.zoho.com/mail/help/spam-reason.html; Sisimai Rhost::Zoho" },
};
const size_t bounce_nrhosts = sizeof(bounce_rhosts) / sizeof(bounce_rhosts[0]);

/* provider, status, reply, command, code, text, reason (a name of
 * reasons.h: REASON(reason)) */
#define T(p, text, reason) { p, NULL, NULL, NULL, NULL, text, REASON(reason) }
#define C(p, code, reason) { p, NULL, NULL, NULL, code, NULL, REASON(reason) }
#define S(p, status, text, reason) { p, status, NULL, NULL, NULL, text, REASON(reason) }
#define R(p, reply, text, reason) { p, NULL, reply, NULL, NULL, text, REASON(reason) }

const struct bounce_rhost_row bounce_rhost_rows[] = {
	/* Apple iCloud Mail */
	T("apple", "s dmarc policy", authfailure),
	T("apple", "blocked for failing both spf and dkim", authfailure),
	T("apple", "rejected due to having a domain present in the spamhaus", blocked),
	T("apple", "rejected due to listing in spamhaus", blocked),
	T("apple", "blocked - see https://support.proofpoint.com/dnsbl-lookup", blocked),
	T("apple", "not accepting connections", blocked),
	T("apple", "recipient no longer on server", hasmoved),
	T("apple", "user is over quota", mailboxfull),
	T("apple", "relay access denied", norelaying),
	T("apple", "host/domain does not accept mail", notaccept),
	T("apple", "due to local policy", policyviolation),
	T("apple", "sender address rejected", rejected),
	T("apple", "due to excessive volume", speeding),
	T("apple", "inactive email address", userunknown),
	T("apple", "user does not exist", userunknown),
	T("apple", "unknown or illegal alias", userunknown),

	/* AOL: its resolver's words */
	T("aol", "host or domain name not found", hostunknown),
	/* Postfix src/dns/dns_lookup.c writes "Name service error for name=%s type=%s:
	 * Malformed or unexpected name server reply" for a DNS lookup that failed
	 * otherwise than "not found": here the MX lookup of the AOL domain */
	T("aol", "type=mx: malformed or unexpected name server reply", notaccept),

	/* Cloudflare Email Routing */
	T("cloudflare", "found on one or more dnsbls", blocked),
	T("cloudflare", "found on one or more rbls", blocked),
	T("cloudflare", "upstream error", systemerror),

	/* Cox: "AUP#CODE" */
	C("cox", "cxbl", blocked),     /* IP blocked for spam-like behaviour */
	C("cox", "cxdns", requireptr), /* reverse DNS of the IP fails */
	C("cox", "cxsndr", authfailure), /* SPF/DKIM of the sender's domain */
	C("cox", "cxsmtp", rejected),  /* SMTP protocol violation, sender not verified */
	C("cox", "cxcnct", toomanyconn), /* concurrent connections per IP */
	C("cox", "cxmxrt", toomanyconn), /* too many recipients, wait */
	C("cox", "cdrbl", blocked),    /* temporary block for spam-like behaviour */
	C("cox", "cxthrt", securityerror), /* sending limited: suspicious account activity */
	C("cox", "cxmj", securityerror),
	C("cox", "ipbl0001", blocked), C("cox", "ipbl0010", blocked), C("cox", "ipbl0100", blocked),
	C("cox", "ipbl0011", blocked), C("cox", "ipbl0101", blocked), C("cox", "ipbl0110", blocked),
	C("cox", "ipbl0111", blocked), C("cox", "ipbl1000", blocked), C("cox", "ipbl1001", blocked),
	C("cox", "ipbl1010", blocked), C("cox", "ipbl1011", blocked), C("cox", "ipbl1100", blocked),
	C("cox", "ipbl1101", blocked), C("cox", "ipbl1110", blocked), C("cox", "ipbl1111", blocked),
	C("cox", "ipbl00001", blocked),
	C("cox", "urlbl011", spamdetected), C("cox", "urlbl101", spamdetected),
	C("cox", "urlbl110", spamdetected), C("cox", "urlbl1001", spamdetected),
	T("cox", "cox too many bad commands from", blocked),
	T("cox", "too many invalid recipients", blocked),
	T("cox", "dns check failure - try again later", requireptr),
	T("cox", "rejected - no rdns", requireptr),
	T("cox", "esmtp no data before greeting", policyviolation),
	T("cox", "attachment extension is forbidden", policyviolation),
	T("cox", "sender rejected", rejected),
	T("cox", "esmtp server temporarily not available", systemerror),
	T("cox", "too many sessions from", toomanyconn),
	T("cox", "requested action aborted: try again later", toomanyconn),
	T("cox", "message threshold exceeded", toomanyconn),
	T("cox", "recipient rejected", userunknown),

	/* Facebook: "RCP-P1" style codes */
	C("facebook", "pol-p7", authfailure), /* domain authentication requirements */
	C("facebook", "pol-p1", blocked), C("facebook", "pol-p2", blocked),
	C("facebook", "pol-p3", blocked), C("facebook", "pol-p4", blocked),
	C("facebook", "pol-t1", blocked), C("facebook", "pol-t2", blocked),
	C("facebook", "pol-t3", blocked),
	C("facebook", "msg-p2", contenterror), /* attachment type not accepted */
	C("facebook", "rcp-p2", filtered),     /* the recipient's preferences */
	C("facebook", "rcp-p3", filtered),     /* the recipient's privacy settings */
	C("facebook", "msg-p1", mesgtoobig), C("facebook", "int-p2", mesgtoobig),
	C("facebook", "msg-p3", notcompliantrfc), /* a header field repeated */
	C("facebook", "dns-p1", rejected), C("facebook", "dns-p2", rejected),
	C("facebook", "dns-t1", rejected), /* MAIL FROM domain missing or without MX */
	C("facebook", "dns-p3", requireptr), C("facebook", "dns-t2", requireptr),
	C("facebook", "pol-p6", spamdetected), /* a blocked URL */
	C("facebook", "rcp-t4", suspend),      /* address deactivated */
	C("facebook", "rcp-t1", systemerror),
	C("facebook", "con-t1", toomanyconn), C("facebook", "con-t2", toomanyconn),
	C("facebook", "con-t3", toomanyconn), C("facebook", "con-t4", toomanyconn),
	C("facebook", "msg-t1", toomanyconn),
	C("facebook", "rcp-p1", userunknown), C("facebook", "int-p1", userunknown),
	C("facebook", "int-p3", userunknown), C("facebook", "int-p4", userunknown),
	C("facebook", "pol-p5", virusdetected),

	/* Orange, Wanadoo, La Poste: "OFR_416", "LPN007_426", "OUK_513" */
	C("franceptt", "102", blocked),      /* IP blocked for spamming issues */
	C("franceptt", "103", blocked),      /* service refused */
	C("franceptt", "104", toomanyconn),  /* too many connections, slow down */
	C("franceptt", "105", undefined),    /* try again later: no cause given */
	C("franceptt", "108", undefined),    /* "421 service refused errors such as OFR_108":
					 * a temporary refusal, no cause given (www.suped.com/learn/
					 * email-deliverability/what-to-do-when-orangefr-is-having-email-delivery-issues) */
	C("franceptt", "109", undefined),
	C("franceptt", "201", undefined),
	C("franceptt", "305", securityerror), /* invalid authentication code */
	C("franceptt", "401", blocked),       /* SPF: not allowed to send */
	C("franceptt", "402", securityerror), /* authentication required */
	C("franceptt", "403", rejected),      /* invalid sender */
	C("franceptt", "405", rejected),
	C("franceptt", "415", rejected),
	C("franceptt", "416", userunknown),   /* invalid recipient */
	C("franceptt", "417", mailboxfull),   /* recipient over quota */
	C("franceptt", "418", userunknown),
	C("franceptt", "420", suspend),       /* archived recipient */
	C("franceptt", "421", rejected),      /* mail from not owned by user */
	C("franceptt", "423", undefined),
	C("franceptt", "424", undefined),
	C("franceptt", "426", suspend),       /* recipient account blocked */
	C("franceptt", "505", systemerror),   /* service refused, try later */
	C("franceptt", "506", spamdetected),  /* mail rejected */
	C("franceptt", "510", blocked),
	C("franceptt", "513", undefined),
	C("franceptt", "514", mesgtoobig),    /* message size limit */
	C("franceptt", "999", blocked),       /* service refused: "421 OFR_999 IP Suspended (2 Hours)",
					 * the sending IP suspended after earlier breaches
					 * (bentonow.com/smtp-errors/orange/ofr-999) */

	/* GoDaddy: "IBnnn" */
	C("godaddy", "ib401", securityerror), /* authentication not allowed inbound */
	C("godaddy", "ib501", notcompliantrfc), /* blank From: */
	C("godaddy", "ib502", notcompliantrfc), /* IP address as From: */
	C("godaddy", "ib506", rejected),      /* From: domain invalid */
	C("godaddy", "ib508", authfailure),   /* SPF */
	C("godaddy", "ib108", requireptr),    /* reverse DNS failed */
	C("godaddy", "ib212", spamdetected),
	C("godaddy", "ib705", virusdetected),
	C("godaddy", "ib605", toomanyconn),   /* too many recipients in the message */
	C("godaddy", "ib007", toomanyconn),   /* too many sessions from this IP */
	C("godaddy", "ib101", speeding),      /* server temporarily unavailable: volume */
	C("godaddy", "ib110", blocked), C("godaddy", "ib111", blocked),
	C("godaddy", "ib112", blocked), C("godaddy", "ib113", blocked),
	C("godaddy", "ib504", speeding),      /* too many messages this hour */
	C("godaddy", "ib510", speeding),      /* too many messages this session */
	C("godaddy", "ib607", speeding),      /* too many recipients this hour */
	C("godaddy", "ib103", badreputation), /* poor reputation at Cloudmark CSI */
	C("godaddy", "ib104", blocked), C("godaddy", "ib105", blocked),
	C("godaddy", "ib106", blocked),       /* Spamhaus SBL, XBL, PBL */
	T("godaddy", "rbl reject", blocked),
	T("godaddy", "www.spamhaus.org/query/bl?ip=", blocked),
	T("godaddy", "has been in the queue too long", expired),
	T("godaddy", "delivery timeout", expired),
	T("godaddy", "account storage limit", mailboxfull),
	T("godaddy", "message rejected for spam or virus content", spamdetected),
	T("godaddy", "account disabled", suspend),
	T("godaddy", "message is looping", systemerror),
	T("godaddy", "recipient not found", userunknown),
	T("godaddy", "account does not exist", userunknown),

	/* Google (Gmail, Workspace): status and words together */
	S("google", "X.7.24", "the spf record of the sending domain", authfailure),
	S("google", "X.7.26", "senders to authenticate with either spf or dkim", authfailure),
	S("google", "5.7.26", "fails to pass spf checks for an spf record with a hard fail", authfailure),
	S("google", "5.7.26", "has an spf record with a hard fail policy", authfailure),
	S("google", "X.7.26", "is not accepted due to domain's dmarc policy", authfailure),
	S("google", "5.7.1", "fails to pass authentication checks", authfailure),
	S("google", "5.7.26", "fails to pass authentication checks", authfailure),
	S("google", "X.7.27", "senders to authenticate with spf", authfailure),
	S("google", "4.7.27", "senders to authenticate their email with spf", authfailure),
	S("google", "4.7.30", "senders to authenticate their email with dkim", authfailure),
	S("google", "5.7.30", "senders to authenticate with dkim", authfailure),
	S("google", "4.7.32", "aligned with either the authenticated spf or dkim", authfailure),
	S("google", "4.7.0", "very low reputation of the sending ip address", badreputation),
	S("google", "4.7.0", "very low reputation of the sending domain", badreputation),
	S("google", "5.7.1", "due to the very low reputation of the sending ip address", badreputation),
	S("google", "5.7.1", "due to the very low reputation of the sending domain", badreputation),
	S("google", "4.7.0", "ip not in whitelist for rcpt domain", blocked),
	S("google", "4.7.0", "try again later, closing connection.", blocked),
	S("google", "5.5.4", "empty helo/ehlo argument not allowed", blocked),
	S("google", "5.5.4", "helo/ehlo argument is invalid", blocked),
	S("google", "4.7.0", "an unusual rate of unsolicited mail", blocked),
	S("google", "4.7.28", "an unusual rate of mail", blocked),
	S("google", "5.7.1", "an unusual rate of unsolicited mail", blocked),
	S("google", "5.7.28", "an unusual rate of unsolicited mail", blocked),
	S("google", "5.2.3", "exceeded google's message size limits", exceedlimit),
	S("google", "5.3.4", "exceeds google's limit of limit attachments.", exceedlimit),
	S("google", "5.3.4", "your message exceeded google's message header size limits", exceedlimit),
	S("google", "5.3.4", "bytes per individual header size", exceedlimit),
	S("google", "5.3.4", "exceeds google's header name limit of", exceedlimit),
	S("google", "5.3.4", "exceeds google's message header size limit", exceedlimit),
	S("google", "4.7.0", "connection expired", expired),
	S("google", "4.4.2", "timeout - closing connection", expired),
	/* TLS required (Sisimai 5.2's failedstarttls; securityerror here) */
	S("google", "5.7.0", "must issue a starttls command first", securityerror),
	S("google", "5.5.1", "starttls may not be repeated", securityerror),
	S("google", "4.7.0", "tls required for rcpt domain", securityerror),
	S("google", "X.7.29", "senders to use tls/ssl for smtp", securityerror),
	S("google", "4.2.2", "inbox is out of storage space", mailboxfull),
	S("google", "5.2.2", "inbox is out of storage space and inactive", mailboxfull),
	S("google", "X.2.2", "is over quota", mailboxfull),
	S("google", "5.7.1", "email quota exceeded", mailboxfull),
	S("google", "5.3.4", "exceeded google's message size limits", mesgtoobig),
	S("google", "5.3.4", "exceeds google's message size limit of", mesgtoobig),
	S("google", "5.4.6", "message exceeded 50 hops", networkerror),
	S("google", "5.6.0", "message exceeded 50 hops", networkerror),
	S("google", "5.7.0", "mail relay denied", norelaying),
	S("google", "5.7.1", "invalid credentials for relay", norelaying),
	S("google", "5.7.1", "is not authorized to send email directly to our servers", norelaying),
	S("google", "5.7.1", "missing a valid address in the from: header", notcompliantrfc),
	S("google", "5.7.1", "multiple addresses in from: header are not accepted", notcompliantrfc),
	S("google", "5.7.1", "is not rfc 5322 compliant", notcompliantrfc),
	S("google", "5.7.1", "missing a valid message-id: header", notcompliantrfc),
	S("google", "5.7.1", "contains a unicode character in a disallowed header", notcompliantrfc),
	S("google", "5.7.1", "encoded-word syntax is not permitted", notcompliantrfc),
	S("google", "5.1.7", "is not a valid rfc 5321 address", notcompliantrfc),
	S("google", "5.6.0", "mail message is malformed", notcompliantrfc),
	S("google", "5.7.0", "illegal attachment on your message", policyviolation),
	S("google", "5.7.0", "blocked because its content presents a potential security issue", policyviolation),
	S("google", "5.7.1", "you are sending to (or from) has a policy that prohibited", policyviolation),
	S("google", "4.7.28", "sending messages with the same message-id:", policyviolation),
	S("google", "5.7.0", "mail sending denied", rejected),
	S("google", "5.7.1", "unauthenticated email is not accepted", rejected),
	S("google", "4.7.0", "does not have a ptr record", requireptr),
	S("google", "4.7.23", " have a ptr record, or the ptr record", requireptr),
	S("google", "5.7.1", "does not meet ipv6 sending guidelines regarding ptr records and authentication",
	  requireptr),
	S("google", "5.7.25", "does not have a ptr record", requireptr),
	S("google", "5.7.25", "does not match the ip address of the hostname", requireptr),
	S("google", "4.7.0", "too many login attempts", securityerror),
	S("google", "5.5.2", "cannot decode response", securityerror),
	S("google", "5.7.0", "no identity changes permitted", securityerror),
	S("google", "5.5.1", "authentication required.", securityerror),
	S("google", "5.7.0", "authentication required.", securityerror),
	S("google", "5.7.1", "application-specific password required", securityerror),
	S("google", "5.7.9", "application-specific password required", securityerror),
	S("google", "5.7.1", "please log in with your web browser", securityerror),
	S("google", "5.7.9", "please log in with your web browser", securityerror),
	S("google", "5.7.14", "please log in through your web browser", securityerror),
	S("google", "5.7.1", "username and password not accepted", securityerror),
	S("google", "5.7.8", "username and password not accepted", securityerror),
	S("google", "4.7.0", "due to the nature of the content or the links within", spamdetected),
	S("google", "5.7.1", "likely unsolicited mail", spamdetected),
	S("google", "4.2.1", "is receiving mail too quickly", speeding),
	S("google", "4.2.1", "peak smtp relay limit exceeded for customer", speeding),
	S("google", "X.2.1", "rate that prevents additional messages from being delivered", speeding),
	S("google", "5.4.5", "daily sending quota exceeded", speeding),
	S("google", "5.4.5", "daily user sending limit exceeded", speeding),
	S("google", "5.4.5", "daily smtp relay limit exceeded for", speeding),
	S("google", "5.7.1", "daily smtp relay limit exceeded for", speeding),
	S("google", "5.7.1", "daily smtp relay sending limit exceeded for", speeding),
	S("google", "5.7.1", "this mail has been rate limited", speeding),
	S("google", "5.2.1", "account that you tried to reach is disabled", suspend),
	S("google", "5.2.1", "account that you tried to reach is inactive", suspend),
	S("google", "4.5.0", "smtp protocol violation", syntaxerror),
	S("google", "5.7.10", "smtp protocol violation", syntaxerror),
	S("google", "5.5.4", "optional argument not permitted", syntaxerror),
	S("google", "5.7.11", "syntax error", syntaxerror),
	S("google", "5.5.2", "syntax error", syntaxerror),
	S("google", "5.5.1", "too many unrecognized commands, goodbye", syntaxerror),
	S("google", "5.5.1", "unimplemented command", syntaxerror),
	S("google", "5.5.1", "unrecognized command", syntaxerror),
	S("google", "5.5.1", "bad sequence of commands", syntaxerror),
	S("google", "5.5.1", "ehlo/helo first", syntaxerror),
	S("google", "5.5.1", "mail first", syntaxerror),
	S("google", "5.5.1", "rcpt first", syntaxerror),
	S("google", "5.5.1", "no data after bdat", syntaxerror),
	S("google", "5.7.4", "unrecognized authentication type", syntaxerror),
	S("google", "5.7.4", "xoauth is no longer supported", syntaxerror),
	S("google", "5.7.0", "too many unauthenticated commands", syntaxerror),
	S("google", "4.3.0", "temporary system problem", systemerror),
	S("google", "4.7.0", "temporary system problem", systemerror),
	S("google", "4.4.5", "server busy", systemerror),
	S("google", "4.3.0", "multiple destination domains per transaction is unsupported", systemerror),
	S("google", "4.3.0", "mail server has temporarily rejected this message", systemerror),
	S("google", "4.3.0", "mail server temporarily rejected message", systemerror),
	S("google", "4.5.3", "domain policy size per transaction exceeded", systemerror),
	S("google", "4.7.0", "cannot authenticate due to temporary system problem", systemerror),
	S("google", "4.5.3", "your message has too many recipients", toomanyconn),
	S("google", "5.5.3", "too many recipients for this sender", toomanyconn),
	S("google", "5.1.1", "the email account that you tried to reach does not exist", userunknown),
	S("google", "5.1.2", "we weren't able to find the recipient domain", userunknown),
	S("google", "5.1.3", "is not a valid rfc 5321 address", userunknown),

	/* i.ua: "https://mail.i.ua/err/N/" */
	C("iua", "1", norelaying),  /* SMTP as a mail gate is forbidden */
	C("iua", "2", userunknown), /* user not found */
	C("iua", "3", suspend),     /* mailbox unused for more than 3 months */
	C("iua", "4", mailboxfull),
	C("iua", "5", toomanyconn), /* sending limit exceeded */
	C("iua", "6", norelaying),  /* use your provider's SMTP */
	C("iua", "7", blocked),     /* wrong HELO/EHLO */
	C("iua", "8", rejected),    /* sender address not verifiable */
	C("iua", "9", blocked),     /* sender's IP blacklisted */
	C("iua", "10", filtered),   /* not in the recipient's address list */

	/* au (KDDI): "550 : User unknown" is its filter, "550 <addr>: User unknown" a missing user */
	T("kddi", "550 : user unknown", filtered),
	T("kddi", ">: user unknown", userunknown),

	/* Broadcom Email Security.cloud (MessageLabs) */
	T("messagelabs", "domain authentication fail", authfailure),
	T("messagelabs", "connection rejected by policy", badreputation),
	T("messagelabs", "mail rejected because your ip is in the pbl", blocked),
	T("messagelabs", "your ip address has been ", blocked),
	T("messagelabs", "your ip address (ip-addr) has been blocked", blocked),
	T("messagelabs", "your email address (addr) has been blocked", blocked),
	T("messagelabs", "stray linefeeds in message", contenterror),
	T("messagelabs", "tls/sslv3 connection required", securityerror),
	T("messagelabs", " as a relay, ", norelaying),
	T("messagelabs", "550 requested action aborted [4]", notcompliantrfc),
	T("messagelabs", "has detected that this message is not rfc 5322", notcompliantrfc),
	T("messagelabs", "sender envelope domain not allowed for sender ip address", rejected),
	T("messagelabs", "your domain has been blocked", rejected),
	T("messagelabs", "your email address has been blocked", rejected),
	T("messagelabs", "your envelope sender is in my badmailfrom list", rejected),
	T("messagelabs", "your email address has been blacklisted", rejected),
	T("messagelabs", "your domain has been blacklisted", rejected),
	T("messagelabs", "please turn on smtp authentication in your mail client", securityerror),
	T("messagelabs", "message filtered", spamdetected),
	T("messagelabs", "filtered by outbound scanning", spamdetected),
	T("messagelabs", "too many recipients received this hour", toomanyconn),
	T("messagelabs", "too many messages", toomanyconn),
	/* its own delivery agent's "Reason: 542 <address> Rejected": the
	 * recipient refused; no Broadcom list names 542, the reading is
	 * Sisimai's (Lhost::MessageLabs) */
	R("messagelabs", "542", " rejected", userunknown),
	T("messagelabs", "no such user", userunknown),
	T("messagelabs", "invalid recipient", userunknown),
	T("messagelabs", "mailbox is not allowed", userunknown),

	/* Microsoft: Exchange Server and Exchange Online (status and words) */
	S("microsoft", "4.7.26", "must pass either spf or dkim validation, this message is not signed", authfailure),
	S("microsoft", "X.7.323", "tlsa-invalid: the domain failed dane validation", authfailure),
	S("microsoft", "X.7.324", "dnssec-invalid: destination domain returned invalid dnssec records", authfailure),
	S("microsoft", "X.7.325", "certificate-host-mismatch: remote certificate must have a common name", authfailure),
	S("microsoft", "5.7.23", "the message was rejected because of sender policy framework violation", authfailure),
	S("microsoft", "5.7.322", "certificate-expired: destination mail server's certificate is expired", authfailure),
	S("microsoft", "5.7.509", "does not pass dmarc verification", authfailure),
	S("microsoft", "4.7.650", "has been temporarily rate limited due to ip reputation", badreputation),
	S("microsoft", "4.4.2", "connection dropped", blocked),
	S("microsoft", "4.7.850-899", "access denied, please try again later", blocked),
	S("microsoft", "5.7.25", "must have a reverse dns record", blocked),
	S("microsoft", "5.7.506", "access denied, bad helo", blocked),
	S("microsoft", "5.7.507", "access denied, rejected by recipient", blocked),
	S("microsoft", "5.7.510", "does not accept email over ipv6", blocked),
	S("microsoft", "5.7.511", "access denied, banned sender", blocked),
	S("microsoft", "5.7.513", "using customer block list", blocked),
	S("microsoft", "5.7.606-649", "access denied, banned sending ip ", blocked),
	S("microsoft", "4.7.500-699", "access denied, please try again later", blocked),
	S("microsoft", "5.5.4", "invalid domain name", blocked),
	S("microsoft", "5.7.51", "restrictdomainstoipaddresses or restrictdomainstocertificate", blocked),
	S("microsoft", "5.7.1", "part of their network is on our block list (s3150)", blocked),
	S("microsoft", "5.3.0", "too many related errors", contenterror),
	S("microsoft", "5.6.11", "invalid characters", contenterror),
	S("microsoft", "5.4.11", "agent generated message depth exceeded", contenterror),
	S("microsoft", "5.5.6", "invalid message content", contenterror),
	S("microsoft", "5.2.3", "resolver.rst.recipsizelimit; message too large for this recipient", exceedlimit),
	S("microsoft", "4.4.1", "connection timed out", expired),
	S("microsoft", "4.4.7", "message delayed", expired),
	S("microsoft", "4.4.7", "queue expired; message expired", expired),
	S("microsoft", "4.4.7", "message expired", expired),
	S("microsoft", "5.4.300", "message expired", expired),
	S("microsoft", "5.2.2", "mailbox full", mailboxfull),
	S("microsoft", "5.3.4", "message size exceeds fixed maximum message size", mesgtoobig),
	S("microsoft", "5.3.4", "message too big for system", mesgtoobig),
	S("microsoft", "5.4.4", "smtpsend.dns.nonexistentdomain; nonexistent domain", networkerror),
	S("microsoft", "5.4.6", "hop count exceeded - possible mail loop", networkerror),
	S("microsoft", "4.4.316", "connection refused", networkerror),
	S("microsoft", "5.4.4", "invalid arguments", networkerror),
	S("microsoft", "5.4.6", "routing loop detected", networkerror),
	S("microsoft", "5.4.14", "routing loop detected", networkerror),
	S("microsoft", "5.7.1", "unable to relay", norelaying),
	S("microsoft", "5.4.1", "relay access denied", norelaying),
	S("microsoft", "5.7.64", "tenantattribution; relay access denied", norelaying),
	S("microsoft", "5.4.310", "does not exist", norelaying),
	S("microsoft", "4.3.2", "system not accepting network messages", notaccept),
	S("microsoft", "5.3.2", "storedrv.deliver: missing or bad storedriver mdb properties", notaccept),
	S("microsoft", "5.0.350", "x-dg-ref header is too long", policyviolation),
	S("microsoft", "5.0.350", "requested action not taken: policy violation detected (as345)", policyviolation),
	S("microsoft", "5.7.900-999", "delivery not authorized, message refused", policyviolation),
	S("microsoft", "5.1.7", "invalid address", rejected),
	S("microsoft", "5.1.7", "unknown sender address", rejected),
	S("microsoft", "5.1.0", "sender denied", rejected),
	S("microsoft", "5.1.8", "access denied, bad outbound sender", rejected),
	S("microsoft", "5.7.1", "delivery not authorized", rejected),
	S("microsoft", "5.7.12", "sender was not authenticated by organization", rejected),
	S("microsoft", "5.7.124", "sender not in allowed-senders list", rejected),
	S("microsoft", "5.7.133", "sender not authenticated for group", rejected),
	S("microsoft", "5.7.134", "sender was not authenticated for mailbox", rejected),
	S("microsoft", "5.7.13", "sender was not authenticated for public folder", rejected),
	S("microsoft", "5.7.135", "sender was not authenticated for public folder", rejected),
	S("microsoft", "5.7.136", "sender was not authenticated", rejected),
	S("microsoft", "5.7.501-503", "access denied, spam abuse detected", rejected),
	S("microsoft", "5.7.512", "access denied, message must be rfc 5322 section 3.6.2 compliant", rejected),
	S("microsoft", "5.7.750", "client blocked from sending from unregistered domains", rejected),
	S("microsoft", "5.7.501-503", "access denied, banned sender", rejected),
	S("microsoft", "5.7.3", "cannot achieve exchange server authentication", securityerror),
	S("microsoft", "5.7.3", "not authorized", securityerror),
	S("microsoft", "X.4.317", "starttls is required to send mail", securityerror),
	S("microsoft", "X.7.321", "starttls-not-supported: destination mail server must support tls", securityerror),
	S("microsoft", "5.7.1", "client was not authenticated", securityerror),
	S("microsoft", "5.7.57", "client was not authenticated to send anonymous mail during mail from", securityerror),
	S("microsoft", "5.2.1", "content filter agent quarantined this message", spamdetected),
	S("microsoft", "4.3.2", "storedrv.deliver; recipient thread limit exceeded", speeding),
	S("microsoft", "5.1.90", "you've reached your daily limit for message recipients", speeding),
	S("microsoft", "5.2.2", "submission quota exceeded", speeding),
	S("microsoft", "5.2.121", "recipient's per hour message receive limit from specific sender exceeded", speeding),
	S("microsoft", "5.2.122", "recipient's per hour message receive limit exceeded", speeding),
	S("microsoft", "5.7.508", "has exceeded permitted limits within", speeding),
	S("microsoft", "5.7.700-749", "access denied, tenant has exceeded threshold", speeding),
	S("microsoft", "5.7.700-749", "access denied, traffic not accepted from this ip", speeding),
	S("microsoft", "5.7.504", "recipient address rejected: access denied", suspend),
	S("microsoft", "5.7.505", "access denied, banned recipient", suspend),
	S("microsoft", "5.2.1", "mailbox cannot be accessed", suspend),
	S("microsoft", "5.3.3", "unrecognized command", syntaxerror),
	S("microsoft", "5.5.2", "send hello first", syntaxerror),
	S("microsoft", "4.3.2", "service not available", systemerror),
	S("microsoft", "4.3.2", "service not active", systemerror),
	S("microsoft", "5.3.5", "system incorrectly configured", systemerror),
	S("microsoft", "5.3.190", "journaling on-premises messages to microsoft 365 or office 365 not supported",
	  systemerror),
	S("microsoft", "5.0.0", "helo / ehlo requires domain address", systemerror),
	S("microsoft", "5.1.4", "destination mailbox address ambiguous", systemerror),
	S("microsoft", "5.2.4", "mailing list expansion problem", systemerror),
	S("microsoft", "5.2.14", "misconfigured forwarding address", systemerror),
	S("microsoft", "4.4.3", "temporary server error. please try again later attr18", systemerror),
	S("microsoft", "4.7.0", "temporary server error. please try again later. prx4 nexthop:", systemerror),
	S("microsoft", "4.4.24", "message failed to be replicated: insufficient system resource:", systemerror),
	S("microsoft", "4.4.25", "message failed to be replicated: no healthy secondary server", systemerror),
	S("microsoft", "4.4.28", "message failed to be replicated: the operation was canceled", systemerror),
	S("microsoft", "X.4.318", "(suspiciousremoteservererror)", systemerror),
	S("microsoft", "4.7.500", "server busy. please try again later from ", systemerror),
	S("microsoft", "4.7.700", "pfa agent busy, please try again.", systemerror),
	S("microsoft", "4.3.1", "insufficient system resources", systemfull),
	S("microsoft", "5.5.3", "too many recipients", toomanyconn),
	S("microsoft", "4.5.3", "too many recipients", toomanyconn),
	S("microsoft", "5.2.122", "the recipient has exceeded their limit for", toomanyconn),
	S("microsoft", "5.1.1", "resolver.adr.exrecipnotfound; not found", userunknown),
	S("microsoft", "5.1.1", "user unknown", userunknown),
	S("microsoft", "5.1.3", "storedrv.submit; invalid recipient address", userunknown),
	S("microsoft", "5.1.4-5", "recipient address reserved by rfc 2606", userunknown),
	S("microsoft", "5.1.6", "recipient addresses in single label domains not accepted", userunknown),
	S("microsoft", "5.1.1", "bad destination mailbox address", userunknown),
	S("microsoft", "5.1.10", "recipient not found", userunknown),
	S("microsoft", "5.4.1", "recipient address rejected: access denied", userunknown),
	S("microsoft", "5.5.0", "requested action not taken: mailbox unavailable", userunknown),
	S("microsoft", "5.1.2", "invalid x.400 address", userunknown),

	/* Outlook.com's own codes, "SMTP Error Codes" of its postmaster's troubleshooting
	 * page (sendersupport.olc.protection.outlook.com/pm/troubleshooting.aspx): "421
	 * RP-001/RP-002 ... has exceeded the rate limit allowed", "421 RP-003 ... the
	 * connection limit allowed", "550 SC-002 ... namespace mining behavior", "550
	 * SC-003 ... appears to be an open proxy/relay", "550 SC-004 ... A block has been
	 * placed against your IP address because we have received complaints", "550
	 * DY-001 ... dynamic IP's", "550 DY-002 ... compromised or virus infected
	 * server", "550 OU-001 ... this block ... Spamhaus" (SC-001 and OU-002, "content
	 * with spam-like characteristics or IP/domain reputation", name no one reason) */
	R("microsoft", "421", "rp-001", speeding),
	R("microsoft", "421", "rp-002", speeding),
	R("microsoft", "421", "rp-003", toomanyconn),
	R("microsoft", "550", "sc-002", blocked),
	R("microsoft", "550", "sc-003", blocked),
	R("microsoft", "550", "sc-004", blocked),
	R("microsoft", "550", "dy-001", blocked),
	R("microsoft", "550", "dy-002", blocked),
	R("microsoft", "550", "ou-001", blocked),

	/* Mimecast: reply code and words */
	R("mimecast", "550", "spf sender invalid - envelope rejected", authfailure),
	R("mimecast", "550", "dkim sender invalid - envelope rejected", authfailure),
	R("mimecast", "550", "dmarc sender invalid - envelope rejected", authfailure),
	R("mimecast", "451", "internal resources are temporarily unavailable", badreputation),
	R("mimecast", "550", "local ct ip reputation - (reject)", badreputation),
	R("mimecast", "421", "sender address blocked", blocked),
	R("mimecast", "451", "recipient temporarily unavailable", blocked),
	R("mimecast", "451", "ip temporarily blacklisted", blocked),
	R("mimecast", "554", "maximum email size exceeded", mesgtoobig),
	R("mimecast", "554", "mail loop detected", networkerror),
	R("mimecast", "451", "open relay not allowed", norelaying),
	R("mimecast", "451", "account inbounds disabled", notaccept),
	R("mimecast", "451", "account outbounds disabled", onhold),
	R("mimecast", "451", "hostname is not authorized", onhold),
	R("mimecast", "550", "journal message past expiration", onhold),
	R("mimecast", "550", "anti-spoofing policy - inbound not allowed", policyviolation),
	R("mimecast", "550", "rejected by header-based anti-spoofing policy", policyviolation),
	R("mimecast", "550", "message bounced due to content examination policy", policyviolation),
	R("mimecast", "554", "host network not allowed", policyviolation),
	R("mimecast", "550", "administrative prohibition envelope blocked", rejected),
	R("mimecast", "550", "envelope blocked - user entry", rejected),
	R("mimecast", "550", "envelope blocked - user domain entry", rejected),
	R("mimecast", "550", "rejected by header-based manually blocked senders", rejected),
	R("mimecast", "550", "rejected by header-based blocked senders - block policy for header from", rejected),
	R("mimecast", "550", "envelope rejected - block policy for envelope from address", rejected),
	R("mimecast", "535", "incorrect authentication data", securityerror),
	R("mimecast", "550", "submitter failed to disabled", securityerror),
	R("mimecast", "553", "this route requires encryption (tls)", securityerror),
	R("mimecast", "553", "this route requires tls version 1.2 or greater", securityerror),
	R("mimecast", "553", "this route requires high-strength ciphers", securityerror),
	R("mimecast", "554", "configuration is invalid for this certificate", securityerror),
	R("mimecast", "451", "unable to process connection at this time", systemerror),
	R("mimecast", "451", "message ended early", systemerror),
	R("mimecast", "451", "unable to process command", systemerror),
	R("mimecast", "451", "unable to process an email at this time", systemerror),
	R("mimecast", "451", "account service is temporarily unavailable", toomanyconn),
	R("mimecast", "452", "too many recipients", toomanyconn),
	R("mimecast", "550", "exceeding outbound thread limit", toomanyconn),
	R("mimecast", "501", "invalid address", userunknown),
	R("mimecast", "503", "user unknown", userunknown),
	R("mimecast", "550", "invalid recipient", userunknown),
	R("mimecast", "554", "email rejected due to security policies", virusdetected),

	/* NTT DOCOMO: its status and the command it answered decide */
	S("nttdocomo", "5.1.1", NULL, userunknown),
	S("nttdocomo", "5.0.911", NULL, userunknown),
	S("nttdocomo", "5.2.0", NULL, filtered), /* "550 Unknown user" after DATA: its filter.
		 * mfsmax.docomo.ne.jp accepts RCPT TO and answers "550 Unknown user" after
		 * the end of DATA when the recipient's refusal settings reject the mail
		 * (akisoftware.com/pmsrv/help/docomo.html, an SMTP log of it; NTT's FAQ
		 * support.ntt.com/mail/faq/detail/pid2300000e64: "Unknown user" may be the
		 * recipient's refusal setting against unwanted mail) */
	T("nttdocomo", "552 too much mail data", mailboxfull),
	T("nttdocomo", "552 too many recipients", toomanyconn),
	T("nttdocomo", "503 bad sequence of commands", syntaxerror),
	T("nttdocomo", "504 command parameter not implemented", syntaxerror), /* RFC 5321 4.2.2 */
	{ "nttdocomo", "5.0.0", NULL, "RCPT", NULL, NULL, REASON(userunknown) },
	{ "nttdocomo", "5.0.0", NULL, "DATA", NULL, NULL, REASON(rejected) },

	/* Spectrum (Charter): "AUP#I1000", "AUP#O1520" */
	C("spectrum", "1000", blocked),         /* IP blocked: suspicious activity */
	C("spectrum", "1010", rejected),        /* account blocked from sending */
	C("spectrum", "1020-1080", rejected),   /* account limited */
	C("spectrum", "1090", systemerror),
	C("spectrum", "1100-1150", requireptr), /* full circle DNS required */
	C("spectrum", "1160-1190", policyviolation),
	C("spectrum", "1200-1210", blocked),    /* Cloudmark CSI */
	C("spectrum", "1220-1250", blocked),    /* Spamhaus */
	C("spectrum", "1260", networkerror),    /* no IPv6 */
	C("spectrum", "1300-1340", toomanyconn),
	C("spectrum", "1350-1490", speeding),
	C("spectrum", "1500", rejected),        /* sending as another address */
	C("spectrum", "1520", rejected),
	C("spectrum", "1530", mesgtoobig),      /* over 20 MB */
	C("spectrum", "1540", speeding),
	C("spectrum", "1550", speeding),
	C("spectrum", "1560", policyviolation), /* too many invalid recipients */
	C("spectrum", "1580", speeding),

	/* Tencent (QQ Mail) */
	T("tencent", "spf check failed", authfailure),
	T("tencent", "dmarc check failed", authfailure),
	T("tencent", "suspected bounce attacks", blocked),
	T("tencent", "suspected spam ip", blocked),
	T("tencent", "connection denied", blocked),
	T("tencent", "message too large", mesgtoobig),
	T("tencent", "mail is rejected by recipients", rejected),
	T("tencent", "spam is embedded in the email", spamdetected),
	T("tencent", "mail content denied", spamdetected),
	T("tencent", "suspected spam", rejected),
	T("tencent", "mailbox unavailable or access denined", speeding), /* sic */
	T("tencent", "mailbox unavailable or access denied", speeding),
	T("tencent", "is a deactivated mailbox", suspend),
	T("tencent", "bad address syntax", syntaxerror),
	T("tencent", "ip frequency limited", toomanyconn),
	T("tencent", "domain frequency limited", toomanyconn),
	T("tencent", "sender frequency limited", toomanyconn),
	T("tencent", "connection frequency limited", toomanyconn),
	T("tencent", "mailbox not found", userunknown),

	/* Verizon Wireless (vtext.com SMS, vzwpix.com MMS gateways) */
	T("verizon", "no such user here", userunknown), /* RFC 5321 3.3 and Appendix D.1: the reply to
							 * RCPT TO for a mailbox that does not exist, "550 No
							 * such user here" */
	T("verizon", "no valid recipients for this mm", userunknown),

	/* Yahoo Inc. (Yahoo, AOL) */
	T("yahooinc", "yahoo requires all senders to authenticate with either spf or dkim", authfailure),
	T("yahooinc", " because the ip is in spamhaus's list;", blocked),
	T("yahooinc", "not accepted from ip addresses on spamhaus xbl", blocked),
	T("yahooinc", "relaying denied for ", norelaying),
	T("yahooinc", "headers are not rfc compliant", notcompliantrfc),
	T("yahooinc", "not accepted for policy reasons", policyviolation),
	/* Yahoo gives this for volume, complaints and missing authentication alike */
	T("yahooinc", "temporarily deferred due to unexpected volume or user complaints", rejected),
	T("yahooinc", "due to unresolvable rfc.5321 domain", rejected),
	T("yahooinc", "due to unresolvable rfc.5321 from domain", rejected),
	T("yahooinc", " will be permanently deferred", rejected),
	T("yahooinc", "user is receiving mail too quickly", speeding),
	T("yahooinc", " is no longer valid.", suspend),
	T("yahooinc", "this mailbox is disabled", suspend),
	T("yahooinc", "syntax error in parameters or arguments", syntaxerror),
	T("yahooinc", "max message per connection reached", toomanyconn),
	T("yahooinc", "dd this user doesn't have a ", userunknown),
	T("yahooinc", "mailbox not found", userunknown),

	/* Zoho Mail */
	T("zoho", "email rejected per dmarc policy", authfailure),
	T("zoho", "greylisted, try again after some time", blocked),
	T("zoho", "email cannot be delivered. reason: email flagged as spam", rejected),
	T("zoho", "mail rejected by destination domain", rejected),
	T("zoho", "email policy violation detected", policyviolation),
	T("zoho", "mailbox delivery restricted by policy error", policyviolation),
	T("zoho", "temporary system error", systemerror),
	T("zoho", "user does not exist", userunknown),
	T("zoho", " detected by zoho mail", virusdetected),
};
const size_t bounce_nrhost_rows = sizeof(bounce_rhost_rows) / sizeof(bounce_rhost_rows[0]);
