/* hook_exec.c: fork and exec one hook program with a time limit, its
 * input written and its output captured through pipes; see hook_exec.h. */
#include "hook_exec.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* How long a hook killed with SIGTERM at its deadline gets before SIGKILL. */
#define HOOK_TERM_GRACE_MS 1000

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/* child: in the forked process: the pipes onto 0, 1 and 2, the execve
 * error pipe onto 3 (close-on-exec: EOF tells the parent execve worked),
 * the rest closed; never returns. */
__attribute__((noreturn)) static void child(const char *path, char *const argv[], char *const envp[], int in,
					     int out, int errfd)
{
	sigset_t none;
	int e;

	setpgid(0, 0);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGPIPE, SIG_DFL);
	if (dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(out, 2) < 0 ||
	    (errfd != 3 && dup3(errfd, 3, O_CLOEXEC) < 0)) {
		e = errno;
		(void)!write(errfd, &e, sizeof(e));
		_exit(127);
	}
	closefrom(4);
	execve(path, argv, envp);
	e = errno;
	(void)!write(3, &e, sizeof(e));
	_exit(127);
}

int hook_exec(const char *path, char *const argv[], char *const envp[], const char *input, size_t inlen,
	      long timeout_ms, struct hook_result *res)
{
	int inp[2] = { -1, -1 }, outp[2] = { -1, -1 }, errp[2] = { -1, -1 }, status = 0, e = 0;
	long start = now_ms(), deadline = start + timeout_ms, killed_at = 0;
	struct sigaction ign = { .sa_handler = SIG_IGN }, old;
	size_t written = 0;
	pid_t pid;
	ssize_t n;

	memset(res, 0, sizeof(*res));
	if (pipe2(inp, O_CLOEXEC) < 0 || pipe2(outp, O_CLOEXEC) < 0 || pipe2(errp, O_CLOEXEC) < 0) {
		e = errno;
		goto error;
	}
	sigemptyset(&ign.sa_mask);
	sigaction(SIGPIPE, &ign, &old);
	if ((pid = fork()) < 0) {
		e = errno;
		sigaction(SIGPIPE, &old, NULL);
		goto error;
	}
	if (pid == 0)
		child(path, argv, envp, inp[0], outp[1], errp[1]);
	setpgid(pid, pid); /* also here: no race with a kill before the child ran */
	close(inp[0]);
	close(outp[1]);
	close(errp[1]);
	inp[0] = outp[1] = errp[1] = -1;
	fcntl(inp[1], F_SETFL, O_NONBLOCK);
	if (inlen == 0) {
		close(inp[1]);
		inp[1] = -1;
	}
	/* feed the input, drain the output, until the output's EOF or the deadline */
	while (outp[0] >= 0) {
		struct pollfd fds[2];
		int nfds = 0, wait_ms;
		long t = now_ms();

		if (t >= deadline)
			break;
		wait_ms = (int)(deadline - t);
		fds[nfds++] = (struct pollfd){ .fd = outp[0], .events = POLLIN };
		if (inp[1] >= 0)
			fds[nfds++] = (struct pollfd){ .fd = inp[1], .events = POLLOUT };
		if (poll(fds, (nfds_t)nfds, wait_ms) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (nfds == 2 && (fds[1].revents & (POLLOUT | POLLERR | POLLHUP))) {
			n = write(inp[1], input + written, inlen - written);
			if (n > 0)
				written += (size_t)n;
			if ((n < 0 && errno != EAGAIN && errno != EINTR) || written == inlen) {
				close(inp[1]); /* all written, or the hook closed it (EPIPE): fine */
				inp[1] = -1;
			}
		}
		if (fds[0].revents & (POLLIN | POLLERR | POLLHUP)) {
			char buf[4096];

			n = read(outp[0], buf, sizeof(buf));
			if (n > 0) {
				size_t keep = HOOK_OUTPUT_MAX - res->output_len;

				if ((size_t)n < keep)
					keep = (size_t)n;
				else if ((size_t)n > keep)
					res->truncated = 1;
				for (size_t i = 0; i < keep; i++)
					res->output[res->output_len++] = buf[i] ? buf[i] : ' ';
			} else if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
				close(outp[0]);
				outp[0] = -1;
			}
		}
	}
	res->output[res->output_len] = '\0';
	/* wait for it; at the deadline SIGTERM to its group, then SIGKILL */
	for (;;) {
		pid_t w = waitpid(pid, &status, WNOHANG);
		long t = now_ms();

		if (w == pid)
			break;
		if (w < 0 && errno != EINTR) {
			e = errno;
			break;
		}
		if (!killed_at && t >= deadline) {
			kill(-pid, SIGTERM);
			kill(pid, SIGTERM);
			killed_at = t;
		} else if (killed_at && t >= killed_at + HOOK_TERM_GRACE_MS) {
			kill(-pid, SIGKILL);
			kill(pid, SIGKILL);
		}
		{
			struct timespec pause = { 0, 10 * 1000000L };

			nanosleep(&pause, NULL);
		}
	}
	/* what it left running in its group goes too */
	if (killed_at)
		kill(-pid, SIGKILL);
	if (inp[1] >= 0)
		close(inp[1]);
	if (outp[0] >= 0)
		close(outp[0]);
	sigaction(SIGPIPE, &old, NULL);
	res->elapsed_ms = now_ms() - start;
	{
		int ee;

		n = read(errp[0], &ee, sizeof(ee));
		close(errp[0]);
		if (n == (ssize_t)sizeof(ee)) {
			res->how = HOOK_EXEC_FAILED;
			res->code = ee;
			return 0;
		}
	}
	if (e) {
		res->how = HOOK_ERROR;
		res->code = e;
		return -1;
	}
	if (killed_at) {
		res->how = HOOK_TIMEOUT;
		res->code = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
	} else if (WIFEXITED(status)) {
		res->how = HOOK_EXITED;
		res->code = WEXITSTATUS(status);
	} else {
		res->how = HOOK_SIGNALED;
		res->code = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
	}
	return 0;
error:
	for (int i = 0; i < 2; i++) {
		if (inp[i] >= 0)
			close(inp[i]);
		if (outp[i] >= 0)
			close(outp[i]);
		if (errp[i] >= 0)
			close(errp[i]);
	}
	res->how = HOOK_ERROR;
	res->code = e;
	return -1;
}

char *hook_describe(const struct hook_result *res, long timeout_ms, char *buf, size_t len)
{
	switch (res->how) {
	case HOOK_EXITED:
		snprintf(buf, len, "exit %d", res->code);
		break;
	case HOOK_SIGNALED:
		snprintf(buf, len, "killed by signal %d", res->code);
		break;
	case HOOK_TIMEOUT:
		snprintf(buf, len, "timed out after %ld s (event_hook_timeout): killed", timeout_ms / 1000);
		break;
	case HOOK_EXEC_FAILED:
		snprintf(buf, len, "cannot run: %s", strerror(res->code));
		break;
	case HOOK_ERROR:
		snprintf(buf, len, "cannot start: %s", strerror(res->code));
		break;
	}
	return buf;
}
