/* matchers.c: the phrase tables as one-pass matchers (phrase.h), built
 * once on first use for the life of the process. */
#include "state.h"
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* Built once, on first use, for the life of the process (never freed):
 * the phrases of reasons, of SMTP commands and of temporary failures,
 * matched against folded text in one pass each (phrase.h). */
static pthread_mutex_t sets_lock = PTHREAD_MUTEX_INITIALIZER;
static int sets_ready;
struct phrase_set *matchers_phrases, *matchers_commands, *matchers_temporary, *matchers_end, *matchers_skip_any;

/* skip_any: words of a line whose addresses are never failed recipients
 * (skip_line). */
static const char *const skip_any[] = { "contact", "please",
					"mail from:<", "mail from: <", "sender:", "envelope-from",
					"return-path", "helo", "ehlo", "message-id:", "message-id <",
					"smtp.mailfrom", "with esmtp", "(via", " from <" };

/* lower_set: a set of ASCII-lowercase copies of the n patterns (matched
 * against folded lines as fline_has would, ignoring ASCII case). The
 * copies live as long as the process, like the set. */
static struct phrase_set *lower_set(const char *const *pats, size_t n)
{
	char **low = calloc(n + 1, sizeof(*low));
	struct phrase_set *ps = NULL;
	size_t i;

	if (!low)
		return NULL;
	for (i = 0; i < n; i++) {
		size_t m = strlen(pats[i]);

		if (!(low[i] = malloc(m + 1)))
			break;
		for (size_t j = 0; j <= m; j++)
			low[i][j] = (char)(pats[i][j] >= 'A' && pats[i][j] <= 'Z' ? pats[i][j] + ('a' - 'A')
										 : pats[i][j]);
	}
	if (i == n)
		ps = phrase_set_new((const char *const *)low, n);
	if (!ps) {
		for (size_t j = 0; j < n; j++)
			free(low[j]);
	}
	free(low); /* the set keeps the strings, not this array */
	return ps;
}

/* matchers_init: 0 once the sets exist, -1 when memory ran out (tried again
 * by the next call). Called where the error text is first scanned or a
 * recipient classified, not for a parse that needs neither (start-up of
 * one process per message pays only for what it uses). */
int matchers_init(void)
{
	const char **tmp;
	size_t np = bounce_nphrases + bounce_ntoken_phrases;
	size_t n = np > bounce_ncommands ? np : bounce_ncommands;
	int ok;

	if (__atomic_load_n(&sets_ready, __ATOMIC_ACQUIRE))
		return 0;
	pthread_mutex_lock(&sets_lock);
	if (sets_ready) {
		pthread_mutex_unlock(&sets_lock);
		return 0;
	}
	if ((tmp = calloc(n + 1, sizeof(*tmp)))) {
		/* the phrases, then what comes before each token phrase's
		 * token: one pass finds both (reason_text_mask) */
		for (size_t i = 0; i < bounce_nphrases; i++)
			tmp[i] = bounce_phrases[i].text;
		for (size_t i = 0; i < bounce_ntoken_phrases; i++)
			tmp[bounce_nphrases + i] = bounce_token_phrases[i].before;
		if (!matchers_phrases)
			matchers_phrases = phrase_set_new(tmp, np);
		for (size_t i = 0; i < bounce_ncommands; i++)
			tmp[i] = bounce_commands[i].text;
		if (!matchers_commands)
			matchers_commands = phrase_set_new(tmp, bounce_ncommands);
		free(tmp);
	}
	if (!matchers_temporary)
		matchers_temporary = phrase_set_new(bounce_temporary_phrases, bounce_ntemporary_phrases);
	if (!matchers_end)
		matchers_end = lower_set(bounce_end_markers, bounce_nend_markers);
	if (!matchers_skip_any)
		matchers_skip_any = lower_set(skip_any, sizeof(skip_any) / sizeof(skip_any[0]));
	ok = matchers_phrases && matchers_commands && matchers_temporary && matchers_end && matchers_skip_any;
	__atomic_store_n(&sets_ready, ok, __ATOMIC_RELEASE);
	pthread_mutex_unlock(&sets_lock);
	return ok ? 0 : -1;
}
