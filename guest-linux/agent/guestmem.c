// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "guestmem.h"

int guestmem_open(void)
{
	return open(PHF_DEVICE_PATH, O_RDONLY | O_CLOEXEC);
}

int guestmem_info(int dev, struct phf_info *info)
{
	return ioctl(dev, PHF_IOC_INFO, info) < 0 ? -1 : 0;
}

int guestmem_counters(uint32_t page_size, uint64_t *free_pages, uint64_t *cached_pages)
{
	FILE *f = fopen("/proc/meminfo", "r");
	char line[128];
	int found = 0;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		unsigned long long kib;

		if (sscanf(line, "MemFree: %llu kB", &kib) == 1) {
			*free_pages = kib * 1024 / page_size;
			found |= 1;
		} else if (sscanf(line, "Cached: %llu kB", &kib) == 1) {
			*cached_pages = kib * 1024 / page_size;
			found |= 2;
		}
	}
	fclose(f);
	return found == 3 ? 0 : -1;
}

int guestmem_drop_clean_cache(void)
{
	int fd = open("/proc/sys/vm/drop_caches", O_WRONLY | O_CLOEXEC);
	int ok;

	if (fd < 0)
		return -1;
	ok = write(fd, "1\n", 2) == 2;
	close(fd);
	return ok ? 0 : -1;
}

void run_reader_start(struct run_reader *r, int dev)
{
	r->dev = dev;
	r->n = 0;
	r->next = 0;
	r->eof = 0;
}

int run_reader_next(struct run_reader *r, struct phf_run *run)
{
	if (r->next == r->n) {
		ssize_t got;

		if (r->eof)
			return 0;
		do {
			got = read(r->dev, r->buf, sizeof(r->buf));
		} while (got < 0 && errno == EINTR);
		if (got < 0)
			return -1;
		if (got == 0 || (size_t)got % sizeof(struct phf_run) != 0) {
			r->eof = 1;
			if (got != 0) {
				errno = EIO;
				return -1;
			}
			return 0;
		}
		r->n = (size_t)got / sizeof(struct phf_run);
		r->next = 0;
	}
	*run = r->buf[r->next++];
	return 1;
}
