/* packet-igmpx-stats.h: the igmpx tap and the statistics built on it.
 *
 * The dissector queues one struct igmpx_tap_info per message on the tap
 * "igmpx" (when someone listens).  packet-igmpx-stats.c registers the tap
 * and the statistics (-z igmpx,groups, -z igmpx,rules, Statistics menu);
 * packet-igmpx-groups.c keeps the membership model behind -z igmpx,groups.
 */
#ifndef PACKET_IGMPX_STATS_H
#define PACKET_IGMPX_STATS_H

#include "packet-igmpx.h"

/* What a tap listener gets for one message (valid during the tap call). */
struct igmpx_tap_info {
	guint32 frame;
	nstime_t rel_ts;            /* since the first frame */
	guint32 src, dst;           /* IPv4, host order (0 when not IPv4) */
	struct igmpx_msg m;         /* the parse of the octets below */
	const guint8 *buf;          /* the message (zero-padded past the capture) */
	size_t len;
	gboolean whole;             /* every reported octet was captured */
	gboolean checksum_bad;      /* verified and wrong: not to be processed */
	guint nfound;               /* content rules broken (core/check) */
	const guint16 *found;
};

/* -z igmpx,groups: membership per group, per member (RFC 9776 §3.2, §5.1). */
struct igmpx_groups;
struct igmpx_groups *igmpx_groups_new(void);
void igmpx_groups_free(struct igmpx_groups *g);
void igmpx_groups_reset(struct igmpx_groups *g);
void igmpx_groups_feed(struct igmpx_groups *g, const struct igmpx_tap_info *ti);
/* The tables as text, aligned. */
void igmpx_groups_print(const struct igmpx_groups *g, GString *out);

/* Pads s (UTF-8) with spaces to width characters, left or right aligned. */
void igmpx_pad(GString *out, const char *s, int width, gboolean right);

#endif
