/*
 * Fuzz target for the AWS response readers: the XML reader (EC2/STS
 * responses) with a walk of the whole tree and the path helpers, and the
 * error extraction used on every non-2xx body (XML or JSON).
 */
#include "cloud/aws/aws_int.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

static size_t walk(const aws_xml_node *n, int depth)
{
	size_t total = 0;
	for (const aws_xml_node *c = n; c; c = c->next) {
		total += strlen(c->name) + strlen(c->text);
		if (depth > AWP_MAX_XML_DEPTH + 1)
			abort(); /* the depth limit must hold */
		total += walk(c->first, depth + 1);
	}
	return total;
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	if (size > (1 << 20))
		return 0;
	aws_xml_doc *d = NULL;
	if (aws_xml_parse(&d, (const char *)data, size, "fuzz") == 0) {
		walk(d->root, 0);
		aws_xml_text(d->root, "reservationSet/item/instancesSet/item/instanceId");
		const aws_xml_node *it = aws_xml_path(d->root, "snapshotSet/item");
		while (it)
			it = aws_xml_next_same(it);
		aws_xml_free(d);
	}
	aws_response rs = {0};
	awp_strbuf_add(&rs.body, data, size);
	char code[128], msg[512];
	aws_parse_error(&rs, code, sizeof code, msg, sizeof msg);
	aws_response_free(&rs);
	return 0;
}
