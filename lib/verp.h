/* verp.h: the signed VERP return-path codec. A recipient (or a message
 * token, for mail with several recipients) becomes a return path in
 * return_domain that carries a keyed MAC and a coarse timestamp, and back.
 * The format is documented in docs/verp.md. Never exits; thread-safe for
 * concurrent encode/decode on one codec. */
#ifndef REBOUND_VERP_H
#define REBOUND_VERP_H

#include <stddef.h>
#include <time.h>

#include "config.h"

/* Longest return path (RFC 5321: local part 64, domain 255, '@'). */
#define VERP_MAX 321
/* Longest recipient address rebound accepts (RFC 5321 path limit). */
#define VERP_ADDRESS_MAX 256
/* Longest message token (message mode). */
#define VERP_TOKEN_MAX 32

enum verp_status {
	VERP_OK = 0,
	VERP_MALFORMED,   /* not a return path of ours, or not decodable */
	VERP_BADTAG,      /* the MAC does not verify with any key */
	VERP_EXPIRED,     /* older than tag_lifetime, or from the future */
	VERP_UNKNOWN,     /* compact form whose id the map does not know */
	VERP_TOOLONG,     /* encode: address too long even for the compact form */
	VERP_TEMPFAIL,    /* the map (store) failed in a way that may pass; retry */
	VERP_NOMEM,
};

/* Keys from secret_file: one per line, newest first, each >= 32
 * characters; the file must have no permission bits for group or others.
 * verp_keys_load returns 0 and *out (free with verp_keys_free), or -1 with
 * "FILE[:LINE]: message" in err (lib/secret.c; blank and '#' lines are
 * skipped, white space around a key is ignored; docs/verp.md). */
struct verp_keys;
int verp_keys_load(const char *path, struct verp_keys **out, char *err, size_t errlen);
/* verp_keys_from_strings: for tests; copies the strings (n >= 1, none
 * empty; no length rule). Returns 0, or -1 (bad arguments, no memory). */
int verp_keys_from_strings(const char *const *keys, size_t n, struct verp_keys **out);
void verp_keys_free(struct verp_keys *keys);
/* verp_keys_count: how many keys (0 for NULL). */
size_t verp_keys_count(const struct verp_keys *keys);

/* State for the compact form of recipients too long for a 64-octet local
 * part: id -> recipient. The store implements it (store_verp_map()); NULL
 * means long recipients cannot be encoded (VERP_TOOLONG) nor decoded
 * (VERP_UNKNOWN). Callbacks return 0, 1 (get: not found), or -1 (error,
 * treated as VERP_TEMPFAIL). get returns a malloc'd string the caller frees.
 * The id (20 characters of [a-z2-7]) is a hash of the recipient, the same
 * for every key and every day: put must be an upsert (same id, same
 * recipient: refresh the time), and keep a row at least tag_lifetime plus
 * one day after its last put. decode checks that the recipient get returns
 * hashes to the id, so a wrong row gives VERP_UNKNOWN, never a wrong address. */
struct verp_map {
	int (*put)(void *ctx, const char *id, const char *recipient, time_t now);
	int (*get)(void *ctx, const char *id, char **recipient);
	void *ctx;
};

enum verp_form {
	VERP_FORM_RECIPIENT, /* the recipient, readable, in the local part */
	VERP_FORM_LONG,      /* a long recipient by id, through the map */
	VERP_FORM_MESSAGE,   /* a message token (message mode) */
};

struct verp_decoded {
	enum verp_form form;
	char recipient[VERP_ADDRESS_MAX + 1]; /* RECIPIENT and LONG forms */
	char token[VERP_TOKEN_MAX + 1];       /* MESSAGE form */
	time_t stamp;                         /* when it was made (day precision) */
	int key_index;                        /* which key verified it (0 = newest) */
};

/* The codec: borrows cfg, keys and map (they must outlive it). Returns
 * VERP_OK and *out, VERP_NOMEM, or VERP_MALFORMED (missing argument, no
 * key, tag_lifetime over 365 days). */
struct verp_codec;
int verp_codec_new(const struct config *cfg, const struct verp_keys *keys, const struct verp_map *map,
		   struct verp_codec **out);
void verp_codec_free(struct verp_codec *codec);

/* verp_encode: the return path for recipient at time now into out
 * (VERP_MAX + 1 bytes). The recipient is any address up to
 * VERP_ADDRESS_MAX octets with an '@' (split at the last one) between a
 * non-empty local part and domain, and no control character; anything
 * else is VERP_MALFORMED, a longer one VERP_TOOLONG. A recipient whose
 * readable form would exceed a 64-octet local part gets the compact form
 * through the map (VERP_TOOLONG without a map, VERP_TEMPFAIL if put fails). */
enum verp_status verp_encode(const struct verp_codec *codec, const char *recipient, time_t now,
			     char out[VERP_MAX + 1]);
/* verp_encode_message: the return path for a message token: 1 to
 * VERP_TOKEN_MAX characters of [a-z0-9-] (it must survive lowercasing);
 * VERP_MALFORMED otherwise. */
enum verp_status verp_encode_message(const struct verp_codec *codec, const char *token, time_t now,
				     char out[VERP_MAX + 1]);
/* verp_decode: return_path as Postfix hands it over (any case, no <>).
 * VERP_OK fills *out. So that callers can log what a failing return path
 * claims, on VERP_EXPIRED (the tag verified but is too old or from the
 * future), VERP_BADTAG (unverified!), VERP_UNKNOWN and VERP_TEMPFAIL, out
 * holds form, stamp and, for the recipient and message forms, recipient
 * or token; key_index is the key that verified, -1 for VERP_BADTAG. On
 * other errors *out is zeroed with key_index -1. */
enum verp_status verp_decode(const struct verp_codec *codec, const char *return_path, time_t now,
			     struct verp_decoded *out);

/* verp_strerror: "malformed return path", "bad tag", "expired", ... */
const char *verp_strerror(enum verp_status status);

#endif
