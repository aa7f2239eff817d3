/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Turns the module's runs of free pages (ascending) into CHUNK_WORDS / CHUNK_RANGES frames, each
 * no larger than the frame limit, each in whichever encoding is shorter (PROTOCOL.md A.4).
 * A chunk covers a window of PFNs that starts at the next free page (rounded down to 64) and is
 * as wide as a CHUNK_WORDS frame can describe; the runs inside it are kept as runs too, as long
 * as they would fit a CHUNK_RANGES frame. Memory: the two frame buffers the caller gives.
 */
#ifndef PH_CHUNKS_H
#define PH_CHUNKS_H

#include <stdint.h>

#include "guestmem.h"

struct chunk_builder {
	struct run_reader *runs;
	struct phf_run cur;	/* what is left of the run being placed */
	int have_cur;
	int ranges_allowed;	/* F_RANGES in use */
	uint32_t limit;		/* frame limit in bytes */
	uint8_t *words_frame;	/* limit bytes, 8-byte aligned */
	uint8_t *ranges_frame;	/* limit bytes */
};

struct chunk {
	uint8_t type;		/* PH_CHUNK_WORDS or PH_CHUNK_RANGES */
	uint8_t *frame;		/* header space + payload */
	uint32_t length;	/* payload bytes */
	uint64_t pages;		/* free pages it marks */
};

void chunk_builder_start(struct chunk_builder *b, struct run_reader *runs, int ranges_allowed,
			 uint32_t limit, uint8_t *words_frame, uint8_t *ranges_frame);

/* The next chunk for command_id: 1 and *out, 0 when all runs were placed, -1 on a read error. */
int chunk_next(struct chunk_builder *b, uint64_t command_id, struct chunk *out);

#endif
