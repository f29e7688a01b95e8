/* log.c: syslog (facility mail) and stderr logging; see log.h. */
#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

static const char *log_ident = "rebound";
static int log_dest = LOG_DEST_STDERR;
static int log_verbose;
static int log_syslog_open;
static int log_fd = -1; /* log_open_file's file, or -1: syslog */
static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;

void log_open(const char *ident, int dest)
{
	pthread_mutex_lock(&log_lock);
	log_ident = ident ? ident : "rebound";
	log_dest = dest;
	if ((dest & LOG_DEST_SYSLOG) && !log_syslog_open) {
		openlog(log_ident, LOG_PID | LOG_NDELAY, LOG_MAIL);
		log_syslog_open = 1;
	}
	pthread_mutex_unlock(&log_lock);
}

void log_close(void)
{
	pthread_mutex_lock(&log_lock);
	if (log_syslog_open) {
		closelog();
		log_syslog_open = 0;
	}
	if (log_fd >= 0) {
		close(log_fd);
		log_fd = -1;
	}
	pthread_mutex_unlock(&log_lock);
}

int log_open_file(const char *path, char *err, size_t errlen)
{
	int fd = -1, old;

	if (*path && (fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY, 0640)) < 0) {
		snprintf(err, errlen, "log_file %s: %s", path, strerror(errno));
		return -1;
	}
	pthread_mutex_lock(&log_lock);
	old = log_fd;
	log_fd = fd;
	pthread_mutex_unlock(&log_lock);
	if (old >= 0)
		close(old);
	return 0;
}

/* log_file_write: one line into log_fd (caller holds log_lock). */
static void log_file_write(const char *sev, const char *msg)
{
	char line[2400], stamp[32], host[256];
	struct tm tm;
	time_t now = time(NULL);
	int n;

	if (!localtime_r(&now, &tm) || !strftime(stamp, sizeof(stamp), "%b %e %H:%M:%S", &tm))
		snprintf(stamp, sizeof(stamp), "%lld", (long long)now);
	if (gethostname(host, sizeof(host)) < 0)
		snprintf(host, sizeof(host), "localhost");
	host[sizeof(host) - 1] = '\0';
	n = snprintf(line, sizeof(line), "%s %s %s[%ld]: %s%s\n", stamp, host, log_ident, (long)getpid(), sev,
		     msg);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(line)) {
		n = sizeof(line) - 1;
		line[n - 1] = '\n';
	}
	if (write(log_fd, line, (size_t)n) < 0) {
		/* nowhere left to say it */
	}
}

void log_set_verbose(int verbose)
{
	log_verbose = verbose;
}

void log_vmsg(int prio, const char *fmt, va_list ap)
{
	char buf[2048];
	const char *sev = "";

	if (prio == LOG_DEBUG && !log_verbose)
		return;
	vsnprintf(buf, sizeof(buf), fmt, ap);
	switch (prio) {
	case LOG_WARNING: sev = "warning: "; break;
	case LOG_ERR: case LOG_CRIT: case LOG_ALERT: case LOG_EMERG: sev = "error: "; break;
	default: break;
	}
	if (log_dest & LOG_DEST_SYSLOG) {
		pthread_mutex_lock(&log_lock);
		if (log_fd >= 0)
			log_file_write(sev, buf);
		else
			syslog(LOG_MAIL | prio, "%s", buf);
		pthread_mutex_unlock(&log_lock);
	}
	/* One fprintf per line so that threads do not interleave. */
	if (log_dest & LOG_DEST_STDERR)
		fprintf(stderr, "%s: %s%s\n", log_ident, sev, buf);
}

#define LOG_FN(name, prio) \
	void name(const char *fmt, ...) \
	{ \
		va_list ap; \
		va_start(ap, fmt); \
		log_vmsg(prio, fmt, ap); \
		va_end(ap); \
	}
LOG_FN(log_debug, LOG_DEBUG)
LOG_FN(log_info, LOG_INFO)
LOG_FN(log_warn, LOG_WARNING)
LOG_FN(log_error, LOG_ERR)

long log_text_char(const char *p, size_t *len)
{
	gunichar c = g_utf8_get_char_validated(p, -1);

	if (c == (gunichar)-1 || c == (gunichar)-2) {
		*len = 1;
		return -1;
	}
	*len = (size_t)(g_utf8_next_char(p) - p);
	return (long)c;
}

int log_char_unsafe(long c)
{
	return c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == 0x2028 || c == 0x2029 ||
	       (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069);
}

char *log_sanitize(char *dst, size_t dstlen, const char *src)
{
	size_t i = 0, n;

	if (dstlen == 0)
		return dst;
	for (; src && *src; src += n) {
		long c = log_text_char(src, &n);

		if (log_char_unsafe(c)) {
			if (i + 1 >= dstlen)
				break;
			dst[i++] = '?';
		} else {
			if (i + n >= dstlen)
				break;
			memcpy(dst + i, src, n);
			i += n;
		}
	}
	dst[i] = '\0';
	return dst;
}
