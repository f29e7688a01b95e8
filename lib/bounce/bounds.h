/* bounds.h: the bounds on what GMime is given to parse (issue 12).
 * GMime builds an object for every part, header and address of a message
 * before the parser's own limits apply; bounce_limits_apply walks the
 * message's MIME structure once, as GMime will, and cuts or drops what
 * lies beyond the bounds below, so that a message of any shape costs
 * GMime a bounded number of objects. Internal to lib/bounce/ (and its unit test). */
#ifndef REBOUND_BOUNCE_BOUNDS_H
#define REBOUND_BOUNCE_BOUNDS_H

#include <stddef.h>

#define BOUNCE_LIM_PARTS 1000          /* MIME parts (and embedded messages) */
#define BOUNCE_LIM_MULTIPARTS 16       /* multipart Content-Type fields (levels, boundaries) */
#define BOUNCE_LIM_FIELDS 10000        /* header fields, all header blocks */
#define BOUNCE_LIM_FIELD_BYTES 16384   /* one header field, folded lines included */
#define BOUNCE_LIM_HEADER_BYTES 1048576 /* header fields, all header blocks */
#define BOUNCE_LIM_ADDR_BYTES 65536    /* address fields (From, To, Cc, ...) */

/* bounce_limits_apply: bound the message in buf (*len bytes, a NUL after
 * them) in place. Lines end in LF (a CR before it is tolerated). What is
 * beyond a bound: parts past BOUNCE_LIM_PARTS (the message is cut before
 * the boundary line that would open one more), header fields past the
 * field, byte or address bounds (dropped, or cut at the bound, the rest of
 * their folded lines dropped), multipart Content-Type fields past
 * BOUNCE_LIM_MULTIPARTS (dropped: the part is then a leaf to GMime too).
 * *len is updated; *why is NULL when nothing was changed, else a static
 * string naming the first bound reached ("parts", "header fields", ...).
 * Returns 0, or -1 when memory ran out (buf is then unchanged or still a
 * well-formed, shorter message; *len is valid either way). Calls GMime's
 * content type parser: bounce_init() first. */
int bounce_limits_apply(char *buf, size_t *len, const char **why);

/* bounce_limits_headroom: whether the address space that parsing a
 * message of len bytes may take at most is there (BOUNCE_LIM_HEADROOM
 * bytes, mapped and unmapped at once): 0 if so, -1 if not. GLib
 * aborts the process when an allocation fails, so a parse that could run
 * out of memory must not start (under a memory limit such as ulimit -v,
 * the parse would then abort instead of failing with BOUNCE_ENOMEM). */
#define BOUNCE_LIM_HEADROOM(len) (3 * (len) + ((size_t)16 << 20))
int bounce_limits_headroom(size_t len);

#endif
