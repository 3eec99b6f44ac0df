/*
 * cloud/aws/xml.c - a small, bounded XML reader for EC2 and STS responses.
 *
 * It builds a tree of elements with their character data, which is all the
 * Query APIs need: no attributes (namespaces are ignored, prefixes are
 * stripped from names), no DTDs (a DOCTYPE is refused, so no entity
 * expansion), the five predefined entities and numeric character
 * references. Depth and element count are capped; everything lives in one
 * arena freed with the document. Input is untrusted: malformed input gives
 * AWP_ECORRUPT, never a crash.
 */
#include "cloud/aws/aws_int.h"

#include "util/error.h"
#include "util/utf8.h"
#include "util/mem.h"

#include <stdlib.h>
#include <string.h>

typedef struct parser {
	const char *start, *p, *end;
	const char *what;
	aws_xml_doc *doc;
	awp_strbuf *texts; /* character data of each open element, by depth */
	size_t ntexts;
	awp_strbuf *text;  /* that of the innermost open element */
} parser;

static int bad(parser *ps, const char *why)
{
	return awp_error_set(AWP_ECORRUPT, "%s: malformed XML at byte %zu: %s", ps->what,
			     (size_t)(ps->p - ps->start), why);
}

static int starts(const parser *ps, const char *s)
{
	size_t n = strlen(s);
	return (size_t)(ps->end - ps->p) >= n && memcmp(ps->p, s, n) == 0;
}

static int skip_past(parser *ps, const char *term)
{
	size_t n = strlen(term);
	for (const char *q = ps->p; (size_t)(ps->end - q) >= n; q++) {
		if (memcmp(q, term, n) == 0) {
			ps->p = q + n;
			return 0;
		}
	}
	return bad(ps, "unterminated construct");
}

static int is_name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
	       c == '.' || c == ':' || (unsigned char)c >= 0x80;
}

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Append code point cp as UTF-8. */
static int put_utf8(awp_strbuf *sb, unsigned long cp)
{
	char b[4];
	size_t n = awp_utf8_encode((uint32_t)cp, b);
	return awp_strbuf_add(sb, b, n);
}

/* ps->p is at '&'. */
static int entity(parser *ps, awp_strbuf *sb)
{
	const char *semi = NULL;
	for (const char *q = ps->p + 1; q < ps->end && q < ps->p + 12; q++)
		if (*q == ';') {
			semi = q;
			break;
		}
	if (!semi)
		return bad(ps, "unterminated entity");
	const char *e = ps->p + 1;
	size_t n = (size_t)(semi - e);
	int err;
	if (n == 2 && memcmp(e, "lt", 2) == 0)
		err = awp_strbuf_putc(sb, '<');
	else if (n == 2 && memcmp(e, "gt", 2) == 0)
		err = awp_strbuf_putc(sb, '>');
	else if (n == 3 && memcmp(e, "amp", 3) == 0)
		err = awp_strbuf_putc(sb, '&');
	else if (n == 4 && memcmp(e, "quot", 4) == 0)
		err = awp_strbuf_putc(sb, '"');
	else if (n == 4 && memcmp(e, "apos", 4) == 0)
		err = awp_strbuf_putc(sb, '\'');
	else if (n >= 2 && e[0] == '#') {
		int hex = e[1] == 'x' || e[1] == 'X';
		unsigned long cp = 0;
		size_t i = hex ? 2 : 1;
		if (i >= n)
			return bad(ps, "empty character reference");
		for (; i < n; i++) {
			char c = e[i];
			int d = c >= '0' && c <= '9' ? c - '0'
				: hex && c >= 'a' && c <= 'f' ? c - 'a' + 10
				: hex && c >= 'A' && c <= 'F' ? c - 'A' + 10
							      : -1;
			if (d < 0)
				return bad(ps, "bad character reference");
			cp = cp * (hex ? 16 : 10) + (unsigned long)d;
			if (cp > 0x10FFFF)
				return bad(ps, "character reference out of range");
		}
		if (cp == 0)
			return bad(ps, "NUL character reference");
		err = put_utf8(sb, cp);
	} else
		return bad(ps, "unknown entity");
	ps->p = semi + 1;
	return err;
}

static int text_until_lt(parser *ps)
{
	while (ps->p < ps->end && *ps->p != '<') {
		int err;
		if (*ps->p == '&') {
			if ((err = entity(ps, ps->text)) < 0)
				return err;
			continue;
		}
		const char *q = ps->p;
		while (q < ps->end && *q != '<' && *q != '&')
			q++;
		if ((err = awp_strbuf_add(ps->text, ps->p, (size_t)(q - ps->p))) < 0)
			return err;
		ps->p = q;
	}
	return 0;
}

/* Reads a name at ps->p; returns its local part in [*s, *e). */
static int read_name(parser *ps, const char **s, const char **e)
{
	const char *q = ps->p;
	while (q < ps->end && is_name_char(*q))
		q++;
	if (q == ps->p)
		return bad(ps, "expected a name");
	const char *local = ps->p;
	for (const char *c = ps->p; c < q; c++)
		if (*c == ':')
			local = c + 1;
	*s = local;
	*e = q;
	ps->p = q;
	return 0;
}

/* Skip attributes up to '>' or '/>'; sets *empty for '/>'. */
static int skip_attrs(parser *ps, int *empty)
{
	while (ps->p < ps->end) {
		char c = *ps->p;
		if (c == '>') {
			ps->p++;
			*empty = 0;
			return 0;
		}
		if (c == '/' && ps->p + 1 < ps->end && ps->p[1] == '>') {
			ps->p += 2;
			*empty = 1;
			return 0;
		}
		if (c == '"' || c == '\'') {
			const char *q = memchr(ps->p + 1, c, (size_t)(ps->end - ps->p - 1));
			if (!q)
				return bad(ps, "unterminated attribute value");
			ps->p = q + 1;
			continue;
		}
		if (c == '<')
			return bad(ps, "'<' inside a tag");
		ps->p++;
	}
	return bad(ps, "unterminated tag");
}

static int finish_text(parser *ps, aws_xml_node *n)
{
	if (!n)
		return 0;
	n->text = ps->text->len ? awp_arena_strndup(&ps->doc->arena, ps->text->ptr, ps->text->len) : "";
	return n->text ? 0 : AWP_ENOMEM;
}

static int parse(parser *ps)
{
	aws_xml_node *cur = NULL;
	int depth = 0, err;
	while (ps->p < ps->end) {
		if (*ps->p != '<') {
			if (!cur) {
				if (!is_space(*ps->p)) {
					err = bad(ps, "text outside the root element");
					goto done;
				}
				ps->p++;
				continue;
			}
			if ((err = text_until_lt(ps)) < 0)
				goto done;
			continue;
		}
		if (starts(ps, "<?")) {
			if ((err = skip_past(ps, "?>")) < 0)
				goto done;
			continue;
		}
		if (starts(ps, "<!--")) {
			if ((err = skip_past(ps, "-->")) < 0)
				goto done;
			continue;
		}
		if (starts(ps, "<![CDATA[")) {
			if (!cur) {
				err = bad(ps, "CDATA outside the root element");
				goto done;
			}
			ps->p += 9;
			const char *s = ps->p;
			if ((err = skip_past(ps, "]]>")) < 0)
				goto done;
			if ((err = awp_strbuf_add(ps->text, s, (size_t)(ps->p - 3 - s))) < 0)
				goto done;
			continue;
		}
		if (starts(ps, "<!")) {
			err = bad(ps, "DOCTYPE and declarations are not accepted");
			goto done;
		}
		if (starts(ps, "</")) {
			ps->p += 2;
			const char *s, *e;
			if ((err = read_name(ps, &s, &e)) < 0)
				goto done;
			while (ps->p < ps->end && is_space(*ps->p))
				ps->p++;
			if (ps->p >= ps->end || *ps->p != '>') {
				err = bad(ps, "bad end tag");
				goto done;
			}
			ps->p++;
			if (!cur || strlen(cur->name) != (size_t)(e - s) || memcmp(cur->name, s, (size_t)(e - s)) != 0) {
				err = bad(ps, "mismatched end tag");
				goto done;
			}
			if ((err = finish_text(ps, cur)) < 0)
				goto done;
			depth--;
			ps->text = depth > 0 ? &ps->texts[depth - 1] : NULL;
			cur = cur->parent;
			if (!cur) {
				/* root closed: only whitespace, comments and PIs may follow */
				while (ps->p < ps->end) {
					if (is_space(*ps->p))
						ps->p++;
					else if (starts(ps, "<!--")) {
						if ((err = skip_past(ps, "-->")) < 0)
							goto done;
					} else if (starts(ps, "<?")) {
						if ((err = skip_past(ps, "?>")) < 0)
							goto done;
					} else {
						err = bad(ps, "content after the root element");
						goto done;
					}
				}
				err = 0;
				goto done;
			}
			continue;
		}
		/* start tag */
		ps->p++;
		if (!cur && ps->doc->root) {
			err = bad(ps, "second root element");
			goto done;
		}
		const char *s, *e;
		if ((err = read_name(ps, &s, &e)) < 0)
			goto done;
		if (depth >= AWP_MAX_XML_DEPTH) {
			err = awp_error_set(AWP_ELIMIT, "%s: XML nesting exceeds %d", ps->what, AWP_MAX_XML_DEPTH);
			goto done;
		}
		if (ps->doc->nodes >= AWP_MAX_XML_NODES) {
			err = awp_error_set(AWP_ELIMIT, "%s: more than %u XML elements", ps->what, AWP_MAX_XML_NODES);
			goto done;
		}
		aws_xml_node *n = awp_arena_alloc(&ps->doc->arena, sizeof(*n));
		if (!n || !(n->name = awp_arena_strndup(&ps->doc->arena, s, (size_t)(e - s)))) {
			err = AWP_ENOMEM;
			goto done;
		}
		n->text = "";
		n->parent = cur;
		n->first = n->last = n->next = NULL;
		ps->doc->nodes++;
		if (cur) {
			if (cur->last)
				cur->last->next = n;
			else
				cur->first = n;
			cur->last = n;
		} else
			ps->doc->root = n;
		int empty = 0;
		if ((err = skip_attrs(ps, &empty)) < 0)
			goto done;
		if (empty) {
			if (!cur) {
				err = 0;
				/* an empty root: the rest must be blank */
				cur = NULL;
				while (ps->p < ps->end && is_space(*ps->p))
					ps->p++;
				if (ps->p < ps->end)
					err = bad(ps, "content after the root element");
				goto done;
			}
			continue;
		}
		/* the child's character data collects at its depth */
		if ((size_t)depth >= ps->ntexts) {
			size_t cap = ps->ntexts;
			if ((err = awp_grow((void **)&ps->texts, &cap, (size_t)depth + 1, sizeof(*ps->texts))) < 0)
				goto done;
			for (size_t i = ps->ntexts; i < cap; i++)
				ps->texts[i] = (awp_strbuf)AWP_STRBUF_INIT;
			ps->ntexts = cap;
		}
		ps->text = &ps->texts[depth];
		awp_strbuf_truncate(ps->text, 0);
		cur = n;
		depth++;
	}
	err = ps->doc->root ? bad(ps, "unexpected end of document") : bad(ps, "no root element");
done:
	return err;
}

int aws_xml_parse(aws_xml_doc **out, const char *buf, size_t len, const char *what)
{
	aws_xml_doc *d = awp_calloc(1, sizeof(*d));
	if (!d)
		return AWP_ENOMEM;
	parser ps = {buf, buf, buf + len, what ? what : "xml", d, NULL, 0, NULL};
	/* a UTF-8 byte order mark is allowed */
	if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0)
		ps.p += 3;
	int err = parse(&ps);
	for (size_t i = 0; i < ps.ntexts; i++)
		awp_strbuf_free(&ps.texts[i]);
	free(ps.texts);
	if (err < 0) {
		aws_xml_free(d);
		return err;
	}
	*out = d;
	return 0;
}

void aws_xml_free(aws_xml_doc *d)
{
	if (!d)
		return;
	awp_arena_free(&d->arena);
	free(d);
}

const aws_xml_node *aws_xml_child(const aws_xml_node *n, const char *name)
{
	for (const aws_xml_node *c = n ? n->first : NULL; c; c = c->next)
		if (strcmp(c->name, name) == 0)
			return c;
	return NULL;
}

const aws_xml_node *aws_xml_path(const aws_xml_node *n, const char *path)
{
	char part[128];
	while (n && *path) {
		const char *slash = strchr(path, '/');
		size_t l = slash ? (size_t)(slash - path) : strlen(path);
		if (l >= sizeof part)
			return NULL;
		memcpy(part, path, l);
		part[l] = '\0';
		n = aws_xml_child(n, part);
		path += l + (slash ? 1 : 0);
	}
	return n;
}

const char *aws_xml_text(const aws_xml_node *n, const char *path)
{
	const aws_xml_node *c = aws_xml_path(n, path);
	return c ? c->text : NULL;
}

const aws_xml_node *aws_xml_next_same(const aws_xml_node *n)
{
	for (const aws_xml_node *c = n->next; c; c = c->next)
		if (strcmp(c->name, n->name) == 0)
			return c;
	return NULL;
}
