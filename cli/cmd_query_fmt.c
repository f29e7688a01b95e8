/* cmd_query_fmt.c: table, JSON Lines and CSV output of the query
 * commands, and the one JSON string writer and text neutraliser of every
 * command of `rebound`; see cmd_query_fmt.h. */
#include "cmd_query_fmt.h"
#include "log.h"

#include <glib.h>
#include <stdlib.h>
#include <string.h>

void fmt_json_string(FILE *fp, const char *v)
{
	size_t n;

	fputc('"', fp);
	for (const char *p = v ? v : ""; *p; p += n) {
		long c = log_text_char(p, &n);
		const char *q = p + n;

		/* a run of printable ASCII that needs no escape: written whole */
		if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
			while (*q >= 0x20 && *q < 0x7f && *q != '"' && *q != '\\')
				q++;
			fwrite(p, 1, (size_t)(q - p), fp);
			n = (size_t)(q - p);
			continue;
		}
		switch (c) {
		case '"': fputs("\\\"", fp); break;
		case '\\': fputs("\\\\", fp); break;
		case '\n': fputs("\\n", fp); break;
		case '\r': fputs("\\r", fp); break;
		case '\t': fputs("\\t", fp); break;
		case -1: fputs("\\ufffd", fp); break;
		default:
			if (log_char_unsafe(c))
				fprintf(fp, "\\u%04lx", c);
			else
				fwrite(p, 1, n, fp);
		}
	}
	fputc('"', fp);
}

/* text_append: what fmt_text returns, appended to *buf (of *len octets used,
 * *size allocated) with its '\0'; -1 when out of memory. */
static int text_append(char **buf, size_t *len, size_t *size, const char *v, size_t max, int *cut)
{
	const char *p = v ? v : "";
	size_t chars = 0, n, o = *len, need = *len + strlen(p) + 1;
	char *out;

	if (cut)
		*cut = 0;
	if (need > *size) {
		/* '?' for a bad byte never makes it longer */
		size_t size2 = *size ? *size : 256;

		while (size2 < need)
			size2 *= 2;
		if (!(out = realloc(*buf, size2)))
			return -1;
		*buf = out;
		*size = size2;
	}
	out = *buf;
	for (; *p; p += n) {
		long c;

		if (max && chars == max) {
			if (cut)
				*cut = 1;
			break;
		}
		chars++;
		if (*p >= 0x20 && *p < 0x7f) { /* printable ASCII: nothing to check */
			out[o++] = *p;
			n = 1;
			continue;
		}
		c = log_text_char(p, &n);
		if (log_char_unsafe(c)) {
			out[o++] = '?';
		} else {
			memcpy(out + o, p, n);
			o += n;
		}
	}
	out[o++] = '\0';
	*len = o;
	return 0;
}

char *fmt_text(const char *v, size_t max, int *cut)
{
	char *out = NULL;
	size_t len = 0, size = 0;

	if (text_append(&out, &len, &size, v, max, cut) < 0) {
		free(out);
		return NULL;
	}
	return out;
}

void fmt_text_put(FILE *fp, const char *v)
{
	char *t = fmt_text(v, 0, NULL);

	fputs(t ? t : "?", fp);
	free(t);
}

/* csv_field: RFC 4180: quoted when it holds a comma or a quote. Unsafe
 * characters are shown as '?' (fmt_text), so no cell holds a line break;
 * a cell that starts with '=', '+', '-' or '@', which a spreadsheet would
 * run as a formula, gets a leading "'" (OWASP's advice on CSV injection). */
static void csv_field(FILE *fp, const char *v)
{
	char *t = fmt_text(v, 0, NULL);
	const char *c = t ? t : "?";
	int quote = strpbrk(c, ",\"") != NULL;

	if (quote)
		fputc('"', fp);
	if (*c && strchr("=+-@", *c))
		fputc('\'', fp);
	for (; *c; c++) {
		if (*c == '"')
			fputc('"', fp);
		fputc(*c, fp);
	}
	if (quote)
		fputc('"', fp);
	free(t);
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

/* cell_add: a table cell appended to f->text: fmt_text, cut at the
 * column's width (in characters) with its last three characters made
 * "...". Its offset goes to f->cells. */
static int cell_add(struct fmt *f, size_t k, const char *v, size_t width)
{
	int cut;
	size_t start = f->len;

	if (text_append(&f->text, &f->len, &f->size, v, width, &cut) < 0)
		return -1;
	f->cells[k] = start;
	if (cut && width > 3) {
		char *c = f->text + start;
		size_t end = f->len - 1 - start;

		for (int k3 = 0; k3 < 3; k3++)
			end = (size_t)(g_utf8_find_prev_char(c, c + end) - c);
		memcpy(c + end, "...", 4);
		f->len = start + end + 4;
	}
	return 0;
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
	if (f->failed)
		return;
	if (f->rows == f->cap) {
		size_t cap = f->cap ? f->cap * 2 : 64;
		size_t *cells = realloc(f->cells, cap * f->ncols * sizeof(size_t));

		if (!cells) {
			f->failed = 1;
			return;
		}
		f->cells = cells;
		f->cap = cap;
	}
	for (size_t i = 0; i < f->ncols; i++)
		if (cell_add(f, f->rows * f->ncols + i, values[i], f->cols[i].width) < 0) {
			f->failed = 1;
			return;
		}
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
		const char **line = calloc(f->ncols ? f->ncols : 1, sizeof(char *));

		if (widths && line && !f->failed) {
			for (size_t i = 0; i < f->ncols; i++) {
				widths[i] = display_width(f->cols[i].name);
				for (size_t r = 0; r < f->rows; r++) {
					size_t w = display_width(f->text + f->cells[r * f->ncols + i]);

					if (w > widths[i])
						widths[i] = w;
				}
				line[i] = f->cols[i].name;
			}
			table_line(f, line, widths);
			for (size_t r = 0; r < f->rows; r++) {
				for (size_t i = 0; i < f->ncols; i++)
					line[i] = f->text + f->cells[r * f->ncols + i];
				table_line(f, line, widths);
			}
		} else {
			f->failed = 1;
		}
		free(widths);
		free(line);
		free(f->cells);
		free(f->text);
		f->cells = NULL;
		f->text = NULL;
		f->rows = f->cap = f->len = f->size = 0;
	}
	if (fflush(f->fp) != 0 || ferror(f->fp))
		f->failed = 1;
	return f->failed ? -1 : 0;
}
