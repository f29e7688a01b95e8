/* hook_exec.h: run one hook program (`event_hook`, lib/hooks.c) without a
 * shell: an argument vector and an environment of the caller's, a short
 * input on its standard input, its standard output and error captured
 * together up to a bound, a time limit after which its whole process group
 * is killed. No exit(), no logging: the caller reports. */
#ifndef REBOUND_HOOK_EXEC_H
#define REBOUND_HOOK_EXEC_H

#include <stddef.h>

/* Output kept per run (the rest is read and thrown away). */
#define HOOK_OUTPUT_MAX 2048

enum hook_how {
	HOOK_EXITED,      /* code: its exit status */
	HOOK_SIGNALED,    /* code: the signal that ended it */
	HOOK_TIMEOUT,     /* still running at the deadline: killed (SIGTERM, then SIGKILL) */
	HOOK_EXEC_FAILED, /* code: execve's errno (missing, not executable, ...) */
	HOOK_ERROR,       /* code: errno of pipe, fork, poll here (no hook ran) */
};

struct hook_result {
	enum hook_how how;
	int code;
	char output[HOOK_OUTPUT_MAX + 1]; /* NUL-terminated; may hold any byte but NUL */
	size_t output_len;
	int truncated;                    /* it wrote more than HOOK_OUTPUT_MAX bytes */
	long elapsed_ms;
};

/* hook_exec: run path with argv (argv[0] included, NULL-terminated) and
 * envp, write input[0..inlen) to its standard input then close it, and
 * wait for it at most timeout_ms. Its standard output and error are one
 * pipe; descriptors above 2 are closed; it leads a process group of its
 * own, so that what it starts is killed with it at the timeout. SIGPIPE
 * (a hook that does not read its input) is ignored while it runs.
 * Returns 0 with *res filled (whatever the hook did), -1 only for
 * HOOK_ERROR (res->code: errno). */
int hook_exec(const char *path, char *const argv[], char *const envp[], const char *input, size_t inlen,
	      long timeout_ms, struct hook_result *res);

/* hook_describe: "exit 3", "killed by signal 9", "timed out after 30 s",
 * "cannot run: No such file or directory" into buf. Returns buf. */
char *hook_describe(const struct hook_result *res, long timeout_ms, char *buf, size_t len);

#endif
