/* state.c: the reference-counted configuration snapshot of rebound-milter
 * and its atomic swap on reload; see state.h. */
#include "state.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

static pthread_mutex_t state_lock = PTHREAD_MUTEX_INITIALIZER;
static struct state *state_current;
static unsigned long state_generation;

/* state_free: everything in st; st->refs must be 0. */
static void state_free(struct state *st)
{
	if (!st)
		return;
	verp_codec_free(st->codec);
	verp_keys_free(st->keys);
	rules_free(&st->rules);
	config_free(st->cfg);
	free(st);
}

int state_load(const char *path, struct state **out, char *err, size_t errlen)
{
	struct state *st = calloc(1, sizeof(*st));

	if (!st) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	st->refs = 1;
	if (config_load(path, &st->cfg, err, errlen) < 0)
		goto fail;
	if (rules_build(st->cfg, &st->rules, err, errlen) < 0)
		goto fail;
	if (verp_keys_load(st->cfg->secret_file, &st->keys, err, errlen) < 0)
		goto fail;
	if (verp_codec_new(st->cfg, st->keys, NULL, &st->codec) != VERP_OK) {
		snprintf(err, errlen, "%s: cannot set up the VERP codec", st->cfg->path);
		goto fail;
	}
	*out = st;
	return 0;
fail:
	st->refs = 0;
	state_free(st);
	return -1;
}

void state_install(struct state *st)
{
	struct state *old;

	pthread_mutex_lock(&state_lock);
	old = state_current;
	st->generation = ++state_generation;
	state_current = st;
	pthread_mutex_unlock(&state_lock);
	if (old)
		state_release(old);
}

struct state *state_acquire(void)
{
	struct state *st;

	pthread_mutex_lock(&state_lock);
	st = state_current;
	if (st)
		st->refs++;
	pthread_mutex_unlock(&state_lock);
	return st;
}

void state_release(struct state *st)
{
	int last;

	if (!st)
		return;
	pthread_mutex_lock(&state_lock);
	last = --st->refs == 0;
	pthread_mutex_unlock(&state_lock);
	if (last)
		state_free(st);
}

void state_shutdown(void)
{
	struct state *old;

	pthread_mutex_lock(&state_lock);
	old = state_current;
	state_current = NULL;
	pthread_mutex_unlock(&state_lock);
	state_release(old);
}
