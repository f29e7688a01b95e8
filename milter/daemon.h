/* daemon.h: the process side of rebound-milter: going to the background,
 * the pid file, the listening socket's ownership and TCP_NODELAY, and the
 * drop from root to the configured user. */
#ifndef REBOUND_MILTER_DAEMON_H
#define REBOUND_MILTER_DAEMON_H

#include <stddef.h>
#include <sys/types.h>

/* daemon_detach: fork into the background: new session, cwd /. The
 * parent waits for the daemon's word (daemon_ready) and exits with it: 0
 * once the daemon is ready (socket bound, pid file written, privileges
 * dropped), else the daemon's exit status; EX_OSERR, said on stderr, if
 * the daemon ended without a word. Standard input, output and error stay
 * open until daemon_ready, so that start-up errors reach the terminal.
 * Returns 0 in the daemon, -1 on error (nothing forked). */
int daemon_detach(char *err, size_t errlen);

/* daemon_ready: after daemon_detach, tell the waiting parent the outcome of
 * the start-up (0: ready, with stdio moved to /dev/null first; else the
 * exit status). Once only; a no-op in the foreground. Returns 0 or -1. */
int daemon_ready(int status, char *err, size_t errlen);

/* daemon_make_dir: the directory of file (a pid file, a unix socket), made
 * when missing (the last component only: mode 0750, owned by uid:gid when
 * chown_it), as systemd's RuntimeDirectory= does. Returns 0 or -1. */
int daemon_make_dir(const char *file, int chown_it, uid_t uid, gid_t gid, char *err, size_t errlen);

/* daemon_check_dir: for -n: the directory of file exists, or its parent
 * does (daemon_make_dir will make it). Returns 0 or -1. */
int daemon_check_dir(const char *file, char *err, size_t errlen);

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
