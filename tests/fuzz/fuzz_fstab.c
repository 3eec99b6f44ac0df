/*
 * fuzz_fstab: the /etc/fstab parsing of the instance assembly
 * (cloud/assemble.c): line splitting and octal unescaping, the placement
 * filter, and the device names an entry may use (/dev/sdX, /dev/xvdX,
 * /dev/nvmeNn1pP, /dev/mapper/vg-lv, /dev/vg/lv).
 */
#include "cloud/cloud_int.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* fstab text is capped at AWP_MAX_FSTAB when read; bound the input the same way. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > AWP_MAX_FSTAB)
		return 0;
	char *text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	cloud_fstab_entry e;
	size_t n = 0;
	for (char *cur = text; cloud_fstab_next(&cur, &e) && n < AWP_MAX_FSTAB_ENTRIES * 16; n++) {
		char base[64], lv[256];
		int part = 0;
		(void)cloud_fstab_places(&e);
		if (cloud_parse_device(e.spec, base, sizeof base, &part) == 0 && (strlen(base) >= sizeof base || part < 0))
			abort();
		if (cloud_lvm_name(e.spec, lv, sizeof lv) == 0 && strlen(lv) >= sizeof lv)
			abort();
		(void)cloud_parse_device(e.file, base, sizeof base, &part);
		(void)cloud_lvm_name(e.file, lv, sizeof lv);
	}
	free(text);
	return 0;
}
