/* bounce_tables.c: the parser's knowledge as data, in one place (see
 * bounce_tables.h and docs/parser.md): what phrases mean, how servers lay
 * out their own bounce formats, what status codes mean, which reasons make
 * a bounce hard. Adding a server's format or a phrase is adding rows. */
#include "bounce_tables.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* (a) Phrases. Lowercase, white space folded. First match wins: narrow
 * meanings (a full mailbox, a PTR requirement) before broad ones (blocked,
 * rejected). Each row says what a phrase means, not which file has it. */
const struct bounce_phrase bounce_phrases[] = {
	/* the mailbox is full */
	{ "mailbox full", "mailboxfull" },
	{ "mailbox is full", "mailboxfull" },
	{ "mailbox has exceeded", "mailboxfull" },
	{ "mailbox size limit exceeded", "mailboxfull" },
	{ "mailbox quota", "mailboxfull" },
	{ "over quota", "mailboxfull" },
	{ "overquota", "mailboxfull" },
	{ "over the quota", "mailboxfull" },
	{ "quota exceeded", "mailboxfull" },
	{ "quota exceed", "mailboxfull" },
	{ "exceeded storage allocation", "mailboxfull" },
	{ "exceeded its quota", "mailboxfull" },
	{ "exceeds quota", "mailboxfull" },
	{ "exceed the quota", "mailboxfull" },
	{ "is over its quota", "mailboxfull" },
	{ "user is over", "mailboxfull" },
	{ "not enough storage space", "mailboxfull" },
	{ "mailbox exceeds allowed size", "mailboxfull" },
	{ "mailbox would exceed", "mailboxfull" },
	{ "maildir over quota", "mailboxfull" },
	{ "recipient's mailbox is full", "mailboxfull" },
	{ "mailfolder is full", "mailboxfull" },
	{ "recipient's mailbox exceeded", "mailboxfull" },
	{ "mail folder is full", "mailboxfull" },
	{ "account is full", "mailboxfull" },
	{ "disk quota", "mailboxfull" },
	{ "user has exceeded", "mailboxfull" },
	{ "full mailbox", "mailboxfull" },
	{ "has exceeded the max emails per hour", "toomanyconn" },
	{ "out of disk space", "mailboxfull" },
	{ "mail quota exceeded", "mailboxfull" },
	{ "too much mail data", "mailboxfull" },
	/* the message is too big */
	{ "message too large", "mesgtoobig" },
	{ "message too big", "mesgtoobig" },
	{ "message is too large", "mesgtoobig" },
	{ "message is too big", "mesgtoobig" },
	{ "message size exceeds", "mesgtoobig" },
	{ "message exceeds maximum", "mesgtoobig" },
	{ "message length exceeds", "mesgtoobig" },
	{ "size exceeds the maximum", "mesgtoobig" },
	{ "exceeds size limit", "mesgtoobig" },
	{ "exceeded the size limit", "mesgtoobig" },
	{ "message file too big", "mesgtoobig" },
	{ "message size limit", "mesgtoobig" },
	{ "mail size limit", "mesgtoobig" },
	{ "size limit exceeded", "mesgtoobig" },
	{ "message exceeds local size limit", "mesgtoobig" },
	{ "too large for this recipient", "mesgtoobig" },
	{ "line limit exceeded", "mesgtoobig" },
	/* a limit other than size or quota */
	{ "exceeds the limit", "exceedlimit" },
	{ "header size exceeds", "exceedlimit" },
	{ "message header size", "exceedlimit" },
	{ "too many recipients", "toomanyconn" },
	/* the account is disabled or suspended */
	{ "account disabled", "suspend" },
	{ "account has been disabled", "suspend" },
	{ "account is disabled", "suspend" },
	{ "account is inactive", "suspend" },
	{ "account inactive", "suspend" },
	{ "account has been suspended", "suspend" },
	{ "account is suspended", "suspend" },
	{ "account suspended", "suspend" },
	{ "account is locked", "suspend" },
	{ "temporary locked", "suspend" },
	{ "account is blocked", "suspend" },
	{ "temporarily locked", "suspend" },
	{ "mailbox is frozen", "suspend" },
	{ "account locked", "suspend" },
	{ "account expired", "suspend" },
	{ "mailbox disabled", "suspend" },
	{ "mailbox is disabled", "suspend" },
	{ "mailbox is inactive", "suspend" },
	{ "mailbox inactive", "suspend" },
	{ "mailbox unavailable or disabled", "suspend" },
	{ "is disabled", "suspend" },
	{ "not an active address", "suspend" },
	{ "user suspended", "suspend" },
	{ "has been suspended", "suspend" },
	{ "recipient suspended", "suspend" },
	{ "boite du destinataire archivee", "suspend" },
	{ "email account that you tried to reach is inactive", "suspend" },
	/* the address has moved */
	{ "address has moved", "hasmoved" },
	{ "has been moved", "hasmoved" },
	{ "user has moved", "hasmoved" },
	{ "no longer with", "hasmoved" },
	{ "is now at", "hasmoved" },
	{ "has changed their email address", "hasmoved" },
	/* relaying refused */
	{ "not configured to relay", "norelaying" },
	{ "relay access denied", "norelaying" },
	{ "relaying denied", "norelaying" },
	{ "relay denied", "norelaying" },
	{ "relaying not permitted", "norelaying" },
	{ "relay not permitted", "norelaying" },
	{ "relaying is not allowed", "norelaying" },
	{ "not permitted to relay", "norelaying" },
	{ "unable to relay", "norelaying" },
	{ "we do not relay", "norelaying" },
	{ "no relaying", "norelaying" },
	{ "not allowed to relay", "norelaying" },
	{ "relay not allowed", "norelaying" },
	{ "relaying mail to", "norelaying" },
	{ "cannot relay", "norelaying" },
	{ "relay prohibited", "norelaying" },
	/* sender authentication (SPF, DKIM, DMARC) */
	{ "dmarc", "authfailure" },
	{ "spf check failed", "authfailure" },
	{ "spf validation", "authfailure" },
	{ "spf record", "authfailure" },
	{ "spf fail", "authfailure" },
	{ "spf: ", "authfailure" },
	{ "sender policy framework", "authfailure" },
	{ "not authorized to send", "authfailure" },
	{ "is not allowed to send mail from", "authfailure" },
	{ "not designated as permitted sender", "authfailure" },
	{ "not permitted by domain", "authfailure" },
	{ "authentication checks", "authfailure" },
	{ "sender authentication", "authfailure" },
	{ "unauthenticated email", "authfailure" },
	{ "not pass authentication", "authfailure" },
	{ "dkim signature", "authfailure" },
	{ "dkim check", "authfailure" },
	{ "dkim fail", "authfailure" },
	{ "dkim=fail", "authfailure" },
	{ "dkim verification", "authfailure" },
	{ "no passing dkim", "authfailure" },
	{ "authentication information", "authfailure" },
	/* reverse DNS (PTR) required */
	{ "reverse dns", "requireptr" },
	{ "reverse lookup", "requireptr" },
	{ "ptr record", "requireptr" },
	{ "no ptr", "requireptr" },
	{ "rdns", "requireptr" },
	{ "cannot find your hostname", "requireptr" },
	{ "cannot resolve your address", "requireptr" },
	{ "cannot resolve your hostname", "requireptr" },
	{ "client host rejected: cannot find your", "requireptr" },
	{ "ip name lookup failed", "requireptr" },
	{ "mismatches client ip", "requireptr" },
	{ "unverifyable sending ip", "requireptr" },
	{ "unverifiable sending ip", "requireptr" },
	{ "no reverse", "requireptr" },
	{ "does not have a reverse", "requireptr" },
	{ "unresolvable address", "requireptr" },
	{ "hostname does not match", "requireptr" },
	{ "not resolve", "requireptr" },
	{ "ip address has no ptr", "requireptr" },
	{ "connection refused. 200.", "requireptr" },
	/* a virus */
	{ "virus", "virusdetected" },
	{ "malware", "virusdetected" },
	{ "infected", "virusdetected" },
	/* the recipient does not exist */
	{ "user unknown", "userunknown" },
	{ "unknown user", "userunknown" },
	{ "user not found", "userunknown" },
	{ "no such user", "userunknown" },
	{ "no such mailbox", "userunknown" },
	{ "no such recipient", "userunknown" },
	{ "no such address", "userunknown" },
	{ "no such person", "userunknown" },
	{ "no such account", "userunknown" },
	{ "unknown recipient", "userunknown" },
	{ "unknown address", "userunknown" },
	{ "unknown mailbox", "userunknown" },
	{ "unknown local part", "userunknown" },
	{ "unknown or illegal alias", "userunknown" },
	{ "recipient unknown", "userunknown" },
	{ "recipient not found", "userunknown" },
	{ "recipient address rejected: user", "userunknown" },
	{ "recipient address rejected: unknown", "userunknown" },
	{ "recipient does not exist", "userunknown" },
	{ "recipient is not exist", "userunknown" },
	{ "invalid mailbox", "userunknown" },
	{ "invalid user", "userunknown" },
	{ "address unknown", "userunknown" },
	{ "address does not exist", "userunknown" },
	{ "address not present", "userunknown" },
	{ "address doesn't exist", "userunknown" },
	{ "address not found", "userunknown" },
	{ "address couldn't be found", "userunknown" },
	{ "address wasn't found", "userunknown" },
	{ "address wasn\xe2\x80\x99t found", "userunknown" }, /* with a typographic apostrophe */
	/* "not found in the directory" (Domino, Japanese) */
	{ "\xe3\x83\x87\xe3\x82\xa3\xe3\x83\xac\xe3\x82\xaf\xe3\x83\x88\xe3\x83\xaa\xe3\x81\xab"
	  "\xe3\x81\xaf\xe8\xa6\x8b\xe3\x81\xa4\xe3\x81\x8b\xe3\x82\x8a\xe3\x81\xbe\xe3\x81\x9b"
	  "\xe3\x82\x93", "userunknown" },
	/* "not in the directory list" (Lotus Notes, Japanese) */
	{ "\xe3\x83\x87\xe3\x82\xa3\xe3\x83\xac\xe3\x82\xaf\xe3\x83\x88\xe3\x83\xaa\xe3\x81\xae"
	  "\xe3\x83\xaa\xe3\x82\xb9\xe3\x83\x88\xe3\x81\xab\xe3\x81\x82\xe3\x82\x8a\xe3\x81\xbe"
	  "\xe3\x81\x9b\xe3\x82\x93", "userunknown" },
	{ "address could not be found", "userunknown" },
	{ "bad destination mailbox", "userunknown" },
	{ "mailbox not found", "userunknown" },
	{ "mailbox does not exist", "userunknown" },
	{ "mailbox doesn't exist", "userunknown" },
	{ "mailbox unavailable", "userunknown" },
	{ "mailbox is unavailable", "userunknown" },
	{ "mailbox not available", "userunknown" },
	{ "mailbox is not available", "userunknown" },
	{ "mailbox name not allowed", "userunknown" },
	{ "mailbox not present", "userunknown" },
	{ "mailbox invalid", "userunknown" },
	{ "account does not exist", "userunknown" },
	{ "account that you tried to reach does not exist", "userunknown" },
	{ "does not have an account", "userunknown" },
	{ "not a valid mailbox", "userunknown" },
	{ "not a valid user", "userunknown" },
	{ "not a known user", "userunknown" },
	{ "not known here", "userunknown" },
	{ "no mailbox", "userunknown" },
	{ "no account", "userunknown" },
	{ "user doesn't", "userunknown" },
	{ "user does not", "userunknown" },
	{ "unknown in local recipient table", "userunknown" },
	{ "unknown in virtual mailbox table", "userunknown" },
	{ "unknown in virtual alias table", "userunknown" },
	{ "unknown in relay recipient table", "userunknown" },
	{ "not listed in domino directory", "userunknown" },
	{ "not listed in public name", "userunknown" },
	{ "is not a valid", "userunknown" },
	{ "no valid recipients", "userunknown" },
	{ "no mail box", "userunknown" },
	{ "this user doesn't have", "userunknown" },
	{ "undeliverable address", "userunknown" },
	{ "sorry, no mailbox here by that name", "userunknown" },
	{ "mailbox not exist", "userunknown" },
	{ "said: 550 5.1.1", "userunknown" },
	{ "disabled or discontinued", "userunknown" },
	{ "not our customer", "userunknown" },
	{ "we do not have a customer", "userunknown" },
	{ "user not exist", "userunknown" },
	{ "is not a registered", "userunknown" },
	{ "unknown recipients", "userunknown" },
	{ "destination address does not exist", "userunknown" },
	{ "unknown account", "userunknown" },
	{ "user does not exist", "userunknown" },
	{ "user doesn't exist", "userunknown" },
	{ "recipient doesn't exist", "userunknown" },
	{ "mailbox doesn't exist", "userunknown" },
	{ "invalid final delivery userid", "userunknown" },
	{ "check if address is correct", "userunknown" },
	{ "recipientnotfound", "userunknown" },
	/* refusals that give no cause: last, so that --explain and
	 * bounce_generic_rcpt_phrases see a specific phrase first */
	{ "recipient address rejected: access denied", "userunknown" },
	{ "recipient address rejected: invalid", "userunknown" },
	{ "recipient address rejected: undeliverable", "userunknown" },
	{ "recipient address rejected. ", "userunknown" },
	{ "recipient rejected", "userunknown" },
	{ "recipient invalid", "userunknown" },
	{ "invalid recipient", "userunknown" },
	{ "invalid address", "userunknown" },
	/* the host or domain does not exist */
	{ "host unknown", "hostunknown" },
	{ "unknown host", "hostunknown" },
	{ "host not found", "hostunknown" },
	{ "domain not found", "hostunknown" },
	{ "domain does not exist", "hostunknown" },
	{ "unknown domain", "hostunknown" },
	{ "no such domain", "hostunknown" },
	{ "domain is not", "hostunknown" },
	{ "name or service not known", "hostunknown" },
	{ "recipient domain must exist", "hostunknown" },
	{ "domain must exist", "hostunknown" },
	{ "illegal host/domain", "hostunknown" },
	{ "host or domain name not found", "hostunknown" },
	{ "unrouteable mail domain", "hostunknown" },
	{ "invalid domain", "hostunknown" },
	{ "mail for this domain", "hostunknown" },
	{ "not have a dns", "hostunknown" },
	{ "dns lookup failed", "hostunknown" },
	{ "dns lookup failure", "hostunknown" },
	/* block lists (before "spam": spamhaus is a list) */
	{ "blacklist", "blocked" },
	{ "blocklist", "blocked" },
	{ "block list", "blocked" },
	{ "black list", "blocked" },
	{ "spamhaus", "blocked" },
	{ "spamcop", "blocked" },
	{ "dnsbl", "blocked" },
	{ "rbl", "blocked" },
	{ "unrouteable address", "hostunknown" },
	{ "an mx or srv record indicated no smtp service", "notaccept" },
	{ "no mx record", "notaccept" },
	{ "couldn't find a mail exchanger", "notaccept" },
	/* spam */
	{ " ube,", "spamdetected" },
	{ " ube ", "spamdetected" },
	{ "scored as spam", "spamdetected" },
	{ "message content rejected", "spamdetected" },
	{ "spam classification", "spamdetected" },
	{ "spam ", "spamdetected" },
	{ "spam.", "spamdetected" },
	{ "spam,", "spamdetected" },
	{ "spam)", "spamdetected" },
	{ "(spam", "spamdetected" },
	{ "spam-", "spamdetected" },
	{ "spam;", "spamdetected" },
	{ "junk mail", "spamdetected" },
	{ "bulk mail", "spamdetected" },
	{ "unsolicited", "spamdetected" },
	{ "content filter", "filtered" },
	{ "mail appears to be unsolicited", "spamdetected" },
	/* too many connections, rate limits */
	{ "too many connections", "toomanyconn" },
	{ "frequency limited", "toomanyconn" },
	{ "too many concurrent", "toomanyconn" },
	{ "too many sessions", "toomanyconn" },
	{ "too many simultaneous", "toomanyconn" },
	{ "connection limit", "toomanyconn" },
	{ "connection rate limit", "toomanyconn" },
	{ "too many messages", "toomanyconn" },
	{ "too many emails", "toomanyconn" },
	{ "receiving mail at a rate", "speeding" },
	{ "rate limit", "speeding" },
	{ "ratelimit", "speeding" },
	{ "sending rate", "speeding" },
	{ "too fast", "speeding" },
	/* the sender's IP or reputation */
	{ "user complaints", "badreputation" },
	{ "poor reputation", "badreputation" },
	{ "bad reputation", "badreputation" },
	{ "low reputation", "badreputation" },
	{ "sender reputation", "badreputation" },
	{ "ip reputation", "badreputation" },
	{ "reputation", "badreputation" },
	{ "listed in", "blocked" },
	{ "is listed", "blocked" },
	{ "your ip", "blocked" },
	{ "client host", "blocked" },
	{ "connections not accepted", "blocked" },
	{ "is blocked", "blocked" },
	{ "been blocked", "blocked" },
	{ "blocked by", "blocked" },
	{ "blocked using", "blocked" },
	{ "ip blocked", "blocked" },
	{ "blocked ip", "blocked" },
	{ "banned sending ip", "blocked" },
	{ "too many unwanted messages", "blocked" },
	{ "invalid ip for sending", "blocked" },
	{ "banned", "blocked" },
	{ "access denied", "blocked" },
	{ "dynamic ip", "blocked" },
	{ "smtp server of your isp", "blocked" },
	{ "use your isp's", "blocked" },
	{ "dial-up", "blocked" },
	{ "invalid helo", "blocked" },
	{ "helo command rejected", "blocked" },
	{ "ehlo command rejected", "blocked" },
	{ "dialup", "blocked" },
	{ "service not available", "blocked" },
	{ "no access from", "blocked" },
	{ "not accepting connections", "blocked" },
	/* message content and format */
	{ "message header", "contenterror" },
	{ "improper use of 8-bit", "contenterror" },
	{ "8-bit data", "contenterror" },
	{ "header error", "contenterror" },
	{ "rfc 5322", "notcompliantrfc" },
	{ "rfc5322", "notcompliantrfc" },
	{ "rfc 2822", "notcompliantrfc" },
	{ "rfc2822", "notcompliantrfc" },
	{ "rfc 822", "notcompliantrfc" },
	{ "not rfc compliant", "notcompliantrfc" },
	{ "multiple addresses in from", "notcompliantrfc" },
	{ "duplicate header", "notcompliantrfc" },
	{ "duplicate header", "contenterror" },
	/* policy, filtering, rejection */
	{ "policy violation", "policyviolation" },
	{ "violates our policy", "policyviolation" },
	{ "violation of policy", "policyviolation" },
	{ "violated", "policyviolation" },
	{ "prohibited attachment", "policyviolation" },
	{ "policy", "policyviolation" },
	{ "protocol violation", "policyviolation" },
	{ "denied by policy", "policyviolation" },
	{ "content presents a potential", "policyviolation" },
	{ "prohibited attachment", "policyviolation" },
	{ "attachment is not allowed", "policyviolation" },
	{ "filtered", "filtered" },
	{ "filter", "filtered" },
	{ "refused by recipient", "filtered" },
	{ "not accepting mail from", "filtered" },
	{ "does not accept mail from", "filtered" },
	{ "recipient not authorized", "filtered" },
	{ "sender was rejected", "rejected" },
	{ "purported responsible address", "rejected" },
	{ "sending to/from an address", "rejected" },
	{ "sender address rejected", "rejected" },
	{ "'send mail as'", "rejected" },
	{ "sender rejected", "rejected" },
	{ "sender denied", "rejected" },
	{ "sender blocked", "rejected" },
	{ "sender is blocked", "rejected" },
	{ "domain of sender address", "rejected" },
	{ "sender verify failed", "rejected" },
	{ "sender address", "rejected" },
	{ "envelope sender", "rejected" },
	{ "your sender", "rejected" },
	{ "invalid sender", "rejected" },
	/* security */
	{ "starttls", "securityerror" },
	{ "tls required", "securityerror" },
	{ "requires tls", "securityerror" },
	{ "must issue a starttls", "securityerror" },
	{ "certificate", "securityerror" },
	{ "authentication required", "securityerror" },
	{ "authentication failed", "securityerror" },
	{ "must be authenticated", "securityerror" },
	{ "encryption", "securityerror" },
	{ "insecure", "securityerror" },
	/* not accepting mail at all */
	{ "does not accept mail", "notaccept" },
	{ "not accept mail", "notaccept" },
	{ "does not receive mail", "notaccept" },
	{ "null mx", "notaccept" },
	{ "doesn't receive email", "notaccept" },
	{ "does not receive email", "notaccept" },
	{ "accepts no mail", "notaccept" },
	/* the remote system */
	{ "system full", "systemfull" },
	{ "mail system full", "systemfull" },
	{ "out of memory", "systemerror" },
	{ "loops back to myself", "systemerror" },
	{ "system error", "systemerror" },
	{ "internal error", "systemerror" },
	{ "local error", "systemerror" },
	{ "server error", "systemerror" },
	{ "temporarily unavailable", "systemerror" },
	{ "system config", "systemerror" },
	{ "unauthenticated senders", "securityerror" },
	{ "smtp authentication", "securityerror" },
	{ "queue file write error", "systemerror" },
	{ "does not support tls", "systemerror" },
	{ "service currently unavailable", "systemerror" },
	{ "transaction failed", "systemerror" },
	/* the network */
	{ "network error", "networkerror" },
	{ "establish an smtp connection", "networkerror" },
	{ "routing loop", "networkerror" },
	{ "mail loop", "networkerror" },
	{ "too many hops", "networkerror" },
	{ "hop count exceeded", "networkerror" },
	{ "name service error", "networkerror" },
	{ "dns error", "networkerror" },
	{ "dns type", "networkerror" },
	{ "connection timeout", "networkerror" },
	{ "network is unreachable", "networkerror" },
	{ "no route to host", "networkerror" },
	{ "lost connection", "networkerror" },
	{ "connection reset", "networkerror" },
	{ "connection closed", "networkerror" },
	{ "connection dropped", "networkerror" },
	{ "could not connect", "networkerror" },
	{ "unable to connect", "networkerror" },
	{ "can't connect", "networkerror" },
	{ "cannot connect", "networkerror" },
	{ "malformed or unexpected name server reply", "networkerror" },
	{ "dns query failed", "networkerror" },
	{ "host not found, try again", "networkerror" },
	/* expiry */
	{ "retry timeout exceeded", "expired" },
	{ "was aborted after", "expired" },
	{ "host not reachable", "expired" },
	/* a final report of connections that never worked: it expired */
	{ "connection timed out", "expired" },
	{ "timed out", "expired" },
	{ "connection refused", "expired" },
	{ "greylist", "expired" },
	{ "graylist", "expired" },
	{ "have been failing", "expired" },
	{ "has been failing", "expired" },
	{ "envelope expired", "expired" },
	{ "been in the queue too long", "expired" },
	{ "did not accept our requests to connect", "expired" },
	{ "message will be retried", "expired" },
	{ "retry time", "expired" },
	{ "delivery time expired", "expired" },
	{ "delivery expired", "expired" },
	{ "message expired", "expired" },
	{ "has been delayed", "expired" },
	{ "could not be delivered for", "expired" },
	{ "was not delivered within", "expired" },
	{ "too long in queue", "expired" },
	{ "giving up", "expired" },
	{ "gave up", "expired" },
	/* local delivery programs */
	{ "command died", "mailererror" },
	{ "command failed", "mailererror" },
	{ "command output", "mailererror" },
	{ "procmail", "mailererror" },
	{ "mailer error", "mailererror" },
	{ "pipe to", "mailererror" },
	{ "exit status", "mailererror" },
	/* syntax */
	{ "syntax error", "syntaxerror" },
	{ "malformed address", "syntaxerror" },
	{ "command unrecognized", "syntaxerror" },
	{ "unrecognized command", "syntaxerror" },
	{ "bad sequence of commands", "syntaxerror" },
	{ "syntax", "syntaxerror" },
};
const size_t bounce_nphrases = N(bounce_phrases);

/* Recipient refusals that give no cause: they mean an unknown user only
 * when nothing else in the reply (a X.7 status, a block, the sender,
 * spam, a policy) says why (see bounce_tables.h). */
const char *const bounce_generic_rcpt_phrases[] = {
	"recipient address rejected: access denied",
	"recipient address rejected: invalid",
	"recipient address rejected: undeliverable",
	"recipient address rejected. ",
	"recipient rejected",
	"recipient invalid",
	"invalid recipient",
	"invalid address",
};
const size_t bounce_ngeneric_rcpt_phrases = N(bounce_generic_rcpt_phrases);

/* (b) Servers' own formats. */
const struct bounce_format bounce_formats[] = {
	/* name, detect, start, end, command, reason */
	{ "qmail", "qmail-send", "hi. this is the qmail-send program",
	  "--- below this line is a copy of the message", NULL, NULL },
	{ "qmail-netqmail", "i'm afraid i wasn't able to deliver", "i'm afraid i wasn't able to deliver",
	  "--- below this line is a copy of the message", NULL, NULL },
	{ "postfix", "this is the mail system at host", "this is the mail system at host",
	  "content-type: message/rfc822", NULL, NULL },
	{ "postfix-old", "this is the postfix program at host", "this is the postfix program at host",
	  "--- delivery report unavailable ---", NULL, NULL },
	{ "exim", "this message was created automatically by mail delivery software",
	  "this message was created automatically by mail delivery software",
	  "------ this is a copy of the message", NULL, NULL },
	{ "sendmail", "----- transcript of session follows -----", "----- the following addresses had",
	  "----- original message follows -----", NULL, NULL },
	{ "courier", "courier mail server at", "courier mail server at", "------------------------------------",
	  NULL, NULL },
	{ "opensmtpd", "this is the mailer-daemon at", "this is the mailer-daemon at",
	  "below is a copy of the original message", NULL, NULL },
	/* Lotus Domino: failures are per recipient, directory lookups */
	{ "domino", "not listed in domino directory", "was not delivered to:", "------ original message",
	  "RCPT", NULL },
	{ "domino-2", "lotus domino", "was not delivered to:", "------ original message", "RCPT", NULL },
	/* Lotus Notes: "Failure Reasons" per recipient, directory lookups */
	{ "notes", "------- failure reasons", "------- failure reasons", "------- returned message", "RCPT",
	  NULL },
	/* Exchange 2003 and older: recipient-level NDRs */
	{ "exchange2003", "x-ms-tnef-correlator", "did not reach the following recipient",
	  NULL, "RCPT", NULL },
	{ "exchange2003-text", "did not reach the following recipient(s)",
	  "did not reach the following recipient", NULL, "RCPT", NULL },
	{ "office365", "x-ms-exchange-message-is-ndr", "your message couldn't be delivered",
	  "original message headers", "RCPT", NULL },
	{ "exchange2007", "delivery has failed to these recipients", "delivery has failed to these recipients",
	  "original message headers", "RCPT", NULL },
	{ "mcafee", "x-nai-header", NULL, NULL, "RCPT", NULL },
	/* Trend Micro InterScan: recipient-level refusals */
	{ "interscan", "interscan messaging security suite", NULL, NULL, "RCPT", NULL },
	{ "imailserver", "x-mailer: <smtp32", "body of message generated response", NULL, "RCPT", NULL },
	{ "gmail", "delivery to the following recipient failed", "delivery to the following recipient",
	  "----- original message -----", NULL, NULL },
	{ "yahoo", "sorry, we were unable to deliver your message", "sorry, we were unable to deliver your message",
	  "--- below this line is a copy of the message", "RCPT", NULL },
	{ "dragonfly", "this is the dragonfly mail agent", "this is the dragonfly mail agent",
	  "original message follows", NULL, NULL },
	{ "amazonses", "x-ses-outgoing", "an error occurred while trying to deliver the mail", NULL, NULL, NULL },
	/* au one net (KDDI): "Could not be delivered to: <addr>" */
	{ "au-one-net", "could not be delivered to: <", "your mail sent on:", NULL, NULL, NULL },
	/* Google Groups: a post the group did not take */
	{ "googlegroups", "googlegroups.com", NULL, NULL, NULL, "rejected" },
	{ "v5sendmail", "----- unsent message follows -----", "----- transcript of session follows -----",
	  "----- unsent message follows -----", NULL, NULL },
};
const size_t bounce_nformats = N(bounce_formats);

/* (e) SMTP commands: a phrase (lowercase) that says which command the
 * remote server answered; the last one in the text wins. */
const struct bounce_command bounce_commands[] = {
	{ "in reply to rcpt to", "RCPT" },
	{ "in reply to end of data", "DATA" },
	{ "in reply to data", "DATA" },
	{ "in reply to mail from", "MAIL" },
	{ "in reply to initial greeting", "CONN" },
	{ "in reply to ehlo", "EHLO" },
	{ "in reply to helo", "HELO" },
	{ "after rcpt to", "RCPT" },
	{ "after end of data", "DATA" },
	{ "after data", "DATA" },
	{ "after mail from", "MAIL" },
	{ "after initial connection", "CONN" },
	{ "after ehlo", "EHLO" },
	{ "after helo", "HELO" },
	{ ">>> rcpt to", "RCPT" },
	{ ">>> data", "DATA" },
	{ ">>> mail from", "MAIL" },
	{ ">>> ehlo", "EHLO" },
	{ ">>> helo", "HELO" },
	{ "rcpt to:<", "RCPT" },
	{ "but sender was rejected", "MAIL" },
	{ "but my name was rejected", "HELO" },
	{ "but greeting failed", "CONN" },
	{ "but connection died", "CONN" },
	{ "does not like recipient", "RCPT" },
	{ "refused to talk to me", "CONN" },
	{ "rcpt to command", "RCPT" },
	{ "after rcpt command", "RCPT" },
	{ "smtp:rcpt", "RCPT" },
	{ "[rcpt_to]", "RCPT" },
	{ "did not like our rcpt to", "RCPT" },
	{ "did not like our mail from", "MAIL" },
	{ "did not like our data", "DATA" },
	{ "most progress was rcpt to response", "RCPT" },
	{ "smtp:data", "DATA" },
	/* au (KDDI, ezweb.ne.jp) refuses unknown users after DATA with the
	 * address left out of the reply: "550 : User unknown" */
	{ "550 : user unknown", "DATA" },
	{ "550: : user unknown", "DATA" },
	/* a local delivery agent refusing the user answers for the recipient */
	{ "mail.local: ", "RCPT" },
	{ "smtp:mail", "MAIL" },
	{ "data command", "DATA" },
	{ "mail from command", "MAIL" },
	{ "end of data command", "DATA" },
};
const size_t bounce_ncommands = N(bounce_commands);

const char *const bounce_end_markers[] = {
	"--- below this line is a copy of the message",
	"------ this is a copy of the message",
	"------ this is a copy of your message",
	"----- original message follows -----",
	"----- original message -----",
	"-----original message-----",
	"------ original message",
	"--- original message",
	"original message follows",
	"----- unsent message follows -----",
	"----- message header follows -----",
	"----- the original message was received",
	"--- the header of the original message is following",
	"below is a copy of the original message",
	"original message headers:",
	"------- returned message",
	"--- returned message",
	"----- returned message",
	"the original message was:",
	"--- delivery report unavailable ---",
	"content-type: message/rfc822",
	"content-type: text/rfc822-headers",
	"your message reads (in part):",
	"the text you sent follows:",
	"message headers follow",
	"-- the header and top 20 lines of the message follows --",
	"original message header:",
	"------ a copy of the message",
};
const size_t bounce_nend_markers = N(bounce_end_markers);

/* (c) RFC 3463 status codes. "X." matches 4 and 5. Most specific first. */
const struct bounce_status_reason bounce_status_reasons[] = {
	/* exact codes where the temporary and the permanent differ */
	{ "4.4.4", "networkerror" },
	{ "5.4.0", "networkerror" },
	{ "4.7.1", "blocked" },
	{ "4.7.2", "blocked" },
	{ "4.4.5", "systemfull" },
	/* Exchange Online's "5.4.1 Recipient address rejected: Access denied":
	 * directory-based edge blocking of an unknown recipient */
	{ "5.4.1", "userunknown" },
	/* X.1 addressing */
	{ "X.1.0", "userunknown" },  /* other address status */
	{ "X.1.1", "userunknown" },  /* bad destination mailbox address */
	{ "X.1.2", "hostunknown" },  /* bad destination system address */
	{ "X.1.3", "userunknown" },  /* bad destination mailbox address syntax */
	{ "X.1.4", "filtered" },     /* destination mailbox address ambiguous */
	{ "X.1.6", "hasmoved" },     /* destination mailbox has moved */
	{ "X.1.7", "rejected" },     /* bad sender's mailbox address syntax */
	{ "X.1.8", "rejected" },     /* bad sender's system address */
	{ "X.1.9", "systemerror" },  /* relayed to non-compliant mailer */
	{ "X.1.10", "notaccept" },   /* recipient address has null MX (RFC 7505) */
	/* X.2 mailbox */
	{ "X.2.0", "filtered" },     /* other or undefined mailbox status */
	{ "X.2.1", "filtered" },     /* mailbox disabled, not accepting messages (from this sender) */
	{ "X.2.2", "mailboxfull" },
	{ "X.2.3", "exceedlimit" },  /* message length exceeds administrative limit */
	{ "X.2.4", "filtered" },     /* mailing list expansion problem */
	/* X.3 mail system */
	{ "X.3.0", "systemerror" },
	{ "X.3.1", "systemfull" },
	{ "X.3.2", "notaccept" },
	{ "X.3.3", "systemerror" },
	{ "X.3.4", "mesgtoobig" },
	{ "X.3.5", "systemerror" },
	/* X.4 network and routing */
	{ "X.4.1", "expired" },      /* no answer from host */
	{ "X.4.2", "networkerror" }, /* bad connection */
	{ "X.4.3", "systemerror" },  /* directory server failure */
	{ "X.4.4", "hostunknown" },  /* unable to route */
	{ "X.4.6", "networkerror" }, /* routing loop */
	{ "X.4.7", "expired" },      /* delivery time expired */
	/* X.5 protocol */
	{ "X.5.3", "toomanyconn" },  /* too many recipients */
	{ "X.5.4", "systemerror" },
	{ "X.5.5", "systemerror" },
	{ "X.5.6", "securityerror" },
	/* X.6 content */
	{ "X.6", "contenterror" },
	/* X.7 security and policy */
	{ "X.7.0", "securityerror" },
	{ "X.7.1", "securityerror" },  /* delivery not authorized: says little */
	{ "X.7.9", "policyviolation" }, /* authentication mechanism too weak: a policy */
	{ "X.7.13", "suspend" },     /* user account disabled */
	{ "X.7.16", "mesgtoobig" },
	{ "X.7.17", "hasmoved" },    /* mailbox owner has changed */
	{ "X.7.18", "hasmoved" },    /* domain owner has changed */
	{ "X.7.20", "authfailure" }, /* no passing DKIM signature */
	{ "X.7.21", "authfailure" },
	{ "X.7.22", "authfailure" },
	{ "X.7.23", "authfailure" }, /* SPF validation failed */
	{ "X.7.24", "authfailure" },
	{ "X.7.25", "requireptr" },  /* reverse DNS validation failed */
	{ "X.7.26", "authfailure" }, /* multiple authentication checks failed */
	{ "X.7.27", "notaccept" },   /* null MX */
	{ "X.7", "securityerror" },
};
const size_t bounce_nstatus_reasons = N(bounce_status_reasons);

const struct bounce_pseudo_status bounce_pseudo_statuses[] = {
	{ "undefined", "0.900" },   { "onhold", "0.901" },        { "syntaxerror", "0.902" },
	{ "authfailure", "0.905" }, { "norelaying", "0.909" },    { "filtered", "0.910" },
	{ "userunknown", "0.911" }, { "hostunknown", "0.912" },   { "hasmoved", "0.916" },
	{ "rejected", "0.918" },    { "suspend", "0.921" },       { "mailboxfull", "0.922" },
	{ "exceedlimit", "0.923" }, { "systemerror", "0.930" },   { "systemfull", "0.931" },
	{ "notaccept", "0.932" },   { "mesgtoobig", "0.934" },    { "mailererror", "0.939" },
	{ "toomanyconn", "0.940" }, { "networkerror", "0.944" },  { "expired", "0.947" },
	{ "contenterror", "0.960" }, { "securityerror", "0.970" }, { "blocked", "0.971" },
	{ "policyviolation", "0.972" }, { "requireptr", "0.973" }, { "badreputation", "0.975" },
	{ "spamdetected", "0.980" }, { "virusdetected", "0.981" }, { "speeding", "0.982" },
	{ "notcompliantrfc", "0.983" },
};
const size_t bounce_npseudo_statuses = N(bounce_pseudo_statuses);

/* (d) Hard: the address is dead. notaccept only with a permanent failure
 * (a 5xx null MX), else the domain may come back. */
const struct bounce_hard_reason bounce_hard_reasons[] = {
	{ "userunknown", 0 },
	{ "hostunknown", 0 },
	{ "hasmoved", 0 },
	{ "notaccept", 1 },
};
const size_t bounce_nhard_reasons = N(bounce_hard_reasons);

const struct bounce_header_sign bounce_autoreply_headers[] = {
	{ "auto-submitted", "auto-replied" },
	{ "auto-submitted", "auto-notified" },
	{ "x-autoreply", "" },
	{ "x-autorespond", "" },
	{ "x-autoresponder", "" },
	{ "x-auto-response-suppress", "" },
	{ "precedence", "auto_reply" },
	{ "x-mail-autoreply", "" },
	{ "x-vacation", "" },
};
const size_t bounce_nautoreply_headers = N(bounce_autoreply_headers);

const char *const bounce_autoreply_subjects[] = {
	"auto:", "automatic reply", "autoreply", "auto-reply", "auto reply", "out of office",
	"out of the office", "vacation", "abwesenheit", "away from", "on leave", "autosvar",
	"respuesta automática", "réponse automatique",
};
const size_t bounce_nautoreply_subjects = N(bounce_autoreply_subjects);

const char *const bounce_bounce_subjects[] = {
	"undeliver", "undelivered", "delivery status notification", "delivery failure",
	"delivery failed", "failure notice", "returned mail", "mail delivery", "returned to sender",
	"could not be delivered", "delivery problem", "nondeliverable", "non-deliverable",
	"non delivery", "nicht zustellbar", "error", "failed", "warning", "bounce", "rejected",
	"delivery notification", "unable to deliver", "message status",
	"\xe3\x82\xa8\xe3\x83\xa9\xe3\x83\xbc", /* "error" in Japanese (katakana) */
};
const size_t bounce_nbounce_subjects = N(bounce_bounce_subjects);

const char *const bounce_bounce_senders[] = {
	"mailer-daemon", "postmaster", "post_master", "mail delivery", "mail.delivery", "mailer_daemon",
	"double-bounce", "mail administrator", "bounce",
};
const size_t bounce_nbounce_senders = N(bounce_bounce_senders);

/* Phrases (lowercase) that say a failure is temporary, for the pseudo
 * status (4.0.9NN) when the message gives no code. */
const char *const bounce_temporary_phrases[] = {
	"temporary failure", "temporary error", "temporarily", "will be retried",
	"delivery attempts will continue", "will retry", "is delayed", "has been delayed",
	"still trying", "not yet been delivered", "have been failing",
	"retry time not reached",
};
const size_t bounce_ntemporary_phrases = N(bounce_temporary_phrases);

/* Subjects (lowercase) of complaint reports sent without ARF's
 * message/feedback-report part (older Hotmail/Outlook.com loops). */
const char *const bounce_complaint_subjects[] = {
	"complaint about message from",
	"abuse report",
};
const size_t bounce_ncomplaint_subjects = N(bounce_complaint_subjects);

/* Headers of complaint-like reports that are no ARF: an unsubscribe
 * request a mail client sends on the user's behalf (List-Unsubscribe). */
const struct bounce_header_sign bounce_complaint_headers[] = {
	{ "x-apple-unsubscribe", "true" },
};
const size_t bounce_ncomplaint_headers = N(bounce_complaint_headers);

const char *const bounce_reasons[] = {
	"authfailure", "badreputation", "blocked", "contenterror", "delivered", "exceedlimit",
	"expired", "feedback", "filtered", "hasmoved", "hostunknown", "mailboxfull", "mailererror",
	"mesgtoobig", "networkerror", "norelaying", "notaccept", "notcompliantrfc", "onhold",
	"policyviolation", "rejected", "requireptr", "securityerror", "spamdetected", "speeding",
	"suspend", "syntaxerror", "systemerror", "systemfull", "toomanyconn", "undefined",
	"userunknown", "vacation", "virusdetected",
};
const size_t bounce_nreasons = N(bounce_reasons);

/* Per-recipient DSN fields in which a sending MTA names its own
 * classification of the failure (PowerMTA's X-PowerMTA-BounceCategory,
 * written by the MTA that tried the delivery): field name, value, reason.
 * Values that say nothing ("other") have no row. */
const struct bounce_category bounce_categories[] = {
	{ "x-powermta-bouncecategory", "bad-mailbox", "userunknown" },
	{ "x-powermta-bouncecategory", "bad-domain", "hostunknown" },
	{ "x-powermta-bouncecategory", "inactive-mailbox", "suspend" },
	{ "x-powermta-bouncecategory", "quota-issues", "mailboxfull" },
	{ "x-powermta-bouncecategory", "message-expired", "expired" },
	{ "x-powermta-bouncecategory", "no-answer-from-host", "networkerror" },
	{ "x-powermta-bouncecategory", "bad-connection", "networkerror" },
	{ "x-powermta-bouncecategory", "routing-errors", "networkerror" },
	{ "x-powermta-bouncecategory", "relaying-issues", "norelaying" },
	{ "x-powermta-bouncecategory", "invalid-sender", "rejected" },
	{ "x-powermta-bouncecategory", "policy-related", "policyviolation" },
	{ "x-powermta-bouncecategory", "spam-related", "spamdetected" },
	{ "x-powermta-bouncecategory", "virus-related", "virusdetected" },
	{ "x-powermta-bouncecategory", "content-related", "contenterror" },
	{ "x-powermta-bouncecategory", "protocol-errors", "syntaxerror" },
	{ "x-powermta-bouncecategory", "bad-configuration", "systemerror" },
};
const size_t bounce_ncategories = N(bounce_categories);
