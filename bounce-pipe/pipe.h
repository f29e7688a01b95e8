/* pipe.h: what the files of rebound-pipe (bounce-pipe/) share. */
#ifndef REBOUND_PIPE_H
#define REBOUND_PIPE_H

#include <stddef.h>

/* pipe_forward: send data to the address `to` with sendmail(1) (forward.c).
 * Returns 0 once sendmail accepted it, -1 with a message in err. */
int pipe_forward(const char *to, const char *data, size_t len, char *err, size_t errlen);

#endif
