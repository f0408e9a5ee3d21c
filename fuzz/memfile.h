/* memfile.h: an input given to a reader that opens files by path, without
 * touching the disk: a memfd, named /proc/self/fd/N. */
#ifndef IGMPX_FUZZ_MEMFILE_H
#define IGMPX_FUZZ_MEMFILE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

/* Writes data into a new memfd and calls read(path) on it. */
static inline void with_memfile(const uint8_t *data, size_t size, void (*read)(const char *path))
{
	int fd = memfd_create("fuzz-input", MFD_CLOEXEC);
	size_t off = 0;
	char path[64];

	if (fd < 0)
		return;
	while (off < size) {
		ssize_t n = write(fd, data + off, size - off);
		if (n <= 0) {
			close(fd);
			return;
		}
		off += (size_t)n;
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	read(path);
	close(fd);
}

#endif
