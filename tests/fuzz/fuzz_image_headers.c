/*
 * fuzz_image_headers: the input is written to a temporary file under /tmp and
 * opened with awp_source_open (format detection, then libqcow / libvmdk /
 * libvhdi and our own qcow2 header checks); a few ranges of the virtual disk
 * are read. The file is removed after each run.
 *
 * Backing and parent file names in the input resolve relative to /tmp, so a
 * file named there could be opened; the chain checks keep that bounded.
 */
#include <awp/source.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/*
 * libvmdk 20200926 leaks its descriptor object (208 bytes) when
 * libvmdk_handle_open fails on a malformed embedded descriptor; the leak is
 * inside the library, bounded per failed open, and not ours to fix.
 */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
	return "leak:libvmdk_descriptor_file_initialize\n";
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[] = "/tmp/awp-fuzz-image-XXXXXX";
	int fd = mkstemp(path);
	if (fd < 0)
		return 0;
	size_t off = 0;
	while (off < size) {
		ssize_t n = write(fd, data + off, size - off);
		if (n <= 0)
			break;
		off += (size_t)n;
	}
	close(fd);
	awp_source *src = NULL;
	if (awp_source_open(&src, path) == 0) {
		uint64_t vs = awp_source_size(src);
		uint8_t *buf = malloc(65536);
		const uint64_t offs[] = {0, 512, 65536 - 17, vs / 2, vs > 65536 ? vs - 65536 : 0};
		for (size_t i = 0; buf && i < sizeof offs / sizeof offs[0]; i++) {
			size_t n = vs - offs[i] < 65536 ? (size_t)(vs - offs[i]) : 65536;
			if (offs[i] < vs)
				awp_source_read(src, buf, n, offs[i]);
		}
		free(buf);
		awp_source_free(src);
	}
	unlink(path);
	return 0;
}
