/* daemon.c: background, pid file, socket ownership and TCP_NODELAY, and the
 * privilege drop of rebound-milter; see daemon.h. */
#include "daemon.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <sysexits.h>
#include <unistd.h>

#include "log.h"

/* The write end of the pipe the waiting parent reads; -1 when no one waits. */
static int ready_fd = -1;

/* parent_wait: the parent's side of daemon_detach; returns its exit status. */
static int parent_wait(int fd, pid_t pid)
{
	unsigned char status;
	ssize_t n;
	int ws;

	do
		n = read(fd, &status, 1);
	while (n < 0 && errno == EINTR);
	if (n == 1)
		return status;
	if (waitpid(pid, &ws, WNOHANG) == pid && WIFSIGNALED(ws))
		fprintf(stderr, "rebound-milter: error: the daemon was killed by signal %d while starting\n",
			WTERMSIG(ws));
	else
		fprintf(stderr, "rebound-milter: error: the daemon ended while starting (see the log)\n");
	return EX_OSERR;
}

int daemon_detach(char *err, size_t errlen)
{
	int fds[2];
	pid_t pid;

	if (pipe2(fds, O_CLOEXEC) < 0) {
		snprintf(err, errlen, "pipe: %s", strerror(errno));
		return -1;
	}
	pid = fork();
	if (pid < 0) {
		snprintf(err, errlen, "fork: %s", strerror(errno));
		close(fds[0]);
		close(fds[1]);
		return -1;
	}
	if (pid > 0) {
		close(fds[1]);
		_exit(parent_wait(fds[0], pid));
	}
	close(fds[0]);
	ready_fd = fds[1];
	if (setsid() < 0) {
		snprintf(err, errlen, "setsid: %s", strerror(errno));
		return -1;
	}
	if (chdir("/") < 0) {
		snprintf(err, errlen, "chdir /: %s", strerror(errno));
		return -1;
	}
	return 0;
}

int daemon_ready(int status, char *err, size_t errlen)
{
	unsigned char c = (unsigned char)status;
	int fd, rc = 0;

	if (ready_fd < 0)
		return 0;
	/* stdio first: the parent's caller may wait for the end of its output */
	if (status == 0) {
		if ((fd = open("/dev/null", O_RDWR)) < 0) {
			snprintf(err, errlen, "/dev/null: %s", strerror(errno));
			c = EX_OSERR;
			rc = -1;
		} else {
			if (dup2(fd, 0) < 0 || dup2(fd, 1) < 0 || dup2(fd, 2) < 0) {
				snprintf(err, errlen, "dup2: %s", strerror(errno));
				c = EX_OSERR;
				rc = -1;
			}
			if (fd > 2)
				close(fd);
		}
	}
	if (write(ready_fd, &c, 1) != 1 && rc == 0) {
		snprintf(err, errlen, "telling the starting process: %s", strerror(errno));
		rc = -1;
	}
	close(ready_fd);
	ready_fd = -1;
	return rc;
}

/* dir_of: the directory part of file into buf; -1 if too long or none. */
static int dir_of(const char *file, char *buf, size_t len)
{
	const char *slash = strrchr(file, '/');
	size_t n;

	if (!slash)
		return -1;
	n = slash == file ? 1 : (size_t)(slash - file);
	if (n >= len)
		return -1;
	memcpy(buf, file, n);
	buf[n] = '\0';
	return 0;
}

int daemon_make_dir(const char *file, int chown_it, uid_t uid, gid_t gid, char *err, size_t errlen)
{
	char dir[4096];
	struct stat sb;

	if (!*file || dir_of(file, dir, sizeof(dir)) < 0)
		return 0;
	if (stat(dir, &sb) == 0)
		return 0;
	if (errno != ENOENT || mkdir(dir, 0750) < 0) {
		snprintf(err, errlen, "cannot make directory %s (for %s): %s", dir, file, strerror(errno));
		return -1;
	}
	if (chown_it && chown(dir, uid, gid) < 0) {
		snprintf(err, errlen, "chown %s: %s", dir, strerror(errno));
		return -1;
	}
	log_info("made directory %s (for %s)", dir, file);
	return 0;
}

int daemon_check_dir(const char *file, char *err, size_t errlen)
{
	char dir[4096], parent[4096];
	struct stat sb;
	int e;

	if (!*file || dir_of(file, dir, sizeof(dir)) < 0)
		return 0;
	if (stat(dir, &sb) == 0) {
		if (!S_ISDIR(sb.st_mode)) {
			snprintf(err, errlen, "%s (for %s): not a directory", dir, file);
			return -1;
		}
		return 0;
	}
	e = errno;
	if (e == ENOENT && dir_of(dir, parent, sizeof(parent)) == 0 && stat(parent, &sb) == 0 &&
	    S_ISDIR(sb.st_mode))
		return 0;
	snprintf(err, errlen, "%s (for %s): %s", dir, file,
		 e == ENOENT ? "missing, and rebound-milter cannot make it: its parent is missing" : strerror(e));
	return -1;
}

int daemon_lookup_user(const char *name, uid_t *uid, gid_t *gid, char *err, size_t errlen)
{
	struct passwd pw, *res = NULL;
	char buf[4096];
	int rc = getpwnam_r(name, &pw, buf, sizeof(buf), &res);

	if (rc != 0 || !res) {
		snprintf(err, errlen, "user \"%s\": %s", name, rc ? strerror(rc) : "no such user");
		return -1;
	}
	*uid = pw.pw_uid;
	*gid = pw.pw_gid;
	return 0;
}

const char *daemon_unix_path(const char *conn)
{
	if (strncmp(conn, "unix:", 5) == 0)
		return conn + 5;
	if (strncmp(conn, "local:", 6) == 0)
		return conn + 6;
	return NULL;
}

/* listener_nodelay: find the listening TCP socket(s) libmilter opened (it
 * does not hand out the descriptor) and set TCP_NODELAY on them. */
static int listener_nodelay(char *err, size_t errlen)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *de;
	int found = 0;

	if (!d) {
		snprintf(err, errlen, "/proc/self/fd: %s", strerror(errno));
		return -1;
	}
	while ((de = readdir(d))) {
		int fd = atoi(de->d_name), on = 1, val = 0;
		socklen_t len = sizeof(val);

		if (de->d_name[0] < '0' || de->d_name[0] > '9' || fd == dirfd(d))
			continue;
		if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &val, &len) < 0 || !val)
			continue;
		len = sizeof(val);
		if (getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, &val, &len) < 0 || val != IPPROTO_TCP)
			continue;
		if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on)) < 0) {
			snprintf(err, errlen, "TCP_NODELAY: %s", strerror(errno));
			closedir(d);
			return -1;
		}
		found++;
	}
	closedir(d);
	if (!found) {
		snprintf(err, errlen, "TCP_NODELAY: no listening TCP socket found");
		return -1;
	}
	return 0;
}

int daemon_socket_setup(const char *conn, int chown_it, uid_t uid, gid_t gid, char *err, size_t errlen)
{
	const char *path = daemon_unix_path(conn);

	if (!path)
		return listener_nodelay(err, errlen);
	if (chown_it && chown(path, uid, gid) < 0) {
		snprintf(err, errlen, "chown %s: %s", path, strerror(errno));
		return -1;
	}
	if (chmod(path, 0660) < 0) {
		snprintf(err, errlen, "chmod %s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

/* daemon_pidfile_write: written to PATH.new and renamed over PATH, so that
 * a reader never sees the file empty or half written (seen: the black-box
 * test read it between open and write). */
int daemon_pidfile_write(const char *path, char *err, size_t errlen)
{
	char buf[32], tmp[4096];
	int fd, n;

	if (!*path)
		return 0;
	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.new", path) >= sizeof(tmp)) {
		snprintf(err, errlen, "pid file %s: name too long", path);
		return -1;
	}
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644)) < 0) {
		snprintf(err, errlen, "pid file %s: %s", tmp, strerror(errno));
		return -1;
	}
	n = snprintf(buf, sizeof(buf), "%ld\n", (long)getpid());
	if (write(fd, buf, (size_t)n) != n) {
		snprintf(err, errlen, "pid file %s: write error", tmp);
		close(fd);
		unlink(tmp);
		return -1;
	}
	if (close(fd) < 0 || rename(tmp, path) < 0) {
		snprintf(err, errlen, "pid file %s: %s", path, strerror(errno));
		unlink(tmp);
		return -1;
	}
	return 0;
}

void daemon_pidfile_remove(const char *path)
{
	if (*path && unlink(path) < 0 && errno != ENOENT)
		log_warn("cannot remove pid file %s: %s", path, strerror(errno));
}

/* groups_are: whether the supplementary groups are exactly want (n). */
static int groups_are(const gid_t *want, int n)
{
	gid_t have[NGROUPS_MAX > 4096 ? 4096 : NGROUPS_MAX];
	int got = getgroups((int)(sizeof(have) / sizeof(have[0])), have);

	if (got < 0)
		return 0;
	for (int i = 0; i < got; i++) {
		int ok = 0;

		for (int j = 0; j < n; j++)
			ok |= have[i] == want[j];
		if (!ok)
			return 0;
	}
	return 1;
}

int daemon_drop_privileges(const char *user, char *err, size_t errlen)
{
	gid_t groups[256];
	int ngroups = (int)(sizeof(groups) / sizeof(groups[0]));
	uid_t uid, ruid, euid, suid;
	gid_t gid, rgid, egid, sgid;

	if (geteuid() != 0) {
		log_info("not started as root: running as uid %ld, \"user = %s\" not applied", (long)geteuid(), user);
		return 0;
	}
	if (daemon_lookup_user(user, &uid, &gid, err, errlen) < 0)
		return -1;
	if (uid == 0) {
		snprintf(err, errlen, "user \"%s\" is root: refusing to run as root", user);
		return -1;
	}
	if (getgrouplist(user, gid, groups, &ngroups) < 0) {
		snprintf(err, errlen, "user \"%s\": more than %zu groups", user, sizeof(groups) / sizeof(groups[0]));
		return -1;
	}
	if (setgroups((size_t)ngroups, groups) < 0 || setresgid(gid, gid, gid) < 0 || setresuid(uid, uid, uid) < 0) {
		snprintf(err, errlen, "cannot become user \"%s\": %s", user, strerror(errno));
		return -1;
	}
	/* Check that it took. */
	if (getresuid(&ruid, &euid, &suid) < 0 || getresgid(&rgid, &egid, &sgid) < 0 || ruid != uid ||
	    euid != uid || suid != uid || rgid != gid || egid != gid || sgid != gid || !groups_are(groups, ngroups) ||
	    setuid(0) == 0 || seteuid(0) == 0) {
		snprintf(err, errlen, "privilege drop to \"%s\" did not take effect", user);
		return -1;
	}
	return 0;
}
