/*
 * tests/fuzz/fuzz_support.h - a bare inventory for the language parser
 * fuzz targets (they call the byte-level entry points of pkg/lang_int.h).
 */
#ifndef AWP_FUZZ_SUPPORT_H
#define AWP_FUZZ_SUPPORT_H

#include "pkg/lang_int.h"
#include "util/mem.h"

#include <stdlib.h>
#include <string.h>

static inline awp_inventory *fuzz_inventory(void)
{
	return awp_calloc(1, sizeof(awp_inventory));
}

#endif
