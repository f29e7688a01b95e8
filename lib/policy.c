/* policy.c: the suppression policy (which bounces count, soft-bounce
 * days); see policy.h and docs/schema.md. */
#include "policy.h"

#include <string.h>
#include <strings.h>

#define DAY 86400L

/* Reasons that blame the sender, not the address. A good address must not
 * be suppressed because our IP is on a block list, our DKIM broke, or we
 * sent too fast: those are fixed on our side, and the address still works.
 * docs/schema.md gives the reasoning for each. */
const char *const policy_sender_reasons[] = {
	"blocked",         /* our IP or domain is on a block list */
	"spamdetected",    /* the message was judged to be spam */
	"policyviolation", /* the message broke the receiver's policy */
	"authfailure",     /* SPF, DKIM or DMARC failed */
	"badreputation",   /* our IP or domain has a bad reputation */
	"requireptr",      /* our IP has no reverse DNS */
	"norelaying",      /* relaying denied: a routing mistake of ours */
	"securityerror",   /* TLS or SMTP authentication problem on our side */
	"virusdetected",   /* the content carried malware */
	"contenterror",    /* the content was malformed or refused */
	"notcompliantrfc", /* the message broke an RFC */
	"syntaxerror",     /* our SMTP client sent a syntax error */
	"speeding",        /* we sent too fast (rate limited) */
	"toomanyconn",     /* we opened too many connections */
	"rejected",        /* the envelope sender was refused */
	"mesgtoobig",      /* the message, not the address, was too big */
	"exceedlimit",     /* the message exceeded a size limit */
	NULL,
};

void policy_defaults(struct policy *p)
{
	p->soft_limit = 5;
	p->soft_window = 30 * DAY;
	p->stale_after = 30 * DAY;
}

void policy_from_config(struct policy *p, const struct config *cfg)
{
	p->soft_limit = cfg->soft_bounce_limit;
	p->soft_window = cfg->soft_bounce_window;
	p->stale_after = cfg->bounce_info_stale_after;
}

int policy_sender_reason(const char *reason)
{
	if (!reason)
		return 0;
	for (size_t i = 0; policy_sender_reasons[i]; i++)
		if (!strcasecmp(reason, policy_sender_reasons[i]))
			return 1;
	return 0;
}

enum policy_verdict policy_judge(const char *cls, const char *reason)
{
	if (!cls)
		return POLICY_IGNORE;
	if (!strcmp(cls, "complaint"))
		return POLICY_COMPLAINT;
	if (policy_sender_reason(reason))
		return POLICY_IGNORE;
	if (!strcmp(cls, "hard"))
		return POLICY_HARD;
	if (!strcmp(cls, "soft"))
		return POLICY_SOFT;
	return POLICY_IGNORE; /* delayed, delivered, autoreply, none */
}

long policy_soft_count(const struct policy *p, const time_t *times, size_t n, time_t now, time_t since)
{
	time_t newer = now, lastday = -1;
	long count = 0;

	for (size_t i = 0; i < n; i++) {
		time_t t = times[i];
		time_t day;

		if (t > now)
			t = now; /* a clock step backwards: treat it as now */
		if (now - t > p->soft_window || (since && t < since))
			break;
		if (newer - t > p->stale_after)
			break;
		day = t / DAY;
		if (day != lastday) {
			count++;
			lastday = day;
		}
		newer = t;
	}
	return count;
}

int policy_soft_suppresses(const struct policy *p, long count)
{
	return count >= p->soft_limit;
}
