// SPDX-License-Identifier: GPL-2.0
/*
 * pagehint_free: on request, walks the buddy allocator's free lists (every populated zone of every
 * online node, every order, every migratetype) and hands the free pages to user space by PFN, as
 * runs in ascending order. It is the guest half of pagehint's design note, section 4a: a free-page
 * bitmap built on demand by walking the free lists. guest-linux/README.md describes the interface.
 *
 * Never hurting the guest:
 *  - A zone's lock (taken with interrupts off) is held for at most blocks_per_hold free-list
 *    entries, each costing O(1) (a bitmap_set of at most 2^(orders-1) bits); then the lock is
 *    dropped, cond_resched() runs, and the walk resumes from a cursor (below). The longest hold
 *    is measured and reported.
 *  - Memory: one bitmap of one bit per PFN up to the highest zone end (RAM/32768), allocated when
 *    a walk begins, freed when the device is closed; everything else is fixed-size.
 *  - One opener at a time (EBUSY for a second); a walk advances only inside PHF_IOC_STEP, a
 *    bounded piece per call, so the caller can stop between pieces and a fatal signal ends it.
 *
 * Correctness: a PFN is marked only while it is seen, under its zone's lock, on a free list,
 * so every reported page was free at some moment of the walk (the host's dirty log covers its
 * reuse afterwards). Pages freed or merged while the lock is dropped may be missed; that is
 * conservative (a page not reported is simply migrated).
 *
 * Resuming between pieces: the cursor is the PFN of the next, not yet visited entry. After the
 * lock is taken again the cursor is trusted only if its page is still the head of a free block of
 * the same order in the same zone (PageBuddy, page_private == order, page_zone). Such a page is on
 * one of this order's free lists, so walking on from it visits only free blocks of this order and
 * ends at one of this order's list heads, all of which phf_is_head() recognises; no pointer is
 * followed that the lock does not protect. If the page moved to another migratetype's list, or
 * the cursor no longer validates, the list is walked again from its head (marking twice is
 * harmless in a bitmap), at most PHF_MAX_RESTARTS times, then given up (counted as cut). A cap
 * on the entries visited per walk (twice the free blocks at the start, plus a margin) ends a walk
 * that frees would otherwise keep feeding.
 */
#include <linux/atomic.h>
#include <linux/bitmap.h>
#include <linux/cpumask.h>
#include <linux/percpu.h>
#include <linux/fs.h>
#include <linux/ktime.h>
#include <linux/memory_hotplug.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/mmzone.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/nodemask.h>
#include <linux/page-flags.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>
#include <linux/version.h>
#include <linux/vmstat.h>

#include "pagehint_free_uapi.h"

#ifndef CONFIG_NUMA
/* Without NUMA, NODE_DATA() is contig_page_data, which is not exported to modules. */
#error "pagehint_free needs CONFIG_NUMA=y (it reaches each node through the exported node_data)"
#endif

/*
 * How many buddy orders there are. Up to 6.3 MAX_ORDER counts them (11: orders 0..10); from 6.4
 * MAX_ORDER is the largest order itself (10), and 6.8 renamed it MAX_PAGE_ORDER with
 * NR_PAGE_ORDERS the count.
 */
#if defined(NR_PAGE_ORDERS)
#define PHF_NR_ORDERS NR_PAGE_ORDERS
#elif LINUX_VERSION_CODE >= KERNEL_VERSION(6, 4, 0)
#define PHF_NR_ORDERS (MAX_ORDER + 1)
#else
#define PHF_NR_ORDERS MAX_ORDER
#endif

/* struct page's member that links a free block into its list (the Makefile picks lru before 5.19) */
#ifndef PHF_BUDDY_LIST
#define PHF_BUDDY_LIST buddy_list
#endif

#define PHF_MIN_HOLD 16u
#define PHF_MAX_HOLD 4096u
#define PHF_HOLDS_PER_STEP 64u
#define PHF_MAX_RESTARTS 8u
#define PHF_READ_BATCH 256u
#define PHF_VISIT_MARGIN 65536ull

static unsigned int blocks_per_hold = 256;
module_param(blocks_per_hold, uint, 0644);
MODULE_PARM_DESC(blocks_per_hold,
		 "free-list entries visited per zone-lock hold at most (16..4096, default 256)");

/* The last finished walk, for people (the agent uses PHF_IOC_STATS). */
static unsigned long last_pages, last_blocks, last_walk_us, last_max_lock_us;
module_param(last_pages, ulong, 0444);
MODULE_PARM_DESC(last_pages, "pages reported free by the last walk");
module_param(last_blocks, ulong, 0444);
MODULE_PARM_DESC(last_blocks, "free-list entries visited by the last walk");
module_param(last_walk_us, ulong, 0444);
MODULE_PARM_DESC(last_walk_us, "time the last walk took, in microseconds");
module_param(last_max_lock_us, ulong, 0444);
MODULE_PARM_DESC(last_max_lock_us, "longest zone-lock hold (interrupts off) of the last walk, in microseconds");

struct phf_walk {
	unsigned long *bitmap;		/* bit p set: PFN p was seen free */
	unsigned long nbits;		/* PFNs the bitmap covers, [0, nbits) */
	bool started;			/* PHF_IOC_BEGIN ran */
	bool done;			/* every list was walked (or the walk was cut) */
	/* the cursor: where the next piece starts */
	int nid;
	int zid;
	unsigned int order;
	unsigned int mt;
	bool resume;			/* mid-list: next_pfn is the next entry to visit */
	unsigned long next_pfn;
	unsigned int restarts_here;	/* restarts of the current list */
	u64 visits_left;		/* live-lock guard, see the top of the file */
	unsigned long read_pfn;		/* read(): where the next run search starts */
	struct phf_stats stats;
	struct phf_run out[PHF_READ_BATCH];
};

static atomic_t phf_opened = ATOMIC_INIT(0);
static DEFINE_MUTEX(phf_mutex);	/* serialises calls on the one open file */

/* Whether pos is one of this order's list heads (inside struct zone), i.e. the end of a list. */
static bool phf_is_head(struct free_area *area, struct list_head *pos)
{
	unsigned long off = (unsigned long)pos - (unsigned long)&area->free_list[0];

	return off < sizeof(area->free_list);
}

/* The zone the cursor is in, moving it to the next populated zone of an online node; NULL at the end. */
static struct zone *phf_current_zone(struct phf_walk *w)
{
	for (; w->nid < MAX_NUMNODES; w->nid = next_online_node(w->nid), w->zid = 0) {
		if (!node_online(w->nid))
			continue;
		for (; w->zid < MAX_NR_ZONES; w->zid++) {
			struct zone *z = &NODE_DATA(w->nid)->node_zones[w->zid];

			if (populated_zone(z))
				return z;
			w->order = 0;
			w->mt = 0;
			w->resume = false;
			w->restarts_here = 0;
		}
	}
	return NULL;
}

static void phf_next_list(struct phf_walk *w)
{
	w->resume = false;
	w->restarts_here = 0;
	if (++w->mt == MIGRATE_TYPES) {
		w->mt = 0;
		w->order++;
	}
}

static void phf_mark(struct phf_walk *w, unsigned long pfn, unsigned int order)
{
	unsigned long n = 1UL << order;

	if (pfn >= w->nbits)
		return; /* a zone grew after the walk began (hotplug): not reported, conservative */
	if (n > w->nbits - pfn)
		n = w->nbits - pfn;
	/* largest-order blocks are aligned and disjoint: one already marked at pfn is this one again */
	if (order == PHF_NR_ORDERS - 1 && !test_bit(pfn, w->bitmap))
		w->stats.top_order_pages += n;
	bitmap_set(w->bitmap, pfn, n);
}

/* Pages on the per-CPU free lists of every populated zone now: free, but on no list the walk sees. */
static u64 phf_pcp_pages(void)
{
	u64 pages = 0;
	int nid;

	for_each_online_node(nid) {
		int zid;

		for (zid = 0; zid < MAX_NR_ZONES; zid++) {
			struct zone *z = &NODE_DATA(nid)->node_zones[zid];
			int cpu;

			if (!populated_zone(z) || !z->per_cpu_pageset)
				continue;
			for_each_online_cpu(cpu)
				pages += max(READ_ONCE(per_cpu_ptr(z->per_cpu_pageset, cpu)->count), 0);
		}
	}
	return pages;
}

/* Restarts the current list from its head, or gives it up after too many restarts. Lock held. */
static struct list_head *phf_restart(struct phf_walk *w, struct free_area *area)
{
	w->resume = false;
	w->stats.restarts++;
	if (++w->restarts_here > PHF_MAX_RESTARTS) {
		w->stats.cut++;
		phf_next_list(w);
		return NULL;
	}
	return area->free_list[w->mt].next;
}

/* Where to go on in the current list; NULL if it was given up. Zone lock held. */
static struct list_head *phf_list_start(struct phf_walk *w, struct zone *zone, struct free_area *area)
{
	struct page *page;

	if (!w->resume)
		return area->free_list[w->mt].next;
	page = pfn_to_online_page(w->next_pfn);
	if (page && page_zone(page) == zone && PageBuddy(page) && page_private(page) == w->order) {
		w->resume = false;
		return &page->PHF_BUDDY_LIST;
	}
	return phf_restart(w, area);
}

/* One piece: at most blocks_per_hold entries under the zone's lock. */
static void phf_walk_piece(struct phf_walk *w, struct zone *zone)
{
	unsigned int budget = clamp(READ_ONCE(blocks_per_hold), PHF_MIN_HOLD, PHF_MAX_HOLD);
	unsigned long flags;
	u64 t0, held;

	spin_lock_irqsave(&zone->lock, flags);
	t0 = ktime_get_ns();
	while (budget && w->order < PHF_NR_ORDERS && !w->done) {
		struct free_area *area = &zone->free_area[w->order];
		struct list_head *head = &area->free_list[w->mt];
		struct list_head *pos = phf_list_start(w, zone, area);

		if (!pos)
			continue;
		while (budget && !phf_is_head(area, pos)) {
			if (!w->visits_left) {
				w->stats.cut++;
				w->done = true;
				break;
			}
			w->visits_left--;
			/* the list tells the order: never trust a stored value for the length */
			phf_mark(w, page_to_pfn(list_entry(pos, struct page, PHF_BUDDY_LIST)), w->order);
			w->stats.blocks++;
			budget--;
			pos = pos->next;
		}
		if (w->done)
			break;
		if (pos == head) {
			phf_next_list(w);
		} else if (phf_is_head(area, pos)) {
			/* the cursor had moved to another migratetype's list: ours again from its head */
			phf_restart(w, area);
		} else {
			w->resume = true;
			w->next_pfn = page_to_pfn(list_entry(pos, struct page, PHF_BUDDY_LIST));
		}
	}
	held = ktime_get_ns() - t0;
	spin_unlock_irqrestore(&zone->lock, flags);

	w->stats.lock_holds++;
	w->stats.lock_ns += held;
	if (held > w->stats.max_lock_ns)
		w->stats.max_lock_ns = held;
	if (w->order >= PHF_NR_ORDERS) {
		w->zid++;
		w->order = 0;
		w->mt = 0;
		w->resume = false;
		w->restarts_here = 0;
	}
}

/* One past the highest PFN of any populated zone; and the free blocks on all lists now (racy, an estimate). */
static unsigned long phf_end_pfn(u64 *free_blocks)
{
	unsigned long end = 0;
	int nid;

	*free_blocks = 0;
	for_each_online_node(nid) {
		int zid;

		for (zid = 0; zid < MAX_NR_ZONES; zid++) {
			struct zone *z = &NODE_DATA(nid)->node_zones[zid];
			unsigned int order;

			if (!populated_zone(z))
				continue;
			end = max(end, zone_end_pfn(z));
			for (order = 0; order < PHF_NR_ORDERS; order++)
				*free_blocks += READ_ONCE(z->free_area[order].nr_free);
		}
	}
	return end;
}

static long phf_begin(struct phf_walk *w)
{
	u64 free_blocks;
	unsigned long nbits = phf_end_pfn(&free_blocks);

	if (!w->bitmap || w->nbits != nbits) {
		vfree(w->bitmap);
		w->nbits = 0;
		w->bitmap = vzalloc(BITS_TO_LONGS(nbits) * sizeof(unsigned long));
		if (!w->bitmap)
			return -ENOMEM;
		w->nbits = nbits;
	} else {
		bitmap_zero(w->bitmap, w->nbits);
	}
	w->started = true;
	w->done = false;
	w->nid = first_online_node;
	w->zid = 0;
	w->order = 0;
	w->mt = 0;
	w->resume = false;
	w->restarts_here = 0;
	w->visits_left = 2 * free_blocks + PHF_VISIT_MARGIN;
	w->read_pfn = 0;
	memset(&w->stats, 0, sizeof(w->stats));
	return 0;
}

static long phf_step(struct phf_walk *w)
{
	unsigned int holds = PHF_HOLDS_PER_STEP;
	long ret = 1;
	u64 t0;

	if (!w->started)
		return -EINVAL;
	if (w->done)
		return 0;
	t0 = ktime_get_ns();
	while (holds--) {
		struct zone *zone = phf_current_zone(w);

		if (!zone) {
			w->done = true;
			break;
		}
		phf_walk_piece(w, zone);
		if (w->done)
			break;
		cond_resched();
		if (fatal_signal_pending(current)) {
			ret = -EINTR;
			break;
		}
	}
	w->stats.walk_ns += ktime_get_ns() - t0;
	if (!w->done)
		return ret;
	w->stats.pages = bitmap_weight(w->bitmap, w->nbits);
	w->stats.pcp_pages = phf_pcp_pages();
	last_pages = w->stats.pages;
	last_blocks = w->stats.blocks;
	last_walk_us = div_u64(w->stats.walk_ns, 1000);
	last_max_lock_us = div_u64(w->stats.max_lock_ns, 1000);
	return 0;
}

static void phf_info(struct phf_info *info)
{
	u64 unused;

	memset(info, 0, sizeof(*info));
	info->end_pfn = phf_end_pfn(&unused);
	info->free_pages = global_zone_page_state(NR_FREE_PAGES);
	info->page_size = PAGE_SIZE;
	info->blocks_per_hold = clamp(READ_ONCE(blocks_per_hold), PHF_MIN_HOLD, PHF_MAX_HOLD);
	info->top_order = PHF_NR_ORDERS - 1;
	/* page_poison wins over init_on_free when both are asked for (mm_core_init) */
#ifdef CONFIG_PAGE_POISONING
	if (page_poisoning_enabled_static()) {
		info->flags |= PHF_INFO_POISONED;
		info->poison = PAGE_POISON;
		return;
	}
#endif
	if (want_init_on_free()) {
		info->flags |= PHF_INFO_POISONED;
		info->poison = 0;
	}
}

static long phf_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct phf_walk *w = file->private_data;
	void __user *uarg = (void __user *)arg;
	long ret;

	if (mutex_lock_interruptible(&phf_mutex))
		return -EINTR;
	switch (cmd) {
	case PHF_IOC_INFO: {
		struct phf_info info;

		phf_info(&info);
		ret = copy_to_user(uarg, &info, sizeof(info)) ? -EFAULT : 0;
		break;
	}
	case PHF_IOC_BEGIN:
		ret = phf_begin(w);
		break;
	case PHF_IOC_STEP:
		ret = phf_step(w);
		break;
	case PHF_IOC_STATS:
		ret = copy_to_user(uarg, &w->stats, sizeof(w->stats)) ? -EFAULT : 0;
		break;
	default:
		ret = -ENOTTY;
	}
	mutex_unlock(&phf_mutex);
	return ret;
}

/* Runs of free pages in ascending PFN order, as struct phf_run records; 0 when all were read. */
static ssize_t phf_read(struct file *file, char __user *buf, size_t count, loff_t *ppos)
{
	struct phf_walk *w = file->private_data;
	size_t max = min_t(size_t, count / sizeof(struct phf_run), PHF_READ_BATCH);
	unsigned long from;
	size_t n = 0;
	ssize_t ret;

	if (!max)
		return -EINVAL;
	if (mutex_lock_interruptible(&phf_mutex))
		return -EINTR;
	if (!w->started || !w->done) {
		ret = -EINVAL;
		goto out;
	}
	from = w->read_pfn;
	while (n < max && w->read_pfn < w->nbits) {
		unsigned long start = find_next_bit(w->bitmap, w->nbits, w->read_pfn);
		unsigned long end;

		if (start >= w->nbits) {
			w->read_pfn = w->nbits;
			break;
		}
		end = find_next_zero_bit(w->bitmap, w->nbits, start);
		w->out[n].pfn = start;
		w->out[n].pages = end - start;
		n++;
		w->read_pfn = end;
	}
	ret = n * sizeof(struct phf_run);
	if (n && copy_to_user(buf, w->out, ret)) {
		w->read_pfn = from; /* nothing was delivered: the same runs next time */
		ret = -EFAULT;
	}
out:
	mutex_unlock(&phf_mutex);
	return ret;
}

static int phf_open(struct inode *inode, struct file *file)
{
	struct phf_walk *w;

	if (atomic_cmpxchg(&phf_opened, 0, 1))
		return -EBUSY;
	w = kzalloc(sizeof(*w), GFP_KERNEL);
	if (!w) {
		atomic_set(&phf_opened, 0);
		return -ENOMEM;
	}
	file->private_data = w;
	return nonseekable_open(inode, file);
}

static int phf_release(struct inode *inode, struct file *file)
{
	struct phf_walk *w = file->private_data;

	vfree(w->bitmap);
	kfree(w);
	atomic_set(&phf_opened, 0);
	return 0;
}

static const struct file_operations phf_fops = {
	.owner = THIS_MODULE,
	.open = phf_open,
	.release = phf_release,
	.read = phf_read,
	.unlocked_ioctl = phf_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.llseek = no_llseek,
};

static struct miscdevice phf_device = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = PHF_DEVICE_NAME,
	.fops = &phf_fops,
	.mode = 0600,
};

static int __init phf_init(void)
{
	return misc_register(&phf_device);
}

static void __exit phf_exit(void)
{
	misc_deregister(&phf_device);
}

module_init(phf_init);
module_exit(phf_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("pagehint: the guest's free pages by PFN, from a bounded walk of the buddy free lists");
MODULE_AUTHOR("pagehint");
