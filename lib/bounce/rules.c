/* rules.c: site rules (config bounce_rules): a file of lines that
 * add to or override the built-in tables without recompiling. Syntax (see
 * docs/parser.md):
 *
 *   # comment
 *   status=5.7.* text="not on the allow list" => reason=filtered class=soft
 *   code=550 mta~mx.example.net text~"mailbox unavailable" => reason=userunknown
 *
 * Conditions (all must hold): status=CODE (a trailing * matches a prefix),
 * code=NNN (or 5*), text~PHRASE (diagnostic contains it, case-insensitive,
 * white space folded; text= is the same), mta~WORD (reporting MTA contains
 * it), rhost~WORD (remote MTA contains it), provider=NAME (the remote host
 * table, lib/bounce/rhost_tables.c, names this provider; provider=none: no
 * provider). Results: reason=REASON (Sisimai vocabulary), class=hard|soft.
 * Site rules are tried before the remote host tables, so they override them.
 * The first matching rule decides. Errors read "FILE:LINE: message". */
#include "bounce.h"
#include "text.h"
#include "rules.h"
#include "rhost.h"
#include "tables.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define RULE_MAX_LINE 4096
#define RULE_MAX_RULES 10000

enum cond_kind { C_STATUS, C_CODE, C_TEXT, C_MTA, C_RHOST, C_PROVIDER };

struct cond {
	enum cond_kind kind;
	char *value; /* lowercase, folded for C_TEXT; owned */
	int prefix;  /* status/code ending in '*' */
};

struct rule {
	struct cond *conds;
	size_t nconds;
	enum bounce_reason reason;
	enum bounce_class cls;   /* NONE: derived from the reason */
	char where[300];         /* FILE:LINE */
};

struct bounce_rules {
	struct rule *rules;
	size_t n;
};

void bounce_rules_free(struct bounce_rules *rs)
{
	if (!rs)
		return;
	for (size_t i = 0; i < rs->n; i++) {
		for (size_t j = 0; j < rs->rules[i].nconds; j++)
			free(rs->rules[i].conds[j].value);
		free(rs->rules[i].conds);
	}
	free(rs->rules);
	free(rs);
}

/* token: the next token of *p: KEY OP VALUE with OP one of = ~, VALUE
 * bare or "quoted"; or "=>". Returns 1 and fills, 0 at the end, -1 with
 * a message in why. */
static int token(char **p, char *key, size_t keylen, char *op, char *val, size_t vallen, const char **why)
{
	char *s = *p;
	size_t n = 0;

	while (*s == ' ' || *s == '\t')
		s++;
	if (!*s || *s == '#')
		return 0;
	if (s[0] == '=' && s[1] == '>') {
		snprintf(key, keylen, "=>");
		*op = '\0';
		val[0] = '\0';
		*p = s + 2;
		return 1;
	}
	while (*s && (isalnum((unsigned char)*s) || *s == '_' || *s == '-')) {
		if (n + 1 < keylen)
			key[n++] = (char)tolower((unsigned char)*s);
		s++;
	}
	key[n] = '\0';
	if (!n || (*s != '=' && *s != '~')) {
		*why = "expected NAME=VALUE, NAME~VALUE or =>";
		return -1;
	}
	*op = *s++;
	n = 0;
	if (*s == '"') {
		s++;
		while (*s && *s != '"') {
			if (*s == '\\' && s[1])
				s++;
			if (n + 1 < vallen)
				val[n++] = *s;
			s++;
		}
		if (*s != '"') {
			*why = "unterminated quoted value";
			return -1;
		}
		s++;
	} else {
		while (*s && *s != ' ' && *s != '\t') {
			if (n + 1 < vallen)
				val[n++] = *s;
			s++;
		}
	}
	val[n] = '\0';
	if (!n) {
		*why = "empty value";
		return -1;
	}
	*p = s;
	return 1;
}

static int valid_status(const char *v, int *prefix)
{
	size_t n = strlen(v);

	*prefix = n > 0 && v[n - 1] == '*';
	if (*prefix)
		n--;
	if (!n || (v[0] != '2' && v[0] != '4' && v[0] != '5'))
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!isdigit((unsigned char)v[i]) && v[i] != '.')
			return 0;
	return 1;
}

/* provider_known: a provider of the remote host table, or "none". */
static int provider_known(const char *name)
{
	if (!strcmp(name, "none"))
		return 1;
	for (size_t i = 0; i < bounce_nrhosts; i++)
		if (!strcasecmp(name, bounce_rhosts[i].name))
			return 1;
	return 0;
}

/* parse_line: one rule from line into r; returns 0, or -1 with why. */
static int parse_line(char *line, struct rule *r, const char **why)
{
	char key[32], val[1024], op;
	int k, results = 0;

	while ((k = token(&line, key, sizeof(key), &op, val, sizeof(val), why)) == 1) {
		if (!strcmp(key, "=>")) {
			if (results) {
				*why = "\"=>\" twice";
				return -1;
			}
			results = 1;
			continue;
		}
		if (results) {
			if (op != '=') {
				*why = "results are NAME=VALUE";
				return -1;
			}
			if (!strcmp(key, "reason")) {
				if ((r->reason = bounce_reason_lookup(val)) == REASON_NONE) {
					*why = "unknown reason (see docs/parser.md for the vocabulary)";
					return -1;
				}
			} else if (!strcmp(key, "class")) {
				if (!strcmp(val, "hard"))
					r->cls = BOUNCE_CLASS_HARD;
				else if (!strcmp(val, "soft"))
					r->cls = BOUNCE_CLASS_SOFT;
				else {
					*why = "class is hard or soft";
					return -1;
				}
			} else {
				*why = "unknown result (reason=, class=)";
				return -1;
			}
			continue;
		}
		{
			struct cond c = { 0 };
			struct cond *nc;

			if (!strcmp(key, "status")) {
				c.kind = C_STATUS;
				if (op != '=' || !valid_status(val, &c.prefix)) {
					*why = "status=CODE, e.g. status=5.1.1 or status=5.7.*";
					return -1;
				}
			} else if (!strcmp(key, "code")) {
				size_t n = strlen(val);

				c.kind = C_CODE;
				c.prefix = n > 0 && val[n - 1] == '*';
				if (op != '=' || n < 1 || n > 3 || !strchr("245", val[0]) ||
				    strspn(val, "0123456789") != n - (size_t)c.prefix) {
					*why = "code=NNN, e.g. code=550 or code=4*";
					return -1;
				}
			} else if (!strcmp(key, "text")) {
				c.kind = C_TEXT;
			} else if (!strcmp(key, "mta")) {
				c.kind = C_MTA;
			} else if (!strcmp(key, "rhost")) {
				c.kind = C_RHOST;
			} else if (!strcmp(key, "provider")) {
				c.kind = C_PROVIDER;
				if (op != '=' || !provider_known(val)) {
					*why = "provider=NAME, a provider of the remote host table or none";
					return -1;
				}
			} else {
				*why = "unknown condition (status=, code=, text~, mta~, rhost~, provider=)";
				return -1;
			}
			if (c.prefix)
				val[strlen(val) - 1] = '\0';
			{
				char folded[1024];

				bounce_fold(folded, sizeof(folded), val);
				c.value = strdup(folded);
			}
			if (!c.value || !(nc = realloc(r->conds, (r->nconds + 1) * sizeof(*nc)))) {
				free(c.value);
				*why = "out of memory";
				return -1;
			}
			r->conds = nc;
			r->conds[r->nconds++] = c;
		}
	}
	if (k < 0)
		return -1;
	if (!r->nconds && !results)
		return 1; /* empty line */
	if (!results || !r->nconds) {
		*why = "a rule is CONDITIONS => RESULTS";
		return -1;
	}
	if (r->reason == REASON_NONE) {
		*why = "a rule needs reason=";
		return -1;
	}
	return 0;
}

int bounce_rules_load(const char *path, struct bounce_rules **out, char *err, size_t errlen)
{
	FILE *fp;
	char line[RULE_MAX_LINE + 2];
	unsigned lineno = 0;
	struct bounce_rules *rs;

	*out = NULL;
	if (!(fp = fopen(path, "r"))) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (!(rs = calloc(1, sizeof(*rs)))) {
		fclose(fp);
		snprintf(err, errlen, "%s: out of memory", path);
		return -1;
	}
	while (fgets(line, sizeof(line), fp)) {
		struct rule r = { 0 };
		const char *why = NULL;
		size_t n = strlen(line);
		int k;

		lineno++;
		if (n && line[n - 1] == '\n')
			line[--n] = '\0';
		else if (!feof(fp)) {
			snprintf(err, errlen, "%s:%u: line too long (max %d)", path, lineno, RULE_MAX_LINE);
			goto fail;
		}
		if (n && line[n - 1] == '\r')
			line[--n] = '\0';
		k = parse_line(line, &r, &why);
		if (k == 1)
			continue;
		if (k < 0 || rs->n >= RULE_MAX_RULES) {
			for (size_t j = 0; j < r.nconds; j++)
				free(r.conds[j].value);
			free(r.conds);
			snprintf(err, errlen, "%s:%u: %s", path, lineno, why ? why : "too many rules");
			goto fail;
		}
		snprintf(r.where, sizeof(r.where), "%s:%u", path, lineno);
		{
			struct rule *nr = realloc(rs->rules, (rs->n + 1) * sizeof(*nr));

			if (!nr) {
				for (size_t j = 0; j < r.nconds; j++)
					free(r.conds[j].value);
				free(r.conds);
				snprintf(err, errlen, "%s: out of memory", path);
				goto fail;
			}
			rs->rules = nr;
			rs->rules[rs->n++] = r;
		}
	}
	if (ferror(fp)) {
		snprintf(err, errlen, "%s: read error", path);
		goto fail;
	}
	fclose(fp);
	*out = rs;
	return 0;
fail:
	fclose(fp);
	bounce_rules_free(rs);
	return -1;
}

static int cond_holds(const struct cond *c, const char *status, const char *code, const char *diag,
		      const char *mta, const char *rhost, const char *provider)
{
	char m[512];

	switch (c->kind) {
	case C_STATUS:
		return c->prefix ? !strncmp(status, c->value, strlen(c->value)) : !strcmp(status, c->value);
	case C_CODE:
		return c->prefix ? !strncmp(code, c->value, strlen(c->value)) : !strcmp(code, c->value);
	case C_TEXT:
		return strstr(diag, c->value) != NULL;
	case C_MTA:
		bounce_fold(m, sizeof(m), mta);
		return strstr(m, c->value) != NULL;
	case C_RHOST:
		bounce_fold(m, sizeof(m), rhost);
		return strstr(m, c->value) != NULL;
	case C_PROVIDER:
		return !strcmp(c->value, provider[0] ? provider : "none");
	}
	return 0;
}

int bounce_rules_apply(const struct bounce_rules *rs, const char *status, const char *code,
		       const char *folded_diag, const char *reporting_mta, const char *remote_mta,
		       const char *provider, enum bounce_reason *reason, enum bounce_class *cls, char *rule,
		       size_t rulelen)
{
	if (!rs)
		return 0;
	for (size_t i = 0; i < rs->n; i++) {
		const struct rule *r = &rs->rules[i];
		size_t j;

		for (j = 0; j < r->nconds; j++)
			if (!cond_holds(&r->conds[j], status ? status : "", code ? code : "",
					folded_diag ? folded_diag : "", reporting_mta ? reporting_mta : "",
					remote_mta ? remote_mta : "", provider ? provider : ""))
				break;
		if (j < r->nconds)
			continue;
		*reason = r->reason;
		*cls = r->cls;
		snprintf(rule, rulelen, "site rule %s", r->where);
		return 1;
	}
	return 0;
}
