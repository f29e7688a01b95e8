/* probe.c: message mode's probes. A bounce to a message-mode return path
 * that did not come from our own MTA only names a recipient (any recipient
 * of the message could have written it); the probe is a short message to
 * that one recipient with its own recipient-mode return path, sent with
 * sendmail(1), whose bounce then counts as in recipient mode (docs/verp.md,
 * "Message form"). Nothing of the lead's text goes into the probe. */
#include "pipe.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

/* header_safe: an address that may stand in a header as it is: printable
 * ASCII without the characters that end or group an address. */
static int header_safe(const char *a)
{
	for (; *a; a++)
		if (*a < 0x21 || *a > 0x7e || strchr("<>()[],;:\\\"", *a))
			return 0;
	return 1;
}

int pipe_probe_send(const struct verp_codec *codec, const char *to, time_t now, char rp[VERP_MAX + 1], char *err,
		    size_t errlen)
{
	char msg[2048], date[64];
	struct tm tm;
	enum verp_status vs;
	int n;

	*rp = '\0';
	if ((vs = verp_encode(codec, to, now, rp)) != VERP_OK) {
		snprintf(err, errlen, "no return path for it: %s", verp_strerror(vs));
		*rp = '\0';
		return -1;
	}
	if (!gmtime_r(&now, &tm) || !strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S +0000", &tm)) {
		snprintf(err, errlen, "cannot format the date");
		return -1;
	}
	n = snprintf(msg, sizeof(msg),
		     "From: Mail delivery check <%s>\n"
		     "To: %s%s%s\n"
		     "Subject: Mail delivery check\n"
		     "Date: %s\n"
		     "Auto-Submitted: auto-generated\n"
		     "MIME-Version: 1.0\n"
		     "Content-Type: text/plain; charset=us-ascii\n"
		     "\n"
		     "This message checks that mail to this address is delivered.\n"
		     "A report about an earlier message said that it was not. If\n"
		     "you can read this, nothing needs to be done, and there is no\n"
		     "need to reply.\n",
		     rp, header_safe(to) ? "<" : "", header_safe(to) ? to : "undisclosed-recipients:;",
		     header_safe(to) ? ">" : "", date);
	if (n < 0 || (size_t)n >= sizeof(msg)) {
		snprintf(err, errlen, "probe message too long");
		return -1;
	}
	return pipe_sendmail(rp, to, msg, (size_t)n, err, errlen);
}
