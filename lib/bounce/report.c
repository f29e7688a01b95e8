/* report.c: the report handed to the caller (bounce.h): its strings,
 * freeing it, the names of kinds and classes. */
#include "bounce.h"
#include "state.h"
#include <stdlib.h>
#include <string.h>

char *report_dup(const char *s, int *oom)
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
