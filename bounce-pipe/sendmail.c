/* sendmail.c: hand a message to sendmail(1), run with an argument vector
 * (fork/execv, no shell), the message on its standard input: a message
 * that is not a bounce to forward_other_to, and message mode's probes. */
#include "pipe.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define SENDMAIL_PATH "/usr/sbin/sendmail"

/* write_all: the whole buffer to fd; -1 on error. */
static int write_all(int fd, const char *p, size_t len)
{
	while (len > 0) {
		ssize_t w = write(fd, p, len);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		len -= (size_t)w;
	}
	return 0;
}

int pipe_sendmail(const char *sender, const char *to, const char *data, size_t len, char *err, size_t errlen)
{
	/* REBOUND_SENDMAIL: for tests only (rebound-pipe(8), ENVIRONMENT). */
	const char *path = getenv("REBOUND_SENDMAIL") ? getenv("REBOUND_SENDMAIL") : SENDMAIL_PATH;
	/* -i: a line with a single dot is data; -f: the envelope sender;
	 * --: the address is no option. */
	char *const argv[] = { (char *)path, "-i", "-f", (char *)sender, "--", (char *)to, NULL };
	struct sigaction ign = { .sa_handler = SIG_IGN }, old;
	int fds[2], status, wrc;
	pid_t pid;

	if (!*to || *to == '-' || !*sender || *sender == '-') {
		snprintf(err, errlen, "\"%s\" or \"%s\" is not an address", sender, to);
		return -1;
	}
	if (pipe(fds) < 0) {
		snprintf(err, errlen, "pipe: %s", strerror(errno));
		return -1;
	}
	if ((pid = fork()) < 0) {
		snprintf(err, errlen, "fork: %s", strerror(errno));
		close(fds[0]);
		close(fds[1]);
		return -1;
	}
	if (pid == 0) {
		if (dup2(fds[0], 0) < 0)
			_exit(127);
		close(fds[0]);
		close(fds[1]);
		execv(path, argv);
		_exit(127);
	}
	close(fds[0]);
	/* sendmail may exit early: see its status, not a SIGPIPE */
	sigaction(SIGPIPE, &ign, &old);
	wrc = write_all(fds[1], data, len);
	close(fds[1]);
	sigaction(SIGPIPE, &old, NULL);
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			snprintf(err, errlen, "waitpid: %s", strerror(errno));
			return -1;
		}
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		snprintf(err, errlen, "%s %s (status %d)", path,
			 WIFEXITED(status) ? "failed" : "was killed",
			 WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
		return -1;
	}
	if (wrc < 0) {
		snprintf(err, errlen, "%s did not read the whole message", path);
		return -1;
	}
	return 0;
}
