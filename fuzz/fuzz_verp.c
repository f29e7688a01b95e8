/* fuzz_verp.c: libFuzzer harness over the VERP codec (lib/verp.c): any
 * bytes decoded as a return path must give a status, never a crash; any
 * bytes encoded as a recipient that encodes must decode back to itself.
 * Built by fuzz/Makefile (make fuzz). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "verp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* kept for the life of the process (the codec borrows cfg and keys) */
static struct config *cfg;
static struct verp_keys *k;
static struct verp_codec *codec;

static void setup(void)
{
	static const char *const keys[] = { "fuzz-key-0123456789-abcdefghijklmnop",
					    "fuzz-key-older-0123456789-abcdefghijk" };
	char err[256];

	if (config_load_string("fuzz.conf",
			       "return_domain = bounce.example.org\nsecret_file = /nonexistent\n", &cfg,
			       err, sizeof(err)) != 0 ||
	    verp_keys_from_strings(keys, 2, &k) != 0 || verp_codec_new(cfg, k, NULL, &codec) != VERP_OK)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char in[1024], out[VERP_MAX + 1];
	struct verp_decoded d;
	const time_t now = 1764000000;
	enum verp_status st;

	if (!codec)
		setup();
	if (size == 0 || size >= sizeof(in))
		return 0;
	memcpy(in, data + 1, size - 1);
	in[size - 1] = '\0';
	if (data[0] & 1) {
		/* decode whatever comes */
		st = verp_decode(codec, in, now, &d);
		if (st == VERP_OK && !strchr(d.recipient, '@') && d.form != VERP_FORM_MESSAGE)
			abort();
		return 0;
	}
	/* round trip: what encodes decodes to the same recipient */
	if (verp_encode(codec, in, now, out) != VERP_OK)
		return 0;
	st = verp_decode(codec, out, now, &d);
	if (st != VERP_OK || d.form != VERP_FORM_RECIPIENT || strcmp(d.recipient, in) != 0)
		abort();
	return 0;
}
