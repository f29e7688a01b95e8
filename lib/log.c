/* log.c: syslog (facility mail) and stderr logging; see log.h. */
#include "log.h"

#include <glib.h>
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
