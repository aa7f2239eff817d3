/* SPDX-License-Identifier: GPL-2.0 */
/*
 * docs/PROTOCOL.md Part A (virtio-serial port protocol, version 1): the constants and the
 * little-endian field access the agent needs. Offsets and sizes are the document's.
 */
#ifndef PH_PROTO_H
#define PH_PROTO_H

#include <stdint.h>

#define PH_MAGIC 0x544E4850u /* "PHNT" on the wire */
#define PH_VERSION 1
#define PH_HEADER 16
#define PH_MIN_FRAME 4096u
#define PH_MAX_FRAME (1024u * 1024u)
#define PH_MAX_ERROR_TEXT 1024u

/* A.3 message types */
enum ph_type {
	PH_HELLO = 1,
	PH_WELCOME = 2,
	PH_MEMINFO_REQUEST = 3,
	PH_MEMINFO = 4,
	PH_BITMAP_REQUEST = 5,
	PH_CHUNK_WORDS = 6,
	PH_CHUNK_RANGES = 7,
	PH_BITMAP_DONE = 8,
	PH_STOP = 9,
	PH_ERROR = 10,
};

/* A.6 error codes */
enum ph_error {
	PH_BAD_MAGIC = 1,
	PH_BAD_VERSION = 2,
	PH_BAD_SEQUENCE = 3,
	PH_BAD_LENGTH = 4,
	PH_UNKNOWN_TYPE = 5,
	PH_BAD_FIELD = 6,
	PH_BAD_STATE = 7,
	PH_BAD_COMMAND_ID = 8,
	PH_BAD_HINT = 9,
	PH_TIMEOUT = 10,
	PH_INCOMPATIBLE = 11,
	PH_INTERNAL = 12,
	PH_SHUTDOWN = 13,
	PH_REFUSED = 100,
};

/* A.5 features */
#define PH_F_RANGES 1ull
#define PH_F_DROP_CACHE 2ull
#define PH_F_PAGE_POISON 4ull

#define PH_DROP_CLEAN_CACHE 1u /* BITMAP_REQUEST flags bit 0 */
#define PH_DONE_COMPLETE 0u
#define PH_DONE_STOPPED 1u

/* payload lengths (A.3) */
#define PH_HELLO_LEN 24u
#define PH_WELCOME_LEN 16u
#define PH_MEMINFO_REQUEST_LEN 8u
#define PH_MEMINFO_LEN 40u
#define PH_BITMAP_REQUEST_LEN 16u
#define PH_CHUNK_WORDS_FIXED 24u
#define PH_CHUNK_RANGES_FIXED 16u
#define PH_BITMAP_DONE_LEN 24u
#define PH_STOP_LEN 8u
#define PH_ERROR_FIXED 16u

static inline void ph_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static inline void ph_put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static inline void ph_put64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static inline uint16_t ph_get16(const uint8_t *p)
{
	return (uint16_t)(p[0] | (p[1] << 8));
}

static inline uint32_t ph_get32(const uint8_t *p)
{
	uint32_t v = 0;

	for (int i = 3; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
}

static inline uint64_t ph_get64(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
}

#endif
