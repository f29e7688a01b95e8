/* state.h: rebound-milter's shared, reloadable state: the configuration,
 * the VERP keys and codec and the selection rules, as one reference-counted
 * snapshot. A message takes a reference at MAIL FROM and keeps using that
 * snapshot to its end; SIGHUP builds a new snapshot and swaps it in only if
 * everything in it loaded (a bad file leaves the old one in place). */
#ifndef REBOUND_MILTER_STATE_H
#define REBOUND_MILTER_STATE_H

#include <stddef.h>

#include "config.h"
#include "rules.h"
#include "verp.h"

struct state {
	unsigned long generation; /* 1 for the first, +1 per successful reload */
	int refs;                 /* under the state lock */
	struct config *cfg;
	struct verp_keys *keys;
	struct verp_codec *codec; /* without a map: short recipients, message tokens */
	struct rules rules;
};

/* state_load: build a snapshot from the file at path. Returns 0 and *out
 * (refs = 1; give it to state_install or state_release), or -1 with a
 * message in err. */
int state_load(const char *path, struct state **out, char *err, size_t errlen);

/* state_install: make st the current snapshot (takes over the caller's
 * reference) and drop the reference to the one before it. */
void state_install(struct state *st);

/* state_acquire: a new reference to the current snapshot (NULL before the
 * first install or after state_shutdown); state_release drops one and frees
 * the snapshot with the last. Thread-safe. */
struct state *state_acquire(void);
void state_release(struct state *st);

/* state_shutdown: drop the current snapshot (at exit). */
void state_shutdown(void);

#endif
