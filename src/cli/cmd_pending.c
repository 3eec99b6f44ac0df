/* Temporary until cmd_inspect.c, cmd_ls.c, cmd_cat.c land (this session). */
#include "cli.h"
int cmd_inspect(int argc, char **argv) { (void)argc; (void)argv; cli_error("inspect: not built yet"); return AWP_EXIT_FAILED; }
int cmd_ls(int argc, char **argv) { (void)argc; (void)argv; cli_error("ls: not built yet"); return AWP_EXIT_FAILED; }
int cmd_cat(int argc, char **argv) { (void)argc; (void)argv; cli_error("cat: not built yet"); return AWP_EXIT_FAILED; }
