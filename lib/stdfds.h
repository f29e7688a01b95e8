/* stdfds.h: the standard descriptors 0, 1 and 2 at a program's start.
 * A program started with one of them closed (`rebound-pipe <&-`, a
 * careless daemon manager) would hand that number to the next file it
 * opens: syslog's socket would become standard input, a database standard
 * output. Every program calls stdfds_ensure first thing in main. */
#ifndef REBOUND_STDFDS_H
#define REBOUND_STDFDS_H

/* stdfds_ensure: open /dev/null read-only on each of 0, 1 and 2 that is
 * closed: reading it gives end of file, writing it fails (EBADF), as on
 * the closed descriptor, and no other file can take the number. Returns a
 * mask of the descriptors that were closed (1 << fd), or -1 when
 * /dev/null cannot be opened (errno set; the program should stop). */
int stdfds_ensure(void);

#endif
