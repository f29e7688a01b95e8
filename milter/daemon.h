/* daemon.h: the process side of rebound-milter: going to the background,
 * the pid file, the listening socket's ownership and TCP_NODELAY, and the
 * drop from root to the configured user. */
#ifndef REBOUND_MILTER_DAEMON_H
#define REBOUND_MILTER_DAEMON_H

#include <stddef.h>
#include <sys/types.h>

/* daemon_detach: fork into the background, new session, cwd /, stdio on
 * /dev/null. Returns 0 in the daemon (the parent exits 0), -1 on error. */
int daemon_detach(char *err, size_t errlen);

/* daemon_lookup_user: uid and primary gid of user name. -1 if unknown. */
int daemon_lookup_user(const char *name, uid_t *uid, gid_t *gid, char *err, size_t errlen);

/* daemon_socket_setup: after the socket is bound (smfi_opensocket). For
 * unix:/local: sockets: owner uid:gid, mode 0660 (Postfix connects as a
 * member of the group). For inet: sockets: TCP_NODELAY on the listening
 * socket, which Linux passes on to every accepted connection (libmilter
 * writes a reply in pieces; without it Nagle's algorithm and the MTA's
 * delayed ACK stall each reply by up to 40 ms). Returns 0 or -1. */
int daemon_socket_setup(const char *conn, int chown_it, uid_t uid, gid_t gid, char *err, size_t errlen);

/* daemon_unix_path: the file of a unix:/local: socket spec, or NULL. */
const char *daemon_unix_path(const char *conn);

/* daemon_pidfile_write / _remove: "PID\n" into path (mode 0644), written to
 * path.new and renamed, so that no reader sees it empty. */
int daemon_pidfile_write(const char *path, char *err, size_t errlen);
void daemon_pidfile_remove(const char *path);

/* daemon_drop_privileges: when running as root, become user (its uid,
 * primary gid and supplementary groups) and check that it took: real and
 * effective ids, the group list, and that root cannot be regained. Not
 * root: nothing to drop (logged). Returns 0 or -1. */
int daemon_drop_privileges(const char *user, char *err, size_t errlen);

#endif
