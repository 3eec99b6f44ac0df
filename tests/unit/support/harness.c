/*
 * tests/unit/harness.c - main() for unit tests: runs test_main, prints the
 * closing "N passed, N failed" line that CI reads.
 */
#include "harness.h"

#include <stdarg.h>
#include <stdlib.h>
#include <unistd.h>

int test_passed, test_failed;

void test_check(int ok, const char *file, int line, const char *expr, const char *detail)
{
	if (ok) {
		test_passed++;
		return;
	}
	test_failed++;
	fprintf(stderr, "FAIL %s:%d: %s%s%s\n", file, line, expr, detail ? " -- " : "", detail ? detail : "");
}

void test_skip(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	printf("SKIP: ");
	vprintf(fmt, ap);
	printf("\n");
	va_end(ap);
	exit(77);
}

const char *test_env(const char *name)
{
	const char *v = getenv(name);
	return v && *v ? v : NULL;
}

const char *test_fixture(const char *name)
{
	static char path[4096];
	const char *dir = test_env("AWP_FIXTURES_DIR");
	if (!dir)
		return NULL;
	snprintf(path, sizeof path, "%s/%s", dir, name);
	return access(path, R_OK) == 0 ? path : NULL;
}

int main(void)
{
	test_main();
	printf("%d passed, %d failed\n", test_passed, test_failed);
	return test_failed ? 1 : 0;
}
