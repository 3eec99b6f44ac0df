/*
 * tests/unit/support/moto.c - the AWS emulator for tests (moto.h).
 */
#include "moto.h"

#include "fscompare.h" /* test_sh */
#include "harness.h"

#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

void test_moto_start(test_moto *m, const char *dir, const char *extra)
{
	const char *srcdir = test_env("AWP_SOURCE_DIR");
	if (!srcdir)
		test_skip("AWP_SOURCE_DIR not set");
	if (test_sh("python3 -c 'import moto, boto3' 2>/dev/null") != 0)
		test_skip("python moto/boto3 not installed");
	snprintf(m->script, sizeof m->script, "%s/tests/integration/aws_moto.py", srcdir);
	char portfile[512], log[512];
	snprintf(portfile, sizeof portfile, "%s/port", dir);
	snprintf(log, sizeof log, "%s/server.log", dir);
	m->pid = fork();
	if (m->pid == 0) {
		if (!freopen(log, "w", stderr) || !freopen("/dev/null", "w", stdout))
			_exit(127);
		execlp("python3", "python3", m->script, "serve", "--port-file", portfile, extra, (char *)NULL);
		_exit(127);
	}
	for (int i = 0; i < 200; i++) {
		FILE *f = fopen(portfile, "r");
		int port = 0;
		if (f) {
			if (fscanf(f, "%d", &port) != 1)
				port = 0;
			fclose(f);
		}
		if (port) {
			snprintf(m->endpoint, sizeof m->endpoint, "http://127.0.0.1:%d", port);
			return;
		}
		usleep(50000);
	}
	test_skip("moto server did not start (see %s)", log);
}

void test_moto_stop(test_moto *m)
{
	if (m->pid > 0) {
		kill(m->pid, SIGTERM);
		waitpid(m->pid, NULL, 0);
		m->pid = 0;
	}
}
