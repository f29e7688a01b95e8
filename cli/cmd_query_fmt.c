/* cmd_query_fmt.c: table, JSON Lines and CSV output of the query
 * commands; see cmd_query_fmt.h. */
#include "cmd_query_fmt.h"

#include <stdlib.h>
#include <string.h>

void fmt_json_string(FILE *fp, const char *v)
{
	fputc('"', fp);
	for (const unsigned char *p = (const unsigned char *)(v ? v : ""); *p; p++) {
		switch (*p) {
		case '"': fputs("\\\"", fp); break;
		case '\\': fputs("\\\\", fp); break;
		case '\n': fputs("\\n", fp); break;
		case '\r': fputs("\\r", fp); break;
		case '\t': fputs("\\t", fp); break;
		default:
			if (*p < 0x20 || *p == 0x7f)
				fprintf(fp, "\\u%04x", *p);
			else
				fputc(*p, fp);
		}
	}
	fputc('"', fp);
}

/* csv_field: RFC 4180: quoted when it holds a comma, quote or line break. */
static void csv_field(FILE *fp, const char *v)
{
	v = v ? v : "";
	if (!strpbrk(v, ",\"\r\n")) {
		fputs(v, fp);
		return;
	}
	fputc('"', fp);
	for (; *v; v++) {
		if (*v == '"')
			fputc('"', fp);
		fputc(*v, fp);
	}
	fputc('"', fp);
}

void fmt_begin(struct fmt *f, enum fmt_kind kind, FILE *fp, const struct fmt_col *cols, size_t ncols)
{
	memset(f, 0, sizeof(*f));
	f->kind = kind;
	f->fp = fp;
	f->cols = cols;
	f->ncols = ncols;
	if (kind == FMT_CSV) {
		for (size_t i = 0; i < ncols; i++) {
			if (i)
				fputc(',', fp);
			csv_field(fp, cols[i].name);
		}
		fputc('\n', fp);
	}
}

/* cell_copy: a table cell: control characters shown as '?', cut at the
 * column's width with "...". */
static char *cell_copy(const char *v, size_t width)
{
	size_t len = strlen(v ? v : "");
	char *c;

	if (width && len > width)
		len = width;
	if (!(c = malloc(len + 1)))
		return NULL;
	for (size_t i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)v[i];

		c[i] = (ch < 0x20 || ch == 0x7f) ? '?' : (char)ch;
	}
	c[len] = '\0';
	if (width && strlen(v) > width && width > 3)
		memcpy(c + width - 3, "...", 3);
	return c;
}

void fmt_row(struct fmt *f, const char *const *values)
{
	if (f->kind == FMT_JSON) {
		fputc('{', f->fp);
		for (size_t i = 0; i < f->ncols; i++) {
			if (i)
				fputc(',', f->fp);
			fmt_json_string(f->fp, f->cols[i].name);
			fputc(':', f->fp);
			if (f->cols[i].number && values[i] && *values[i])
				fputs(values[i], f->fp);
			else
				fmt_json_string(f->fp, values[i]);
		}
		fputs("}\n", f->fp);
		return;
	}
	if (f->kind == FMT_CSV) {
		for (size_t i = 0; i < f->ncols; i++) {
			if (i)
				fputc(',', f->fp);
			csv_field(f->fp, values[i]);
		}
		fputc('\n', f->fp);
		return;
	}
	if (f->rows == f->cap) {
		size_t cap = f->cap ? f->cap * 2 : 64;
		char **cells = realloc(f->cells, cap * f->ncols * sizeof(char *));

		if (!cells) {
			f->failed = 1;
			return;
		}
		f->cells = cells;
		f->cap = cap;
	}
	for (size_t i = 0; i < f->ncols; i++)
		if (!(f->cells[f->rows * f->ncols + i] = cell_copy(values[i], f->cols[i].width)))
			f->failed = 1;
	f->rows++;
}

/* display_width: characters, not bytes, of UTF-8 text. */
static size_t display_width(const char *s)
{
	size_t n = 0;

	for (; s && *s; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

static void table_line(struct fmt *f, const char *const *cells, const size_t *widths)
{
	for (size_t i = 0; i < f->ncols; i++) {
		const char *c = cells[i] ? cells[i] : "";

		if (i + 1 < f->ncols)
			fprintf(f->fp, "%s%*s  ", c, (int)(widths[i] - display_width(c)), "");
		else
			fprintf(f->fp, "%s\n", c);
	}
}

int fmt_end(struct fmt *f)
{
	if (f->kind == FMT_TABLE) {
		size_t *widths = calloc(f->ncols ? f->ncols : 1, sizeof(size_t));
		const char **names = calloc(f->ncols ? f->ncols : 1, sizeof(char *));

		if (widths && names && !f->failed) {
			for (size_t i = 0; i < f->ncols; i++) {
				names[i] = f->cols[i].name;
				widths[i] = display_width(names[i]);
				for (size_t r = 0; r < f->rows; r++) {
					size_t w = display_width(f->cells[r * f->ncols + i]);

					if (w > widths[i])
						widths[i] = w;
				}
			}
			table_line(f, names, widths);
			for (size_t r = 0; r < f->rows; r++)
				table_line(f, (const char *const *)&f->cells[r * f->ncols], widths);
		} else {
			f->failed = 1;
		}
		free(widths);
		free(names);
		for (size_t k = 0; k < f->rows * f->ncols; k++)
			free(f->cells[k]);
		free(f->cells);
		f->cells = NULL;
		f->rows = f->cap = 0;
	}
	if (fflush(f->fp) != 0 || ferror(f->fp))
		f->failed = 1;
	return f->failed ? -1 : 0;
}
