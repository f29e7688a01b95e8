/* phrase.c: many fixed strings found in one pass (phrase.h). Patterns of
 * three bytes or more sit in buckets keyed by a hash of their first three
 * bytes; a scan hashes each position of the text once and compares only
 * the few patterns of that bucket. Shorter patterns (rare) are compared
 * at every position. The set is read-only once built: scans of one set
 * may run in several threads at once. */
#include "phrase.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define NBUCKET 4096u /* a power of two */
#define MAXPAT 65535u

struct phrase_set {
	size_t n;
	const char **pat;     /* n patterns (borrowed strings) */
	size_t *len;          /* their lengths */
	uint16_t *order;      /* indices of the long patterns, by bucket */
	uint16_t *shorts;     /* indices of the patterns of 1 or 2 bytes */
	size_t nshort;
	uint16_t *empties;    /* indices of empty patterns */
	size_t nempty;
	uint16_t bucket[NBUCKET + 1]; /* order[bucket[h] .. bucket[h+1]) */
};

static inline unsigned hash3(const unsigned char *p)
{
	return ((unsigned)p[0] * 1031u + (unsigned)p[1] * 37u + (unsigned)p[2]) & (NBUCKET - 1);
}

void phrase_set_free(struct phrase_set *ps)
{
	if (!ps)
		return;
	free(ps->pat);
	free(ps->len);
	free(ps->order);
	free(ps->shorts);
	free(ps->empties);
	free(ps);
}

struct phrase_set *phrase_set_new(const char *const *pats, size_t n)
{
	struct phrase_set *ps;
	unsigned fill[NBUCKET];

	if (n > MAXPAT || (n && !pats))
		return NULL;
	if (!(ps = calloc(1, sizeof(*ps))))
		return NULL;
	ps->n = n;
	/* one more entry than needed: malloc(0) may return NULL */
	ps->pat = calloc(n + 1, sizeof(*ps->pat));
	ps->len = calloc(n + 1, sizeof(*ps->len));
	ps->order = calloc(n + 1, sizeof(*ps->order));
	ps->shorts = calloc(n + 1, sizeof(*ps->shorts));
	ps->empties = calloc(n + 1, sizeof(*ps->empties));
	if (!ps->pat || !ps->len || !ps->order || !ps->shorts || !ps->empties) {
		phrase_set_free(ps);
		return NULL;
	}
	memset(fill, 0, sizeof(fill));
	for (size_t i = 0; i < n; i++) {
		const char *p = pats[i] ? pats[i] : "";

		ps->pat[i] = p;
		ps->len[i] = strlen(p);
		if (ps->len[i] >= 3) {
			fill[hash3((const unsigned char *)p)]++;
		} else if (ps->len[i] > 0) {
			ps->shorts[ps->nshort++] = (uint16_t)i;
		} else {
			ps->empties[ps->nempty++] = (uint16_t)i;
		}
	}
	/* bucket starts, then the patterns in table order within each */
	ps->bucket[0] = 0;
	for (unsigned h = 0; h < NBUCKET; h++)
		ps->bucket[h + 1] = (uint16_t)(ps->bucket[h] + fill[h]);
	memset(fill, 0, sizeof(fill));
	for (size_t i = 0; i < n; i++) {
		if (ps->len[i] >= 3) {
			unsigned h = hash3((const unsigned char *)ps->pat[i]);

			ps->order[ps->bucket[h] + fill[h]++] = (uint16_t)i;
		}
	}
	return ps;
}

/* hit: pattern p occurs at offset at; returns 1 when that is its first. */
static inline int hit(size_t p, size_t at, size_t *first, size_t *last)
{
	int fresh;

	if (first) {
		fresh = first[p] == PHRASE_NONE;
		if (fresh)
			first[p] = at;
	} else {
		fresh = last[p] == PHRASE_NONE;
	}
	if (last)
		last[p] = at;
	return fresh;
}

size_t phrase_scan(const struct phrase_set *ps, const char *text, size_t len, size_t *first, size_t *last)
{
	const unsigned char *t = (const unsigned char *)text;
	size_t found = 0;

	if (!ps || (!first && !last))
		return 0;
	for (size_t i = 0; i < ps->n; i++) {
		if (first)
			first[i] = PHRASE_NONE;
		if (last)
			last[i] = PHRASE_NONE;
	}
	for (size_t k = 0; k < ps->nempty; k++) {
		size_t p = ps->empties[k];

		hit(p, 0, first, last);
		if (last)
			last[p] = len;
		found++;
	}
	for (size_t k = 0; k < ps->nshort; k++) {
		size_t p = ps->shorts[k], m = ps->len[p];

		for (size_t i = 0; i + m <= len; i++)
			if (t[i] == (unsigned char)ps->pat[p][0] && !memcmp(t + i, ps->pat[p], m))
				found += (size_t)hit(p, i, first, last);
	}
	if (len < 3)
		return found;
	for (size_t i = 0; i + 3 <= len; i++) {
		unsigned h = hash3(t + i);
		unsigned b = ps->bucket[h], e = ps->bucket[h + 1];

		for (; b < e; b++) {
			size_t p = ps->order[b], m = ps->len[p];
			const char *s = ps->pat[p];

			if (m <= len - i && t[i] == (unsigned char)s[0] && t[i + 1] == (unsigned char)s[1] &&
			    t[i + 2] == (unsigned char)s[2] && !memcmp(t + i + 3, s + 3, m - 3))
				found += (size_t)hit(p, i, first, last);
		}
	}
	return found;
}

int phrase_any(const struct phrase_set *ps, const char *text, size_t len)
{
	const unsigned char *t = (const unsigned char *)text;

	if (!ps)
		return 0;
	if (ps->nempty)
		return 1;
	for (size_t k = 0; k < ps->nshort; k++) {
		size_t p = ps->shorts[k], m = ps->len[p];

		for (size_t i = 0; i + m <= len; i++)
			if (!memcmp(t + i, ps->pat[p], m))
				return 1;
	}
	for (size_t i = 0; i + 3 <= len; i++) {
		unsigned h = hash3(t + i);

		for (unsigned b = ps->bucket[h], e = ps->bucket[h + 1]; b < e; b++) {
			size_t p = ps->order[b], m = ps->len[p];

			if (m <= len - i && !memcmp(t + i, ps->pat[p], m))
				return 1;
		}
	}
	return 0;
}
