/* hooks.h: delivering events to the event_hook program (docs/hooks.md):
 * one pass of `rebound hooks run`: claim the next due event (a lease in
 * the store, lib/store.h), run the hook on it (lib/hook_exec.h), record
 * the outcome: done (exit 0), a retry with backoff (exit 75, or the hook
 * could not be started), failed for good (any other exit, a signal, the
 * timeout), or given up (the event is older than event_hook_give_up).
 * Logs each outcome (log.h); never exits. */
#ifndef REBOUND_HOOKS_H
#define REBOUND_HOOKS_H

#include <stddef.h>
#include <time.h>

#include "store.h"

/* The first retry comes after a minute, each next one after twice as long,
 * never more than a day. */
#define HOOKS_BACKOFF_FIRST 60L
#define HOOKS_BACKOFF_MAX 86400L
/* A runner's lease on an event: the hook's timeout and this margin. */
#define HOOKS_LEASE_MARGIN 60L
/* Events one pass delivers at most (a pass ends earlier when none is due). */
#define HOOKS_PASS_MAX 10000L

struct hooks_config {
	const char *hook;        /* event_hook: absolute path */
	long timeout;            /* event_hook_timeout, seconds */
	long give_up;            /* event_hook_give_up, seconds */
	const char *config_path; /* passed on as REBOUND_CONFIG ("" none) */
};

struct hooks_counts {
	long done, retried, failed, expired, lost; /* lost: the lease had gone when the outcome came */
};

/* hooks_backoff: the delay before the next try after attempts tries. */
long hooks_backoff(long attempts);

/* hooks_owner: a name for this runner's leases ("host:pid:random") into
 * buf. */
void hooks_owner(char *buf, size_t len);

/* hooks_event_json: e as one JSON object (docs/hooks.md: id, created_at,
 * type, address, lists (an array), cause, reason, status, class,
 * bounce_id (null by hand)), without a newline; NULL if out of memory.
 * The caller frees it with free(). */
char *hooks_event_json(const struct store_event *e);

/* hooks_run_pass: deliver the events due at clock() one after another,
 * each claimed under owner, until none is due or HOOKS_PASS_MAX; counts
 * in *c (zeroed first). A store failure ends the pass with its status
 * (err says why); an event it held is not lost: its lease expires and a
 * later pass takes it again. */
enum store_status hooks_run_pass(struct store *st, const struct hooks_config *hc, const char *owner,
				 time_t (*clock)(void), struct hooks_counts *c, char *err, size_t errlen);

#endif
