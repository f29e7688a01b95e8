/* cmd_query_fmt.h: the output formats of the query commands of `rebound`
 * (cli/cmd_query.c): an aligned table for people, JSON Lines (--json) and
 * CSV with a header line (--csv) for programs. */
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
	char **cells; /* table: rows * ncols copies, owned */
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

/* fmt_json_string: v as a JSON string (quotes included) to fp. */
void fmt_json_string(FILE *fp, const char *v);

#endif
