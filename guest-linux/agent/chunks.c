// SPDX-License-Identifier: GPL-2.0
#include <endian.h>
#include <string.h>

#include "chunks.h"
#include "proto.h"

void chunk_builder_start(struct chunk_builder *b, struct run_reader *runs, int ranges_allowed,
			 uint32_t limit, uint8_t *words_frame, uint8_t *ranges_frame)
{
	memset(b, 0, sizeof(*b));
	b->runs = runs;
	b->ranges_allowed = ranges_allowed;
	b->limit = limit;
	b->words_frame = words_frame;
	b->ranges_frame = ranges_frame;
}

/* Sets bits [from, from + n) of words, zeroing words the first time they are touched. */
static void set_bits(uint64_t *words, uint64_t from, uint64_t n, uint64_t *zeroed)
{
	uint64_t last = (from + n - 1) / 64;

	if (*zeroed <= last) {
		memset(words + *zeroed, 0, (last + 1 - *zeroed) * 8);
		*zeroed = last + 1;
	}
	while (n > 0) {
		uint64_t bit = from % 64, span = 64 - bit;

		if (span > n)
			span = n;
		words[from / 64] |= span == 64 ? ~0ull : ((1ull << span) - 1) << bit;
		from += span;
		n -= span;
	}
}

static int advance(struct chunk_builder *b)
{
	int r = run_reader_next(b->runs, &b->cur);

	b->have_cur = r > 0;
	return r;
}

int chunk_next(struct chunk_builder *b, uint64_t command_id, struct chunk *out)
{
	uint64_t max_words = (b->limit - PH_HEADER - PH_CHUNK_WORDS_FIXED) / 8;
	uint64_t max_runs = (b->limit - PH_HEADER - PH_CHUNK_RANGES_FIXED) / 16;
	uint64_t *words = (uint64_t *)(b->words_frame + PH_HEADER + PH_CHUNK_WORDS_FIXED);
	uint8_t *runs = b->ranges_frame + PH_HEADER + PH_CHUNK_RANGES_FIXED;
	uint64_t zeroed = 0, nruns = 0, pages = 0, base, end, last;

	if (!b->have_cur) {
		int r = advance(b);

		if (r <= 0)
			return r;
	}
	base = b->cur.pfn & ~63ull;
	end = base + 64 * max_words;
	last = base;
	while (b->have_cur && b->cur.pfn < end) {
		uint64_t take = b->cur.pages < end - b->cur.pfn ? b->cur.pages : end - b->cur.pfn;

		set_bits(words, b->cur.pfn - base, take, &zeroed);
		if (nruns < max_runs) {
			ph_put64(runs + 16 * nruns, b->cur.pfn);
			ph_put64(runs + 16 * nruns + 8, take);
		}
		nruns++;
		pages += take;
		last = b->cur.pfn + take;
		b->cur.pfn += take;
		b->cur.pages -= take;
		if (b->cur.pages == 0 && advance(b) < 0)
			return -1;
	}
	uint64_t nwords = (last - base + 63) / 64;
	uint64_t words_bytes = PH_CHUNK_WORDS_FIXED + 8 * nwords;
	uint64_t ranges_bytes = PH_CHUNK_RANGES_FIXED + 16 * nruns;

	out->pages = pages;
	if (b->ranges_allowed && nruns <= max_runs && ranges_bytes < words_bytes) {
		uint8_t *p = b->ranges_frame + PH_HEADER;

		ph_put64(p, command_id);
		ph_put32(p + 8, (uint32_t)nruns);
		ph_put32(p + 12, 0);
		out->type = PH_CHUNK_RANGES;
		out->frame = b->ranges_frame;
		out->length = (uint32_t)ranges_bytes;
		return 1;
	}
	uint8_t *p = b->words_frame + PH_HEADER;

	for (uint64_t i = 0; i < nwords; i++)
		words[i] = htole64(words[i]);
	ph_put64(p, command_id);
	ph_put64(p + 8, base);
	ph_put32(p + 16, (uint32_t)nwords);
	ph_put32(p + 20, 0);
	out->type = PH_CHUNK_WORDS;
	out->frame = b->words_frame;
	out->length = (uint32_t)words_bytes;
	return 1;
}
