/* check.h: the content rules of rules.def (KIND CONTENT) over one packet.
 *
 * Given one IPv4 packet carrying IGMP (IP header included), returns every
 * broken rule with the octets at fault.  The dissector and the harness call
 * this; neither re-implements a rule. */
#ifndef IGMPX_CHECK_H
#define IGMPX_CHECK_H

#include <stddef.h>
#include <stdint.h>

#include "codec.h"
#include "ip.h"
#include "rules.h"

#define IGMPX_FINDING_TEXT 200

struct igmpx_finding {
	enum igmpx_rule rule;
	size_t offset;     /* of the octets at fault, from the start of the IP header */
	size_t length;     /* how many (0: the packet as a whole) */
	/* The rule with the actual values, e.g. "v3 report sent to 224.0.0.1,
	 * must be 224.0.0.22 (RFC 9776 §4.2.15)". */
	char text[IGMPX_FINDING_TEXT];
};

/* What the checker knows besides the octets. */
struct igmpx_check_opts {
	size_t reported_len;   /* the packet's length on the wire, if the buffer
				  was cut by a capture's snaplen (0: len) */
	int in_icmp_error;     /* quoted in an ICMP error: cut, skip checksum/length rules */
	int reassembled;       /* the datagram came in IP fragments, put together again:
				  ip is whole, its header's flags and offset cleared.
				  (A fragment itself shows it in its header: the first
				  is checked as far as it goes, the others not at all.) */
};

/* Checks the packet ip[0 .. len) (IPv4 header, then IGMP).  Writes up to
 * max findings to out, in the order of the octets at fault, and returns how
 * many rules are broken in all (which may exceed max).  opts may be NULL.
 * The IGMP message is parsed with igmpx_parse_to() on the IP destination. */
size_t igmpx_check_packet(const uint8_t *ip, size_t len, const struct igmpx_check_opts *opts,
			  struct igmpx_finding *out, size_t max);

/* The same for a packet its caller has parsed already (a dissector that
 * decodes it too): h is igmpx_ipv4_parse(ip, len), m is igmpx_parse_to()
 * of h's payload_len octets at payload_off, on h->dst. */
size_t igmpx_check_parsed(const uint8_t *ip, size_t len, const struct igmpx_ipv4 *h,
			  const struct igmpx_msg *m, const struct igmpx_check_opts *opts,
			  struct igmpx_finding *out, size_t max);

#endif
