/* log.h: logging for rebound's programs, in Postfix's manner.
 * Daemons (rebound-milter, rebound-pipe) log to syslog with facility mail
 * ("rebound-pipe[PID]: QUEUEID: to=<...>, ..."); the CLI logs to stderr.
 * Every call is printf-format-checked; untrusted text is only ever passed as
 * an argument, never as the format. The library never exits. */
#ifndef REBOUND_LOG_H
#define REBOUND_LOG_H

#include <stdarg.h>
#include <stddef.h>

enum log_dest {
	LOG_DEST_STDERR = 1, /* "PROG: message" on stderr */
	LOG_DEST_SYSLOG = 2, /* syslog(LOG_MAIL | prio) with LOG_PID */
};

/* log_open: name the program (kept by pointer: pass a string literal or
 * argv[0] basename that lives as long as the program) and pick the
 * destinations (an OR of enum log_dest). Safe to call again to change them. */
void log_open(const char *ident, int dest);
void log_close(void);
/* log_open_file: from now on, what would go to syslog is appended to the
 * file path instead (created mode 0640), one line per message as Postfix's
 * maillog_file writes them: "Mmm dd hh:mm:ss HOST IDENT[PID]: text". For
 * hosts without a syslog daemon (no /dev/log). Called again, it reopens
 * (after log rotation); an empty path goes back to syslog. On failure the
 * previous destination stays. Returns 0 or -1 (err says why). */
int log_open_file(const char *path, char *err, size_t errlen);
/* log_set_verbose: nonzero lets log_debug through. */
void log_set_verbose(int verbose);

void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* log_vmsg: prio is a syslog priority (LOG_INFO, LOG_WARNING, LOG_ERR, ...). */
void log_vmsg(int prio, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));

/* log_sanitize: copy src into dst (size dstlen, always NUL-terminated),
 * each unsafe character (log_char_unsafe) or byte that is not UTF-8
 * replaced with '?', truncated to fit between whole characters; other
 * UTF-8 passes, as Postfix logs SMTPUTF8 addresses. For quoting untrusted
 * text (addresses, diagnostics) in log lines. Returns dst. */
char *log_sanitize(char *dst, size_t dstlen, const char *src);

/* log_text_char: the character at p (NUL-terminated, not at its end): its
 * code point, and its length in *len; -1 with *len = 1 for a byte that
 * starts no valid UTF-8 character (GLib's validation: no overlong forms,
 * no surrogates, nothing above U+10FFFF). */
long log_text_char(const char *p, size_t *len);

/* log_char_unsafe: c is a character no output may show as it is: C0 and
 * C1 control characters and DEL (terminal escapes), U+2028 and U+2029
 * (line breaks), and the bidirectional embeddings, overrides and isolates
 * U+202A..U+202E, U+2066..U+2069 (which reorder what is shown); also -1
 * (no character). The CLI's outputs (cli/cmd_query_fmt.c) use it too. */
int log_char_unsafe(long c);

#endif
