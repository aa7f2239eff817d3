/* SPDX-License-Identifier: GPL-2.0 */
/* One connection's conversation (PROTOCOL.md A.4) from HELLO until the host goes away. */
#ifndef PH_SESSION_H
#define PH_SESSION_H

#include <stdint.h>

#include "guestmem.h"

struct agent {
	int port;		/* the virtio-serial port, open for the agent's life */
	int dev;		/* /dev/pagehint_free, open for the agent's life */
	uint32_t page_size;
	int poisoned;		/* free pages hold the byte poison (init_on_free or page_poison) */
	uint8_t poison;
	uint32_t top_order;	/* the largest buddy order, for the walk line */
	uint8_t *words_frame;	/* AGENT_MAX_FRAME bytes each, 8-byte aligned */
	uint8_t *ranges_frame;
};

/*
 * Serves one connection: HELLO, then requests until the connection is over. Returns whether the
 * host went away by itself (else the agent ended it with a fatal ERROR and the host should hang up).
 */
int session_run(struct agent *a);

#endif
