/* Temporary until the ext backend lands (this session). */
#include <awp/sys/fs.h>
static int no_probe(awp_source *src) { (void)src; return 0; }
const awp_fs_ops awp_fs_ext_ops = {.version = AWP_FS_OPS_VERSION, .type = "ext", .probe = no_probe};
