/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Memory preparation before the agent starts (pagehint.prep= on the kernel command line):
 *   none               nothing;
 *   churn:<MiB>        write <MiB> MiB (every page, non-zero bytes), then free all of it;
 *   fragment:<pages>   a child process writes <pages> pages, frees every second one and stays
 *                      alive holding the rest, so the freed pages cannot merge in the buddy
 *                      allocator. Returns once the pages are freed.
 */
#ifndef PH_PREP_H
#define PH_PREP_H

/* 0 when done, 1 with a line on stderr when the spec is wrong or the preparation failed. */
int prep_run(const char *spec);

#endif
