// SPDX-License-Identifier: GPL-2.0
/*
 * pagehint-agent: the guest end of pagehint's serial hint channel for a Linux guest. It speaks
 * docs/PROTOCOL.md Part A on the virtio-serial port named org.pagehint.0 and gets the free pages
 * from the pagehint_free module. "pagehint-agent --prep SPEC" prepares memory instead (prep.h).
 * Memory is bounded: two frame buffers of AGENT_MAX_FRAME, one input frame, one batch of runs.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "port.h"
#include "prep.h"
#include "session.h"

static uint8_t words_frame[AGENT_MAX_FRAME] __attribute__((aligned(8)));
static uint8_t ranges_frame[AGENT_MAX_FRAME] __attribute__((aligned(8)));

static int open_device(struct agent *a)
{
	struct phf_info info;

	a->dev = guestmem_open();
	if (a->dev < 0) {
		fprintf(stderr, "pagehint-agent: cannot open %s: %s%s\n", PHF_DEVICE_PATH, strerror(errno),
			errno == EBUSY ? " (another agent has it)" : errno == ENOENT ? " (load pagehint_free.ko first)" : "");
		return -1;
	}
	if (guestmem_info(a->dev, &info) < 0) {
		fprintf(stderr, "pagehint-agent: %s does not answer: %s\n", PHF_DEVICE_PATH, strerror(errno));
		return -1;
	}
	a->page_size = info.page_size;
	a->poisoned = (info.flags & PHF_INFO_POISONED) != 0;
	a->poison = (uint8_t)info.poison;
	a->top_order = info.top_order;
	return 0;
}

static int open_port(struct agent *a)
{
	char path[300];
	int said = 0;

	while (port_find(path, sizeof(path)) < 0) {
		if (!said++)
			printf("pagehint-agent: waiting for the virtio-serial port %s\n", PH_PORT_NAME);
		usleep(200 * 1000);
	}
	a->port = port_open(path);
	if (a->port < 0) {
		fprintf(stderr, "pagehint-agent: cannot open %s: %s%s\n", path, strerror(errno),
			errno == EBUSY ? " (another program has the port open)" : "");
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct agent a = { .words_frame = words_frame, .ranges_frame = ranges_frame };

	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGPIPE, SIG_IGN);
	if (argc == 3 && strcmp(argv[1], "--prep") == 0)
		return prep_run(argv[2]);
	if (argc != 1) {
		fprintf(stderr, "usage: pagehint-agent            serve org.pagehint.0 for ever\n"
				"       pagehint-agent --prep SPEC  prepare memory: none, churn:<MiB>, fragment:<pages>\n");
		return 2;
	}
	/*
	 * Every page of the agent is resident before the first walk and stays so: a frame buffer (BSS)
	 * faulted in on the first request would take pages the walk has just reported free and write
	 * into them before READY. (In a migration the dirty log would cover it; in the RAM-file check of
	 * LinuxGuestIT it showed as non-zero hinted pages on a 4 GiB guest.) Locking is best effort: a
	 * kernel that refuses it still gets correct hints, only less exact ones.
	 */
	if (mlockall(MCL_CURRENT | MCL_FUTURE) < 0)
		fprintf(stderr, "pagehint-agent: mlockall: %s (going on unlocked)\n", strerror(errno));
	if (open_device(&a) < 0 || open_port(&a) < 0)
		return 1;
	printf("pagehint-agent: ready\n");
	for (;;) {
		port_wait_host(a.port);
		if (!session_run(&a))
			port_wait_hangup(a.port, 3000);
	}
}
