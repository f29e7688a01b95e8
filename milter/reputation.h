/* reputation.h: rebound-milter's side of a list's reputation
 * (docs/reputation.md). On the hot path only memory: each list message
 * adds to its list's counts of the current 5-minute interval, and a
 * paused list is looked up in a cache. Once a rate_interval the main
 * thread (reputation_tick) writes the counts to the store, evaluates
 * every list's rates against its levels (warns, pauses) and reloads the
 * cache of paused lists. The milter evaluates, not rebound-pipe: it holds
 * the newest sent counts, runs on every MTA that sends, and keeps the
 * pipe's per-bounce work as it was. No libmilter here. */
#ifndef REBOUND_MILTER_REPUTATION_H
#define REBOUND_MILTER_REPUTATION_H

#include <stddef.h>
#include <time.h>

#include "config.h"

/* Longest list (envelope sender) counted; longer ones are not counted. */
#define REPUTATION_LIST_MAX 320

/* reputation_count: list (the envelope sender before the rewrite) sent a
 * message to nrcpt recipients at now. Thread-safe; a lock and a lookup. */
void reputation_count(const char *list, size_t nrcpt, time_t now);

/* reputation_paused: whether list is paused, from the cache the last tick
 * loaded. Thread-safe; no lock at all while no list is paused. */
int reputation_paused(const char *list);

/* reputation_tick: write the counts to cfg's store, then (unless final)
 * evaluate the rates at now and reload the paused lists. Counts that
 * cannot be written are kept for the next tick. Main thread only. */
void reputation_tick(const struct config *cfg, time_t now, int final);

/* reputation_shutdown: close the tick's store handle, free the counts and
 * the cache (at exit, after the last tick). */
void reputation_shutdown(void);

#endif
