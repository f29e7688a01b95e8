/* bounce_int.h: what lib/bounce*.c share and nobody else uses: growing
 * strings, text folding, the site rules' matcher. */
#ifndef REBOUND_BOUNCE_INT_H
#define REBOUND_BOUNCE_INT_H

#include "bounce.h"

#include <stddef.h>

/* A growing string, bounded by max (0 = unbounded); cut is set when text
 * was dropped at the bound, oom when memory ran out. Owner frees with
 * sbuf_free. */
struct sbuf {
	char *s;
	size_t len, cap, max;
	int cut, oom;
};
int sbuf_add(struct sbuf *b, const char *s, size_t n);
int sbuf_str(struct sbuf *b, const char *s);
void sbuf_free(struct sbuf *b);

/* bounce_fold: lowercase copy with runs of white space folded to one. */
void bounce_fold(char *dst, size_t dstlen, const char *s);

/* bounce_rules_apply: the first site rule that matches (status, reply
 * code, folded diagnostic, reporting MTA, remote MTA, the remote host
 * table's provider name or "") sets reason (and class, when the
 * rule names one; else it is derived from the reason) and rule (FILE:LINE).
 * Returns 1 when a rule matched, 0 when none (or rules is NULL). */
int bounce_rules_apply(const struct bounce_rules *rules, const char *status, const char *code,
		       const char *folded_diag, const char *reporting_mta, const char *remote_mta,
		       const char *provider, char *reason, size_t reasonlen, enum bounce_class *cls,
		       char *rule, size_t rulelen);

#endif
