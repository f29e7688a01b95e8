/* secret.c: the VERP keys: reading and checking secret_file (one key per
 * line, newest first; docs/verp.md, "Keys"), and the in-memory key list
 * the codec signs with. Keys are wiped before their memory is freed. */
#include "secret.h"
#include "verp.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>

/* A key file is small: a few keys with comments. */
#define SECRET_FILE_MAX (64 * 1024)

static void secret_err(char *err, size_t errlen, const char *path, int line, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
static void secret_err(char *err, size_t errlen, const char *path, int line, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!err || errlen == 0)
		return;
	n = line > 0 ? snprintf(err, errlen, "%s:%d: ", path, line) : snprintf(err, errlen, "%s: ", path);
	if (n < 0 || (size_t)n >= errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(err + n, errlen - (size_t)n, fmt, ap);
	va_end(ap);
}

void verp_keys_free(struct verp_keys *keys)
{
	if (!keys)
		return;
	for (size_t i = 0; i < keys->n; i++) {
		OPENSSL_cleanse(keys->key[i].bytes, keys->key[i].len);
		free(keys->key[i].bytes);
	}
	free(keys->key);
	free(keys);
}

size_t verp_keys_count(const struct verp_keys *keys)
{
	return keys ? keys->n : 0;
}

/* crypto_init: OpenSSL set up for what rebound asks of it (HMAC-SHA256 and
 * SHA-256 from the default provider, RAND_bytes in the milter), before its
 * first use, which comes after the keys: without reading openssl.cnf and
 * without adding every cipher and digest to the legacy name table (only
 * EVP_get_*byname reads it; rebound does not). OpenSSL's own default set-up
 * made the first HMAC of a process cost 6.3 M instructions, 2.3 M this
 * way: rebound-pipe pays it once per bounce. 1 when ready (also when
 * OpenSSL was set up before), 0 when out of memory. */
static int crypto_init(void)
{
	return OPENSSL_init_crypto(OPENSSL_INIT_NO_LOAD_CONFIG | OPENSSL_INIT_NO_ADD_ALL_CIPHERS |
				   OPENSSL_INIT_NO_ADD_ALL_DIGESTS, NULL) == 1;
}

/* keys_add: append a copy of the n bytes at s; -1 when out of memory. */
static int keys_add(struct verp_keys *keys, const char *s, size_t n)
{
	struct verp_key *grown;
	unsigned char *copy;

	if (!crypto_init())
		return -1;
	if (!(copy = malloc(n ? n : 1)))
		return -1;
	memcpy(copy, s, n);
	if (!(grown = realloc(keys->key, (keys->n + 1) * sizeof(*grown)))) {
		OPENSSL_cleanse(copy, n);
		free(copy);
		return -1;
	}
	keys->key = grown;
	keys->key[keys->n].bytes = copy;
	keys->key[keys->n].len = n;
	keys->n++;
	return 0;
}

int verp_keys_from_strings(const char *const *strings, size_t n, struct verp_keys **out)
{
	struct verp_keys *keys;

	*out = NULL;
	if (!strings || n == 0)
		return -1;
	if (!(keys = calloc(1, sizeof(*keys))))
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (!strings[i] || !*strings[i] || keys_add(keys, strings[i], strlen(strings[i])) < 0) {
			verp_keys_free(keys);
			return -1;
		}
	}
	*out = keys;
	return 0;
}

/* keys_parse: the keys in text (len bytes, NUL-terminated); -1 with err. */
static int keys_parse(const char *path, char *text, size_t len, struct verp_keys *keys,
		      char *err, size_t errlen)
{
	char *p = text, *end = text + len;
	int lineno = 0;

	while (p < end) {
		char *nl = memchr(p, '\n', (size_t)(end - p));
		char *e = nl ? nl : end;
		char *s = p;
		size_t n;

		lineno++;
		p = nl ? nl + 1 : end;
		while (s < e && (*s == ' ' || *s == '\t'))
			s++;
		while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
			e--;
		n = (size_t)(e - s);
		if (n == 0 || *s == '#')
			continue; /* blank line or comment */
		for (size_t i = 0; i < n; i++) {
			unsigned char c = (unsigned char)s[i];

			if (c <= ' ' || c == 0x7f) {
				secret_err(err, errlen, path, lineno,
					   "key contains white space or a control character (one key per line)");
				return -1;
			}
		}
		if (n < SECRET_KEY_MIN) {
			secret_err(err, errlen, path, lineno,
				   "key shorter than %d characters (make one with: openssl rand -hex 32)",
				   SECRET_KEY_MIN);
			return -1;
		}
		if (n > SECRET_KEY_MAX) {
			secret_err(err, errlen, path, lineno, "key longer than %d characters", SECRET_KEY_MAX);
			return -1;
		}
		if (keys->n >= SECRET_KEYS_MAX) {
			secret_err(err, errlen, path, lineno, "more than %d keys", SECRET_KEYS_MAX);
			return -1;
		}
		if (keys_add(keys, s, n) < 0) {
			secret_err(err, errlen, path, lineno, "out of memory");
			return -1;
		}
	}
	if (keys->n == 0) {
		secret_err(err, errlen, path, 0, "no key in the file (one key per line, newest first)");
		return -1;
	}
	return 0;
}

int verp_keys_load(const char *path, struct verp_keys **out, char *err, size_t errlen)
{
	struct verp_keys *keys = NULL;
	struct stat st;
	char *text = NULL;
	size_t len = 0;
	int fd, rc = -1;

	*out = NULL;
	if (!path || !*path) {
		secret_err(err, errlen, "secret_file", 0, "not set");
		return -1;
	}
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) < 0) {
		secret_err(err, errlen, path, 0, "cannot open: %s", strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) < 0) {
		secret_err(err, errlen, path, 0, "cannot stat: %s", strerror(errno));
		goto done;
	}
	if (!S_ISREG(st.st_mode)) {
		secret_err(err, errlen, path, 0, "not a regular file");
		goto done;
	}
	if (st.st_mode & (S_IRWXG | S_IRWXO)) {
		secret_err(err, errlen, path, 0,
			   "mode %04o: the key file must not be accessible by group or others (chmod 600)",
			   (unsigned)(st.st_mode & 07777));
		goto done;
	}
	if (st.st_size > SECRET_FILE_MAX) {
		secret_err(err, errlen, path, 0, "larger than %d bytes: not a key file", SECRET_FILE_MAX);
		goto done;
	}
	if (!(text = malloc(SECRET_FILE_MAX + 1))) {
		secret_err(err, errlen, path, 0, "out of memory");
		goto done;
	}
	for (;;) {
		ssize_t r = read(fd, text + len, SECRET_FILE_MAX + 1 - len);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			secret_err(err, errlen, path, 0, "read error: %s", strerror(errno));
			goto done;
		}
		if (r == 0)
			break;
		len += (size_t)r;
		if (len > SECRET_FILE_MAX) {
			secret_err(err, errlen, path, 0, "larger than %d bytes: not a key file", SECRET_FILE_MAX);
			goto done;
		}
	}
	text[len] = '\0';
	if (memchr(text, '\0', len)) {
		secret_err(err, errlen, path, 0, "NUL byte in the key file");
		goto done;
	}
	if (!(keys = calloc(1, sizeof(*keys)))) {
		secret_err(err, errlen, path, 0, "out of memory");
		goto done;
	}
	if (keys_parse(path, text, len, keys, err, errlen) < 0)
		goto done;
	*out = keys;
	keys = NULL;
	rc = 0;
done:
	if (text) {
		OPENSSL_cleanse(text, len);
		free(text);
	}
	verp_keys_free(keys);
	close(fd);
	return rc;
}
