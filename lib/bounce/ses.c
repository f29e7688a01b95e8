/* ses.c: provider notifications in JSON: Amazon SES, as it is or wrapped
 * by SNS in a JSON string; json-glib reads the JSON. Their recipients
 * become DSN or ARF fields for dsn.c. */
#include "bounce.h"
#include "state.h"

#include <json-glib/json-glib.h>
#include <string.h>

/* JSON nested deeper than this is not read (SES's is 4 levels deep). */
#define JSON_MAX_DEPTH 32
/* Members and elements read: json-glib makes objects of each (a megabyte
 * of "{}," took 130 MB, issue 12); SES's notification has some hundred. */
#define JSON_MAX_ITEMS 10000

/* json_clean: the JSON text at p as it was before mail transport touched
 * it, in a new string (the caller frees it with g_string_free): a line
 * that an MTA split at its length limit (Sendmail's L=, 990 bytes: the
 * text, "!", a line end, in our samples a space) is joined again, and the
 * other control characters (line ends, tabs) become spaces, which JSON
 * allows between tokens and not in strings. Only the object that starts
 * at p is kept, up to its closing brace. An object cut short (the message
 * size limit, a relay that truncates) is kept up to its last complete
 * member or element (before its last comma), its open objects and arrays
 * closed; so is one of more than JSON_MAX_ITEMS members and elements in
 * all. NULL when there is nothing of it to read, or it nests deeper than
 * JSON_MAX_DEPTH. */
static GString *json_clean(const char *p)
{
	GString *g = g_string_sized_new(4096);
	char open[JSON_MAX_DEPTH], cut_open[JSON_MAX_DEPTH];
	size_t cut = 0, items = 0;
	int depth = 0, cut_depth = 0, instr = 0;

	for (; *p && g->len < MAX_PART_TEXT; p++) {
		char ch = *p;

		if (ch == '!' && p[1] == '\n') {
			p += p[2] == ' ' ? 2 : 1;
			continue;
		}
		if ((unsigned char)ch < 0x20)
			ch = ' ';
		if (!instr && ch == ',') {
			/* what came before is whole: a place to cut */
			cut = g->len;
			cut_depth = depth;
			memcpy(cut_open, open, (size_t)depth);
			if (++items >= JSON_MAX_ITEMS)
				break;
		}
		g_string_append_c(g, ch);
		if (instr) {
			if (ch == '\\' && p[1] && p[1] != '\n')
				g_string_append_c(g, *++p);
			else if (ch == '"')
				instr = 0;
		} else if (ch == '"') {
			instr = 1;
		} else if (ch == '{' || ch == '[') {
			if (depth == JSON_MAX_DEPTH)
				goto none;
			open[depth++] = ch;
		} else if ((ch == '}' || ch == ']') && --depth <= 0) {
			return g;
		}
	}
	if (!cut)
		goto none;
	g_string_truncate(g, cut);
	while (cut_depth > 0)
		g_string_append_c(g, cut_open[--cut_depth] == '{' ? '}' : ']');
	return g;
none:
	g_string_free(g, TRUE);
	return NULL;
}

/* json_read: the JSON object that starts at p, parsed (the caller frees
 * the parser with g_object_unref; *root lives as long), or NULL. */
static JsonParser *json_read(const char *p, JsonObject **root)
{
	GString *g = json_clean(p);
	JsonParser *parser;
	JsonNode *node;

	if (!g)
		return NULL;
	parser = json_parser_new();
	if (!json_parser_load_from_data(parser, g->str, (gssize)g->len, NULL) ||
	    !(node = json_parser_get_root(parser)) || !JSON_NODE_HOLDS_OBJECT(node)) {
		g_object_unref(parser);
		g_string_free(g, TRUE);
		return NULL;
	}
	*root = json_node_get_object(node);
	g_string_free(g, TRUE);
	return parser;
}

/* member: o's member name, when it holds the type t (JSON_NODE_OBJECT,
 * JSON_NODE_ARRAY, or JSON_NODE_VALUE for a string); NULL if not. */
static JsonNode *member(JsonObject *o, const char *name, JsonNodeType t)
{
	JsonNode *n = o ? json_object_get_member(o, name) : NULL;

	if (!n || json_node_get_node_type(n) != t)
		return NULL;
	if (t == JSON_NODE_VALUE && json_node_get_value_type(n) != G_TYPE_STRING)
		return NULL;
	return n;
}

/* string_of: o's string member name into dst (control characters as
 * spaces); 1 if there is one, else 0 and "". */
static int string_of(JsonObject *o, const char *name, char *dst, size_t dstlen)
{
	JsonNode *n = member(o, name, JSON_NODE_VALUE);

	text_copy(dst, dstlen, n ? json_node_get_string(n) : "");
	for (char *q = dst; *q; q++)
		if ((unsigned char)*q < 0x20)
			*q = ' ';
	return n != NULL;
}

/* field: "Name: value\n" into f */
static void field(struct sbuf *f, const char *name, const char *value)
{
	sbuf_str(f, name);
	sbuf_str(f, value);
	sbuf_str(f, "\n");
}

/* recipient: one element of the recipients' array (an object
 * {"emailAddress": ...} or a plain string) as DSN fields into f, or, for a
 * complaint (arf), as an Original-Rcpt-To field. smtp: the notification's
 * own SMTP response, for plain strings. */
static void recipient(struct sbuf *f, JsonNode *e, int arf, const char *smtp)
{
	char addr[320], v[MAX_DIAG];

	if (json_node_get_node_type(e) == JSON_NODE_VALUE && json_node_get_value_type(e) == G_TYPE_STRING) {
		text_copy(addr, sizeof(addr), json_node_get_string(e));
		if (!strchr(addr, '@'))
			return;
		if (arf) {
			field(f, "Original-Rcpt-To: ", addr);
			return;
		}
		field(f, "\nFinal-Recipient: rfc822; ", addr);
		sbuf_str(f, "Action: delivered\n");
		if (smtp[0])
			field(f, "Diagnostic-Code: smtp; ", smtp);
	} else if (json_node_get_node_type(e) == JSON_NODE_OBJECT) {
		JsonObject *o = json_node_get_object(e);

		if (!string_of(o, "emailAddress", addr, sizeof(addr)) || !addr[0])
			return;
		if (arf) {
			field(f, "Original-Rcpt-To: ", addr);
			return;
		}
		field(f, "\nFinal-Recipient: rfc822; ", addr);
		if (string_of(o, "action", v, sizeof(v)))
			field(f, "Action: ", v);
		if (string_of(o, "status", v, sizeof(v)))
			field(f, "Status: ", v);
		if (string_of(o, "diagnosticCode", v, sizeof(v)))
			field(f, "Diagnostic-Code: ", v);
	}
}

/* ses_parse: an Amazon SES notification (its JSON in the text): its
 * recipients become DSN fields (bounces, deliveries) or feedback fields
 * (complaints). Returns the kind, or NOTBOUNCE if the text is none. */
static enum bounce_kind ses_parse(struct ctx *c, const char *text)
{
	static const struct {
		const char *type, *object, *list;
		enum bounce_kind kind;
	} types[] = {
		{ "Bounce", "bounce", "bouncedRecipients", BOUNCE_KIND_DSN },
		{ "Complaint", "complaint", "complainedRecipients", BOUNCE_KIND_ARF },
		{ "Delivery", "delivery", "recipients", BOUNCE_KIND_DSN },
	};
	const char *start = strstr(text, "{\"notificationType\"");
	char type[32], mta[256], smtp[MAX_DIAG];
	struct sbuf f = { .max = MAX_PART_TEXT };
	JsonObject *root, *body;
	JsonParser *parser;
	JsonNode *list;
	size_t t;

	if (!start || !(parser = json_read(start, &root)))
		return BOUNCE_KIND_NOTBOUNCE;
	string_of(root, "notificationType", type, sizeof(type));
	for (t = 0; t < sizeof(types) / sizeof(types[0]) && strcmp(type, types[t].type); t++)
		;
	if (t == sizeof(types) / sizeof(types[0])) {
		g_object_unref(parser);
		return BOUNCE_KIND_NOTBOUNCE;
	}
	body = (list = member(root, types[t].object, JSON_NODE_OBJECT)) ? json_node_get_object(list) : NULL;
	if (string_of(body, "reportingMTA", mta, sizeof(mta)))
		text_copy(c->reporting_mta, sizeof(c->reporting_mta), dsn_after_semi(mta));
	string_of(body, "smtpResponse", smtp, sizeof(smtp));
	if (!(list = member(body, types[t].list, JSON_NODE_ARRAY))) {
		g_object_unref(parser);
		return BOUNCE_KIND_NOTBOUNCE;
	}
	{
		JsonArray *a = json_node_get_array(list);

		for (guint i = 0; i < json_array_get_length(a) && !f.cut; i++)
			recipient(&f, json_array_get_element(a, i), types[t].kind == BOUNCE_KIND_ARF, smtp);
	}
	g_object_unref(parser);
	if (f.oom)
		c->oom = 1;
	else if (types[t].kind == BOUNCE_KIND_ARF)
		arf_parse(c, sbuf_get(&f));
	else
		dsn_parse(c, sbuf_get(&f));
	sbuf_free(&f);
	return c->nrc ? types[t].kind : BOUNCE_KIND_NOTBOUNCE;
}

enum bounce_kind ses_detect(struct ctx *c, const char *text)
{
	enum bounce_kind kind = BOUNCE_KIND_NOTBOUNCE;

	if (!c->msg || c->have_dsn_part || c->have_arf_part)
		return kind;
	if (strstr(text, "notificationType\\\"") && !strstr(text, "{\"notificationType\"")) {
		/* SNS wraps the SES notification in a JSON string (its
		 * "Message"): unwrap */
		const char *m = strstr(text, "\"Message\""), *o = strchr(text, '{');
		JsonObject *root;
		JsonParser *parser;
		JsonNode *n;

		if (m && o && o < m && (parser = json_read(o, &root))) {
			if ((n = member(root, "Message", JSON_NODE_VALUE)))
				kind = ses_parse(c, json_node_get_string(n));
			g_object_unref(parser);
		}
	} else if (strstr(text, "{\"notificationType\"")) {
		kind = ses_parse(c, text);
	}
	return kind;
}
