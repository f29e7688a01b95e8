/* main.c: rebound-milter, the libmilter daemon that rewrites the envelope
 * sender of outbound list mail to signed VERP return paths (see
 * rebound-milter(8)). Start-up order: read the configuration, go to the
 * background, bind the socket (as root), write the pid file, drop to the
 * configured user, load the keys and rules as that user, then run
 * libmilter in a thread of its own while this thread handles signals:
 * SIGHUP reloads (the new configuration is used only if it is valid),
 * SIGTERM and SIGINT stop within a bounded time; and once a rate_interval
 * it writes the lists' counts and evaluates their rates (reputation.c). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include <libmilter/mfapi.h>

#include "callbacks.h"
#include "config.h"
#include "daemon.h"
#include "log.h"
#include "reputation.h"
#include "stdfds.h"
#include "state.h"

/* How long a stop waits for messages in progress to end. */
#define SHUTDOWN_GRACE_MS 5000

static int signal_pipe[2] = { -1, -1 };

static void usage(FILE *fp)
{
	fprintf(fp, "usage: rebound-milter [-c FILE] [-f] [-n] [-v]\n"
		    "  -c FILE  configuration file (default " CONFIG_DEFAULT_PATH ")\n"
		    "  -f       stay in the foreground and log to stderr too\n"
		    "  -n       check the configuration (and the keys) and exit\n"
		    "  -v       verbose: also log why messages are not rewritten\n");
}

/* on_signal: hand the signal to the main loop (async-signal-safe). */
static void on_signal(int sig)
{
	char c = sig == SIGHUP ? 'H' : 'T';
	int saved = errno;

	if (write(signal_pipe[1], &c, 1) < 0) {
		/* full pipe: a signal is already waiting */
	}
	errno = saved;
}

static void *milter_thread(void *arg)
{
	int rc = smfi_main();
	char c = 'X';

	(void)arg;
	if (rc != MI_SUCCESS)
		log_error("libmilter stopped with an error");
	if (write(signal_pipe[1], &c, 1) < 0) {
		/* the main loop is gone */
	}
	return NULL;
}

/* reload: SIGHUP. The new snapshot replaces the old only if all of it loaded. */
static void reload(const char *path, const struct config *boot)
{
	struct state *st;
	char err[1024];

	if (state_load(path, &st, err, sizeof(err)) < 0) {
		log_error("reload failed, keeping the running configuration: %s", err);
		return;
	}
	if (strcmp(st->cfg->milter_socket, boot->milter_socket) || strcmp(st->cfg->user, boot->user) ||
	    strcmp(st->cfg->pid_file, boot->pid_file))
		log_warn("reload: milter_socket, user and pid_file take effect only on restart");
	/* reopened: after log rotation, or a log_file changed */
	if (log_open_file(st->cfg->log_file, err, sizeof(err)) < 0)
		log_warn("reload: %s; logging as before", err);
	state_install(st);
	log_info("configuration reloaded from %s", path);
}

static long ms_since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (t.tv_sec - t0->tv_sec) * 1000 + (t.tv_nsec - t0->tv_nsec) / 1000000;
}

/* thread_count: threads of this process (/proc/self/task), -1 if unknown. */
static int thread_count(void)
{
	DIR *d = opendir("/proc/self/task");
	struct dirent *de;
	int n = 0;

	if (!d)
		return -1;
	while ((de = readdir(d)))
		n += de->d_name[0] != '.';
	closedir(d);
	return n;
}

/* libmilter_settle: wait (at most 2 s) until libmilter has started its
 * signal thread. That thread takes a SIGHUP that is pending when it first
 * waits for signals, and stops the milter: a SIGHUP right after start
 * would otherwise race with it. Once it waits, the kernel gives a signal
 * to this (main) thread, which does not block it. */
static void libmilter_settle(void)
{
	struct timespec t0, pause = { 0, 10 * 1000000 };

	clock_gettime(CLOCK_MONOTONIC, &t0);
	/* main + libmilter's main loop + its signal thread */
	while (thread_count() >= 0 && thread_count() < 3 && ms_since(&t0) < 2000)
		nanosleep(&pause, NULL);
	pause.tv_nsec = 50 * 1000000; /* from thread start to sigwait */
	nanosleep(&pause, NULL);
}

/* tick: reputation_tick under the current configuration. */
static void tick(int final)
{
	struct state *st = state_acquire();

	if (st)
		reputation_tick(st->cfg, time(NULL), final);
	state_release(st);
}

/* tick_interval_ms: the current rate_interval. */
static long tick_interval_ms(void)
{
	struct state *st = state_acquire();
	long ms = st ? st->cfg->rate_interval * 1000 : 60000;

	state_release(st);
	return ms;
}

/* run: the main loop; returns when asked to stop or libmilter ended. */
static int run(const char *path, const struct config *boot, const char *unix_path)
{
	struct sigaction sa;
	sigset_t block;
	pthread_t thread;
	struct timespec t0, last_tick;
	int milter_done = 0, rc;
	char c;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigemptyset(&block);
	sigaddset(&block, SIGHUP);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	if (sigaction(SIGHUP, &sa, NULL) < 0 || sigaction(SIGTERM, &sa, NULL) < 0 ||
	    sigaction(SIGINT, &sa, NULL) < 0) {
		log_error("sigaction: %s", strerror(errno));
		return EX_OSERR;
	}
	signal(SIGPIPE, SIG_IGN);
	/* The libmilter thread (and its own signal thread, which would stop the
	 * milter on SIGHUP) must never get these: they start with them blocked,
	 * and this thread, which keeps them unblocked, is where the kernel
	 * delivers a signal sent to the process. */
	pthread_sigmask(SIG_BLOCK, &block, NULL);
	rc = pthread_create(&thread, NULL, milter_thread, NULL);
	/* Unblocked here whatever the mask this process was started with. */
	pthread_sigmask(SIG_UNBLOCK, &block, NULL);
	if (rc != 0) {
		log_error("pthread_create: %s", strerror(rc));
		return EX_OSERR;
	}
	libmilter_settle();
	log_info("started, listening on %s", boot->milter_socket);
	clock_gettime(CLOCK_MONOTONIC, &last_tick);
	for (;;) {
		struct pollfd pfd = { .fd = signal_pipe[0], .events = POLLIN };
		long wait = tick_interval_ms() - ms_since(&last_tick);
		ssize_t n;

		if (wait <= 0) {
			tick(0);
			clock_gettime(CLOCK_MONOTONIC, &last_tick);
			continue;
		}
		if ((rc = poll(&pfd, 1, (int)wait)) == 0)
			continue;
		if (rc < 0) {
			if (errno == EINTR)
				continue;
			log_error("poll: %s", strerror(errno));
			break;
		}
		n = read(signal_pipe[0], &c, 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0 || c == 'T')
			break;
		if (c == 'X') {
			milter_done = 1;
			break;
		}
		if (c == 'H')
			reload(path, boot);
	}
	log_info("stopping (%s, %d message(s) open)", milter_done ? "libmilter ended" : "signal", callbacks_active());
	/* No new connections: the socket file goes now. libmilter is not
	 * asked to stop: smfi_stop() waits for the listener's lock, which
	 * libmilter holds for up to 5 s while it polls, and stalls open
	 * connections meanwhile. An inet listener stays open until exit.
	 * Then a bounded wait for messages in progress to end (idle
	 * connections, which Postfix keeps for its SMTP session, are not waited for). */
	if (unix_path && unlink(unix_path) < 0 && errno != ENOENT)
		log_warn("cannot remove socket %s: %s", unix_path, strerror(errno));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (callbacks_active() > 0 && ms_since(&t0) < SHUTDOWN_GRACE_MS) {
		struct timespec ts = { 0, 20 * 1000000 };

		nanosleep(&ts, NULL);
	}
	if (callbacks_active() > 0)
		log_warn("stopping with %d message(s) still open after %ld ms", callbacks_active(), ms_since(&t0));
	/* the counts since the last tick */
	tick(1);
	if (milter_done)
		pthread_join(thread, NULL);
	else
		pthread_detach(thread);
	return milter_done ? EX_SOFTWARE : 0;
}

/* check_dirs: for -n: the directories of the socket and the pid file exist
 * or can be made. */
static int check_dirs(const struct config *cfg, char *err, size_t errlen)
{
	const char *unix_path = daemon_unix_path(cfg->milter_socket);

	if (unix_path && daemon_check_dir(unix_path, err, errlen) < 0)
		return -1;
	return daemon_check_dir(cfg->pid_file, err, errlen);
}

int main(int argc, char **argv)
{
	const char *path = CONFIG_DEFAULT_PATH, *unix_path;
	struct config *boot = NULL;
	struct state *st = NULL;
	int foreground = 0, check = 0, verbose = 0, c, rc;
	uid_t uid = 0;
	gid_t gid = 0;
	char err[1024];

	/* before anything opens a file: a closed 0, 1 or 2 gets /dev/null */
	if (stdfds_ensure() < 0)
		return EX_OSERR;
	while ((c = getopt(argc, argv, "c:fnvh")) != -1) {
		switch (c) {
		case 'c': path = optarg; break;
		case 'f': foreground = 1; break;
		case 'n': check = 1; break;
		case 'v': log_set_verbose(1); verbose = 1; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return EX_USAGE;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return EX_USAGE;
	}
	/* Until it is in the background, errors go to stderr too. */
	log_open("rebound-milter", check ? LOG_DEST_STDERR : LOG_DEST_STDERR | LOG_DEST_SYSLOG);
	if (check) {
		if (state_load(path, &st, err, sizeof(err)) < 0) {
			log_error("%s", err);
			return EX_CONFIG;
		}
		rc = check_dirs(st->cfg, err, sizeof(err));
		state_release(st);
		if (rc < 0) {
			log_error("%s", err);
			return EX_CONFIG;
		}
		printf("%s: configuration OK\n", path);
		return 0;
	}
	if (config_load(path, &boot, err, sizeof(err)) < 0) {
		log_error("%s", err);
		return EX_CONFIG;
	}
	/* All of it (rules, keys) is checked here too, while errors still
	 * reach the terminal and the exit status; it is loaded for use after
	 * the privilege drop below. */
	if (state_load(path, &st, err, sizeof(err)) < 0) {
		log_error("%s", err);
		config_free(boot);
		return EX_CONFIG;
	}
	state_release(st);
	st = NULL;
	if (geteuid() == 0 && daemon_lookup_user(boot->user, &uid, &gid, err, sizeof(err)) < 0) {
		log_error("%s", err);
		config_free(boot);
		return EX_CONFIG;
	}
	if (pipe2(signal_pipe, O_CLOEXEC) < 0) {
		log_error("pipe: %s", strerror(errno));
		config_free(boot);
		return EX_OSERR;
	}
	fcntl(signal_pipe[1], F_SETFL, O_NONBLOCK);
	/* In the background, the starting process waits until the socket is
	 * bound and the privileges are dropped (daemon_ready), and errors go
	 * to stderr too until then. */
	if (!foreground && daemon_detach(err, sizeof(err)) < 0) {
		log_error("%s", err);
		config_free(boot);
		return EX_OSERR;
	}
	rc = EX_OSERR;
	unix_path = daemon_unix_path(boot->milter_socket);
	callbacks_init(unix_path == NULL, verbose);
	if (smfi_register(*callbacks_desc()) != MI_SUCCESS) {
		log_error("smfi_register failed");
		goto out;
	}
	/* The socket's and the pid file's directories, made when missing
	 * (/run/rebound without systemd's RuntimeDirectory=). */
	if ((unix_path && daemon_make_dir(unix_path, geteuid() == 0, uid, gid, err, sizeof(err)) < 0) ||
	    daemon_make_dir(boot->pid_file, geteuid() == 0, uid, gid, err, sizeof(err)) < 0) {
		log_error("%s", err);
		unix_path = NULL;
		goto out;
	}
	/* libmilter says why it cannot bind with syslog(3) of its own: on
	 * stderr too while it does (LOG_PERROR), then as before. */
	openlog("rebound-milter", LOG_PID | LOG_NDELAY | LOG_PERROR, LOG_MAIL);
	if (smfi_setconn(boot->milter_socket) != MI_SUCCESS || smfi_opensocket(1) != MI_SUCCESS) {
		openlog("rebound-milter", LOG_PID | LOG_NDELAY, LOG_MAIL);
		log_error("cannot listen on %s (libmilter said why above)", boot->milter_socket);
		unix_path = NULL; /* not ours to remove */
		goto out;
	}
	openlog("rebound-milter", LOG_PID | LOG_NDELAY, LOG_MAIL);
	if (daemon_socket_setup(boot->milter_socket, geteuid() == 0, uid, gid, err, sizeof(err)) < 0) {
		log_error("%s", err);
		goto out;
	}
	if (daemon_pidfile_write(boot->pid_file, err, sizeof(err)) < 0) {
		log_error("%s", err);
		goto out;
	}
	if (daemon_drop_privileges(boot->user, err, sizeof(err)) < 0) {
		log_error("%s", err);
		goto out_pid;
	}
	/* log_file: opened (made) as user, so that rebound-pipe can write it too */
	if (*boot->log_file && log_open_file(boot->log_file, err, sizeof(err)) < 0) {
		log_error("%s", err);
		rc = EX_CANTCREAT;
		goto out_pid;
	}
	/* Keys, rules and codec as the user: what a reload will see. */
	if (state_load(path, &st, err, sizeof(err)) < 0) {
		log_error("%s", err);
		rc = EX_CONFIG;
		goto out_pid;
	}
	state_install(st);
	if (daemon_ready(0, err, sizeof(err)) < 0) {
		log_error("%s", err);
		goto out_pid;
	}
	if (!foreground)
		log_open("rebound-milter", LOG_DEST_SYSLOG);
	rc = run(path, boot, unix_path);
	log_info("stopped");
out_pid:
	daemon_pidfile_remove(boot->pid_file);
out:
	if (unix_path && unlink(unix_path) < 0 && errno != ENOENT)
		log_warn("cannot remove socket %s: %s", unix_path, strerror(errno));
	callbacks_shutdown();
	reputation_shutdown();
	state_shutdown();
	config_free(boot);
	/* a start-up that failed: the waiting parent exits with rc */
	if (daemon_ready(rc ? rc : EX_SOFTWARE, err, sizeof(err)) < 0)
		log_error("%s", err);
	log_close();
	return rc;
}
