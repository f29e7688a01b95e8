/* fuzz_bounce.c: libFuzzer harness over bounce_parse (lib/bounce/parse.c): any
 * bytes, with and without a known recipient and a small size limit; the
 * report must be well formed (no NULL strings) and freed. Built by
 * fuzz/Makefile (make fuzz). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bounce.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bounce_options opt = { 0 };
	struct bounce_report *rep = NULL;
	char err[128];

	/* the first byte picks the options; the rest is the message */
	if (size > 0) {
		if (data[0] & 1)
			opt.known_recipient = "alice@example.com";
		if (data[0] & 2)
			opt.message_size_limit = 1024 + (size_t)data[0] * 16;
		data++;
		size--;
	}
	if (bounce_parse((const char *)data, size, &opt, &rep, err, sizeof(err)) != BOUNCE_OK)
		return 0;
	for (size_t i = 0; i < rep->nrcpt; i++) {
		const struct bounce_rcpt *r = &rep->rcpt[i];

		if (!r->recipient || !r->action || !r->status || !r->smtp_code || !r->reason ||
		    !r->diagnostic || !r->remote_mta || !r->reporting_mta || !r->rule)
			abort();
		if (strlen(r->reason) == 0 && rep->kind != BOUNCE_KIND_NOTBOUNCE)
			abort();
	}
	if (opt.known_recipient && rep->kind != BOUNCE_KIND_NOTBOUNCE &&
	    (rep->nrcpt != 1 || strcmp(rep->rcpt[0].recipient, opt.known_recipient)))
		abort();
	bounce_report_free(rep);
	return 0;
}
