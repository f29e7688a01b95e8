/* callbacks.h: rebound-milter's libmilter callbacks and their per-connection
 * and per-message contexts. */
#ifndef REBOUND_MILTER_CALLBACKS_H
#define REBOUND_MILTER_CALLBACKS_H

#include <libmilter/mfapi.h>

/* callbacks_desc: the filter description to pass to smfi_register. */
struct smfiDesc *callbacks_desc(void);

/* callbacks_init: before smfi_main; tcp nonzero for an inet socket (then
 * every step the milter keeps is answered, see cb_negotiate); verbose
 * nonzero (-v) logs the macros of each MAIL FROM. */
void callbacks_init(int tcp, int verbose);

/* callbacks_shutdown: close the store handles kept between connections
 * (at exit); a connection that ends later closes its own. */
void callbacks_shutdown(void);

/* callbacks_active: messages in progress right now (between MAIL FROM and
 * end of message or abort), for a shutdown that lets them finish. */
int callbacks_active(void);

#endif
