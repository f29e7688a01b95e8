/* cmd_query_fmt.h: the output formats of the query commands of `rebound`
 * (cli/cmd_query.c): an aligned table for people, JSON Lines (--json) and
 * CSV with a header line (--csv) for programs; and the JSON string writer
 * and text neutraliser that every command (parse, verp) uses too. */
#ifndef REBOUND_CMD_QUERY_FMT_H
#define REBOUND_CMD_QUERY_FMT_H

#include <stddef.h>
#include <stdio.h>

enum fmt_kind { FMT_TABLE, FMT_JSON, FMT_CSV };

struct fmt_col {
	const char *name;
	int number;   /* JSON: unquoted (the value must be digits) */
	size_t width; /* table: longest value shown, 0 = unbounded */
};

/* A table under construction. Table rows are kept until fmt_end (to align
 * them); JSON and CSV rows are written at once. */
struct fmt {
	enum fmt_kind kind;
	FILE *fp;
	const struct fmt_col *cols;
	size_t ncols;
	char *text;   /* table: the cells' text, each ended by '\0', owned */
	size_t len, size;
	size_t *cells; /* table: rows * ncols offsets into text, owned */
	size_t rows, cap;
	int failed;   /* out of memory or a write error */
};

/* fmt_begin: start output of ncols columns (cols must outlive fmt); CSV
 * writes the header now. */
void fmt_begin(struct fmt *f, enum fmt_kind kind, FILE *fp, const struct fmt_col *cols, size_t ncols);
/* fmt_row: one row of ncols values (NULL prints as ""). */
void fmt_row(struct fmt *f, const char *const *values);
/* fmt_end: write what is kept, free it; returns 0, or -1 if anything failed. */
int fmt_end(struct fmt *f);

/* Everything `rebound` prints of the database or of a message goes through
 * these: the stored bytes are a stranger's (a bounce may name
 * "\e[31mevil\e[0m"@evil.test). Unsafe characters are those of
 * log_char_unsafe (lib/log.h, which log lines use too: control characters,
 * line separators, bidirectional overrides) and bytes that are not UTF-8. */

/* fmt_json_string: v (NULL as "") as a JSON string, quotes included, to
 * fp; always valid JSON in UTF-8: '"', '\' and the unsafe characters
 * escaped (\n, \r, \t, \u001b, \u202e, ...), a non-UTF-8 byte as \ufffd. */
void fmt_json_string(FILE *fp, const char *v);

/* fmt_text: a copy of v (NULL as "") for text output and CSV, each unsafe
 * character or non-UTF-8 byte shown as '?'; at most max characters when
 * max is nonzero (*cut, if cut is not NULL, says whether v was longer).
 * The caller frees it; NULL when out of memory. */
char *fmt_text(const char *v, size_t max, int *cut);

/* fmt_text_put: fmt_text(v) to fp ("?" when out of memory). */
void fmt_text_put(FILE *fp, const char *v);

#endif
