/* phrase.h: finding many fixed strings in a text in one pass. A set of
 * patterns is built once (bucketed by their first three bytes); a scan
 * then gives, per pattern, where it first and last occurs. Bytes match
 * exactly: callers fold case themselves (lib/bounce/ matches folded text
 * against lowercase tables). Used by the bounce parser's phrase tables. */
#ifndef REBOUND_PHRASE_H
#define REBOUND_PHRASE_H

#include <stddef.h>

#define PHRASE_NONE ((size_t)-1)

struct phrase_set;

/* phrase_set_new: a set of the n patterns at pats (n < 65535). The
 * strings are not copied: they must outlive the set (string literals of
 * the tables do). Returns NULL when out of memory or n is too large. The
 * caller frees the set with phrase_set_free. */
struct phrase_set *phrase_set_new(const char *const *pats, size_t n);
void phrase_set_free(struct phrase_set *ps);

/* phrase_scan: the occurrences of the set's patterns in text[0, len),
 * overlapping ones included, as strstr would find them: first[i] and
 * last[i] get the offsets of pattern i's first and last occurrence, or
 * PHRASE_NONE (an empty pattern occurs at 0 and at len). Either array
 * may be NULL; each has room for the set's n entries. Returns the number
 * of patterns that occur. */
size_t phrase_scan(const struct phrase_set *ps, const char *text, size_t len, size_t *first, size_t *last);

/* phrase_any: does any pattern of the set occur in text[0, len)? Stops at
 * the first occurrence. */
int phrase_any(const struct phrase_set *ps, const char *text, size_t len);

#endif
