/* phrase.c: many fixed strings found in one pass (phrase.h). Patterns of
 * three bytes or more sit in buckets keyed by a hash of their first three
 * bytes; a scan skips the positions whose first two bytes start no
 * pattern (a bitmap of byte pairs, their low seven bits each: 2 KiB, of
 * which a bounce's text, mostly ASCII, touches few pages), hashes the
 * others and compares only the few patterns of that bucket. Shorter patterns (rare) are compared
 * at every position. The set is read-only once built: scans of one set
 * may run in several threads at once. */
#include "phrase.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define MAXBUCKET 4096u /* buckets at most (a power of two) */
#define MAXPAT 65535u
#define PAIR_BITS (1u << 14) /* two bytes of seven bits */

struct phrase_set {
	size_t n;
	const char **pat;     /* n patterns (borrowed strings) */
	size_t *len;          /* their lengths */
	uint16_t *order;      /* indices of the long patterns, by bucket */
	uint16_t *shorts;     /* indices of the patterns of 1 or 2 bytes */
	size_t nshort;
	uint16_t *empties;    /* indices of empty patterns */
	size_t nempty;
	unsigned mask;                /* buckets - 1 (a power of two less one) */
	uint16_t *bucket;             /* order[bucket[h] .. bucket[h+1]) */
	uint64_t pair[PAIR_BITS / 64]; /* first two bytes of the long patterns
				        * (pair_key): clear bit, no pattern
				        * starts there; a set bit may be another
				        * pair's (bytes >= 0x80 share keys) */
};

static inline unsigned pair_key(const unsigned char *p) { return (unsigned)(p[0] & 0x7f) << 7 | (p[1] & 0x7fu); }

static inline int pair_set(const struct phrase_set *ps, const unsigned char *p)
{
	unsigned k = pair_key(p);

	return (int)(ps->pair[k >> 6] >> (k & 63) & 1);
}

static inline unsigned hash3(const struct phrase_set *ps, const unsigned char *p)
{
	return ((unsigned)p[0] * 1031u + (unsigned)p[1] * 37u + (unsigned)p[2]) & ps->mask;
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
	free(ps->bucket);
	free(ps);
}

struct phrase_set *phrase_set_new(const char *const *pats, size_t n)
{
	struct phrase_set *ps;
	unsigned nb = 64;

	if (n > MAXPAT || (n && !pats))
		return NULL;
	if (!(ps = calloc(1, sizeof(*ps))))
		return NULL;
	ps->n = n;
	/* about four buckets per pattern: small sets are small to build */
	while (nb < 4 * n && nb < MAXBUCKET)
		nb *= 2;
	ps->mask = nb - 1;
	ps->bucket = calloc(nb + 1, sizeof(*ps->bucket));
	/* one more entry than needed: malloc(0) may return NULL */
	ps->pat = calloc(n + 1, sizeof(*ps->pat));
	ps->len = calloc(n + 1, sizeof(*ps->len));
	ps->order = calloc(n + 1, sizeof(*ps->order));
	ps->shorts = calloc(n + 1, sizeof(*ps->shorts));
	ps->empties = calloc(n + 1, sizeof(*ps->empties));
	if (!ps->pat || !ps->len || !ps->order || !ps->shorts || !ps->empties || !ps->bucket) {
		phrase_set_free(ps);
		return NULL;
	}
	for (size_t i = 0; i < n; i++) {
		const char *p = pats[i] ? pats[i] : "";

		ps->pat[i] = p;
		ps->len[i] = strlen(p);
		if (ps->len[i] >= 3) {
			unsigned k = pair_key((const unsigned char *)p);

			ps->pair[k >> 6] |= 1ULL << (k & 63);
			ps->bucket[hash3(ps, (const unsigned char *)p)]++;
		} else if (ps->len[i] > 0) {
			ps->shorts[ps->nshort++] = (uint16_t)i;
		} else {
			ps->empties[ps->nempty++] = (uint16_t)i;
		}
	}
	/* bucket[h] holds bucket h's count: make it where bucket h ends, then
	 * place the patterns from the last back, each bucket's from its end:
	 * bucket[h] ends where h starts, the patterns in table order */
	for (unsigned h = 1; h <= nb; h++)
		ps->bucket[h] = (uint16_t)(ps->bucket[h] + ps->bucket[h - 1]);
	for (size_t i = n; i-- > 0;) {
		if (ps->len[i] >= 3) {
			unsigned h = hash3(ps, (const unsigned char *)ps->pat[i]);

			ps->order[--ps->bucket[h]] = (uint16_t)i;
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
	/* PHRASE_NONE is all bits set */
	if (first)
		memset(first, 0xff, ps->n * sizeof(*first));
	if (last)
		memset(last, 0xff, ps->n * sizeof(*last));
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
		unsigned h, b, e;

		if (!pair_set(ps, t + i))
			continue;
		h = hash3(ps, t + i);
		b = ps->bucket[h];
		e = ps->bucket[h + 1];

		for (; b < e; b++) {
			size_t p = ps->order[b], m = ps->len[p];
			const char *s = ps->pat[p];

			if (m <= len - i && t[i] == (unsigned char)s[0] && t[i + 1] == (unsigned char)s[1] &&
			    t[i + 2] == (unsigned char)s[2]) {
				size_t j = 3;

				while (j < m && t[i + j] == (unsigned char)s[j])
					j++;
				if (j == m)
					found += (size_t)hit(p, i, first, last);
			}
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
		unsigned h;

		if (!pair_set(ps, t + i))
			continue;
		h = hash3(ps, t + i);
		for (unsigned b = ps->bucket[h], e = ps->bucket[h + 1]; b < e; b++) {
			size_t p = ps->order[b], m = ps->len[p];

			if (m <= len - i && !memcmp(t + i, ps->pat[p], m))
				return 1;
		}
	}
	return 0;
}
