/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The virtio-serial port and one connection over it: framing (PROTOCOL.md A.1, A.2), the
 * receiver's checks in the document's order, and noticing the host end come and go.
 */
#ifndef PH_PORT_H
#define PH_PORT_H

#include <stddef.h>
#include <stdint.h>

#include "proto.h"

#define PH_PORT_NAME "org.pagehint.0"

/* The largest frame the agent accepts and sends (HELLO's max_frame). */
#define AGENT_MAX_FRAME (256u * 1024u)

/* The largest frame the host may send the agent that the agent reads in full: ERROR with 1024 bytes. */
#define PH_IN_MAX (PH_HEADER + PH_ERROR_FIXED + PH_MAX_ERROR_TEXT)

struct ph_frame {
	uint8_t type;
	uint32_t length;
	const uint8_t *payload; /* valid until the next conn_recv */
};

struct conn {
	int fd;
	uint32_t out_seq;
	uint32_t in_seq;
	uint32_t limit;		/* frame limit: 4096 before WELCOME, then the negotiated size */
	int welcomed;
	int over;		/* the connection is finished: lost, or a fatal error was sent or received */
	int host_gone;		/* over because the host end went away (nothing left to tell it) */
	char why[160];		/* why it is over, for the console */
	uint8_t in[PH_IN_MAX];
	size_t in_len;
};

/* Finds /dev/<vportNpM> whose name is org.pagehint.0; 0 and the path, or -1. */
int port_find(char *path, size_t size);

/* Opens the port (non-blocking); -1 with errno on failure. */
int port_open(const char *path);

/* Waits, with the back-off of A.4 (50 ms doubling to 2 s), until the host end is connected. */
void port_wait_host(int fd);

/* After a fatal error: waits up to ms for the host to hang up, discarding what it sends. */
void port_wait_hangup(int fd, int ms);

/* Starts a connection: discards stale input, sequence numbers from 0, limit 4096. */
void conn_start(struct conn *c, int fd);

/*
 * The next frame from the host, checked as A.1 says (magic, version, flags, sequence, length
 * against the limit, type for this direction, length for the type). 1 with a frame, 0 if none
 * came within timeout_ms (-1: wait for ever), -1 if the connection is over (a broken rule was
 * answered with ERROR, or the host went away).
 */
int conn_recv(struct conn *c, int timeout_ms, struct ph_frame *f);

/*
 * Sends the frame whose payload of len bytes sits at buf + PH_HEADER (the header is written
 * into buf[0..16)). 0, or -1 if the connection is over.
 */
int conn_send(struct conn *c, uint8_t type, uint8_t *buf, uint32_t len);

/* Sends ERROR (best effort); a fatal code also ends the connection. */
void conn_error(struct conn *c, uint32_t code, uint64_t command_id, const char *text);

/* Marks the connection over with a reason (first reason wins). */
void conn_over(struct conn *c, int host_gone, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
