// SPDX-License-Identifier: GPL-2.0
/*
 * The virtio-serial port. Linux's virtio_console makes the host end's state visible: while no
 * host is connected a read returns 0 (end of file), poll reports POLLHUP and a write would block
 * until a host connects. The port is therefore used non-blocking: a write that would block is
 * waited for with poll, and POLLHUP (or end of file) ends the connection, so a frame begun for one
 * host connection is never finished on the next one.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "port.h"

/* How long a write may wait for the host to take data before the connection is given up. */
#define WRITE_TIMEOUT_MS 10000

int port_find(char *path, size_t size)
{
	DIR *d = opendir("/sys/class/virtio-ports");
	struct dirent *e;
	int found = -1;

	if (!d)
		return -1;
	while (found < 0 && (e = readdir(d)) != NULL) {
		char file[512], name[64] = "";
		FILE *f;

		if (e->d_name[0] == '.')
			continue;
		snprintf(file, sizeof(file), "/sys/class/virtio-ports/%s/name", e->d_name);
		f = fopen(file, "r");
		if (!f)
			continue;
		if (fgets(name, sizeof(name), f)) {
			name[strcspn(name, "\n")] = 0;
			if (strcmp(name, PH_PORT_NAME) == 0) {
				snprintf(path, size, "/dev/%s", e->d_name);
				found = 0;
			}
		}
		fclose(f);
	}
	closedir(d);
	return found;
}

int port_open(const char *path)
{
	return open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
}

static void sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int host_connected(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN | POLLOUT };

	if (poll(&p, 1, 0) < 0)
		return 0;
	return !(p.revents & (POLLHUP | POLLERR));
}

void port_wait_host(int fd)
{
	int backoff = 50;

	while (!host_connected(fd)) {
		sleep_ms(backoff);
		backoff = backoff >= 1000 ? 2000 : backoff * 2;
	}
}

static void drain(int fd)
{
	uint8_t junk[4096];

	while (read(fd, junk, sizeof(junk)) > 0)
		;
}

void port_wait_hangup(int fd, int ms)
{
	long long end = now_ms() + ms;

	while (host_connected(fd) && now_ms() < end) {
		drain(fd);
		sleep_ms(50);
	}
}

void conn_start(struct conn *c, int fd)
{
	memset(c, 0, sizeof(*c));
	c->fd = fd;
	c->limit = PH_MIN_FRAME;
	drain(fd); /* the host sends nothing before HELLO: anything here is from an earlier connection */
}

void conn_over(struct conn *c, int host_gone, const char *fmt, ...)
{
	va_list ap;

	if (c->over)
		return;
	c->over = 1;
	c->host_gone = host_gone;
	va_start(ap, fmt);
	vsnprintf(c->why, sizeof(c->why), fmt, ap);
	va_end(ap);
}

static int write_all(struct conn *c, const uint8_t *p, size_t n)
{
	long long deadline = now_ms() + WRITE_TIMEOUT_MS;

	while (n > 0) {
		ssize_t w = write(c->fd, p, n);

		if (w > 0) {
			p += w;
			n -= (size_t)w;
			deadline = now_ms() + WRITE_TIMEOUT_MS;
			continue;
		}
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && errno != EAGAIN) {
			conn_over(c, 1, "writing to the port failed: %s", strerror(errno));
			return -1;
		}
		struct pollfd pf = { .fd = c->fd, .events = POLLOUT };
		long long left = deadline - now_ms();

		if (left <= 0) {
			/* still connected but not reading: the agent ends it and waits for the hangup */
			conn_over(c, 0, "the host took nothing for %d ms", WRITE_TIMEOUT_MS);
			return -1;
		}
		if (poll(&pf, 1, (int)left) < 0 && errno != EINTR) {
			conn_over(c, 1, "poll on the port failed: %s", strerror(errno));
			return -1;
		}
		if (pf.revents & (POLLHUP | POLLERR)) {
			conn_over(c, 1, "host disconnected");
			return -1;
		}
	}
	return 0;
}

int conn_send(struct conn *c, uint8_t type, uint8_t *buf, uint32_t len)
{
	if (c->over)
		return -1;
	if (PH_HEADER + (uint64_t)len > c->limit) {
		/* a bug of the agent, never a frame the host would have to refuse */
		conn_error(c, PH_INTERNAL, 0, "agent built a frame larger than the limit");
		return -1;
	}
	ph_put32(buf, PH_MAGIC);
	buf[4] = PH_VERSION;
	buf[5] = type;
	ph_put16(buf + 6, 0);
	ph_put32(buf + 8, c->out_seq);
	ph_put32(buf + 12, len);
	if (write_all(c, buf, PH_HEADER + len) < 0)
		return -1;
	c->out_seq++;
	return 0;
}

void conn_error(struct conn *c, uint32_t code, uint64_t command_id, const char *text)
{
	uint8_t buf[PH_HEADER + PH_ERROR_FIXED + 256];
	size_t m = strlen(text);

	if (m > 256)
		m = 256;
	if (!c->over) {
		ph_put32(buf + PH_HEADER, code);
		ph_put32(buf + PH_HEADER + 4, (uint32_t)m);
		ph_put64(buf + PH_HEADER + 8, command_id);
		memcpy(buf + PH_HEADER + PH_ERROR_FIXED, text, m);
		conn_send(c, PH_ERROR, buf, (uint32_t)(PH_ERROR_FIXED + m));
	}
	if (code == PH_REFUSED)
		printf("pagehint-agent: command %llu refused: %s\n", (unsigned long long)command_id, text);
	else
		conn_over(c, 0, "sent ERROR %u: %s", code, text);
}

/* Reads until in holds want bytes; 1 when it does, 0 on timeout, -1 when over. */
static int fill(struct conn *c, size_t want, long long deadline)
{
	while (c->in_len < want) {
		ssize_t r = read(c->fd, c->in + c->in_len, want - c->in_len);

		if (r > 0) {
			c->in_len += (size_t)r;
			continue;
		}
		if (r == 0) {
			conn_over(c, 1, "host disconnected");
			return -1;
		}
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN) {
			conn_over(c, 1, "reading the port failed: %s", strerror(errno));
			return -1;
		}
		struct pollfd pf = { .fd = c->fd, .events = POLLIN };
		int wait = -1;

		if (deadline >= 0) {
			long long left = deadline - now_ms();

			wait = left > 0 ? (int)left : 0;
		}
		int n = poll(&pf, 1, wait);

		if (n < 0 && errno != EINTR) {
			conn_over(c, 1, "poll on the port failed: %s", strerror(errno));
			return -1;
		}
		if (n == 0)
			return 0;
		if ((pf.revents & (POLLHUP | POLLERR)) && !(pf.revents & POLLIN)) {
			conn_over(c, 1, "host disconnected");
			return -1;
		}
	}
	return 1;
}

/* Whether a host-to-guest frame of this type may have this payload length (A.3); -1 unknown type. */
static int length_fits(uint8_t type, uint32_t length)
{
	switch (type) {
	case PH_WELCOME:
		return length == PH_WELCOME_LEN;
	case PH_MEMINFO_REQUEST:
		return length == PH_MEMINFO_REQUEST_LEN;
	case PH_BITMAP_REQUEST:
		return length == PH_BITMAP_REQUEST_LEN;
	case PH_STOP:
		return length == PH_STOP_LEN;
	case PH_ERROR:
		return length >= PH_ERROR_FIXED && length <= PH_ERROR_FIXED + PH_MAX_ERROR_TEXT;
	default:
		return -1; /* not defined, or not sent by a host */
	}
}

int conn_recv(struct conn *c, int timeout_ms, struct ph_frame *f)
{
	long long deadline = timeout_ms < 0 ? -1 : now_ms() + timeout_ms;
	int r;

	if (c->over)
		return -1;
	r = fill(c, PH_HEADER, deadline);
	if (r <= 0)
		return r;
	uint32_t magic = ph_get32(c->in);
	uint8_t version = c->in[4], type = c->in[5];
	uint16_t flags = ph_get16(c->in + 6);
	uint32_t seq = ph_get32(c->in + 8), length = ph_get32(c->in + 12);
	char text[96];

	if (magic != PH_MAGIC) {
		snprintf(text, sizeof(text), "bad magic 0x%08x", magic);
		conn_error(c, PH_BAD_MAGIC, 0, text);
		return -1;
	}
	if (version != PH_VERSION) {
		snprintf(text, sizeof(text), "version %u is not spoken here", version);
		conn_error(c, PH_BAD_VERSION, 0, text);
		return -1;
	}
	if (flags != 0) {
		conn_error(c, PH_BAD_FIELD, 0, "header flags are not zero");
		return -1;
	}
	if (seq != c->in_seq) {
		snprintf(text, sizeof(text), "sequence %u, expected %u", seq, c->in_seq);
		conn_error(c, PH_BAD_SEQUENCE, 0, text);
		return -1;
	}
	if (PH_HEADER + (uint64_t)length > c->limit) {
		snprintf(text, sizeof(text), "frame of %llu bytes exceeds the limit %u",
			 PH_HEADER + (unsigned long long)length, c->limit);
		conn_error(c, PH_BAD_LENGTH, 0, text);
		return -1;
	}
	int fits = length_fits(type, length);

	if (fits < 0) {
		snprintf(text, sizeof(text), "no message type %u in this direction", type);
		conn_error(c, PH_UNKNOWN_TYPE, 0, text);
		return -1;
	}
	if (!fits) {
		snprintf(text, sizeof(text), "message type %u cannot be %u bytes long", type, length);
		conn_error(c, PH_BAD_LENGTH, 0, text);
		return -1;
	}
	/* the host may have sent only part of the payload yet: wait for the rest without a deadline
	 * only if the caller waits for ever; otherwise at least as long as it asked */
	r = fill(c, PH_HEADER + length, deadline < 0 ? -1 : now_ms() + (timeout_ms > 1000 ? timeout_ms : 1000));
	if (r <= 0) {
		if (r == 0)
			conn_error(c, PH_TIMEOUT, 0, "the host sent half a frame");
		return -1;
	}
	c->in_seq++;
	c->in_len = 0;
	f->type = type;
	f->length = length;
	f->payload = c->in + PH_HEADER;
	return 1;
}
