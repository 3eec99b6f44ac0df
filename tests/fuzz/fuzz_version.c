/*
 * Fuzz target for the version orderings. Input: byte 0 picks the scheme
 * (low nibble) and the flags (bit 4 = AWP_VERSION_LENIENT); the rest is
 * "A\nB". Besides crashes, checks that every ordering is antisymmetric
 * (cmp(a,b) == -cmp(b,a)), reflexive (cmp(a,a) == 0) and that validity does
 * not depend on the other operand.
 */
#include <awp/version.h>

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	if (size < 1 || size > 4096)
		return 0;
	awp_version_scheme s = (awp_version_scheme)(1 + data[0] % (AWP_VERSION_SCHEME_COUNT - 1));
	unsigned flags = (data[0] & 0x10) ? AWP_VERSION_LENIENT : 0;
	char *buf = malloc(size);
	if (!buf)
		return 0;
	memcpy(buf, data + 1, size - 1);
	buf[size - 1] = 0;
	char *a = buf, *b = strchr(buf, '\n');
	if (b)
		*b++ = 0;
	else
		b = "1.0";
	int ab = 9, ba = 9, aa = 9;
	int e1 = awp_version_cmp(&ab, s, a, b, flags);
	int e2 = awp_version_cmp(&ba, s, b, a, flags);
	int e3 = awp_version_cmp(&aa, s, a, a, flags);
	if ((e1 == 0) != (e2 == 0))
		abort();
	if (e1 == 0 && (ab != -ba || ab < -1 || ab > 1))
		abort();
	if (e3 == 0 && aa != 0)
		abort();
	if (e1 == 0 && e3 != 0)
		abort(); /* a compared fine against b but not against itself */
	free(buf);
	return 0;
}
