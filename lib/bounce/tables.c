/* tables.c: the parser's knowledge as data, in one place (see
 * tables.h and docs/parser.md): what phrases mean, how servers lay
 * out their own bounce formats, what status codes mean, which reasons make
 * a bounce hard. Adding a server's format or a phrase is adding rows. */
#include "tables.h"

#include <string.h>

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* (a) Phrases. Lowercase, white space folded. First match wins: narrow
 * meanings (a full mailbox, a PTR requirement) before broad ones (blocked,
 * rejected). Each row says what a phrase means, not which file has it. */
const struct bounce_phrase bounce_phrases[] = {
	/* the mailbox is full */
	{ "account is exceeding their quota", REASON(mailboxfull) },
	{ "does not have enough space", REASON(mailboxfull) },
	{ "over the allowed quota", REASON(mailboxfull) },
	{ "quota violation for", REASON(mailboxfull) },
	{ "the user's space has been used up", REASON(mailboxfull) },
	{ "account disabled temporarly for exceeding receiving limits", REASON(mailboxfull) },
	{ "user has too many messages on the server", REASON(mailboxfull) },
	{ "mailbox full", REASON(mailboxfull) },
	{ "mailbox is full", REASON(mailboxfull) },
	{ "mailbox has exceeded", REASON(mailboxfull) },
	{ "mailbox size limit exceeded", REASON(mailboxfull) },
	{ "mailbox quota", REASON(mailboxfull) },
	{ "over quota", REASON(mailboxfull) },
	{ "overquota", REASON(mailboxfull) },
	{ "over the quota", REASON(mailboxfull) },
	{ "quota exceeded", REASON(mailboxfull) },
	{ "quota exceed", REASON(mailboxfull) },
	{ "exceeded storage allocation", REASON(mailboxfull) },
	{ "exceeded its quota", REASON(mailboxfull) },
	{ "exceeds quota", REASON(mailboxfull) },
	{ "exceed the quota", REASON(mailboxfull) },
	{ "is over its quota", REASON(mailboxfull) },
	{ "user is over", REASON(mailboxfull) },
	{ "not enough storage space", REASON(mailboxfull) },
	{ "mailbox exceeds allowed size", REASON(mailboxfull) },
	{ "mailbox would exceed", REASON(mailboxfull) },
	{ "maildir over quota", REASON(mailboxfull) },
	{ "recipient's mailbox is full", REASON(mailboxfull) },
	{ "mailfolder is full", REASON(mailboxfull) },
	{ "recipient's mailbox exceeded", REASON(mailboxfull) },
	{ "mail folder is full", REASON(mailboxfull) },
	{ "account is full", REASON(mailboxfull) },
	{ "disk quota", REASON(mailboxfull) },
	{ "user has exceeded", REASON(mailboxfull) },
	{ "full mailbox", REASON(mailboxfull) },
	{ "has exceeded the max emails per hour", REASON(toomanyconn) },
	{ "out of disk space", REASON(mailboxfull) },
	{ "mail quota exceeded", REASON(mailboxfull) },
	{ "too much mail data", REASON(mailboxfull) },
	/* the message is too big */
	{ "resolver.rst.recipsizelimit", REASON(mesgtoobig) },
	{ "exceeded maximum inbound message size", REASON(mesgtoobig) },
	{ "exceeded the maximum incoming message size", REASON(mesgtoobig) },
	{ "max message size exceeded", REASON(mesgtoobig) },
	{ "taille limite du message atteinte", REASON(mesgtoobig) },
	{ "message too large", REASON(mesgtoobig) },
	{ "message too big", REASON(mesgtoobig) },
	{ "message is too large", REASON(mesgtoobig) },
	{ "message is too big", REASON(mesgtoobig) },
	{ "message size exceeds", REASON(mesgtoobig) },
	{ "message exceeds maximum", REASON(mesgtoobig) },
	{ "message length exceeds", REASON(mesgtoobig) },
	{ "size exceeds the maximum", REASON(mesgtoobig) },
	{ "exceeds size limit", REASON(mesgtoobig) },
	{ "exceeded the size limit", REASON(mesgtoobig) },
	{ "message file too big", REASON(mesgtoobig) },
	{ "message size limit", REASON(mesgtoobig) },
	{ "size limit exceeded", REASON(mesgtoobig) },
	{ "message exceeds local size limit", REASON(mesgtoobig) },
	{ "too large for this recipient", REASON(mesgtoobig) },
	{ "line limit exceeded", REASON(mesgtoobig) },
	/* a limit other than size or quota */
	{ "the message exeeded the maximum size the user accepts", REASON(exceedlimit) },
	{ "the message exceeded the maximum size the user accepts", REASON(exceedlimit) },
	{ "exceeds the limit", REASON(exceedlimit) },
	{ "header size exceeds", REASON(exceedlimit) },
	{ "message header size", REASON(exceedlimit) },
	{ "too many recipients", REASON(toomanyconn) },
	/* the account is disabled or suspended */
	{ "mailaddress is administrativly disabled", REASON(suspend) },
	{ "mailaddress is administrativley disabled", REASON(suspend) },
	{ "mailaddress is administratively disabled", REASON(suspend) },
	{ "invalid/inactive user", REASON(suspend) },
	{ "is a deactivated mailbox", REASON(suspend) },
	{ "mailbox currently suspended", REASON(suspend) },
	{ "recipient suspend the service", REASON(suspend) },
	{ "account disabled", REASON(suspend) },
	{ "account has been disabled", REASON(suspend) },
	{ "account is disabled", REASON(suspend) },
	{ "account is inactive", REASON(suspend) },
	{ "account inactive", REASON(suspend) },
	{ "account has been suspended", REASON(suspend) },
	{ "account is suspended", REASON(suspend) },
	{ "account suspended", REASON(suspend) },
	{ "account is locked", REASON(suspend) }, /* vpopmail vdelivermail.c: "vdelivermail: account is locked
						   * email bounced %s@%s", exit 100, for an account flagged BOUNCE_MAIL */
	{ "temporary locked", REASON(suspend) },
	{ "account is blocked", REASON(suspend) },
	{ "temporarily locked", REASON(suspend) },
	{ "mailbox is frozen", REASON(suspend) },
	{ "account locked", REASON(suspend) },
	{ "account expired", REASON(suspend) },
	{ "mailbox disabled", REASON(suspend) },
	{ "mailbox is disabled", REASON(suspend) },
	{ "mailbox is inactive", REASON(suspend) },
	{ "mailbox inactive", REASON(suspend) },
	{ "mailbox unavailable or disabled", REASON(suspend) },
	{ "is disabled", REASON(suspend) }, /* Yahoo "This mailbox is disabled (554.30)"
						   * (senders.yahooinc.com/smtp-error-codes) */
	{ "not an active address", REASON(suspend) },
	{ "user suspended", REASON(suspend) },
	{ "has been suspended", REASON(suspend) },
	{ "recipient suspended", REASON(suspend) },
	{ "boite du destinataire archivee", REASON(suspend) },
	{ "email account that you tried to reach is inactive", REASON(suspend) },
	/* the address has moved */
	{ " has been replaced by ", REASON(hasmoved) },
	{ "address has moved", REASON(hasmoved) },
	{ "has been moved", REASON(hasmoved) },
	{ "user has moved", REASON(hasmoved) },
	{ "no longer with", REASON(hasmoved) },
	{ "is now at", REASON(hasmoved) },
	{ "has changed their email address", REASON(hasmoved) },
	/* relaying refused */
	{ " as a relay", REASON(norelaying) },
	{ "insecure mail relay", REASON(norelaying) },
	{ "requires authentication when attempting to send to a non-local e-mail address", REASON(norelaying) },
	{ "not an open relay, so get lost", REASON(norelaying) },
	{ "isn't in my list of allowed rcpthost", REASON(norelaying) },
	/* Amazon SES: "554 Message rejected: Email address is not verified. ..."
	 * (repost.aws/knowledge-center/ses-554-400-message-rejected-error) */
	{ "email address is not verified. the following identities failed the check", REASON(norelaying) },
	/* relaying refused */
	{ "not configured to relay", REASON(norelaying) },
	{ "relay access denied", REASON(norelaying) },
	{ "relaying denied", REASON(norelaying) },
	{ "relay denied", REASON(norelaying) },
	{ "relaying not permitted", REASON(norelaying) },
	{ "relay not permitted", REASON(norelaying) },
	{ "relaying is not allowed", REASON(norelaying) },
	{ "not permitted to relay", REASON(norelaying) },
	{ "unable to relay", REASON(norelaying) }, /* Exchange "550 5.7.1 Unable to relay"
							 * (learn.microsoft.com/en-us/exchange/mail-flow-best-practices/
							 * non-delivery-reports-in-exchange-online/non-delivery-reports-in-exchange-online) */
	{ "we do not relay", REASON(norelaying) },
	{ "no relaying", REASON(norelaying) },
	{ "not allowed to relay", REASON(norelaying) },
	{ "relay not allowed", REASON(norelaying) },
	{ "relaying mail to", REASON(norelaying) },
	{ "cannot relay", REASON(norelaying) },
	{ "relay prohibited", REASON(norelaying) },
	/* sender authentication (SPF, DKIM, DMARC) */
	/* SPF's explanation URL: Mail::SPF::Query's Query.pm, $DEFAULT_EXPLANATION
	 * "Please see http://spf.pobox.com/why.html?sender=..." */
	{ "//spf.pobox.com", REASON(authfailure) },
	/* SPF, DKIM, DMARC */
	{ "spf check: fail", REASON(authfailure) },
	{ "dmarc", REASON(authfailure) },
	{ "spf check failed", REASON(authfailure) },
	{ "spf validation", REASON(authfailure) },
	{ "spf record", REASON(authfailure) }, /* the sender's SPF policy (RFC 7208) */
	{ "spf fail", REASON(authfailure) },
	{ "spf: ", REASON(authfailure) },
	{ "sender policy framework", REASON(authfailure) },
	{ "not authorized to send", REASON(authfailure) },
	{ "is not allowed to send mail from", REASON(authfailure) },
	{ "not designated as permitted sender", REASON(authfailure) },
	{ "not permitted by domain", REASON(authfailure) },
	{ "authentication checks", REASON(authfailure) },
	{ "sender authentication", REASON(authfailure) },
	{ "unauthenticated email", REASON(authfailure) }, /* Gmail: "Unauthenticated email from D is
							 * not accepted due to domain's DMARC policy"
							 * (support.google.com/a/answer/3726730) */
	{ "not pass authentication", REASON(authfailure) },
	{ "dkim signature", REASON(authfailure) },
	{ "dkim check", REASON(authfailure) },
	{ "dkim fail", REASON(authfailure) },
	{ "dkim=fail", REASON(authfailure) },
	{ "dkim verification", REASON(authfailure) },
	{ "no passing dkim", REASON(authfailure) },
	/* Gmail's "550 5.7.26 This message does not have authentication
	 * information or fails to pass authentication checks"
	 * (support.google.com/a/answer/3726730) */
	{ "authentication information", REASON(authfailure) },
	/* reverse DNS (PTR) required */
	/* reverse DNS (PTR) required */
	{ "the corresponding forward dns entry does not point to the sending ip", REASON(requireptr) },
	{ "unresolvable relay host name", REASON(requireptr) },
	{ "reverse dns", REASON(requireptr) },
	{ "reverse lookup", REASON(requireptr) },
	{ "ptr record", REASON(requireptr) },
	{ "no ptr", REASON(requireptr) },
	{ "rdns", REASON(requireptr) }, /* Haraka's fcrdns plugin: "client [IP] rejected; no rDNS",
					 * "rDNS lookup error", "generic rDNS, please use your ISPs SMTP relay"
					 * (github.com/haraka/haraka-plugin-fcrdns/blob/master/index.js) */
	{ "cannot find your hostname", REASON(requireptr) },
	{ "cannot resolve your address", REASON(requireptr) },
	{ "cannot resolve your hostname", REASON(requireptr) },
	{ "client host rejected: cannot find your", REASON(requireptr) },
	{ "ip name lookup failed", REASON(requireptr) }, /* Sendmail cf/m4/proto.m4, FEATURE(`require_rdns'):
							 * "550 Relaying denied. IP name lookup failed" */
	{ "mismatches client ip", REASON(requireptr) },
	/* "service permits ... unverifyable sending ips" (Sisimai Reason::RequirePTR's pair) */
	{ "unverifyable sending ip", REASON(requireptr) },
	{ "unverifiable sending ip", REASON(requireptr) },
	{ "no reverse", REASON(requireptr) },
	{ "does not have a reverse", REASON(requireptr) },
	{ "unresolvable address", REASON(requireptr) },
	{ "hostname does not match", REASON(requireptr) },
	{ "not resolve", REASON(requireptr) },
	{ "ip address has no ptr", REASON(requireptr) },
	{ "connection refused. 200.", REASON(requireptr) },
	/* a virus */
	{ "it has a potentially executable attachment", REASON(virusdetected) },
	{ "virus", REASON(virusdetected) },
	{ "malware", REASON(virusdetected) },
	{ "infected", REASON(virusdetected) },
	/* the recipient does not exist */
	/* Exchange's French NDR: "the address referred to above does not exist" */
	{ "l'adresse de messagerie r\xc3\xa9" "f\xc3\xa9" "renc\xc3\xa9" "e ci-dessus n'existe pas", REASON(userunknown) },
	{ "does not have a final email delivery point", REASON(userunknown) },
	{ "resolver.adr.exrecipnotfound", REASON(userunknown) },
	{ "#5.1.1 bad address", REASON(userunknown) },
	{ "bad-recipient", REASON(userunknown) },
	{ "bad recipient", REASON(userunknown) },
	{ "can't accept user", REASON(userunknown) },
	{ "destination addresses were unknown", REASON(userunknown) },
	{ "destination server rejected recipients", REASON(userunknown) },
	{ "no existe dicha persona", REASON(userunknown) },
	{ "no existe ese usuario", REASON(userunknown) },
	{ "no matches to nameserver query", REASON(userunknown) },
	{ "no thank you rejected: account unavailable:", REASON(userunknown) },
	{ "non-existent user", REASON(userunknown) },
	{ "nonexistent user", REASON(userunknown) },
	{ "recipient not exist", REASON(userunknown) },
	{ "resolver.adr.recipnotfound", REASON(userunknown) },
	{ "sorry, badrcptto", REASON(userunknown) },
	{ "the user's email name is not found", REASON(userunknown) },
	{ "there is no one at this address", REASON(userunknown) },
	{ "this address no longer accepts mail", REASON(userunknown) },
	{ "this email address is wrong or no longer valid", REASON(userunknown) },
	{ "unknown e-mail address", REASON(userunknown) },
	{ "unknown email address", REASON(userunknown) },
	{ "unknown local-part", REASON(userunknown) },
	{ "user missing home directory", REASON(userunknown) },
	{ "user not known", REASON(userunknown) },
	{ "vdeliver: invalid or unknown virtual user", REASON(userunknown) },
	{ "your envelope recipient is in my badrcptto list", REASON(userunknown) },
	{ "user unknown", REASON(userunknown) },
	{ "unknown user", REASON(userunknown) },
	{ "user not found", REASON(userunknown) }, /* Coremail's bounce notes: "User not found"
						    * (www.icoremail.vip/support/index.php?cate_id=84&page=5&start=0);
						    * DB Mail Server's list of replies for an address that does not
						    * exist: "550 User not found: 12345@163.com"
						    * (www.dbmailserver.com/tui-xin-address-not-exist.htm) */
	{ "no such user", REASON(userunknown) },
	{ "no such mailbox", REASON(userunknown) },
	{ "no such recipient", REASON(userunknown) },
	{ "no such address", REASON(userunknown) },
	{ "no such person", REASON(userunknown) },
	{ "no such account", REASON(userunknown) },
	{ "unknown recipient", REASON(userunknown) },
	{ "unknown address", REASON(userunknown) },
	{ "unknown mailbox", REASON(userunknown) },
	{ "unknown local part", REASON(userunknown) },
	{ "unknown or illegal alias", REASON(userunknown) },
	{ "recipient unknown", REASON(userunknown) },
	{ "recipient not found", REASON(userunknown) },
	{ "recipient address rejected: user", REASON(userunknown) },
	{ "recipient address rejected: unknown", REASON(userunknown) },
	{ "recipient does not exist", REASON(userunknown) },
	{ "recipient is not exist", REASON(userunknown) },
	{ "invalid mailbox", REASON(userunknown) },
	{ "invalid user", REASON(userunknown) },
	{ "address unknown", REASON(userunknown) },
	{ "address does not exist", REASON(userunknown) },
	{ "address not present", REASON(userunknown) },
	{ "address doesn't exist", REASON(userunknown) },
	{ "address not found", REASON(userunknown) },
	{ "address couldn't be found", REASON(userunknown) },
	{ "address wasn't found", REASON(userunknown) },
	/* Exchange Online: "Your message to TestGroup@contoso.com couldn't be delivered.
	 * TestGroup wasn't found at contoso.com." with 550 5.1.10 RecipientNotFound
	 * (learn.microsoft.com/troubleshoot/exchange/, "Email message sent to a restored
	 * Microsoft 365 group generates an NDR"); also with a typographic apostrophe */
	{ "wasn't found at", REASON(userunknown) },
	{ "wasn\xe2\x80\x99t found at", REASON(userunknown) },
	/* "not found in the directory" (Domino, Japanese) */
	{ "\xe3\x83\x87\xe3\x82\xa3\xe3\x83\xac\xe3\x82\xaf\xe3\x83\x88\xe3\x83\xaa\xe3\x81\xab"
	  "\xe3\x81\xaf\xe8\xa6\x8b\xe3\x81\xa4\xe3\x81\x8b\xe3\x82\x8a\xe3\x81\xbe\xe3\x81\x9b"
	  "\xe3\x82\x93", REASON(userunknown) },
	/* "not in the directory list" (Lotus Notes, Japanese) */
	{ "\xe3\x83\x87\xe3\x82\xa3\xe3\x83\xac\xe3\x82\xaf\xe3\x83\x88\xe3\x83\xaa\xe3\x81\xae"
	  "\xe3\x83\xaa\xe3\x82\xb9\xe3\x83\x88\xe3\x81\xab\xe3\x81\x82\xe3\x82\x8a\xe3\x81\xbe"
	  "\xe3\x81\x9b\xe3\x82\x93", REASON(userunknown) },
	{ "address could not be found", REASON(userunknown) },
	{ "bad destination mailbox", REASON(userunknown) },
	{ "mailbox not found", REASON(userunknown) },
	{ "mailbox does not exist", REASON(userunknown) },
	{ "mailbox doesn't exist", REASON(userunknown) },
	{ "mailbox unavailable", REASON(userunknown) },
	{ "mailbox is unavailable", REASON(userunknown) },
	{ "mailbox not available", REASON(userunknown) },
	{ "mailbox is not available", REASON(userunknown) },
	{ "mailbox name not allowed", REASON(userunknown) },
	{ "mailbox not present", REASON(userunknown) },
	{ "mailbox invalid", REASON(userunknown) },
	{ "account does not exist", REASON(userunknown) },
	{ "account that you tried to reach does not exist", REASON(userunknown) },
	{ "does not have an account", REASON(userunknown) },
	{ "not a valid mailbox", REASON(userunknown) },
	{ "not a valid user", REASON(userunknown) },
	{ "not a known user", REASON(userunknown) },
	{ "not known here", REASON(userunknown) },
	{ "no mailbox", REASON(userunknown) },
	{ "no account", REASON(userunknown) },
	{ "user doesn't", REASON(userunknown) },
	{ "user does not", REASON(userunknown) },
	{ "unknown in local recipient table", REASON(userunknown) },
	{ "unknown in virtual mailbox table", REASON(userunknown) },
	{ "unknown in virtual alias table", REASON(userunknown) },
	{ "unknown in relay recipient table", REASON(userunknown) },
	{ "not listed in domino directory", REASON(userunknown) },
	{ "not listed in public name", REASON(userunknown) },
	{ "is not a valid", REASON(userunknown) },
	{ "no valid recipients", REASON(userunknown) },
	{ "no mail box", REASON(userunknown) },
	{ "this user doesn't have", REASON(userunknown) },
	{ "undeliverable address", REASON(userunknown) },
	{ "sorry, no mailbox here by that name", REASON(userunknown) },
	{ "mailbox not exist", REASON(userunknown) },
	{ "said: 550 5.1.1", REASON(userunknown) },
	{ "disabled or discontinued", REASON(userunknown) },
	{ "not our customer", REASON(userunknown) },
	{ "we do not have a customer", REASON(userunknown) },
	{ "user not exist", REASON(userunknown) },
	{ "unknown recipients", REASON(userunknown) },
	{ "destination address does not exist", REASON(userunknown) },
	{ "unknown account", REASON(userunknown) },
	{ "user does not exist", REASON(userunknown) },
	{ "user doesn't exist", REASON(userunknown) },
	{ "recipient doesn't exist", REASON(userunknown) },
	{ "mailbox doesn't exist", REASON(userunknown) },
	{ "invalid final delivery userid", REASON(userunknown) },
	{ "recipientnotfound", REASON(userunknown) },
	/* refusals that give no cause: last, so that --explain and
	 * bounce_generic_rcpt_phrases see a specific phrase first */
	/* Postfix's reply to an access(5) REJECT without text ("<a>: Recipient
	 * address rejected: Access denied"), Exchange Online's 550 5.4.1
	 * (learn.microsoft.com/en-us/exchange/mail-flow-best-practices/
	 * non-delivery-reports-in-exchange-online/non-delivery-reports-in-exchange-online) */
	{ "recipient address rejected: access denied", REASON(userunknown) },
	/* more refusals that give no cause */
	{ "recipient address rejected: invalid", REASON(userunknown) },
	{ "recipient address rejected: undeliverable", REASON(userunknown) },
	{ "recipient address rejected. ", REASON(userunknown) },
	{ "recipient rejected", REASON(userunknown) },
	{ "recipient invalid", REASON(userunknown) },
	{ "invalid recipient", REASON(userunknown) }, /* Mimecast "550 Invalid Recipient"
								 * (community.mimecast.com/s/article/Mimecast-SMTP-Error-Codes-842605754) */
	{ "invalid address", REASON(userunknown) },
	/* the host or domain does not exist */
	{ "smtpsend.dns.nonexistentdomain", REASON(hostunknown) },
	{ "sorry, i couldn't find any host ", REASON(hostunknown) },
	{ "all host address lookups failed permanently", REASON(hostunknown) },
	{ "all relevant mx records point to non-existent hosts", REASON(hostunknown) },
	{ "mail domain mentioned in email address is unknown", REASON(hostunknown) },
	{ "the account or domain may not exist", REASON(hostunknown) },
	{ "host unknown", REASON(hostunknown) },
	{ "unknown host", REASON(hostunknown) }, /* h_errno HOST_NOT_FOUND: glibc resolv/herror.c */
	{ "host not found", REASON(hostunknown) },
	{ "domain not found", REASON(hostunknown) },
	{ "domain does not exist", REASON(hostunknown) },
	{ "unknown domain", REASON(hostunknown) },
	{ "no such domain", REASON(hostunknown) },
	{ "domain is not", REASON(hostunknown) },
	{ "name or service not known", REASON(hostunknown) },
	{ "recipient domain must exist", REASON(hostunknown) },
	{ "domain must exist", REASON(hostunknown) },
	{ "illegal host/domain", REASON(hostunknown) },
	{ "host or domain name not found", REASON(hostunknown) },
	{ "unrouteable mail domain", REASON(hostunknown) },
	{ "invalid domain", REASON(hostunknown) },
	{ "mail for this domain", REASON(hostunknown) },
	{ "not have a dns", REASON(hostunknown) },
	{ "dns lookup failed", REASON(hostunknown) },
	{ "dns lookup failure", REASON(hostunknown) }, /* dma (DragonFly Mail Agent) net.c: "DNS lookup
							 * failure: host %s not found" when the MX list of the domain fails */
	/* block lists (before "spam": spamhaus is a list) */
	{ "blacklist", REASON(blocked) },
	{ "blocklist", REASON(blocked) },
	{ "block list", REASON(blocked) }, /* Outlook.com "Part of their network is on our block
						  * list (S3150)" (sendersupport.olc.protection.outlook.com/pm/troubleshooting.aspx) */
	{ "black list", REASON(blocked) },
	{ "spamhaus", REASON(blocked) }, /* a DNSBL operator: Yahoo [BL21] "on Spamhaus PBL"
						 * (senders.yahooinc.com/smtp-error-codes), iCloud
						 * (support.apple.com/en-us/102322) */
	{ "spamcop", REASON(blocked) },
	{ "dnsbl", REASON(blocked) },
	{ "rbl", REASON(blocked) },
	{ "unrouteable address", REASON(hostunknown) }, /* Exim src/route.c: "Unrouteable address" */
	{ "an mx or srv record indicated no smtp service", REASON(notaccept) }, /* Exim src/routers/dnslookup.c */
	{ " no mx ", REASON(notaccept) }, /* no MX for the domain: OpenSMTPD smtpd/mta.c "No MX
					    * found for domain"; a word, whatever follows */
	{ "couldn't find a mail exchanger", REASON(notaccept) },
	/* spam */
	{ " ube,", REASON(spamdetected) },
	{ " ube ", REASON(spamdetected) },
	/* a link in the message is on a URI block list (URIBL, SURBL): the
	 * content, not the sending host (Sisimai Reason::SpamDetected) */
	{ "blacklisted url in message", REASON(spamdetected) },
	{ "uribl", REASON(spamdetected) },
	{ "message content rejected", REASON(spamdetected) },
	{ "spam classification", REASON(spamdetected) },
	/* the word "spam" itself: a token row (bounce_token_phrases), whole
	 * words only, so that "antispam" and "spamhaus" are no spam */
	{ "junk mail", REASON(spamdetected) },
	{ "bulk mail", REASON(spamdetected) },
	{ "unsolicited", REASON(spamdetected) },
	{ "content filter", REASON(filtered) },
	{ "mail appears to be unsolicited", REASON(spamdetected) },
	/* too many connections, rate limits */
	{ "resolver.adr.reciplimit", REASON(toomanyconn) },
	{ "please try again slower", REASON(speeding) },
	{ "too many smtp sessions for this host", REASON(toomanyconn) },
	{ "trop de connexions, ", REASON(toomanyconn) },
	{ "we have already made numerous attempts to deliver this message", REASON(toomanyconn) },
	{ "too many connections", REASON(toomanyconn) },
	{ "frequency limited", REASON(toomanyconn) },
	{ "too many concurrent", REASON(toomanyconn) },
	{ "too many sessions", REASON(toomanyconn) },
	{ "too many simultaneous", REASON(toomanyconn) },
	{ "connection limit", REASON(toomanyconn) },
	{ "connection rate limit", REASON(toomanyconn) }, /* Sendmail cf/m4/proto.m4, FEATURE(`ratecontrol'):
							   * "452 4.3.2 Connection rate limit exceeded." */
	{ "too many messages", REASON(toomanyconn) },
	{ "too many emails", REASON(toomanyconn) },
	{ "receiving mail at a rate", REASON(speeding) }, /* Gmail's 450 4.2.1 (support.google.com/mail/?p=ReceivingRate) */
	{ "rate limit", REASON(speeding) },
	{ "ratelimit", REASON(speeding) },
	{ "sending rate", REASON(speeding) },
	{ "too fast", REASON(speeding) },
	/* the sender's IP or reputation */
	{ "bad sender ip address", REASON(blocked) },
	{ "blocked - see http", REASON(blocked) },
	{ "refused - see http", REASON(blocked) },
	{ "confirm this mail server", REASON(blocked) },
	{ "rejecting open proxy", REASON(blocked) },
	{ "sender ip address rejected", REASON(blocked) },
	{ "your remotehost looks suspiciously like spammer", REASON(blocked) },
	{ "your server requires confirmation", REASON(blocked) },
	{ "you are not allowed to connect", REASON(blocked) },
	{ "your access to submit messages to this e-mail system has been rejected", REASON(blocked) },
	{ "user complaints", REASON(badreputation) }, /* Yahoo [TSS04] "... unexpected volume or user
							 * complaints" (senders.yahooinc.com/smtp-error-codes) */
	{ "poor reputation", REASON(badreputation) },
	{ "bad reputation", REASON(badreputation) },
	{ "low reputation", REASON(badreputation) }, /* Gmail 421 4.7.0 "very low reputation of the sending
							 * IP address" (support.google.com/a/answer/3726730) */
	{ "sender reputation", REASON(badreputation) },
	{ "ip reputation", REASON(badreputation) },
	{ "reputation", REASON(badreputation) },
	{ "listed in", REASON(blocked) },
	{ "is listed", REASON(blocked) },
	{ "your ip", REASON(blocked) },
	{ "client host", REASON(blocked) }, /* Postfix src/smtpd/smtpd_check.c: "Client host
						 * rejected: ...", "Client host [%s] blocked using %s" */
	{ "connections not accepted", REASON(blocked) },
	{ "is blocked", REASON(blocked) },
	{ "been blocked", REASON(blocked) },
	{ "blocked using", REASON(blocked) },
	{ "ip blocked", REASON(blocked) },
	{ "blocked ip", REASON(blocked) },
	{ "banned sending ip", REASON(blocked) }, /* Exchange Online "550 5.7.606-649 Access denied, banned
							 * sending IP" (learn.microsoft.com/en-us/exchange/mail-flow-best-practices/
							 * non-delivery-reports-in-exchange-online/non-delivery-reports-in-exchange-online) */
	{ "invalid ip for sending", REASON(blocked) },
	{ "banned", REASON(blocked) },
	{ "access denied", REASON(blocked) },
	{ "dynamic ip", REASON(blocked) },
	{ "smtp server of your isp", REASON(blocked) },
	{ "use your isp's", REASON(blocked) },
	{ "dial-up", REASON(blocked) },
	{ "invalid helo", REASON(blocked) },
	{ "helo command rejected", REASON(blocked) },
	{ "ehlo command rejected", REASON(blocked) },
	{ "dialup", REASON(blocked) },
	/* RFC 5321 4.2.2's text for 421 ("Service not available, closing
	 * transmission channel"): the remote refuses the session */
	{ "service not available", REASON(blocked) },
	/* the remote refuses this client */
	{ "no access from", REASON(blocked) },
	{ "not accepting connections", REASON(blocked) }, /* iCloud Mail "ESMTP not accepting connections"
								 * (support.apple.com/en-us/102322) */
	/* message content and format */
	{ "too many \"received\" headers", REASON(contenterror) },
	{ "?p=rfcmessagenoncompliant", REASON(notcompliantrfc) },
	{ "this message contain invalid mime headers", REASON(contenterror) },
	{ "this message contains invalid mime headers", REASON(contenterror) },
	{ "this message contains improperly-formatted binary content", REASON(contenterror) },
	{ "this message contains text that uses unnecessary base64 encoding", REASON(contenterror) },
	{ "message header", REASON(contenterror) },
	{ "improper use of 8-bit", REASON(contenterror) },
	{ "8-bit data", REASON(contenterror) },
	{ "rfc 5322", REASON(notcompliantrfc) },
	{ "rfc5322", REASON(notcompliantrfc) },
	{ "rfc 2822", REASON(notcompliantrfc) },
	{ "rfc2822", REASON(notcompliantrfc) },
	{ "rfc 822", REASON(notcompliantrfc) },
	{ "not rfc compliant", REASON(notcompliantrfc) },
	{ "multiple addresses in from", REASON(notcompliantrfc) },
	{ "duplicate header", REASON(notcompliantrfc) }, /* RFC 5322 3.6: fields that may occur once */
	{ "duplicate header", REASON(contenterror) },
	/* policy, filtering, rejection */
	{ "resolver.rst.notauthorized", REASON(rejected) },
	/* a mailing list that takes posts from its members only (fml's
	 * refusals; Sisimai Lhost::FML) */
	{ "you are not a member of this mailing list", REASON(rejected) },
	{ "not member article from", REASON(rejected) },
	{ "header error", REASON(policyviolation) }, /* "554 5.7.9 Header error": the header broke a policy */
	{ "because the recipient is not accepting mail with attachments", REASON(policyviolation) },
	{ "because the recipient is not accepting mail with embedded images", REASON(policyviolation) },
	{ "closed mailing list", REASON(policyviolation) },
	{ "email rejected due to security policies", REASON(policyviolation) },
	{ "header are not accepted", REASON(policyviolation) },
	{ "message given low priority", REASON(policyviolation) },
	{ "messages with multiple addresses", REASON(policyviolation) },
	{ "the email address used to send your message is not subscribed to this group", REASON(policyviolation) },
	{ "allowable number of posts without solving a captcha", REASON(policyviolation) },
	{ "badsendermx", REASON(rejected) },
	{ "backscatter protection detected an invalid or expired email address", REASON(rejected) },
	{ "by non-member to a members-only list", REASON(rejected) },
	{ "emetteur invalide", REASON(rejected) },
	{ "empty email address", REASON(rejected) },
	{ "from: domain is invalid. please provide a valid from:", REASON(rejected) },
	{ "fully qualified email address required", REASON(rejected) },
	{ "has an outgoing mail suspension", REASON(rejected) },
	{ "mail from not owned by user", REASON(rejected) },
	{ "not member article from ", REASON(rejected) },
	{ "null sender is not allowed", REASON(rejected) },
	{ "returned mail not accepted here", REASON(rejected) },
	{ "sender is spammer", REASON(rejected) },
	{ "sender not pre-approved", REASON(rejected) },
	{ "sender domain is empty", REASON(rejected) },
	{ "sender domain listed at ", REASON(rejected) },
	{ "sendernoa", REASON(rejected) },
	{ "you are not allowed to post to this mailing list", REASON(rejected) },
	{ "account is protected by", REASON(filtered) },
	{ "has restricted sms e-mail", REASON(filtered) },
	{ "is not accepting any mail", REASON(filtered) },
	{ "message rejected due to user rules", REASON(filtered) },
	{ "recipient id refuse to receive mail", REASON(filtered) },
	{ "recipient is only accepting mail from specific email addresses", REASON(filtered) },
	{ "refused due to recipient preferences", REASON(filtered) },
	{ "user refuses to receive this mail", REASON(filtered) },
	{ "user reject", REASON(filtered) },
	{ "you have been blocked by the recipient", REASON(filtered) },
	{ "policy violation", REASON(policyviolation) },
	{ "violates our policy", REASON(policyviolation) },
	{ "violation of policy", REASON(policyviolation) },
	{ "violated", REASON(policyviolation) },
	{ "prohibited attachment", REASON(policyviolation) },
	{ "policy", REASON(policyviolation) },
	{ "protocol violation", REASON(policyviolation) },
	{ "denied by policy", REASON(policyviolation) },
	/* Google: "552 5.7.0 This message was blocked because its content
	 * presents a potential security issue" (support.google.com/mail/answer/6590) */
	{ "content presents a potential", REASON(policyviolation) },
	/* attachments, filters, the sender */
	{ "attachment is not allowed", REASON(policyviolation) },
	{ "filtered", REASON(filtered) },
	{ "filter", REASON(filtered) },
	{ "refused by recipient", REASON(filtered) },
	{ "not accepting mail from", REASON(filtered) },
	{ "does not accept mail from", REASON(filtered) },
	{ "recipient not authorized", REASON(filtered) },
	{ "sender was rejected", REASON(rejected) },
	{ "purported responsible address", REASON(rejected) }, /* RFC 4407: Sender ID's PRA, the sender */
	{ "sending to/from an address", REASON(rejected) },
	{ "sender address rejected", REASON(rejected) },
	{ "'send mail as'", REASON(rejected) }, /* Gmail's "Send mail as", a From address of
						  * another account: it "works only if you already own the
						  * email account linked to the alternate address", verified
						  * by Gmail (support.google.com/mail/answer/22370): a
						  * refused alias is the sender refused */
	{ "sender rejected", REASON(rejected) },
	{ "sender denied", REASON(rejected) },
	{ "sender blocked", REASON(rejected) },
	{ "sender is blocked", REASON(rejected) },
	{ "domain of sender address", REASON(rejected) },
	{ "sender verify failed", REASON(rejected) },
	{ "sender address", REASON(rejected) }, /* Postfix src/smtpd/smtpd_check.c: "Sender address rejected: ..." */
	{ "envelope sender", REASON(rejected) },
	{ "your sender", REASON(rejected) },
	{ "invalid sender", REASON(rejected) },
	/* security */
	{ "account not subscribed to ses", REASON(securityerror) },
	{ "authentication credentials invalid", REASON(securityerror) },
	{ "authentication failure", REASON(securityerror) },
	{ "authentication turned on in your email client", REASON(securityerror) },
	{ "verification failure", REASON(securityerror) },
	{ "is not authorized to perform ses:sendrawemail on resource", REASON(securityerror) },
	{ "authentification invalide", REASON(securityerror) },
	{ "authentification requise", REASON(securityerror) },
	{ "starttls", REASON(securityerror) },
	{ "tls required", REASON(securityerror) },
	{ "requires tls", REASON(securityerror) },
	{ "must issue a starttls", REASON(securityerror) },
	{ "certificate", REASON(securityerror) },
	{ "authentication required", REASON(securityerror) }, /* RFC 4954 6: "530 5.7.0 Authentication required" */
	{ "authentication failed", REASON(securityerror) },
	{ "must be authenticated", REASON(securityerror) },
	{ "encryption", REASON(securityerror) },
	{ "insecure", REASON(securityerror) },
	/* not accepting mail at all */
	{ "no host found for existing smtp connection", REASON(notaccept) },
	{ "smtp protocol returned a permanent error", REASON(notaccept) },
	{ "does not accept mail", REASON(notaccept) },
	{ "not accept mail", REASON(notaccept) },
	{ "does not receive mail", REASON(notaccept) },
	{ "null mx", REASON(notaccept) },
	{ "doesn't receive email", REASON(notaccept) },
	{ "does not receive email", REASON(notaccept) },
	{ "accepts no mail", REASON(notaccept) },
	/* the remote system */
	{ "resolver.adr.badprimary", REASON(systemerror) },
	/* a mailing list manager stopped a loop (fml: "Duplicated Message-ID",
	 * "Loop Back Warning"; Sisimai Lhost::FML) */
	{ "duplicated message-id", REASON(systemerror) },
	{ "has detected a loop condition", REASON(systemerror) },
	{ "loop back warning", REASON(systemerror) },
	{ "resolver.adr.invalidinsmtp", REASON(systemerror) },
	{ "resolver.adr.ambiguous", REASON(systemerror) },
	{ "this domain's dns violates rfc 1035.", REASON(systemerror) },
	{ "automatic homedir creator crashed", REASON(systemerror) },
	{ "illegal value in ldap attribute", REASON(systemerror) },
	{ "ldap attribute is not given but mandatory", REASON(systemerror) },
	{ "timeout while performing search on ldap server", REASON(systemerror) },
	{ "too many results returned but needs to be unique", REASON(systemerror) },
	{ "permanent error while executing qmail-forward", REASON(systemerror) },
	{ "temporary error in automatic homedir creation", REASON(systemerror) },
	{ "temporary error while executing qmail-forward", REASON(systemerror) },
	{ "temporary failure in ldap lookup", REASON(systemerror) },
	{ "unable to contact ldap server", REASON(systemerror) },
	{ "unable to login into ldap server, bad credentials", REASON(systemerror) },
	{ "bad interpreter: no such file or directory", REASON(systemerror) },
	{ "delivery to file forbidden", REASON(systemerror) },
	{ "delivery to pipe forbidden", REASON(systemerror) },
	{ "local delivery failed", REASON(systemerror) },
	{ "lmtp error after ", REASON(systemerror) },
	{ "aliasing/forwarding loop broken", REASON(systemerror) },
	{ "can't create user output file", REASON(systemerror) },
	{ "could not load drd for domain", REASON(systemerror) },
	{ "interrupted system call", REASON(systemerror) },
	{ "it encountered an error while being processed", REASON(systemerror) },
	{ "local configuration error", REASON(systemerror) },
	{ "loop was found in the mail exchanger", REASON(systemerror) },
	{ "recipient deferred because there is no mdb", REASON(systemerror) },
	{ "remote server is misconfigured", REASON(systemerror) },
	{ "server configuration error", REASON(systemerror) },
	{ "temporary local problem", REASON(systemerror) },
	{ "timeout waiting for input", REASON(systemerror) },
	{ "system full", REASON(systemfull) },
	{ "mail system full", REASON(systemfull) },
	{ "out of memory", REASON(systemerror) },
	{ "loops back to myself", REASON(systemerror) },
	/* a remote system's own failure in general words ("local error" is
	 * RFC 5321 4.2.3's text for 451: "Requested action aborted: local
	 * error in processing") */
	{ "internal error", REASON(systemerror) },
	{ "local error", REASON(systemerror) },
	{ "server error", REASON(systemerror) },
	{ "temporarily unavailable", REASON(systemerror) },
	{ "system config", REASON(systemerror) },
	{ "unauthenticated senders", REASON(securityerror) },
	{ "smtp authentication", REASON(securityerror) },
	{ "queue file write error", REASON(systemerror) }, /* Postfix src/smtpd/smtpd.c: "451 Error: ..." */
	{ "does not support tls", REASON(systemerror) },
	/* Sisimai Reason::SystemError */
	{ "service currently unavailable", REASON(systemerror) },
	{ "transaction failed", REASON(systemerror) }, /* RFC 5321 4.2.3: "554 Transaction failed" */
	/* the network */
	{ "smtpsend.dns.mxloopback", REASON(networkerror) },
	{ "although i'm listed as a best-preference mx or a for that host", REASON(networkerror) },
	{ "dns records for the destination computer could not be found", REASON(networkerror) },
	{ "host is unreachable", REASON(networkerror) },
	{ "host name lookup failure", REASON(networkerror) }, /* h_errno TRY_AGAIN: glibc resolv/herror.c,
								     * Sendmail sendmail/err.c */
	{ "mail forwarding loop for ", REASON(networkerror) },
	{ "malformed name server reply", REASON(networkerror) },
	{ "maximum forwarding loop count exceeded", REASON(networkerror) },
	{ "message looping", REASON(networkerror) },
	{ "unable to resolve route ", REASON(networkerror) },
	{ "network error", REASON(networkerror) }, /* OpenSMTPD smtpd/mta.c: "Network error on destination MXs" */
	{ "establish an smtp connection", REASON(networkerror) },
	{ "routing loop", REASON(networkerror) }, /* RFC 3463 X.4.6 "Routing loop detected" */
	/* a message that loops (RFC 5321 6.3) */
	{ "mail loop", REASON(networkerror) },
	/* hops (RFC 5321 6.3: a message that loops) */
	{ "too many hops", REASON(networkerror) },
	{ "hop count exceeded", REASON(networkerror) },
	/* name service and connections */
	{ "name service error", REASON(networkerror) },
	{ "dns error", REASON(networkerror) },
	{ "dns type", REASON(networkerror) },
	{ "connection timeout", REASON(networkerror) },
	{ "network is unreachable", REASON(networkerror) },
	{ "no route to host", REASON(networkerror) }, /* EHOSTUNREACH: errno(3) */
	{ "lost connection", REASON(networkerror) }, /* Postfix src/smtp/smtp_trouble.c: "lost
							   * connection with %s while %s" (4.4.2) */
	{ "connection reset", REASON(networkerror) }, /* ECONNRESET "Connection reset by peer": errno(3) */
	{ "connection closed", REASON(networkerror) },
	{ "connection dropped", REASON(networkerror) },
	{ "could not connect", REASON(networkerror) },
	{ "unable to connect", REASON(networkerror) },
	{ "can't connect", REASON(networkerror) },
	{ "cannot connect", REASON(networkerror) },
	{ "malformed or unexpected name server reply", REASON(networkerror) },
	{ "dns query failed", REASON(networkerror) }, /* Microsoft 365: "450 4.4.312 DNS query
							 * failed", the DNS query for the destination's addresses
							 * failed (learn.microsoft.com/en-us/defender-office-365/
							 * connectors-mail-flow-intelligence) */
	{ "host not found, try again", REASON(networkerror) },
	/* expiry */
	{ "queue.expired", REASON(expired) },
	{ "has been frozen", REASON(expired) },
	{ "was frozen on arrival by ", REASON(expired) },
	{ "it has not been collected after", REASON(expired) },
	{ "server did not respond", REASON(expired) },
	{ "was not reachable within the allowed queue period", REASON(expired) },
	{ "retry timeout exceeded", REASON(expired) },
	{ "was aborted after", REASON(expired) },
	/* Zoho Mail's words when it gave up on a host (Sisimai Lhost::Zoho) */
	{ "host not reachable", REASON(expired) },
	/* a final report of connections that never worked: it expired */
	{ "connection timed out", REASON(expired) },
	{ "timed out", REASON(expired) }, /* ETIMEDOUT "Connection timed out": errno(3) */
	{ "connection refused", REASON(expired) }, /* ECONNREFUSED: errno(3) */
	{ "greylist", REASON(expired) },
	{ "graylist", REASON(expired) },
	{ "have been failing", REASON(expired) }, /* Exim src/transports/smtp.c: "all hosts have
							  * been failing for a long time ..." */
	{ "has been failing", REASON(expired) },
	{ "envelope expired", REASON(expired) }, /* OpenSMTPD smtpd/queue.c (bounce_final_phrases) */
	{ "been in the queue too long", REASON(expired) },
	{ "did not accept our requests to connect", REASON(expired) },
	{ "retry time", REASON(expired) },
	{ "delivery time expired", REASON(expired) },
	{ "delivery expired", REASON(expired) },
	{ "message expired", REASON(expired) },
	{ "could not be delivered for", REASON(expired) },
	{ "was not delivered within", REASON(expired) },
	{ "too long in queue", REASON(expired) },
	{ "giving up", REASON(expired) },
	{ "gave up", REASON(expired) },
	/* local delivery programs */
	{ " || exit ", REASON(mailererror) }, /* a .forward pipe to a program: procmail(1)'s
						  * "|exec /usr/bin/procmail || exit 75 #user" */
	{ "bin/maildrop", REASON(mailererror) },
	{ "command died", REASON(mailererror) },
	{ "command failed", REASON(mailererror) },
	{ "command output", REASON(mailererror) },
	{ "procmail", REASON(mailererror) }, /* a local delivery agent: procmail(1) */
	{ "mailer error", REASON(mailererror) }, /* Sendmail sendmail/deliver.c: "554 unknown mailer error %d" */
	{ "pipe to", REASON(mailererror) },
	{ "exit status", REASON(mailererror) },
	/* syntax */
	{ "angle-brackets nested too deep", REASON(syntaxerror) },
	{ "expected word or \"<\"", REASON(syntaxerror) },
	{ "domain missing in source-routed address", REASON(syntaxerror) },
	{ "syntax error", REASON(syntaxerror) },
	{ "malformed address", REASON(syntaxerror) }, /* Exim src/parse.c: "malformed address: %.32s may not follow %.*s" */
	{ "command unrecognized", REASON(syntaxerror) },
	{ "unrecognized command", REASON(syntaxerror) },
	{ "bad sequence of commands", REASON(syntaxerror) },
	{ "syntax", REASON(syntaxerror) },
};
const size_t bounce_nphrases = N(bounce_phrases);

/* Recipient refusals that give no cause: they mean an unknown user only
 * when nothing else in the reply (a X.7 status, a block, the sender,
 * spam, a policy) says why (see tables.h). */
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
	  "--- below this line is a copy of the message", NULL, REASON_NONE, NULL },
	{ "qmail-netqmail", "i'm afraid i wasn't able to deliver", "i'm afraid i wasn't able to deliver",
	  "--- below this line is a copy of the message", NULL, REASON_NONE, NULL },
	{ "postfix", "this is the mail system at host", "this is the mail system at host",
	  "content-type: message/rfc822", NULL, REASON_NONE, NULL },
	{ "postfix-old", "this is the postfix program at host", "this is the postfix program at host",
	  "--- delivery report unavailable ---", NULL, REASON_NONE, NULL },
	{ "exim", "this message was created automatically by mail delivery software",
	  "this message was created automatically by mail delivery software",
	  "------ this is a copy of the message", NULL, REASON_NONE, NULL },
	{ "sendmail", "----- transcript of session follows -----", "----- the following addresses had",
	  "----- original message follows -----", NULL, REASON_NONE, NULL },
	{ "courier", "courier mail server at", "courier mail server at", "------------------------------------",
	  NULL, REASON_NONE, NULL },
	{ "opensmtpd", "this is the mailer-daemon at", "this is the mailer-daemon at",
	  "below is a copy of the original message", NULL, REASON_NONE, NULL },
	/* phquery (the ph/CSO directory front end Sendmail sites ran: "phquery
	 * V4.1"): the unknown names under "Message not delivered to the
	 * following:", then its "Error Detail" advice, which names other
	 * addresses to try; never recipients */
	{ "phquery", "error detail (phquery", "message not delivered to the following:",
	  "--------error detail", "RCPT", REASON_NONE, NULL },
	/* Lotus Domino: failures are per recipient, directory lookups */
	{ "domino", "not listed in domino directory", "was not delivered to:", "------ original message",
	  "RCPT", REASON_NONE, NULL },
	{ "domino-2", "lotus domino", "was not delivered to:", "------ original message", "RCPT", REASON_NONE, NULL },
	/* Lotus Notes: "Failure Reasons" per recipient, directory lookups */
	{ "notes", "------- failure reasons", "------- failure reasons", "------- returned message", "RCPT",
	  REASON_NONE, NULL },
	/* Exchange 2003 and older: recipient-level NDRs */
	{ "exchange2003", "x-ms-tnef-correlator", "did not reach the following recipient",
	  NULL, "RCPT", REASON_NONE, NULL },
	{ "exchange2003-text", "did not reach the following recipient(s)",
	  "did not reach the following recipient", NULL, "RCPT", REASON_NONE, NULL },
	{ "office365", "x-ms-exchange-message-is-ndr", "your message couldn't be delivered",
	  "original message headers", "RCPT", REASON_NONE, NULL },
	{ "exchange2007", "delivery has failed to these recipients", "delivery has failed to these recipients",
	  "original message headers", "RCPT", REASON_NONE, NULL },
	{ "mcafee", "x-nai-header", NULL, NULL, "RCPT", REASON_NONE, NULL },
	/* Trend Micro InterScan: recipient-level refusals */
	/* InterScan's own "Unable to deliver message to <addr> (and other
	 * recipients in the same domain)" with no reply quoted: the recipient
	 * was refused (Sisimai Lhost::InterScanMSS reads it as userunknown) */
	{ "interscan", "interscan messaging security suite", NULL, NULL, "RCPT", REASON(userunknown), NULL },
	{ "imailserver", "x-mailer: <smtp32", "body of message generated response", NULL, "RCPT", REASON_NONE, NULL },
	{ "gmail", "delivery to the following recipient failed", "delivery to the following recipient",
	  "----- original message -----", NULL, REASON_NONE, NULL },
	/* Gmail's plain-text notice without a report ("Delivery Status
	 * Notification (Failure)": "** Address not found ** / Your message
	 * wasn't delivered to ADDR because the address couldn't be found"):
	 * Google's own verdict of an address lookup, as for its DSNs (the
	 * recipient refused before the data) */
	{ "gmail-text", "your message wasn't delivered to", "your message wasn't delivered to",
	  "----- original message -----", "RCPT", REASON_NONE, NULL },
	{ "gmail-text2", "your message wasn\xe2\x80\x99t delivered to", "your message wasn\xe2\x80\x99t delivered to",
	  "----- original message -----", "RCPT", REASON_NONE, NULL },
	{ "yahoo", "sorry, we were unable to deliver your message", "sorry, we were unable to deliver your message",
	  "--- below this line is a copy of the message", "RCPT", REASON_NONE, NULL },
	{ "dragonfly", "this is the dragonfly mail agent", "this is the dragonfly mail agent",
	  "original message follows", NULL, REASON_NONE, NULL },
	{ "amazonses", "x-ses-outgoing", "an error occurred while trying to deliver the mail", NULL, NULL, REASON_NONE, NULL },
	/* au one net (KDDI): "Could not be delivered to: <addr>" */
	{ "au-one-net", "could not be delivered to: <", "your mail sent on:", NULL, NULL, REASON_NONE, NULL },
	/* Google Groups: a post the group did not take */
	{ "googlegroups", "googlegroups.com", NULL, NULL, NULL, REASON(rejected), NULL },
	{ "v5sendmail", "----- unsent message follows -----", "----- transcript of session follows -----",
	  "----- unsent message follows -----", NULL, REASON_NONE, NULL },
	/* fml (a mailing list manager, fml.org): its own notices that a post
	 * was refused ("You are not a member of this mailing list <list>.",
	 * "Duplicated Message-ID in <list>."), sent as -admin with a
	 * Message-ID of its own ("<200504292334.FML12345.list@host>"); a
	 * post it distributes keeps its author's Message-ID (Sisimai
	 * Lhost::FML) */
	{ "fml", "x-mlserver: fml", NULL, "original mail as follows:", NULL, REASON_NONE, ".fml" },
};
const size_t bounce_nformats = N(bounce_formats);

/* (e) SMTP commands: a phrase (lowercase) that says which command the
 * remote server answered; the last one in the text wins. */
const struct bounce_command bounce_commands[] = {
	{ "in reply to rcpt to", "RCPT", 0 },
	{ "in reply to end of data", "DATA", 0 },
	{ "in reply to data", "DATA", 0 },
	{ "in reply to mail from", "MAIL", 0 },
	{ "in reply to initial greeting", "CONN", 0 },
	{ "in reply to ehlo", "EHLO", 0 },
	{ "in reply to helo", "HELO", 0 },
	{ "after rcpt to", "RCPT", 0 },
	{ "after end of data", "DATA", 0 },
	{ "after data", "DATA", 0 },
	{ "after mail from", "MAIL", 0 },
	{ "after initial connection", "CONN", 0 },
	{ "after ehlo", "EHLO", 0 },
	{ "after helo", "HELO", 0 },
	{ ">>> rcpt to", "RCPT", 0 },
	{ ">>> data", "DATA", 0 },
	{ ">>> mail from", "MAIL", 0 },
	{ ">>> ehlo", "EHLO", 0 },
	{ ">>> helo", "HELO", 0 },
	{ "rcpt to:<", "RCPT", 0 },
	{ "but sender was rejected", "MAIL", 0 },
	{ "but my name was rejected", "HELO", 0 },
	{ "but greeting failed", "CONN", 0 },
	{ "but connection died", "CONN", 0 },
	/* qmail-remote's reports (qmail-remote.c: "h does not like
	 * recipient.", quit("D", " failed on DATA command"), quit("D",
	 * " failed after I sent the message"), then outsmtptext()'s "Remote
	 * host said: ..."). qmail-rspawn.c's spawn() runs qmail-remote with
	 * one recipient (args[3] = r): each transaction has one recipient,
	 * so a refusal after DATA is this recipient's */
	{ "does not like recipient", "RCPT", 0 },
	{ "failed on data command", "DATA", 1 },
	{ "failed after i sent the message", "DATA", 1 },
	{ "refused to talk to me", "CONN", 0 },
	{ "rcpt to command", "RCPT", 0 },
	/* RFC 5321's own text for a 550 refusal of the mailbox: said to RCPT TO */
	{ "requested action not taken: mailbox unavailable", "RCPT", 0 },
	{ "after rcpt command", "RCPT", 0 },
	{ "smtp:rcpt", "RCPT", 0 },
	{ "[rcpt_to]", "RCPT", 0 },
	{ "did not like our rcpt to", "RCPT", 0 },
	{ "did not like our mail from", "MAIL", 0 },
	{ "did not like our data", "DATA", 0 },
	{ "most progress was rcpt to response", "RCPT", 0 },
	{ "smtp:data", "DATA", 0 },
	/* au (KDDI, ezweb.ne.jp) refuses unknown users after DATA with the
	 * address left out of the reply: "550 : User unknown" */
	{ "550 : user unknown", "DATA", 0 },
	{ "550: : user unknown", "DATA", 0 },
	/* a local delivery agent refusing the user answers for the recipient */
	{ "mail.local: ", "RCPT", 0 },
	{ "smtp:mail", "MAIL", 0 },
	{ "data command", "DATA", 0 },
	{ "mail from command", "MAIL", 0 },
	{ "end of data command", "DATA", 0 },
};
const size_t bounce_ncommands = N(bounce_commands);

const char *const bounce_end_markers[] = {
	/* fml's advice after its refusal: how to ask the list for its guide */
	"if you know the general guide of this list",
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
	/* Demon Internet's (and others'): "---- START OF RETURNED MESSAGE ----" */
	"start of returned message",
	/* a scanner's stamp in the footer says the message is clean: what
	 * follows is no error text (MailScanner's "believed to be clean",
	 * MessageLabs's "This email has been scanned by the Symantec Email
	 * Security.cloud service", AVG's and ESET's "Virus-free", "No virus
	 * found") */
	"believed to be clean",
	"this email has been scanned by",
	"this message has been scanned by",
	"this message was scanned by",
	"has been scanned for viruses",
	"virus-free",
	"no virus found",
};
const size_t bounce_nend_markers = N(bounce_end_markers);

/* (c) RFC 3463 status codes. "X." matches 4 and 5. Most specific first. */
const struct bounce_status_reason bounce_status_reasons[] = {
	/* exact codes where the temporary and the permanent differ */
	{ "4.4.4", REASON(networkerror) },
	{ "5.4.0", REASON(networkerror) },
	{ "4.7.1", REASON(blocked) },
	{ "4.7.2", REASON(blocked) },
	{ "4.4.5", REASON(systemfull) },
	/* Exchange Online's "5.4.1 Recipient address rejected: Access denied":
	 * directory-based edge blocking of an unknown recipient */
	{ "5.4.1", REASON(userunknown) },
	/* X.1 addressing */
	{ "X.1.0", REASON(userunknown) },  /* other address status */
	{ "X.1.1", REASON(userunknown) },  /* bad destination mailbox address */
	{ "X.1.2", REASON(hostunknown) },  /* bad destination system address */
	{ "X.1.3", REASON(userunknown) },  /* bad destination mailbox address syntax */
	{ "X.1.4", REASON(filtered) },     /* destination mailbox address ambiguous */
	{ "X.1.6", REASON(hasmoved) },     /* destination mailbox has moved */
	{ "X.1.7", REASON(rejected) },     /* bad sender's mailbox address syntax */
	{ "X.1.8", REASON(rejected) },     /* bad sender's system address */
	{ "X.1.9", REASON(systemerror) },  /* relayed to non-compliant mailer */
	{ "X.1.10", REASON(notaccept) },   /* recipient address has null MX (RFC 7505) */
	/* X.2 mailbox */
	{ "X.2.0", REASON(filtered) },     /* other or undefined mailbox status */
	{ "X.2.1", REASON(filtered) },     /* mailbox disabled, not accepting messages (from this sender) */
	{ "X.2.2", REASON(mailboxfull) },
	{ "X.2.3", REASON(exceedlimit) },  /* message length exceeds administrative limit */
	{ "X.2.4", REASON(filtered) },     /* mailing list expansion problem */
	/* X.3 mail system */
	{ "X.3.0", REASON(systemerror) },
	{ "X.3.1", REASON(systemfull) },
	{ "X.3.2", REASON(notaccept) },
	{ "X.3.3", REASON(systemerror) },
	{ "X.3.4", REASON(mesgtoobig) },
	{ "X.3.5", REASON(systemerror) },
	/* X.4 network and routing */
	{ "X.4.1", REASON(expired) },      /* no answer from host */
	{ "X.4.2", REASON(networkerror) }, /* bad connection */
	{ "X.4.3", REASON(systemerror) },  /* directory server failure */
	{ "X.4.4", REASON(hostunknown) },  /* unable to route */
	{ "X.4.6", REASON(networkerror) }, /* routing loop */
	{ "X.4.7", REASON(expired) },      /* delivery time expired */
	/* X.5 protocol */
	{ "X.5.3", REASON(toomanyconn) },  /* too many recipients */
	{ "X.5.4", REASON(systemerror) },
	{ "X.5.5", REASON(systemerror) },
	{ "X.5.6", REASON(securityerror) },
	/* X.6 content */
	{ "X.6", REASON(contenterror) },
	/* X.7 security and policy */
	{ "X.7.0", REASON(securityerror) },
	{ "X.7.1", REASON(securityerror) },  /* delivery not authorized: says little */
	{ "X.7.9", REASON(securityerror) }, /* authentication mechanism too weak (RFC 4954) */
	{ "X.7.13", REASON(suspend) },     /* user account disabled */
	{ "X.7.16", REASON(mesgtoobig) },
	{ "X.7.17", REASON(hasmoved) },    /* mailbox owner has changed */
	{ "X.7.18", REASON(hasmoved) },    /* domain owner has changed */
	{ "X.7.20", REASON(authfailure) }, /* no passing DKIM signature */
	{ "X.7.21", REASON(authfailure) },
	{ "X.7.22", REASON(authfailure) },
	{ "X.7.23", REASON(authfailure) }, /* SPF validation failed */
	{ "X.7.24", REASON(authfailure) },
	{ "X.7.25", REASON(requireptr) },  /* reverse DNS validation failed */
	{ "X.7.26", REASON(authfailure) }, /* multiple authentication checks failed */
	{ "X.7.27", REASON(notaccept) },   /* null MX */
	{ "X.7", REASON(securityerror) },
};
const size_t bounce_nstatus_reasons = N(bounce_status_reasons);

const struct bounce_pseudo_status bounce_pseudo_statuses[] = {
	{ REASON(undefined), "0.900" },   { REASON(onhold), "0.901" },        { REASON(syntaxerror), "0.902" },
	{ REASON(authfailure), "0.905" }, { REASON(norelaying), "0.909" },    { REASON(filtered), "0.910" },
	{ REASON(userunknown), "0.911" }, { REASON(hostunknown), "0.912" },   { REASON(hasmoved), "0.916" },
	{ REASON(rejected), "0.918" },    { REASON(suspend), "0.921" },       { REASON(mailboxfull), "0.922" },
	{ REASON(exceedlimit), "0.923" }, { REASON(systemerror), "0.930" },   { REASON(systemfull), "0.931" },
	{ REASON(notaccept), "0.932" },   { REASON(mesgtoobig), "0.934" },    { REASON(mailererror), "0.939" },
	{ REASON(toomanyconn), "0.940" }, { REASON(networkerror), "0.944" },  { REASON(expired), "0.947" },
	{ REASON(contenterror), "0.960" }, { REASON(securityerror), "0.970" }, { REASON(blocked), "0.971" },
	{ REASON(policyviolation), "0.972" }, { REASON(requireptr), "0.973" }, { REASON(badreputation), "0.975" },
	{ REASON(spamdetected), "0.980" }, { REASON(virusdetected), "0.981" }, { REASON(speeding), "0.982" },
	{ REASON(notcompliantrfc), "0.983" },
};
const size_t bounce_npseudo_statuses = N(bounce_pseudo_statuses);

/* (d) Hard: the address is dead. notaccept only with a permanent failure
 * (a 5xx null MX), else the domain may come back. */
const struct bounce_hard_reason bounce_hard_reasons[] = {
	{ REASON(userunknown), 0 },
	{ REASON(hostunknown), 0 },
	{ REASON(hasmoved), 0 },
	{ REASON(notaccept), 1 },
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
	"non delivery", "non-delivery", /* Exchange's and CDO's "Non-Delivery Report", "Non-Delivery:" */
	"nicht zustellbar", "error", "failed", "warning", "bounce", "rejected",
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

/* OpenSMTPD (smtpd/queue.c, IMSG_SCHED_ENVELOPE_EXPIRE) sets the error
 * "Envelope expired", sends the report and deletes the envelope: nothing
 * is retried, whatever Action and wording the report carries (6.x writes
 * the "delayed for more than 0 seconds" warning with Action: delayed). */
const char *const bounce_final_phrases[] = {
	"envelope expired",
};
const size_t bounce_nfinal_phrases = N(bounce_final_phrases);

/* A warning, not a failure: the message is still in the queue (Gmail's
 * "THIS IS A WARNING MESSAGE ONLY ... Message will be retried for 2 more
 * day(s)", Exim's delay warning "Delay reason: ... No action is required
 * on your part. Delivery attempts will continue", OpenSMTPD's "only a
 * temporary failure report. The message is kept in the queue"). */
const char *const bounce_queued_phrases[] = {
	"warning message only",
	"you do not need to resend",
	"you do not need to re-send",
	"message will be retried",
	"delivery attempts will continue",
	"delay reason: ",
	"only a temporary failure report",
	"is kept in the queue",
};
const size_t bounce_nqueued_phrases = N(bounce_queued_phrases);

/* (a2) Phrases around a token (see tables.h). */
const struct bounce_token_phrase bounce_token_phrases[] = {
	/* Ipswitch IMail Server gives up on a message: "Delivery failed 20
	 * attempts: user@example.com" (Sisimai Lhost::IMailServer) */
	{ "delivery failed ", BOUNCE_TOKEN_NUMBER, " attempts", REASON(expired), "delivery failed N attempts" },
	/* a 553 refusal that names a host that does not exist ("553
	 * mx.example.org does not exist"; Sisimai Reason::HostUnknown) */
	{ " 553 ", BOUNCE_TOKEN_HOST, " does not exist", REASON(hostunknown), "553 HOST does not exist" },
	/* the word "spam": amavisd-new rejects spam with "554 5.7.0 Reject,
	 * id=... - spam" (Amavis.pm, the status by contents category; the
	 * text from Amavis/Conf.pm's %smtp_reason_by_ccat: CC_SPAM, 'id=%n -
	 * spam'); Debian's Exim configuration, "message = Classified as spam
	 * (score $spam_score)" (exim4-config, /etc/exim4/exim4.conf.template);
	 * a whole word, not "antispam" or a list's name ("spamhaus", a block) */
	{ "spam", BOUNCE_TOKEN_WORD, "", REASON(spamdetected), "spam" },
};
const size_t bounce_ntoken_phrases = N(bounce_token_phrases);

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

#define BOUNCE_REASON_NAME(name) #name,
static const char *const reason_names[] = { "", BOUNCE_REASONS(BOUNCE_REASON_NAME) };
#undef BOUNCE_REASON_NAME

const char *bounce_reason_name(enum bounce_reason r)
{
	return (unsigned)r < N(reason_names) ? reason_names[r] : "";
}

const char *bounce_reason_nth(size_t i)
{
	return i + 1 < N(reason_names) ? reason_names[i + 1] : NULL;
}

enum bounce_reason bounce_reason_lookup(const char *name)
{
	for (size_t i = 1; i < N(reason_names); i++)
		if (!strcmp(name, reason_names[i]))
			return (enum bounce_reason)i;
	return REASON_NONE;
}

/* Per-recipient DSN fields in which a sending MTA names its own
 * classification of the failure (PowerMTA's X-PowerMTA-BounceCategory,
 * written by the MTA that tried the delivery): field name, value, reason.
 * Values that say nothing ("other") have no row. */
const struct bounce_category bounce_categories[] = {
	{ "x-powermta-bouncecategory", "bad-mailbox", REASON(userunknown) },
	{ "x-powermta-bouncecategory", "bad-domain", REASON(hostunknown) },
	{ "x-powermta-bouncecategory", "inactive-mailbox", REASON(suspend) },
	{ "x-powermta-bouncecategory", "quota-issues", REASON(mailboxfull) },
	{ "x-powermta-bouncecategory", "message-expired", REASON(expired) },
	{ "x-powermta-bouncecategory", "no-answer-from-host", REASON(networkerror) },
	{ "x-powermta-bouncecategory", "bad-connection", REASON(networkerror) },
	{ "x-powermta-bouncecategory", "routing-errors", REASON(networkerror) },
	{ "x-powermta-bouncecategory", "relaying-issues", REASON(norelaying) },
	{ "x-powermta-bouncecategory", "invalid-sender", REASON(rejected) },
	{ "x-powermta-bouncecategory", "policy-related", REASON(policyviolation) },
	{ "x-powermta-bouncecategory", "spam-related", REASON(spamdetected) },
	{ "x-powermta-bouncecategory", "virus-related", REASON(virusdetected) },
	{ "x-powermta-bouncecategory", "content-related", REASON(contenterror) },
	{ "x-powermta-bouncecategory", "protocol-errors", REASON(syntaxerror) },
	{ "x-powermta-bouncecategory", "bad-configuration", REASON(systemerror) },
};
const size_t bounce_ncategories = N(bounce_categories);
