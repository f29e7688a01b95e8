/* log.c: syslog (facility mail) and stderr logging; see log.h. */
#include "log.h"

#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <pthread.h>

static const char *log_ident = "rebound";
static int log_dest = LOG_DEST_STDERR;
static int log_verbose;
static int log_syslog_open;
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
	pthread_mutex_unlock(&log_lock);
}

void log_set_verbose(int verbose)
{
	log_verbose = verbose;
}

void log_vmsg(int prio, const char *fmt, va_list ap)
{
	char buf[2048];

	if (prio == LOG_DEBUG && !log_verbose)
		return;
	vsnprintf(buf, sizeof(buf), fmt, ap);
	if (log_dest & LOG_DEST_SYSLOG)
		syslog(LOG_MAIL | prio, "%s", buf);
	if (log_dest & LOG_DEST_STDERR) {
		const char *sev = "";

		switch (prio) {
		case LOG_WARNING: sev = "warning: "; break;
		case LOG_ERR: case LOG_CRIT: case LOG_ALERT: case LOG_EMERG: sev = "error: "; break;
		default: break;
		}
		/* One fprintf per line so that threads do not interleave. */
		fprintf(stderr, "%s: %s%s\n", log_ident, sev, buf);
	}
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

char *log_sanitize(char *dst, size_t dstlen, const char *src)
{
	size_t i = 0;

	if (dstlen == 0)
		return dst;
	for (; src && *src && i + 1 < dstlen; src++) {
		unsigned char c = (unsigned char)*src;
		dst[i++] = (c < 0x20 || c == 0x7f) ? '?' : (char)c;
	}
	dst[i] = '\0';
	return dst;
}
