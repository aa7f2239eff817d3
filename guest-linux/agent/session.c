// SPDX-License-Identifier: GPL-2.0
/*
 * The agent's side of PROTOCOL.md A.4. One request at a time: a walk advances in bounded steps
 * (PHF_IOC_STEP) and chunks are sent as they are built; between steps and between chunks the
 * agent reads what the host sent without waiting, so MEMINFO_REQUEST is answered during a walk,
 * and STOP, or a newer BITMAP_REQUEST, ends the request in progress with BITMAP_DONE STOPPED.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>

#include "chunks.h"
#include "port.h"
#include "session.h"

/* How long the host may take to answer HELLO before the agent starts again. */
#define WELCOME_TIMEOUT_MS 10000

struct request {
	uint64_t command_id;
	uint32_t flags;
};

struct session {
	struct agent *a;
	struct conn c;
	uint64_t offered;
	uint64_t features;	/* granted by WELCOME */
	uint64_t last_command;	/* highest command id so far on this connection */
	int have_next;
	struct request next;	/* a BITMAP_REQUEST waiting to be served */
};

enum handled { H_NONE, H_STOP_ACTIVE, H_NEW_REQUEST };

static void printable(char *dst, size_t size, const uint8_t *src, size_t n)
{
	size_t i;

	for (i = 0; i < n && i + 1 < size; i++)
		dst[i] = src[i] >= 0x20 && src[i] < 0x7f ? (char)src[i] : '?';
	dst[i] = 0;
}

static void send_meminfo(struct session *s, uint64_t tag)
{
	uint8_t buf[PH_HEADER + PH_MEMINFO_LEN];
	uint8_t *p = buf + PH_HEADER;
	uint64_t free_pages = 0, cached = 0;
	struct phf_info info;

	if (guestmem_counters(s->a->page_size, &free_pages, &cached) < 0 ||
	    guestmem_info(s->a->dev, &info) < 0) {
		conn_error(&s->c, PH_INTERNAL, 0, "cannot read the guest's memory counters");
		return;
	}
	ph_put64(p, tag);
	ph_put64(p + 8, free_pages);
	ph_put64(p + 16, cached);
	ph_put64(p + 24, info.end_pfn ? info.end_pfn - 1 : 0); /* the highest PFN with RAM */
	ph_put32(p + 32, s->a->page_size);
	ph_put32(p + 36, 0);
	conn_send(&s->c, PH_MEMINFO, buf, PH_MEMINFO_LEN);
}

static void send_done(struct session *s, uint64_t command_id, uint64_t pages, uint32_t chunks, uint32_t status)
{
	uint8_t buf[PH_HEADER + PH_BITMAP_DONE_LEN];
	uint8_t *p = buf + PH_HEADER;

	ph_put64(p, command_id);
	ph_put64(p + 8, pages);
	ph_put32(p + 16, chunks);
	ph_put32(p + 20, status);
	conn_send(&s->c, PH_BITMAP_DONE, buf, PH_BITMAP_DONE_LEN);
}

/* Acts on one frame after WELCOME; active is the request in progress (0: none). */
static enum handled handle(struct session *s, const struct ph_frame *f, uint64_t active)
{
	const uint8_t *p = f->payload;

	switch (f->type) {
	case PH_MEMINFO_REQUEST:
		send_meminfo(s, ph_get64(p));
		return H_NONE;
	case PH_BITMAP_REQUEST: {
		uint64_t id = ph_get64(p);
		uint32_t flags = ph_get32(p + 8);

		if (ph_get32(p + 12) != 0 || (flags & ~PH_DROP_CLEAN_CACHE) != 0) {
			conn_error(&s->c, PH_BAD_FIELD, id, "BITMAP_REQUEST has unknown flags or reserved bits");
			return H_NONE;
		}
		if ((flags & PH_DROP_CLEAN_CACHE) && !(s->features & PH_F_DROP_CACHE)) {
			conn_error(&s->c, PH_BAD_FIELD, id, "DROP_CLEAN_CACHE without F_DROP_CACHE");
			return H_NONE;
		}
		if (id == 0 || id <= s->last_command) {
			conn_error(&s->c, PH_BAD_COMMAND_ID, id, "command id is not greater than every earlier one");
			return H_NONE;
		}
		s->last_command = id;
		s->next.command_id = id;
		s->next.flags = flags;
		s->have_next = 1;
		return H_NEW_REQUEST;
	}
	case PH_STOP:
		/* STOP for a request that is not active is ignored (A.4) */
		return active != 0 && ph_get64(p) == active ? H_STOP_ACTIVE : H_NONE;
	case PH_ERROR: {
		uint32_t code = ph_get32(p), m = ph_get32(p + 4);
		char text[PH_MAX_ERROR_TEXT + 1];

		if (m != f->length - PH_ERROR_FIXED) {
			conn_error(&s->c, PH_BAD_LENGTH, 0, "ERROR text length does not match the frame");
			return H_NONE;
		}
		printable(text, sizeof(text), p + PH_ERROR_FIXED, m);
		if (code == PH_REFUSED) {
			printf("pagehint-agent: host refused command %llu: %s\n", (unsigned long long)ph_get64(p + 8), text);
			return H_NONE;
		}
		conn_over(&s->c, 0, "host reported error %u: %s", code, text);
		return H_NONE;
	}
	case PH_WELCOME:
		conn_error(&s->c, PH_BAD_STATE, 0, "a second WELCOME");
		return H_NONE;
	default:
		conn_error(&s->c, PH_UNKNOWN_TYPE, 0, "no such message from a host");
		return H_NONE;
	}
}

/* Handles what the host has sent, without waiting. Whether the active request must stop. */
static int pump(struct session *s, uint64_t active)
{
	struct ph_frame f;

	while (!s->c.over && conn_recv(&s->c, 0, &f) > 0) {
		if (handle(s, &f, active) != H_NONE)
			return 1;
	}
	return s->c.over;
}

static void print_walk(struct session *s, uint64_t id, const char *how, uint64_t pages, uint32_t chunks)
{
	struct phf_stats st;

	if (ioctl(s->a->dev, PHF_IOC_STATS, &st) < 0)
		return;
	printf("pagehint-agent: command %llu %s: %llu pages in %u chunks (%llu lock holds of %llu us on average, "
	       "%u restarts, %u cut)\n", (unsigned long long)id, how, (unsigned long long)pages, chunks,
	       (unsigned long long)st.lock_holds,
	       (unsigned long long)(st.lock_holds ? (st.lock_ns / st.lock_holds + 500) / 1000 : 0), st.restarts, st.cut);
	printf("pagehint-agent: walk pages=%llu blocks=%llu walk_us=%llu max_lock_us=%llu pcp=%llu order%u_pages=%llu\n",
	       (unsigned long long)st.pages, (unsigned long long)st.blocks,
	       (unsigned long long)(st.walk_ns + 500) / 1000, (unsigned long long)(st.max_lock_ns + 500) / 1000,
	       (unsigned long long)st.pcp_pages, s->a->top_order, (unsigned long long)st.top_order_pages);
}

static void serve_request(struct session *s, struct request rq)
{
	struct agent *a = s->a;
	uint64_t id = rq.command_id, pages = 0;
	uint32_t chunks = 0;
	char text[128];
	long r;

	if (a->poisoned && !(s->features & PH_F_PAGE_POISON)) {
		snprintf(text, sizeof(text), "free pages hold 0x%02x and the host does not preserve it", a->poison);
		conn_error(&s->c, PH_REFUSED, id, text);
		return;
	}
	if ((rq.flags & PH_DROP_CLEAN_CACHE) && guestmem_drop_clean_cache() < 0)
		printf("pagehint-agent: could not drop the page cache: %s\n", strerror(errno));
	if (ioctl(a->dev, PHF_IOC_BEGIN) < 0) {
		snprintf(text, sizeof(text), "the walk could not start: %s", strerror(errno));
		conn_error(&s->c, PH_REFUSED, id, text);
		return;
	}
	while ((r = ioctl(a->dev, PHF_IOC_STEP)) != 0) {
		if (r < 0 && errno != EINTR) {
			snprintf(text, sizeof(text), "the walk failed: %s", strerror(errno));
			conn_error(&s->c, PH_REFUSED, id, text);
			return;
		}
		if (pump(s, id)) {
			send_done(s, id, 0, 0, PH_DONE_STOPPED);
			print_walk(s, id, "stopped during the walk", 0, 0);
			return;
		}
	}

	struct run_reader runs;
	struct chunk_builder b;
	struct chunk ch;

	run_reader_start(&runs, a->dev);
	chunk_builder_start(&b, &runs, (s->features & PH_F_RANGES) != 0, s->c.limit, a->words_frame, a->ranges_frame);
	while ((r = chunk_next(&b, id, &ch)) > 0) {
		if (conn_send(&s->c, ch.type, ch.frame, ch.length) < 0)
			return;
		pages += ch.pages;
		chunks++;
		if (pump(s, id)) {
			send_done(s, id, pages, chunks, PH_DONE_STOPPED);
			print_walk(s, id, "stopped", pages, chunks);
			return;
		}
	}
	if (r < 0) {
		conn_error(&s->c, PH_INTERNAL, id, "reading the walk's result failed");
		return;
	}
	send_done(s, id, pages, chunks, PH_DONE_COMPLETE);
	print_walk(s, id, "complete", pages, chunks);
}

static int handshake(struct session *s)
{
	uint8_t buf[PH_HEADER + PH_HELLO_LEN];
	uint8_t *p = buf + PH_HEADER;
	struct ph_frame f;
	int r;

	s->offered = PH_F_RANGES | PH_F_DROP_CACHE | (s->a->poisoned ? PH_F_PAGE_POISON : 0);
	memset(buf, 0, sizeof(buf));
	ph_put32(p, AGENT_MAX_FRAME);
	ph_put32(p + 4, s->a->page_size);
	ph_put64(p + 8, s->offered);
	p[16] = s->a->poisoned ? s->a->poison : 0;
	if (conn_send(&s->c, PH_HELLO, buf, PH_HELLO_LEN) < 0)
		return -1;
	r = conn_recv(&s->c, WELCOME_TIMEOUT_MS, &f);
	if (r == 0)
		conn_over(&s->c, 0, "no WELCOME within %d ms", WELCOME_TIMEOUT_MS);
	if (r <= 0)
		return -1;
	if (f.type == PH_ERROR) {
		handle(s, &f, 0);
		if (!s->c.over)
			conn_over(&s->c, 0, "host answered HELLO with ERROR");
		return -1;
	}
	if (f.type != PH_WELCOME) {
		conn_error(&s->c, PH_BAD_STATE, 0, "expected WELCOME");
		return -1;
	}
	uint32_t max_frame = ph_get32(f.payload);
	uint64_t granted = ph_get64(f.payload + 8);

	if (ph_get32(f.payload + 4) != 0 || max_frame < PH_MIN_FRAME || max_frame > PH_MAX_FRAME) {
		conn_error(&s->c, PH_BAD_FIELD, 0, "WELCOME's max_frame or reserved field is invalid");
		return -1;
	}
	if (granted & ~s->offered) {
		conn_error(&s->c, PH_BAD_FIELD, 0, "WELCOME grants features that were not offered");
		return -1;
	}
	s->features = granted;
	s->c.limit = max_frame < AGENT_MAX_FRAME ? max_frame : AGENT_MAX_FRAME;
	s->c.welcomed = 1;
	return 0;
}

int session_run(struct agent *a)
{
	static struct session s; /* large input buffer: not on the stack */
	struct ph_frame f;

	memset(&s, 0, sizeof(s));
	s.a = a;
	conn_start(&s.c, a->port);
	if (handshake(&s) == 0) {
		printf("pagehint-agent: host connected (features 0x%llx, frames up to %u bytes)\n",
		       (unsigned long long)s.features, s.c.limit);
		while (!s.c.over) {
			if (s.have_next) {
				s.have_next = 0;
				serve_request(&s, s.next);
				continue;
			}
			if (conn_recv(&s.c, -1, &f) > 0)
				handle(&s, &f, 0);
		}
	}
	printf("pagehint-agent: connection ended: %s\n", s.c.why);
	return s.c.host_gone;
}
