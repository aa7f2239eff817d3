// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "prep.h"

#define PAGE 4096ul

static int parse_count(const char *s, unsigned long long max, unsigned long long *out)
{
	char *end;

	errno = 0;
	*out = strtoull(s, &end, 10);
	return errno == 0 && end != s && *end == 0 && *out > 0 && *out <= max ? 0 : -1;
}

/* Maps and writes n pages with non-zero bytes; huge pages are refused so pages free one by one. */
static uint8_t *written_pages(unsigned long long n)
{
	uint8_t *p = mmap(NULL, n * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	madvise(p, n * PAGE, MADV_NOHUGEPAGE);
	for (unsigned long long i = 0; i < n; i++)
		memset(p + i * PAGE, 0x5a ^ (int)(i & 0x7f), PAGE);
	return p;
}

static int churn(unsigned long long mib)
{
	unsigned long long pages = mib * (1024 * 1024 / PAGE);
	uint8_t *p = written_pages(pages);

	if (!p) {
		fprintf(stderr, "pagehint-prep: cannot map %llu MiB: %s\n", mib, strerror(errno));
		return 1;
	}
	munmap(p, pages * PAGE);
	printf("pagehint-prep: churn: %llu MiB written and freed\n", mib);
	return 0;
}

static int fragment(unsigned long long pages)
{
	int ready[2];
	char ok = 0;
	pid_t pid;

	if (pipe(ready) < 0 || (pid = fork()) < 0) {
		fprintf(stderr, "pagehint-prep: cannot start the holder: %s\n", strerror(errno));
		return 1;
	}
	if (pid == 0) {
		uint8_t *p = written_pages(pages);

		close(ready[0]);
		if (p) {
			for (unsigned long long i = 1; i < pages; i += 2)
				madvise(p + i * PAGE, PAGE, MADV_DONTNEED);
			ok = 1;
		}
		if (write(ready[1], &ok, 1) != 1 || !p)
			_exit(1);
		close(ready[1]);
		for (;;)
			pause(); /* holds every other page for the guest's life */
	}
	close(ready[1]);
	if (read(ready[0], &ok, 1) != 1 || !ok) {
		fprintf(stderr, "pagehint-prep: fragment: could not write %llu pages\n", pages);
		return 1;
	}
	close(ready[0]);
	printf("pagehint-prep: fragment: %llu pages written, every second one freed, the rest held by pid %d\n",
	       pages, (int)pid);
	return 0;
}

int prep_run(const char *spec)
{
	unsigned long long n;

	if (!spec || !*spec || strcmp(spec, "none") == 0)
		return 0;
	if (strncmp(spec, "churn:", 6) == 0 && parse_count(spec + 6, 1ull << 30, &n) == 0)
		return churn(n);
	if (strncmp(spec, "fragment:", 9) == 0 && parse_count(spec + 9, 1ull << 36, &n) == 0)
		return fragment(n);
	fprintf(stderr, "pagehint-prep: unknown preparation '%s' (none, churn:<MiB>, fragment:<pages>)\n", spec);
	return 1;
}
