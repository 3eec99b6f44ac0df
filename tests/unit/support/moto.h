/*
 * tests/unit/support/moto.h - the AWS emulator for tests: moto behind
 * tests/integration/aws_moto.py, on a free loopback port. The test is
 * skipped (exit 77) when AWP_SOURCE_DIR or python's moto/boto3 are absent.
 */
#ifndef AWP_TEST_MOTO_H
#define AWP_TEST_MOTO_H

#include <sys/types.h>

typedef struct test_moto {
	char endpoint[64];  /* "http://127.0.0.1:PORT" */
	char script[512];   /* aws_moto.py, for its upload/control commands */
	pid_t pid;
} test_moto;

/* Start the server with its log in DIR/server.log; `extra` is one more
 * argument for `aws_moto.py serve` ("--verify-sigv4") or NULL. */
void test_moto_start(test_moto *m, const char *dir, const char *extra);
void test_moto_stop(test_moto *m);

#endif
