/* reason.c: what a diagnostic's words say: the reasons whose phrases it
 * holds (as bits), the SMTP command it answered, temporary and final words. */
#include "state.h"
#include <ctype.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* The phrases text_mask_phrases looks at: the first MAX_PHRASES rows. */
#define MAX_PHRASES 4096

/* token_at: the length of a token of kind t at s (0 if none): digits, or
 * a host name (labels of letters, digits and hyphens joined by dots, at
 * least two, the last a word of letters; a trailing dot is allowed). */
static size_t token_at(const char *s, enum bounce_token t)
{
	size_t n = 0, labels = 0, alpha = 0;

	if (t == BOUNCE_TOKEN_NUMBER) {
		while (isdigit((unsigned char)s[n]))
			n++;
		return n;
	}
	for (;;) {
		size_t l = 0;

		alpha = 1;
		while (isalnum((unsigned char)s[n + l]) || s[n + l] == '-') {
			alpha &= isalpha((unsigned char)s[n + l]) != 0;
			l++;
		}
		if (!l)
			break;
		labels++;
		n += l;
		if (s[n] != '.')
			break;
		n++;
	}
	if (labels < 2 || !alpha || s[n] == '@')
		return 0;
	return n;
}

/* word_char: a byte that continues a word: a letter, a digit, or a byte
 * of a non-ASCII UTF-8 character. */
static int word_char(unsigned char c)
{
	return isalnum(c) || c >= 0x80;
}

/* token_word_at: before (bl bytes) at p in folded stands as a whole word. */
static int token_word_at(const char *folded, const char *p, size_t bl)
{
	return (p == folded || !word_char((unsigned char)p[-1])) && !word_char((unsigned char)p[bl]);
}

/* token_mask: the reasons of bounce_token_phrases found in folded;
 * first[i] is where row i's before first occurs (phrase_scan). */
static rmask token_mask(const char *folded, const size_t *first, const char **which)
{
	rmask m = 0;

	for (size_t i = 0; i < bounce_ntoken_phrases; i++) {
		const struct bounce_token_phrase *t = &bounce_token_phrases[i];
		size_t bl = strlen(t->before);

		if (first[i] == PHRASE_NONE)
			continue;
		for (const char *p = folded + first[i]; p; p = strstr(p + 1, t->before)) {
			int word = t->token == BOUNCE_TOKEN_WORD;
			size_t n = word ? 0 : token_at(p + bl, t->token);

			if (word ? token_word_at(folded, p, bl)
				 : n && !strncmp(p + bl + n, t->after, strlen(t->after))) {
				int b = (int)t->reason;

				if (b != REASON_NONE && !(m & (1ULL << b))) {
					m |= 1ULL << b;
					if (!which[b])
						which[b] = t->show;
				}
				break;
			}
		}
	}
	return m;
}

/* text_mask_phrases: reason_text_mask's part for bounce_phrases, in folded (a
 * space at both ends); first[i]: where phrase i first occurs. */
static rmask text_mask_phrases(const char *folded, const size_t *first, const char **which)
{
	rmask m = 0;
	/* the phrases that occur, in table order (few: the loops below
	 * need look at no other) */
	unsigned short occ[MAX_PHRASES];
	size_t nocc = 0;

	for (size_t i = 0; i < bounce_nphrases && i < MAX_PHRASES; i++) {
		int b = (int)bounce_phrases[i].reason;

		if (first[i] == PHRASE_NONE || b == REASON_NONE)
			continue;
		occ[nocc++] = (unsigned short)i;
		if (!(m & (1ULL << b))) {
			m |= 1ULL << b;
			which[b] = bounce_phrases[i].text;
		}
	}
	/* a phrase found only inside a longer phrase of another reason means
	 * what the longer one means: Postfix's "Host not found, try again" is
	 * a failed name lookup (a network error), not a missing host */
	for (int b = 0; b < 64; b++) {
		char blanked[2 * MAX_DIAG + 8];
		int blank = 0, again = 0;

		if (!(m & (1ULL << b)))
			continue;
		for (size_t k = 0; k < nocc; k++) {
			size_t j = occ[k];
			const char *lp = bounce_phrases[j].text;

			if ((int)bounce_phrases[j].reason == b || !strcmp(lp, which[b]) || !strstr(lp, which[b]))
				continue;
			if (!blank)
				text_copy(blanked, sizeof(blanked), folded);
			for (char *q = blanked; (q = strstr(q, lp));)
				memset(q, ' ', strlen(lp));
			blank = 1;
		}
		if (!blank)
			continue;
		/* with the longer phrases blanked, does a phrase of b match?
		 * (only one that occurs in folded can) */
		for (size_t k = 0; k < nocc && !again; k++) {
			size_t i = occ[k];

			if ((int)bounce_phrases[i].reason == b && strstr(blanked, bounce_phrases[i].text)) {
				again = 1;
				which[b] = bounce_phrases[i].text;
			}
		}
		if (!again) {
			m &= ~(1ULL << b);
			which[b] = NULL;
		}
	}
	return m;
}

/* reason_text_mask: the reasons whose phrases occur in folded; which[] gets the
 * first phrase found per reason (for --explain). */
rmask reason_text_mask(const char *text, const char **which, int *oom)
{
	char folded[2 * MAX_DIAG + 8];
	size_t *first;
	rmask m;
	int n;

	if (!*text)
		return 0;
	/* a space at both ends: phrases may ask for a word's edge */
	n = snprintf(folded, sizeof(folded), " %s ", text);
	if (n < 0)
		return 0;
	if ((size_t)n >= sizeof(folded))
		n = (int)sizeof(folded) - 1;
	/* where each phrase (and each token phrase's lead) first occurs,
	 * all in one pass (phrase.h) */
	if (!(first = malloc((bounce_nphrases + bounce_ntoken_phrases + 1) * sizeof(*first)))) {
		*oom = 1;
		return 0;
	}
	if (phrase_scan(matchers_phrases, folded, (size_t)n, first, NULL) == 0) {
		free(first);
		return 0;
	}
	/* in this order: a reason both find is shown by its phrase */
	m = text_mask_phrases(folded, first, which);
	m |= token_mask(folded, first + bounce_nphrases, which);
	free(first);
	return m;
}

/* reason_smtp_command: the command the remote server answered, from the last
 * phrase of the commands table in folded (the first row of those that
 * end up last); "" if none. *one_rcpt is set to that row's one_rcpt (0
 * if none). */
const char *reason_smtp_command(const char *folded, int *one_rcpt, int *oom)
{
	const char *best = "";
	size_t bestpos = PHRASE_NONE, *last;

	*one_rcpt = 0;
	if (!(last = malloc((bounce_ncommands + 1) * sizeof(*last)))) {
		*oom = 1;
		return best;
	}
	if (phrase_scan(matchers_commands, folded, strlen(folded), NULL, last)) {
		for (size_t i = 0; i < bounce_ncommands; i++) {
			if (last[i] != PHRASE_NONE && (bestpos == PHRASE_NONE || last[i] > bestpos)) {
				bestpos = last[i];
				best = bounce_commands[i].command;
				*one_rcpt = bounce_commands[i].one_rcpt;
			}
		}
	}
	free(last);
	return best;
}

/* reason_greeting_reply: a session transcript in which the server's reply came
 * before any command was sent, Sendmail's "... while talking to
 * mx.example.org.: <<< 554 ...": the greeting itself refused us. */
int reason_greeting_reply(const char *folded)
{
	for (const char *p = folded; (p = strstr(p, "while talking to ")); p++) {
		const char *q = p + 17;

		q += strcspn(q, " :\n");
		while (*q && strchr(": \t\n", *q))
			q++;
		if (!strncmp(q, "<<< ", 4))
			return 1;
	}
	return 0;
}

/* reason_says_any: one of the n phrases occurs in folded (short lists:
 * bounce_final_phrases, the message left the queue when the report was
 * written, whatever its Action says; bounce_queued_phrases, it is still
 * queued and will be tried again). */
int reason_says_any(const char *folded, const char *const *phrases, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strstr(folded, phrases[i]))
			return 1;
	return 0;
}

/* reason_says_temporary: the text says the failure is temporary (no code does). */
int reason_says_temporary(const char *folded)
{
	return phrase_any(matchers_temporary, folded, strlen(folded));
}
