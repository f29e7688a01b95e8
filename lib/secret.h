/* secret.h: the inside of struct verp_keys, shared by lib/secret.c (which
 * reads secret_file) and lib/verp.c (which signs and verifies with the
 * keys). Not part of the codec's interface: callers use verp.h. */
#ifndef REBOUND_SECRET_H
#define REBOUND_SECRET_H

#include <stddef.h>

/* secret_file may hold at most this many keys, each at most this long. */
#define SECRET_KEYS_MAX 64
#define SECRET_KEY_MIN 32
#define SECRET_KEY_MAX 1024

struct verp_key {
	unsigned char *bytes; /* the key's text as written, not NUL-terminated; owned */
	size_t len;
};

/* Newest first. Owned by the struct; verp_keys_free wipes and frees. */
struct verp_keys {
	struct verp_key *key;
	size_t n;
};

#endif
