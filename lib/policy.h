/* policy.h: the suppression policy, apart from any database. Which
 * bounces count against an address (hard, complaint, soft, or not at
 * all), and how many distinct days of soft bounces make a dead address.
 * The store (lib/store*.c) applies it when it records a bounce. The
 * reasoning behind every choice is in docs/schema.md ("Policy") and
 * rebound.conf(5). Pure functions: no I/O, no clock, no allocation. */
#ifndef REBOUND_POLICY_H
#define REBOUND_POLICY_H

#include <stddef.h>
#include <time.h>

#include "config.h"

struct policy {
	long soft_limit;   /* soft_bounce_limit: distinct days that suppress */
	long soft_window;  /* soft_bounce_window, seconds */
	long stale_after;  /* bounce_info_stale_after, seconds */
};

/* What one verified bounce means for its address. */
enum policy_verdict {
	POLICY_IGNORE,    /* recorded, never counted (delayed, delivered, auto-reply, sender's problem) */
	POLICY_HARD,      /* suppress at once */
	POLICY_COMPLAINT, /* suppress at once */
	POLICY_SOFT,      /* counts toward soft_bounce_limit */
};

/* policy_defaults: the documented defaults (5, 30d, 30d). */
void policy_defaults(struct policy *p);
/* policy_from_config: the settings of cfg. */
void policy_from_config(struct policy *p, const struct config *cfg);

/* policy_judge: the verdict for a bounce of class cls ("hard", "soft",
 * "delayed", "delivered", "complaint", "autoreply", "" as in
 * bounce_class_name()) and reason (Sisimai's vocabulary). */
enum policy_verdict policy_judge(const char *cls, const char *reason);

/* policy_sender_reason: nonzero when reason says the sender (its IP,
 * domain, authentication, rate or content) has the problem, not the
 * address: such bounces never count, whatever their class. */
int policy_sender_reason(const char *reason);

/* policy_sender_reasons: the NULL-terminated list behind it (docs, tests). */
extern const char *const policy_sender_reasons[];

/* policy_soft_count: the address's soft-bounce count at time now: the
 * distinct UTC days among times[0..n) (counted soft bounces, newest first,
 * none later than now) that fall within soft_window before now and at or
 * after since (0: no limit), stopping at the first gap of more than
 * stale_after between one bounce and the next newer one (or now). */
long policy_soft_count(const struct policy *p, const time_t *times, size_t n, time_t now, time_t since);

/* policy_soft_suppresses: the count reached soft_limit. */
int policy_soft_suppresses(const struct policy *p, long count);

#endif
