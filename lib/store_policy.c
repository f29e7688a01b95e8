/* store_policy.c: recording a bounce, and the suppression policy
 * (lib/policy.c, the decisions apart from any database) applied to the
 * store when it is verified: a redelivered duplicate, whether it counts,
 * its recipient's counters, the soft-bounce days, suppression, the effect
 * recorded with the bounce, the reason text Postfix quotes, and the
 * `suppressed` event with its cause. One copy for both backends: each
 * gives only its SQL, as the policy_* and bounce_* steps of struct
 * store_ops (lib/store_backend.h), and runs store_policy_record in the
 * transaction of its bounce_record. docs/schema.md ("Policy") gives the
 * reasoning. */
#include "store_backend.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Counted soft bounces read back per bounce recorded, at the most. */
#define SOFT_HISTORY_MAX 1000

/* keep_chars: copy src into dst keeping only characters in allowed. */
static void keep_chars(char *dst, size_t dstlen, const char *src, const char *allowed)
{
	size_t n = 0;

	for (; src && *src && n + 1 < dstlen; src++)
		if (strchr(allowed, *src))
			dst[n++] = *src;
	dst[n] = '\0';
}

/* suppress_reason: the text kept in recipients.suppressed_reason, which
 * Postfix's table quotes in its reply: built from the status and reason
 * words of b only, never from the remote server's free text. days: the
 * soft-bounce days (POLICY_SOFT). */
static void suppress_reason(char *buf, size_t len, enum policy_verdict v, const struct store_bounce *b, long days)
{
	char status[16], reason[32];

	keep_chars(status, sizeof(status), b->status, "0123456789.");
	keep_chars(reason, sizeof(reason), b->reason, "abcdefghijklmnopqrstuvwxyz");
	switch (v) {
	case POLICY_HARD:
		snprintf(buf, len, "hard bounce (%s%s%s)", status, *status && *reason ? " " : "", reason);
		break;
	case POLICY_COMPLAINT:
		snprintf(buf, len, "complaint%s%s", *reason ? " " : "", *reason ? reason : "");
		break;
	default:
		snprintf(buf, len, "soft bounces on %ld days (%s%s%s)", days, status, *status && *reason ? " " : "",
			 reason);
		break;
	}
}

/* policy_cause: the cause of the `suppressed` event of a bounce that
 * suppressed its address. */
static const char *policy_cause(const struct store_bounce *b)
{
	enum policy_verdict v = policy_judge(b->class_name, b->reason);

	return v == POLICY_HARD ? "hard" : v == POLICY_COMPLAINT ? "complaint" : "soft-limit";
}

/* soft_count: the soft-bounce days of address with this bounce (at now)
 * included; since: its counted_since (0: none). */
static enum store_status soft_count(struct store *st, const struct policy *p, const char *address, time_t now,
				    time_t since, long *count, char *err, size_t errlen)
{
	enum store_status status;
	time_t *times; /* freed here */
	size_t n = 0;

	if (!(times = malloc((SOFT_HISTORY_MAX + 1) * sizeof(*times)))) {
		store_err(err, errlen, "out of memory");
		return STORE_TEMPFAIL;
	}
	times[0] = now;
	status = st->ops->policy_soft_times(st, address, now - p->soft_window, times + 1, SOFT_HISTORY_MAX, &n, err,
					    errlen);
	if (status == STORE_OK)
		*count = policy_soft_count(p, times, n + 1, now, since);
	free(times);
	return status;
}

/* policy_apply: the effect of verified bounce b on its recipient under
 * p (*effect), the recipient's row updated. */
static enum store_status policy_apply(struct store *st, const struct store_bounce *b, const struct policy *p,
				      enum store_effect *effect, char *err, size_t errlen)
{
	enum policy_verdict v = policy_judge(b->class_name, b->reason);
	enum store_status status;
	char state[16] = "", reason[96];
	time_t since = 0;
	long count = -1;
	int suppress = 1;

	if (v == POLICY_IGNORE) {
		*effect = STORE_EFFECT_NOT_COUNTED;
		return STORE_OK;
	}
	/* the row, created on the first counted bounce */
	if ((status = st->ops->policy_row(st, b->recipient, b->received_at, state, &since, err, errlen)) != STORE_OK)
		return status;
	if (v == POLICY_SOFT) {
		if ((status = soft_count(st, p, b->recipient, b->received_at, since, &count, err, errlen)) != STORE_OK)
			return status;
		suppress = policy_soft_suppresses(p, count);
	}
	if ((status = st->ops->policy_count(st, b->recipient, v == POLICY_HARD, v == POLICY_COMPLAINT, count,
					    b->received_at, err, errlen)) != STORE_OK)
		return status;
	if (!strcmp(state, "suppressed")) {
		*effect = STORE_EFFECT_ALREADY;
		return STORE_OK;
	}
	if (!suppress) {
		*effect = STORE_EFFECT_COUNTED;
		return STORE_OK;
	}
	suppress_reason(reason, sizeof(reason), v, b, count);
	if ((status = st->ops->policy_suppress(st, b->recipient, b->received_at, reason, err, errlen)) != STORE_OK)
		return status;
	*effect = STORE_EFFECT_SUPPRESSED;
	return STORE_OK;
}

enum store_status store_policy_record(struct store *st, const struct store_bounce *b, const struct policy *p,
				      enum store_effect *effect, char *err, size_t errlen)
{
	enum store_status status;
	char list[STORE_LIST_MAX + 1];
	long long id = 0;
	int dup = 0;

	*effect = STORE_EFFECT_UNVERIFIED;
	if ((status = st->ops->bounce_duplicate(st, b, &dup, err, errlen)) != STORE_OK)
		return status;
	if (dup) {
		*effect = STORE_EFFECT_DUPLICATE;
		return STORE_OK;
	}
	if (b->verified && *b->recipient && (status = policy_apply(st, b, p, effect, err, errlen)) != STORE_OK)
		return status;
	if ((status = st->ops->bounce_list(st, b, list, err, errlen)) != STORE_OK ||
	    (status = st->ops->bounce_insert(st, b, *effect, list, &id, err, errlen)) != STORE_OK)
		return status;
	if (*effect == STORE_EFFECT_SUPPRESSED)
		status = st->ops->bounce_event(st, b, policy_cause(b), id, list, err, errlen);
	return status;
}
