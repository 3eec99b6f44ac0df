/*
 * tests/unit/harness.h - the tiny test harness every unit test links.
 *
 * A test file defines test_main(); CHECK* macros count results; the harness
 * prints "N passed, N failed" as its last line and exits 1 on any failure,
 * or 77 (ctest's skip code) after test_skip().
 */
#ifndef AWP_TEST_HARNESS_H
#define AWP_TEST_HARNESS_H

#include <stdio.h>
#include <string.h>

extern int test_passed, test_failed;

void test_main(void);
void test_check(int ok, const char *file, int line, const char *expr, const char *detail);
/** Stop the test as skipped with a reason (exit 77). */
void test_skip(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
/** Environment variable or NULL when unset/empty. */
const char *test_env(const char *name);
/** Path to a fixture image in $AWP_FIXTURES_DIR, or NULL if missing. */
const char *test_fixture(const char *name);

#define CHECK(expr) test_check(!!(expr), __FILE__, __LINE__, #expr, NULL)
#define CHECK_MSG(expr, msg) test_check(!!(expr), __FILE__, __LINE__, #expr, (msg))
#define CHECK_EQ_INT(a, b) do { \
	long long a_ = (long long)(a), b_ = (long long)(b); char d_[128]; \
	snprintf(d_, sizeof d_, "%lld != %lld", a_, b_); \
	test_check(a_ == b_, __FILE__, __LINE__, #a " == " #b, d_); } while (0)
#define CHECK_EQ_STR(a, b) do { \
	const char *a_ = (a), *b_ = (b); char d_[512]; \
	snprintf(d_, sizeof d_, "\"%s\" != \"%s\"", a_ ? a_ : "(null)", b_ ? b_ : "(null)"); \
	test_check(a_ && b_ && strcmp(a_, b_) == 0, __FILE__, __LINE__, #a " == " #b, d_); } while (0)
#define CHECK_OK(call) do { int e_ = (call); char d_[512]; \
	snprintf(d_, sizeof d_, "returned %d: %s", e_, awp_error_last()); \
	test_check(e_ >= 0, __FILE__, __LINE__, #call, d_); } while (0)

#endif
