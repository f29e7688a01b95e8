/* rules.h: the site rules' matcher (lib/bounce/rules.c; loading and
 * freeing are public, in bounce.h). Internal to lib/. */
#ifndef REBOUND_BOUNCE_RULES_H
#define REBOUND_BOUNCE_RULES_H

#include "bounce.h"
#include "reasons.h"

#include <stddef.h>

/* bounce_rules_apply: the first site rule that matches (status, reply
 * code, folded diagnostic, reporting MTA, remote MTA, the remote host
 * table's provider name or "") sets reason (and class, when the
 * rule names one; else it is derived from the reason) and rule (FILE:LINE).
 * Returns 1 when a rule matched, 0 when none (or rules is NULL). */
int bounce_rules_apply(const struct bounce_rules *rules, const char *status, const char *code,
		       const char *folded_diag, const char *reporting_mta, const char *remote_mta,
		       const char *provider, enum bounce_reason *reason, enum bounce_class *cls, char *rule,
		       size_t rulelen);

#endif
