/* decide.c: the decision per recipient: status, reply code, reason and
 * class, from site rules, the sending MTA's own category, the remote host
 * tables, the status code and the words, in the order docs/parser.md gives. */
#include "bounce.h"
#include "rhost.h"
#include "rules.h"
#include "state.h"
#include <stdio.h>
#include <string.h>
#include <strings.h>

static int is_hard(enum bounce_reason reason, int permanent)
{
	for (size_t i = 0; i < bounce_nhard_reasons; i++)
		if (reason == bounce_hard_reasons[i].reason)
			return !bounce_hard_reasons[i].perm_only || permanent;
	return 0;
}

static int in_list(const char *s, const char *const *list)
{
	for (; s && *list; list++)
		if (!strcmp(s, *list))
			return 1;
	return 0;
}

/* The order in which reasons are tried (see docs/parser.md): first those
 * a status code or a phrase can each decide, narrow before broad; then,
 * when the status says little, the phrases of a second list. */
static const enum bounce_reason order_first[] = {
	REASON(mailboxfull), REASON(mesgtoobig), REASON(exceedlimit), REASON(suspend), REASON(hasmoved),
	REASON(norelaying), REASON(userunknown), REASON(filtered), REASON(rejected), REASON(hostunknown),
	REASON(notcompliantrfc), REASON(badreputation), REASON(spamdetected), REASON(authfailure),
	REASON(requireptr), REASON(expired), REASON(toomanyconn), REASON(speeding), REASON(blocked),
	REASON_NONE,
};
static const enum bounce_reason order_second[] = {
	REASON(mailboxfull), REASON(spamdetected), REASON(policyviolation), REASON(virusdetected),
	REASON(notcompliantrfc), REASON(securityerror), REASON(notaccept), REASON(networkerror),
	REASON(expired), REASON(systemerror), REASON(suspend), REASON(contenterror), REASON(systemfull),
	REASON(mailererror), REASON(syntaxerror), REASON_NONE,
};
/* status reasons that say too little to stand against a phrase */
static const rmask weak_status = RB(undefined) | RB(onhold) | RB(systemerror) | RB(securityerror) |
				 RB(networkerror);
/* status reasons so specific that a phrase does not overrule them */
static const rmask strong_status = RB(mailboxfull) | RB(exceedlimit) | RB(mesgtoobig) | RB(hasmoved) |
				   RB(systemfull) | RB(suspend) | RB(expired) | RB(rejected) |
				   RB(authfailure) | RB(requireptr) | RB(policyviolation) | RB(hostunknown);
static const char *const greeting[] = { "CONN", "EHLO", "HELO", NULL };
static const char *const before_data[] = { "CONN", "EHLO", "HELO", "MAIL", "RCPT", "RCPT?", NULL };

/* uu_vetoes: reasons whose words say an "unknown user" status code is
 * about something else (relaying, a block, a full mailbox, the sender). */
static const rmask uu_vetoes = RB(norelaying) | RB(blocked) | RB(mailboxfull) | RB(hasmoved) |
			      RB(rejected) | RB(notaccept) | RB(authfailure) | RB(requireptr) |
			      RB(badreputation) | RB(speeding) | RB(spamdetected) | RB(toomanyconn);

/* uu_weak: the only "unknown user" words are a refusal that gives no
 * cause (bounce_generic_rcpt_phrases), and words of a block, a relay
 * refusal, the sender, spam or a policy give one: "Recipient address
 * rejected: Client host [...] blocked using ..." is a block, the address
 * may be fine. A phrase that is part of the refusal itself ("access
 * denied" in "Recipient address rejected: Access denied") gives no cause.
 * A X.7 status alone does not: Postfix's check_recipient_access REJECT
 * ("554 5.7.1 ... Recipient address rejected: Access denied") and
 * "553 5.7.1 Invalid recipient" are refusals of the recipient. */
static int uu_weak(const char *uuw, rmask tm, const char *const *which)
{
	rmask causes = uu_vetoes | RB(policyviolation);
	int generic = 0;

	if (!uuw)
		return 0;
	for (size_t i = 0; i < bounce_ngeneric_rcpt_phrases; i++)
		if (!strcmp(uuw, bounce_generic_rcpt_phrases[i]))
			generic = 1;
	if (!generic)
		return 0;
	for (size_t b = 0; b < REASON_COUNT && b < 64; b++)
		if ((tm & causes & (1ULL << b)) && which[b] && !strstr(uuw, which[b]))
			return 1;
	return 0;
}

/* reason_holds: does reason R hold, given the status's reason rs, the
 * phrase matches tm, the SMTP command (one_rcpt: in a transaction of
 * this recipient alone) and whether the "unknown user" words are weak
 * (uu_weak)? */
static int reason_holds(enum bounce_reason R, enum bounce_reason rs, rmask tm, const char *cmd, int one_rcpt,
			int perm, int weak, int specific)
{
	rmask uu = RB(userunknown);

	/* words of expiry early on only for temporary failures (greylisting
	 * that never passed); a permanent refusal wrapped in "too long in
	 * the queue" is the refusal */
	if (R == REASON(expired) && perm && rs != R)
		return 0;
	/* a network status that names a cause of its own ("4.4.1" with a
	 * failed connection, "4.4.3 directory server failure") says what the
	 * retries that expired kept meeting: words of expiry do not overrule it */
	if (R == REASON(expired) && rs && rs != R && specific)
		return 0;
	/* after MAIL FROM, an unknown address or domain is the sender's */
	if (!strcmp(cmd, "MAIL") && (R == REASON(userunknown) || R == REASON(hostunknown)))
		return 0;
	/* refused after HELO or at the greeting: our name, not the recipient's */
	if (R == REASON(hostunknown) && in_list(cmd, greeting) && rs != R)
		return 0;
	if (R == REASON(userunknown)) {
		if (rs == REASON(suspend))
			return 0;
		if (rs == REASON(userunknown))
			return !(tm & uu_vetoes);
		if (weak)
			return 0;
		/* a permanent refusal after DATA in a transaction that had
		 * this recipient alone (qmail-remote's "failed after I sent
		 * the message") that says the mailbox does not exist is that
		 * recipient refused, as at RCPT: there is no other it could
		 * concern */
		if (one_rcpt && perm && !strcmp(cmd, "DATA"))
			return (tm & uu) != 0;
		return (!strcmp(cmd, "RCPT") || !strcmp(cmd, "RCPT?")) && (tm & uu);
	}
	if (R == REASON(filtered)) {
		if (rs == REASON(suspend))
			return 0;
		if (rs == REASON(filtered))
			return (tm & (uu | RB(filtered))) != 0;
		if (in_list(cmd, before_data))
			return 0;
		if (weak)
			return (tm & RB(filtered)) != 0;
		/* "unknown user" not known to answer RCPT: a filter (the
		 * recipient may have been accepted and refused later) */
		return (tm & (uu | RB(filtered))) != 0;
	}
	if (R == REASON(rejected)) {
		if (rs == REASON(rejected))
			return 1;
		if (!strcmp(cmd, "MAIL") && ((tm & uu) || rs == REASON(userunknown) || rs == REASON(hostunknown)))
			return 1;
		if (!(tm & RB(rejected)))
			return 0;
		if (!strcmp(cmd, "MAIL"))
			return 1;
		if (!strcmp(cmd, "DATA"))
			return rs != REASON(userunknown);
		return !rs || (RBIT(rs) & weak_status);
	}
	return (rs && rs == R) || (tm & RBIT(R));
}

/* What the decision for one recipient works from. */
struct words {
	char folded[MAX_DIAG + 1];     /* the remote server's words, folded,
					* repeated codes stripped */
	char ctxf[2 * MAX_DIAG + 2];   /* those words and the recipient's
					* context, folded */
	const char *which[64];         /* per reason bit: the phrase found */
	rmask tm;                      /* the reasons the words name */
	enum bounce_reason rs;         /* the status code's reason, or NONE */
	const char *cmd;               /* the SMTP command answered, or "" */
	int one_rcpt;                  /* ... in a transaction of this
					* recipient alone (bounce_commands) */
	struct bounce_rhost_query rq;  /* for the remote host tables */
	const struct bounce_rhost *prov; /* the provider, or NULL */
	struct status_code st;         /* r->status, parsed */
};

/* settle_status: the reply code and status of r from its diagnostic when
 * they say more than the DSN fields; returns where the remote server's
 * words are (the diagnostic, or the reply it quotes). */
static const char *settle_status(struct ctx *c, struct rcpt *r, enum bounce_kind kind)
{
	const char *words = r->diag;
	/* the remote server's own code is more specific than the
	 * reporting MTA's summary (Status: 4.4.7 after a 450 4.7.1) */
	char st[32];
	const char *quoted;
	struct status_code found, cur;
	int have;

	if (!r->code[0])
		status_find_code(r->diag, r->code, sizeof(r->code));
	have = status_find(r->diag, st, sizeof(st), &quoted);
	status_parse(have ? st : "", &found);
	status_parse(r->status, &cur);
	if (have && (found.cls != '2' || !strcmp(r->action, "delivered")) &&
	    (!cur.cls || (found.cls == cur.cls && !status_is(&found, 0, 0)) ||
	     /* the reply's own code and status agree on the class the
	      * reporting MTA's catch-all X.Y.0 does not ("Status:
	      * 4.5.0" for "550 5.5.0 Service refused") */
	     (found.cls != '2' && found.cls == r->code[0] && found.cls != cur.cls && cur.whole && cur.detail == 0))) {
		text_copy(r->status, sizeof(r->status), st);
		/* a relay's own summary before the reply it quotes
		 * ("5.1.0 - Unknown address error 550-'5.7.1 ... Access
		 * denied'"): the quoted reply's words decide */
		if (quoted)
			words = quoted;
	} else if (!have && c->nrc == 1 && kind == BOUNCE_KIND_DSN && status_is(&cur, 0, 0) &&
		   status_summary(sbuf_get(&c->text), cur.cls, st, sizeof(st))) {
		/* Status: X.0.0 says nothing and the diagnostic has no
		 * code (a program's exit status); the one code of the
		 * same class on the reporting MTA's own summary lines
		 * says what failed (Sendmail's "554 5.3.0 unknown mailer
		 * error 255" beside "Status: 5.0.0") */
		text_copy(r->status, sizeof(r->status), st);
	}
	return words;
}

/* decide_fixed: complaints, auto-replies and deliveries, whose reason
 * and class their kind or action gives; 1 when r is one. */
static int decide_fixed(struct rcpt *r, const struct words *w, enum bounce_kind kind, enum bounce_class *cls,
			int *permanent)
{
	if (kind == BOUNCE_KIND_ARF) {
		r->reason = REASON(feedback);
		text_copy(r->rule, sizeof(r->rule), "kind arf");
		*cls = BOUNCE_CLASS_COMPLAINT;
		*permanent = 0;
		r->status[0] = r->code[0] = '\0';
		return 1;
	}
	if (kind == BOUNCE_KIND_AUTOREPLY) {
		r->reason = REASON(vacation);
		text_copy(r->rule, sizeof(r->rule), "kind autoreply");
		*cls = BOUNCE_CLASS_AUTOREPLY;
		*permanent = 0;
		r->status[0] = r->code[0] = '\0';
		return 1;
	}
	if (w->st.cls == '2' || !strcmp(r->action, "delivered") || !strcmp(r->action, "relayed") ||
	    !strcmp(r->action, "expanded") || !strcmp(r->action, "deliverable")) {
		r->reason = REASON(delivered);
		snprintf(r->rule, sizeof(r->rule), "action %s / status %s", r->action, r->status);
		*cls = BOUNCE_CLASS_DELIVERED;
		*permanent = 0;
		return 1;
	}
	return 0;
}

/* read_words: the status code's reason, the reasons the words name and
 * the SMTP command they answered. */
static void read_words(struct ctx *c, const struct rcpt *r, enum bounce_kind kind, struct words *w)
{
	w->rs = status_reason(&w->st);
	w->tm = reason_text_mask(w->folded[0] ? w->folded : w->ctxf, w->which, &c->oom);
	w->cmd = reason_smtp_command(w->ctxf, &w->one_rcpt, &c->oom);
	/* (the whole error text when it concerns one DSN recipient that it
	 * does not name: Sendmail's transcript names the address before it
	 * was rewritten) */
	if (!*w->cmd && (reason_greeting_reply(w->ctxf) || (c->nrc == 1 && !r->from_text && !r->context[0] && c->ftext &&
					       reason_greeting_reply(c->ftext))))
		w->cmd = "CONN";
	if (!*w->cmd && c->format && c->format->command)
		w->cmd = c->format->command;
	/* a 553 reply ("mailbox name not allowed") answers MAIL or RCPT,
	 * never DATA (RFC 5321 4.2.2, 4.3.2): words about an unknown
	 * mailbox with it are the recipient refused, not a filter */
	if (!*w->cmd && !strcmp(r->code, "553"))
		w->cmd = "RCPT?";
	/* a DSN's per-recipient Diagnostic-Code that names no command and
	 * quotes no SMTP reply is the reporting system's own verdict on the
	 * address (Gmail's "Address not found ... the address couldn't be
	 * found", a Domino directory lookup, Diagnostic-Code: X-Notes): an
	 * unknown address, as if answered to RCPT TO. A quoted reply that
	 * names no command ("550 user unknown") may have come after DATA: a
	 * filter, as in the text. An X.1 (addressing) status counts as
	 * no reply: Office 365's "5.1.10 RESOLVER.ADR.RecipientNotFound". */
	if (!*w->cmd && kind == BOUNCE_KIND_DSN && !r->from_text && r->diag[0] &&
	    ((!r->code[0] && (!w->rs || (RBIT(w->rs) & weak_status))) || status_subject_is(&w->st, 1)))
		w->cmd = "RCPT?"; /* presumed, for unknown user vs filter only */
}

/* refine_status_reason: a network or routing status whose words name
 * its cause more exactly. */
static void refine_status_reason(struct words *w)
{
	/* a network and routing status (X.4.x: "no answer from host",
	 * "delivery time expired", Exchange's "5.4.312 Message expired, DNS
	 * query failed") whose words name its network cause ("no route to
	 * host", a failed name lookup) is that network error, not a mere
	 * expiry; a timeout or a refused connection is no more than expiry */
	if (((!w->rs && status_subject_is(&w->st, 4)) || (w->rs == REASON(expired) && status_is(&w->st, 4, 1))) &&
	    (w->tm & RB(networkerror)))
		w->rs = REASON(networkerror);
	/* X.4.7 "delivery time expired" after a name lookup that kept failing
	 * (Sendmail's "Deferred: Name server: example.org.: host name lookup
	 * failure") is that network error; a failed connection stays expiry */
	if (w->rs == REASON(expired) && status_is(&w->st, 4, 7) && (w->tm & RB(networkerror)) &&
	    w->which[REASON(networkerror)] &&
	    (strstr(w->which[REASON(networkerror)], "name") || strstr(w->which[REASON(networkerror)], "dns")))
		w->rs = REASON(networkerror);
	/* X.4.4 "unable to route" whose words name a failing name server
	 * ("Malformed or unexpected name server reply") and no missing host
	 * is that network error: the domain may well exist */
	if (w->rs == REASON(hostunknown) && status_is(&w->st, 4, 4) &&
	    (w->tm & RB(networkerror)) && !(w->tm & RB(hostunknown)))
		w->rs = REASON(networkerror);
	/* ... and one whose words say the domain has no mail exchanger
	 * (qmail's "couldn't find a mail exchanger or IP address") is a
	 * domain that accepts no mail */
	if (w->rs == REASON(hostunknown) && status_is(&w->st, 4, 4) &&
	    (w->tm & RB(notaccept)) && !(w->tm & RB(hostunknown)))
		w->rs = REASON(notaccept);
}

/* reason_first: a status code too specific for words to overrule, or the
 * first reason of order_first that holds; a refusal after HELO. */
static enum bounce_reason reason_first(struct rcpt *r, const struct words *w)
{
	enum bounce_reason rs = w->rs, reason = REASON_NONE;
	const char *cmd = w->cmd;
	/* a local program's words (Diagnostic-Code: X-Unix; ...) are no SMTP
	 * reply: the SMTP-based order does not apply */
	int local = !strncasecmp(r->diag_type, "x-unix", 6);
	/* the status code itself names a network or routing cause (X.4.N,
	 * not the catch-all X.4.0) */
	int specific = rs && status_subject_is(&w->st, 4) && !(w->st.whole && w->st.detail == 0);
	int weak = uu_weak(w->which[REASON(userunknown)], w->tm, w->which);

	if (!local && rs && ((RBIT(rs) & strong_status) || status_exact(&w->st))) {
		reason = rs;
		snprintf(r->rule, sizeof(r->rule), "status %s", r->status);
	}
	for (size_t i = 0; !reason && !local && order_first[i]; i++)
		if (reason_holds(order_first[i], rs, w->tm, cmd, w->one_rcpt, w->st.cls == '5' || r->code[0] == '5',
				 weak, specific)) {
			reason = order_first[i];
			if (rs == reason)
				snprintf(r->rule, sizeof(r->rule), "status %s", r->status);
			else {
				const char *p = w->which[reason];

				if (!p) /* filtered on an "unknown user" phrase */
					p = w->which[REASON(userunknown)];
				if (!p) /* rejected: an unknown host answered MAIL */
					p = w->which[REASON(hostunknown)];
				if (p)
					snprintf(r->rule, sizeof(r->rule), "phrase \"%s\"%s%s", p,
						 *cmd ? " after " : "", cmd);
				else /* a status that names another cause, after MAIL */
					snprintf(r->rule, sizeof(r->rule), "status %s%s%s", r->status,
						 *cmd ? " after " : "", cmd);
			}
		}
	if (!reason && in_list(cmd, greeting) && strcmp(cmd, "CONN")) {
		/* refused after HELO/EHLO: our name, a block */
		reason = REASON(blocked);
		snprintf(r->rule, sizeof(r->rule), "rejected after %s", cmd);
	}
	return reason;
}

/* reason_second: when the status says little, the phrases of
 * order_second, then what the diagnostic's type, the reply code, the
 * action or the command say. */
static enum bounce_reason reason_second(struct rcpt *r, const struct words *w)
{
	enum bounce_reason rs = w->rs, reason = REASON_NONE;
	const char *cmd = w->cmd;

	for (size_t i = 0; !reason && order_second[i]; i++)
		if (w->tm & RBIT(order_second[i])) {
			reason = order_second[i];
			snprintf(r->rule, sizeof(r->rule), "phrase \"%s\"", w->which[reason]);
		}
	if (!reason && (!strncasecmp(r->diag_type, "x-unix", 6) ||
			       !strncasecmp(r->diag_type, "x-postfix", 9))) {
		reason = REASON(mailererror);
		snprintf(r->rule, sizeof(r->rule), "diagnostic type %s", r->diag_type);
	}
	if (!reason && !rs && r->code[0] == '5' && r->code[1] == '0') {
		reason = REASON(syntaxerror);
		snprintf(r->rule, sizeof(r->rule), "reply code %s", r->code);
	}
	if (!reason && !rs && (!strcmp(r->action, "delayed") || !strcmp(r->action, "expired"))) {
		reason = REASON(expired);
		snprintf(r->rule, sizeof(r->rule), "action %s", r->action);
	}
	if (!reason && !rs && (!strcmp(cmd, "HELO") || !strcmp(cmd, "EHLO"))) {
		reason = REASON(blocked);
		snprintf(r->rule, sizeof(r->rule), "rejected after %s", cmd);
	}
	/* a permanent refusal of the connection itself, in the
	 * greeting, that names no other cause: the server will not
	 * talk to this client (RFC 5321 3.1: "554 No SMTP service
	 * here"; Sisimai Reason::Blocked reads Exim's "SMTP error
	 * from remote mail server after initial connection" so) */
	if (!reason && !rs && !strcmp(cmd, "CONN") && r->code[0] == '5') {
		reason = REASON(blocked);
		snprintf(r->rule, sizeof(r->rule), "refused at connection (%s)", r->code);
	}
	return reason;
}

/* reason_last: words that overrule an "unknown user" status, the status
 * code's reason, the action, the format's default, or nothing. */
static enum bounce_reason reason_last(struct ctx *c, struct rcpt *r, const struct words *w)
{
	enum bounce_reason rs = w->rs, reason = REASON_NONE;

	if (rs == REASON(userunknown) && (w->tm & uu_vetoes)) {
		/* the words overruled the status: the first of their reasons */
		for (size_t i = 0; !reason && order_first[i]; i++)
			if (w->tm & uu_vetoes & RBIT(order_first[i])) {
				reason = order_first[i];
				snprintf(r->rule, sizeof(r->rule), "phrase \"%s\" over status %s",
					 w->which[reason] ? w->which[reason] : "", r->status);
			}
	}
	if (!reason && rs) {
		reason = rs;
		snprintf(r->rule, sizeof(r->rule), "status %s", r->status);
	}
	if (!reason && !strcmp(r->action, "delayed")) {
		reason = REASON(expired);
		text_copy(r->rule, sizeof(r->rule), "action delayed");
	}
	/* no DSN fields, and the words say the message is still queued and
	 * will be retried: the warning RFC 3464 2.3.3 calls "delayed" */
	if (!reason && !r->action[0] && reason_says_any(w->ctxf, bounce_queued_phrases, bounce_nqueued_phrases)) {
		reason = REASON(expired);
		text_copy(r->rule, sizeof(r->rule), "still queued");
	}
	if (!reason && c->format && c->format->reason) {
		reason = c->format->reason;
		snprintf(r->rule, sizeof(r->rule), "format %s", c->format->name);
	}
	if (!reason) {
		/* onhold: words about this recipient that no rule reads;
		 * undefined: none (the bounce's own framing text, borrowed
		 * as the diagnostic, says nothing about the address) */
		reason = r->diag[0] && !r->borrowed ? REASON(onhold) : REASON(undefined);
		text_copy(r->rule, sizeof(r->rule), r->borrowed ? "no words about this recipient"
					   : r->diag[0] ? "no rule matched the diagnostic"
							: "nothing to go by");
	}
	return reason;
}

/* decide_reason: the reason of r from the site rules, the sending MTA's
 * own category, the provider's table, then the status code and the
 * words in the order of docs/parser.md. */
static void decide_reason(struct ctx *c, struct rcpt *r, enum bounce_kind kind, struct words *w,
			  enum bounce_class *cls)
{
	enum bounce_reason reason;

	if (bounce_rules_apply(c->rules, r->status, r->code, w->folded, r->reporting_mta, r->remote_mta,
			       w->prov ? w->prov->name : "", &r->reason, cls, r->rule, sizeof(r->rule)))
		return;
	if (r->category) {
		/* the sending MTA's own classification of this failure */
		r->reason = r->category;
		text_copy(r->rule, sizeof(r->rule), r->category_rule);
		return;
	}
	read_words(c, r, kind, w);
	/* a provider's own documented codes and words beat the general tables */
	w->rq.command = w->cmd;
	if ((reason = bounce_rhost_reason(w->prov, &w->rq, r->rule, sizeof(r->rule)))) {
		r->reason = reason;
		return;
	}
	refine_status_reason(w);
	reason = reason_first(r, w);
	if (!reason && (!w->rs || w->rs == REASON(userunknown) || (RBIT(w->rs) & weak_status)))
		reason = reason_second(r, w);
	if (!reason)
		reason = reason_last(c, r, w);
	r->reason = reason;
}

/* decide_class: a pseudo status when there is none, then the class. */
static void decide_class(struct rcpt *r, const struct words *w, enum bounce_class *cls, int *permanent)
{
	if (!w->st.cls) {
		const char *d = "0.900";
		char first = r->code[0] == '4' || !strcmp(r->action, "delayed") || reason_says_temporary(w->folded) ? '4' : '5';

		for (size_t i = 0; i < bounce_npseudo_statuses; i++)
			if (bounce_pseudo_statuses[i].reason == r->reason)
				d = bounce_pseudo_statuses[i].detail;
		snprintf(r->status, sizeof(r->status), "%c.%s", first, d);
		*permanent = first == '5';
	}
	if (!strcmp(r->action, "delayed") && !reason_says_any(w->ctxf, bounce_final_phrases, bounce_nfinal_phrases))
		*cls = BOUNCE_CLASS_DELAYED;
	else if (!r->action[0] && *cls == BOUNCE_CLASS_NONE &&
		 reason_says_any(w->ctxf, bounce_queued_phrases, bounce_nqueued_phrases))
		/* no DSN fields, and the words say the message is still
		 * queued: a warning (a soft bounce would count toward
		 * suppression) */
		*cls = BOUNCE_CLASS_DELAYED;
	else if (*cls == BOUNCE_CLASS_NONE)
		*cls = is_hard(r->reason, *permanent) ? BOUNCE_CLASS_HARD : BOUNCE_CLASS_SOFT;
}

void decide(struct ctx *c, struct rcpt *r, enum bounce_kind kind, enum bounce_class *cls, int *permanent)
{
	struct words w = { 0 };
	const char *words;

	if (matchers_init() < 0) {
		c->oom = 1;
		return;
	}
	words = settle_status(c, r, kind);
	bounce_fold(w.folded, sizeof(w.folded), words);
	status_strip_codes(w.folded);
	snprintf(w.ctxf, sizeof(w.ctxf), "%s %s", words, r->context);
	bounce_fold(w.ctxf, sizeof(w.ctxf), w.ctxf);
	status_parse(r->status, &w.st);
	*permanent = w.st.cls == '5' || (!w.st.cls && r->code[0] == '5');
	*cls = BOUNCE_CLASS_NONE;
	if (decide_fixed(r, &w, kind, cls, permanent))
		return;
	/* the provider whose remote host table applies (lib/bounce/rhost.h) */
	w.rq = (struct bounce_rhost_query){ r->remote_mta, r->reporting_mta, r->addr, r->status, r->code, "",
					    w.ctxf, c->nrc == 1 ? sbuf_get(&c->text) : NULL };
	w.prov = bounce_rhost_provider_of(&w.rq);
	decide_reason(c, r, kind, &w, cls);
	decide_class(r, &w, cls, permanent);
}
