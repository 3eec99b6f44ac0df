/*
 * cli/cli.h - shared by the awp command's verbs (one cmd_<verb>.c each).
 *
 * Exit codes (docs/exit-codes.md): 0 success, 1 findings/partial result where
 * a verb defines it, 2 usage error, 3 the target could not be read at all.
 */
#ifndef AWP_CLI_H
#define AWP_CLI_H

#include <stdio.h>

#define AWP_EXIT_OK 0
#define AWP_EXIT_PARTIAL 1
#define AWP_EXIT_USAGE 2
#define AWP_EXIT_FAILED 3

#define AWP_CMD(name, fn, summary) int fn(int argc, char **argv);
#include "commands.def"
#undef AWP_CMD

/** Print "awp: " + message to stderr. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/** Print "awp: warning: " + message to stderr. */
void cli_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#include <awp/target.h>

/** Open a target, printing the error on failure (returns NULL). */
awp_target *cli_open_target(const char *path);
/** Human size: "641.0 MiB" into buf. */
const char *cli_human_size(uint64_t bytes, char *buf, size_t len);
/** Write all bytes to a FILE, 0 or -1. */
int cli_write_all(FILE *f, const void *buf, size_t len);

#endif
