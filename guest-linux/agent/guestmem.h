/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the agent knows of the guest's memory: the pagehint_free module (/dev/pagehint_free, see
 * module/pagehint_free_uapi.h) for the walk, the highest PFN and free-page poisoning;
 * /proc/meminfo for MEMINFO's counters; /proc/sys/vm/drop_caches for dropping the page cache.
 */
#ifndef PH_GUESTMEM_H
#define PH_GUESTMEM_H

#include <stddef.h>
#include <stdint.h>

#include "pagehint_free_uapi.h"

#define PHF_DEVICE_PATH "/dev/" PHF_DEVICE_NAME

/* Opens the module's device; -1 with errno. */
int guestmem_open(void);

int guestmem_info(int dev, struct phf_info *info);

/* MemFree and Cached of /proc/meminfo, in pages of page_size; 0 or -1. */
int guestmem_counters(uint32_t page_size, uint64_t *free_pages, uint64_t *cached_pages);

/* Writes 1 to /proc/sys/vm/drop_caches: the clean page cache (not dentries and inodes); 0 or -1. */
int guestmem_drop_clean_cache(void);

/* Runs of free pages, read from the module in batches into a fixed buffer. */
struct run_reader {
	int dev;
	struct phf_run buf[256];
	size_t n;
	size_t next;
	int eof;
};

void run_reader_start(struct run_reader *r, int dev);

/* The next run: 1 and *run, 0 at the end, -1 on error (errno). */
int run_reader_next(struct run_reader *r, struct phf_run *run);

#endif
