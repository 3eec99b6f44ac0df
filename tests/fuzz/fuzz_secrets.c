/*
 * Fuzz target for the secret scanner: the input is file content, scanned
 * with the shipped rules in chunks. Byte 0 picks the chunk size, byte 1 the
 * path (so that path-restricted rules run too). Besides crashes, checks
 * that a finding's redacted form is short and printable and that its
 * position lies inside the content.
 */
#include <awp/secrets.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

static awp_secrets_rules *rules;
static awp_secrets_scanner *scanner;
static size_t content_len;

static int check(const awp_secret_finding *f, void *payload)
{
	(void)payload;
	if (strlen(f->redacted) > 12 || f->offset >= content_len || f->line < 1 || f->column < 1 ||
	    strncmp(f->fingerprint, "fp1:", 4) != 0)
		abort();
	return 0;
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	static const char *const paths[] = {"/srv/app/config.yml", "/root/.pgpass", "/root/.netrc",
					    "/root/.kube/config", "/var/lib/cloud/instance/user-data.txt",
					    "/root/.docker/config.json", "/root/.bash_history", "/root/.my.cnf"};
	static const size_t chunks[] = {1, 7, 64, 4096, 65536, 1 << 20};
	if (!rules) {
		awp_secrets_load_options o = AWP_SECRETS_LOAD_OPTIONS_INIT;
		o.builtin_allowlist = 0;
		if (awp_secrets_rules_load(&rules, &o) < 0 || awp_secrets_scanner_new(&scanner, rules) < 0) {
			fprintf(stderr, "fuzz_secrets: %s\n", awp_error_last());
			abort();
		}
	}
	if (size < 2)
		return 0;
	size_t chunk = chunks[data[0] % (sizeof(chunks) / sizeof(*chunks))];
	const char *path = paths[data[1] % (sizeof(paths) / sizeof(*paths))];
	data += 2;
	size -= 2;
	content_len = size;
	size_t o = 0;
	do {
		size_t n = size - o < chunk ? size - o : chunk;
		if (awp_secrets_scan_buffer(scanner, path, data + o, n, o + n >= size, check, NULL) < 0)
			abort();
		o += n;
	} while (o < size);
	return 0;
}
