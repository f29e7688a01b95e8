/* store_report.c: a parsed bounce into the store in one transaction, as
 * rebound-pipe records it; see store_report.h. */
#include "store_report.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
	size_t n = 0, cap = rep->nrcpt ? rep->nrcpt : 1;

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
			/* message mode: only a recipient the message went to */
			line_fill(l, r, r->recipient, 1);
			status = *r->recipient ? store_message_has(st, ctx->token, r->recipient, err, errlen)
					       : STORE_NOTFOUND;
			if (status == STORE_NOTFOUND) {
				l->ignored = 1;
				continue;
			}
			if (status != STORE_OK)
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
