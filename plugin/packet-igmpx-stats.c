/* packet-igmpx-stats.c: the igmpx tap and its statistics
 * (tshark -z igmpx,groups and -z igmpx,rules; Statistics menu). */
#include "packet-igmpx.h"

void igmpx_register_stats(int proto)
{
	(void)proto;    /* TODO(helper): tap, stat UIs */
}

void igmpx_stats_queue(struct igmpx_ctx *c)
{
	(void)c;        /* TODO(helper): tap_queue_packet */
}
