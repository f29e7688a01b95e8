/* report.c: the report handed to the caller (bounce.h): its strings,
 * freeing it, the names of kinds and classes. */
#include "bounce.h"
#include "state.h"
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static char *report_dup(const char *s, int *oom)
{
	char *d = strdup(s ? s : "");

	if (!d)
		*oom = 1;
	return d;
}

static void rcpt_free_fields(struct bounce_rcpt *r)
{
	free(r->recipient);
	free(r->action);
	free(r->status);
	free(r->smtp_code);
	free(r->reason);
	free(r->diagnostic);
	free(r->remote_mta);
	free(r->reporting_mta);
	free(r->rule);
	free(r->original_recipient);
}

void bounce_report_free(struct bounce_report *rep)
{
	if (!rep)
		return;
	for (size_t i = 0; i < rep->nrcpt; i++)
		rcpt_free_fields(&rep->rcpt[i]);
	free(rep->rcpt);
	free(rep->reporting_mta);
	free(rep->original_envelope_id);
	free(rep->original_message_id);
	free(rep);
}

const char *bounce_kind_name(enum bounce_kind kind)
{
	switch (kind) {
	case BOUNCE_KIND_DSN: return "dsn";
	case BOUNCE_KIND_ARF: return "arf";
	case BOUNCE_KIND_AUTOREPLY: return "autoreply";
	case BOUNCE_KIND_NONSTANDARD: return "nonstandard";
	case BOUNCE_KIND_NOTBOUNCE: return "notbounce";
	}
	return "notbounce";
}

const char *bounce_class_name(enum bounce_class cls)
{
	switch (cls) {
	case BOUNCE_CLASS_NONE: return "";
	case BOUNCE_CLASS_HARD: return "hard";
	case BOUNCE_CLASS_SOFT: return "soft";
	case BOUNCE_CLASS_DELAYED: return "delayed";
	case BOUNCE_CLASS_DELIVERED: return "delivered";
	case BOUNCE_CLASS_COMPLAINT: return "complaint";
	case BOUNCE_CLASS_AUTOREPLY: return "autoreply";
	}
	return "";
}

/* report_rcpt: recipient r, decided, into o; *oom set when a copy failed. */
static void report_rcpt(struct ctx *c, struct rcpt *r, enum bounce_kind kind, struct bounce_rcpt *o, int *oom)
{
	enum bounce_class cls = BOUNCE_CLASS_NONE;
	int perm = 0;

	text_one_line(r->diag);
	if (!r->reporting_mta[0])
		text_copy(r->reporting_mta, sizeof(r->reporting_mta), c->reporting_mta);
	decide(c, r, kind, &cls, &perm);
	o->recipient = report_dup(r->addr, oom);
	o->action = report_dup(r->action, oom);
	o->status = report_dup(r->status, oom);
	o->smtp_code = report_dup(r->code, oom);
	o->reason = report_dup(bounce_reason_name(r->reason), oom);
	o->class = cls;
	o->permanent = perm;
	o->diagnostic = report_dup(r->diag, oom);
	o->remote_mta = report_dup(r->remote_mta, oom);
	o->reporting_mta = report_dup(r->reporting_mta, oom);
	o->rule = report_dup(r->rule, oom);
	o->original_recipient = report_dup(strcasecmp(r->orig_addr, r->addr) ? r->orig_addr : "", oom);
	o->recipient_from_orcpt = r->addr_is_orig;
}

int report_build(struct ctx *c, enum bounce_kind kind, int truncated, struct bounce_report **out)
{
	struct bounce_report *rep = calloc(1, sizeof(*rep));
	int oom = 0;

	*out = NULL;
	if (!rep)
		return -1;
	rep->kind = kind;
	rep->truncated = truncated;
	rep->limited = c->limited;
	rep->reporting_mta = report_dup(c->reporting_mta, &oom);
	rep->original_envelope_id = report_dup(c->envid, &oom);
	rep->original_message_id = report_dup(c->orig_msgid, &oom);
	if (c->nrc && !(rep->rcpt = calloc(c->nrc, sizeof(*rep->rcpt))))
		oom = 1;
	for (size_t i = 0; !oom && i < c->nrc; i++) {
		rep->nrcpt++;
		report_rcpt(c, &c->rc[i], kind, &rep->rcpt[i], &oom);
	}
	if (oom || c->oom) {
		bounce_report_free(rep);
		return -1;
	}
	*out = rep;
	return 0;
}
