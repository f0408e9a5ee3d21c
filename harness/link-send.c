/* link-send.c: the clocks, and frames sent at the time asked. */
#define _GNU_SOURCE
#include "link-int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <linux/if_ether.h>
#include <time.h>

/* The last stretch before a send is spun rather than slept: a timed sleep
 * wakes late by the thread's timer slack (50 us by default; sleep_until
 * lowers it) plus the wake-up latency (tens of us, over 100 in a VM), the
 * spin on the vDSO clock by well under a microsecond.  bench/link.sh
 * measures both. */
#define SPIN_NS 200000ull

static uint64_t clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

uint64_t hx_now_ns(void)
{
	return clock_ns(CLOCK_MONOTONIC);
}

uint64_t hx_wall_ns(void)
{
	return clock_ns(CLOCK_REALTIME);
}

/* CLOCK_REALTIME minus CLOCK_MONOTONIC now.  Read as wall, monotonic, wall:
 * a thread preempted between two reads would put the difference off by the
 * time it waited, so the pair read closest together of a few is taken. */
int64_t link_wall_minus_mono_ns(void)
{
	uint64_t best_gap = UINT64_MAX;
	int64_t best = 0;

	for (int i = 0; i < 4; i++) {
		uint64_t w1 = hx_wall_ns(), m = hx_now_ns(), w2 = hx_wall_ns();
		uint64_t gap = w2 >= w1 ? w2 - w1 : UINT64_MAX;

		if (gap < best_gap) {
			best_gap = gap;
			best = (int64_t)(w1 + gap / 2 - m);
		}
		if (gap < 20000)        /* 20 us: no preemption in between */
			break;
	}
	return best;
}

struct timespec link_ns_to_ts(uint64_t ns)
{
	struct timespec ts = { .tv_sec = (time_t)(ns / 1000000000ull),
			       .tv_nsec = (long)(ns % 1000000000ull) };
	return ts;
}

void link_sleep_ms(unsigned ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* The sleep runs with a timer slack of 1 ns, the thread's own put back
 * after: the default 50 us would let most wake-ups overshoot the spin. */
static void sleep_until(uint64_t at_ns)
{
	if (at_ns > hx_now_ns() + SPIN_NS) {
		struct timespec ts = link_ns_to_ts(at_ns - SPIN_NS);
		int slack = prctl(PR_GET_TIMERSLACK, 0, 0, 0, 0);

		if (slack > 1)
			prctl(PR_SET_TIMERSLACK, 1, 0, 0, 0);
		while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
			;
		if (slack > 1)
			prctl(PR_SET_TIMERSLACK, (unsigned long)slack, 0, 0, 0);
	}
	while (hx_now_ns() < at_ns)
		;
}

int hx_link_send_at(struct hx_link *l, uint64_t at_ns, const uint8_t *frame, size_t len,
		    uint64_t *sent_ns, char *err, size_t errlen)
{
	ssize_t n;
	uint64_t t;

	if (!l || l->fd < 0) {
		seterr(err, errlen, "send on a link that is not open");
		return -1;
	}
	if (!frame || len < ETH_HLEN || len > FRAME_MAX) {
		seterr(err, errlen, "cannot send on %s: a frame of %zu octets (%d to %d)",
		       l->ifname, len, ETH_HLEN, FRAME_MAX);
		return -1;
	}
	sleep_until(at_ns);
	/* The time it is handed to the kernel, read before the write: through
	 * a veth (attach = iface:) the write can run the IUT's receive path,
	 * and its answer can be received and stamped before the write returns,
	 * which would put the answer before its stimulus. */
	t = hx_now_ns();
	do
		n = l->dev->write(l, frame, len);
	while (n < 0 && errno == EINTR);
	if (n < 0) {
		seterr(err, errlen, "cannot send a %zu-octet frame on %s: %s", len, l->ifname,
		       strerror(errno));
		return -1;
	}
	if ((size_t)n != len) {
		seterr(err, errlen, "sent only %zd of a %zu-octet frame on %s", n, len, l->ifname);
		return -1;
	}
	if (sent_ns)
		*sent_ns = t;
	return 0;
}
