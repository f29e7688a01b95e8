/* pipe.h: what the files of rebound-pipe (bounce-pipe/) share. */
#ifndef REBOUND_PIPE_H
#define REBOUND_PIPE_H

#include <stddef.h>
#include <time.h>

#include "verp.h"

/* pipe_sendmail: send data to the address `to` with sendmail(1), envelope
 * sender `sender` ("<>" for the null sender) (sendmail.c). Returns 0 once
 * sendmail accepted it, -1 with a message in err. */
int pipe_sendmail(const char *sender, const char *to, const char *data, size_t len, char *err, size_t errlen);

/* pipe_probe_send: send the probe of message mode to `to` (probe.c): a
 * short fixed text with the recipient-mode return path of `to` (written
 * to rp, "" if it cannot be made) as envelope sender. Returns 0 once
 * sendmail accepted it, -1 with a message in err. */
int pipe_probe_send(const struct verp_codec *codec, const char *to, time_t now, char rp[VERP_MAX + 1], char *err,
		    size_t errlen);

#endif
