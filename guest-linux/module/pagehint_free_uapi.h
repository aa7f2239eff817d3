/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * The user interface of the pagehint_free module: /dev/pagehint_free.
 * Shared by the module and the agent (guest-linux/agent), which includes it as is.
 *
 * Use: open (one opener at a time: a second open fails with EBUSY), PHF_IOC_INFO whenever,
 * PHF_IOC_BEGIN to start a walk, PHF_IOC_STEP until it returns 0, then read() the free pages as
 * struct phf_run records in ascending PFN order until read() returns 0, then PHF_IOC_STATS.
 * README.md of guest-linux describes it in full.
 */
#ifndef PAGEHINT_FREE_UAPI_H
#define PAGEHINT_FREE_UAPI_H

#include <linux/ioctl.h>
#include <linux/types.h>

#define PHF_DEVICE_NAME "pagehint_free"

/* struct phf_info.flags */
#define PHF_INFO_POISONED 1u /* every free page holds the byte phf_info.poison */

struct phf_info {
	__u64 end_pfn;          /* one past the highest PFN any populated zone spans */
	__u64 free_pages;       /* the kernel's free page counter now (MemFree / page size) */
	__u32 page_size;        /* bytes */
	__u32 flags;            /* PHF_INFO_* */
	__u32 poison;           /* with PHF_INFO_POISONED: 0 (init_on_free) or 0xaa (page_poison) */
	__u32 blocks_per_hold;  /* free-list entries visited per zone-lock hold at most */
	__u32 top_order;        /* the largest buddy order (10 on x86: 4 MiB blocks) */
	__u32 reserved;
};

/* The cost of the current or last walk. */
struct phf_stats {
	__u64 pages;            /* distinct pages found free (the pages read() returns) */
	__u64 blocks;           /* free-list entries visited (an entry seen twice counts twice) */
	__u64 walk_ns;          /* time spent in PHF_IOC_STEP, summed (locks, resched included) */
	__u64 max_lock_ns;      /* longest single hold of a zone lock (interrupts off) */
	__u64 lock_holds;       /* how many times a zone lock was taken */
	__u64 lock_ns;          /* all holds together (lock_ns / lock_holds: the mean hold) */
	__u64 top_order_pages;  /* of pages, those found in blocks of the largest order (4 MiB on x86) */
	__u64 pcp_pages;        /* pages on the per-CPU free lists right after the walk (not walked) */
	__u32 restarts;         /* lists walked again from the head because the cursor's page left them */
	__u32 cut;              /* lists (or whole walks) given up early: some free pages not reported */
};

/* One run of free pages: PFNs [pfn, pfn + pages). */
struct phf_run {
	__u64 pfn;
	__u64 pages;
};

#define PHF_IOC_MAGIC 0xB7
#define PHF_IOC_INFO  _IOR(PHF_IOC_MAGIC, 1, struct phf_info)
#define PHF_IOC_BEGIN _IO(PHF_IOC_MAGIC, 2)   /* start a walk; ends any earlier one */
#define PHF_IOC_STEP  _IO(PHF_IOC_MAGIC, 3)   /* walk a bounded piece: 1 = more to do, 0 = done */
#define PHF_IOC_STATS _IOR(PHF_IOC_MAGIC, 4, struct phf_stats)

#endif
