/* store_report.c: a parsed bounce into the store in one transaction, as
 * rebound-pipe records it; see store_report.h. */
#include "store_report.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *store_report_probe_why(enum store_report_probe probe)
{
	switch (probe) {
	case STORE_PROBE_NONE: return "";
	case STORE_PROBE_CLAIMED: return "probe to be sent";
	case STORE_PROBE_RECENT: return "no probe: the address was probed recently or is suppressed";
	case STORE_PROBE_COMPLAINT: return "no probe: a complaint cannot be confirmed by one";
	case STORE_PROBE_NOT_COUNTED: return "no probe: it would not count";
	case STORE_PROBE_OFF: return "no probe: message_probes = no";
	case STORE_PROBE_LIMIT: return "no probe: limit per bounce reached";
	}
	return "";
}

/* lead_probe: what to do about a lead for r: claim a probe (one per
 * address per probe_interval, at most STORE_REPORT_PROBES_MAX per bounce)
 * for a result that would count as a hard or soft bounce; a complaint
 * cannot be confirmed by a probe. */
static enum store_status lead_probe(struct store *st, const struct store_report_ctx *ctx,
				    const struct bounce_rcpt *r, size_t *nclaimed, struct store_report_line *l, char *err,
				    size_t errlen)
{
	enum policy_verdict v = policy_judge(bounce_class_name(r->class), r->reason);
	enum store_status status;

	if (v == POLICY_COMPLAINT)
		l->probe = STORE_PROBE_COMPLAINT;
	else if (v != POLICY_HARD && v != POLICY_SOFT)
		l->probe = STORE_PROBE_NOT_COUNTED;
	else if (!ctx->probes)
		l->probe = STORE_PROBE_OFF;
	else if (*nclaimed >= STORE_REPORT_PROBES_MAX)
		l->probe = STORE_PROBE_LIMIT;
	else {
		status = store_probe_claim(st, ctx->token, r->recipient, ctx->now, ctx->probe_interval, l->probe_to,
					   sizeof(l->probe_to), err, errlen);
		if (status != STORE_OK)
			return status;
		l->probe = *l->probe_to ? STORE_PROBE_CLAIMED : STORE_PROBE_RECENT;
		*nclaimed += *l->probe_to != '\0';
	}
	return STORE_OK;
}

static void line_fill(struct store_report_line *l, const struct bounce_rcpt *r, const char *recipient,
		      int verified)
{
	memset(l, 0, sizeof(*l));
	l->rcpt = r;
	snprintf(l->recipient, sizeof(l->recipient), "%s", recipient ? recipient : "");
	l->verified = verified;
}

static enum store_status line_record(struct store *st, const struct bounce_report *rep,
				     const struct store_report_ctx *ctx, struct store_report_line *l, char *err,
				     size_t errlen)
{
	const struct bounce_rcpt *r = l->rcpt;
	struct store_bounce b = {
		.received_at = ctx->now,
		.recipient = l->recipient,
		.verified = l->verified,
		.return_path = ctx->return_path,
		.queue_id = ctx->queue_id,
		.message_token = ctx->token,
		.kind = bounce_kind_name(rep->kind),
		.original_message_id = rep->original_message_id,
		.original_envelope_id = rep->original_envelope_id,
		.reporting_mta = rep->reporting_mta,
	};

	if (r) {
		b.action = r->action;
		b.status = r->status;
		b.smtp_code = r->smtp_code;
		b.reason = r->reason;
		b.class_name = bounce_class_name(r->class);
		b.permanent = r->permanent;
		b.diagnostic = r->diagnostic;
		b.remote_mta = r->remote_mta;
		if (*r->reporting_mta)
			b.reporting_mta = r->reporting_mta;
	}
	return store_bounce_record(st, &b, ctx->policy, &l->effect, err, errlen);
}

/* report_once: one try of store_report_record's transaction. */
static enum store_status report_once(struct store *st, const struct bounce_report *rep,
				     const struct store_report_ctx *ctx, struct store_report_line **lines,
				     size_t *nlines, char *err, size_t errlen)
{
	struct store_report_line *out;
	enum store_status status;
	size_t n = 0, cap = rep->nrcpt ? rep->nrcpt : 1, nclaimed = 0;

	*lines = NULL;
	*nlines = 0;
	if (rep->kind == BOUNCE_KIND_NOTBOUNCE)
		return STORE_OK;
	if (!(out = calloc(cap, sizeof(*out)))) {
		snprintf(err, errlen, "out of memory");
		return STORE_TEMPFAIL;
	}
	if ((status = store_begin(st, err, errlen)) != STORE_OK) {
		free(out);
		return status;
	}
	if (rep->nrcpt == 0) {
		/* a bounce that names nobody: keep it, attributed to the VERP
		 * recipient if that verified, else unverified */
		line_fill(&out[n], NULL, ctx->recipient, ctx->verified && ctx->recipient && !ctx->token);
		if ((status = line_record(st, rep, ctx, &out[n++], err, errlen)) != STORE_OK)
			goto fail;
	}
	for (size_t i = 0; i < rep->nrcpt; i++) {
		const struct bounce_rcpt *r = &rep->rcpt[i];
		struct store_report_line *l = &out[n++];

		if (ctx->verified && ctx->token) {
			/* message mode: only a recipient the message went to, and
			 * confirmed only if our own MTA made the bounce: any
			 * recipient of the message sees its return path and could
			 * write a bounce naming another one (a lead, unverified).
			 * Never a complaint: Postfix writes none, so one from a
			 * "trusted" source came from a local user or relay. Never
			 * an address taken from Original-Recipient: the sender of
			 * the returned message chose it (ORCPT), whoever that was */
			line_fill(l, r, r->recipient,
				  ctx->trusted && r->class != BOUNCE_CLASS_COMPLAINT && !r->recipient_from_orcpt);
			status = *r->recipient ? store_message_has(st, ctx->token, r->recipient, err, errlen)
					       : STORE_NOTFOUND;
			if (status == STORE_NOTFOUND) {
				l->ignored = 1;
				continue;
			}
			if (status != STORE_OK)
				goto fail;
			if (!l->verified &&
			    (status = lead_probe(st, ctx, r, &nclaimed, l, err, errlen)) != STORE_OK)
				goto fail;
		} else if (ctx->verified && ctx->recipient) {
			/* recipient mode: the parser attributes its result to the
			 * known recipient; anything else it reports is unverified */
			int same = !*r->recipient || !strcasecmp(r->recipient, ctx->recipient);

			line_fill(l, r, same ? ctx->recipient : r->recipient, same);
		} else {
			line_fill(l, r, *r->recipient ? r->recipient : ctx->recipient, 0);
		}
		if ((status = line_record(st, rep, ctx, l, err, errlen)) != STORE_OK)
			goto fail;
	}
	if ((status = store_commit(st, err, errlen)) != STORE_OK)
		goto fail;
	*lines = out;
	*nlines = n;
	return STORE_OK;
fail:
	store_rollback(st);
	free(out);
	return status;
}

/* Tries of the whole transaction when another writer conflicts with it
 * (PostgreSQL: a deadlock or serialisation failure, store_conflict). */
#define REPORT_TRIES 5

enum store_status store_report_record(struct store *st, const struct bounce_report *rep,
				      const struct store_report_ctx *ctx, struct store_report_line **lines,
				      size_t *nlines, char *err, size_t errlen)
{
	enum store_status status;

	for (int i = 1;; i++) {
		status = report_once(st, rep, ctx, lines, nlines, err, errlen);
		if (status == STORE_OK || i >= REPORT_TRIES || !store_conflict(st))
			return status;
	}
}
