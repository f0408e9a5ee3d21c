/* ip.h: the IPv4 header around an IGMP message, built and read.
 *
 * IGMP rides in IPv4 with protocol 2, TTL 1, ToS 0xC0 and the Router Alert
 * option (RFC 9776 §4, RFC 2113).  The generator and the harness build such
 * packets, and read them back, here. */
#ifndef IGMPX_IP_H
#define IGMPX_IP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define IGMPX_IPPROTO_IGMP 2
#define IGMPX_IPOPT_RA     0x94  /* RFC 2113: copied, class 0, number 20 */

/* The IPv4 Flags and Fragment Offset field (RFC 791): More Fragments, and
 * the offset in 8-octet units.  Either set: the packet is a fragment. */
#define IGMPX_IP_MF          0x2000
#define IGMPX_IP_OFFSET      0x1FFF
#define IGMPX_IP_FRAGMENT    (IGMPX_IP_MF | IGMPX_IP_OFFSET)

struct igmpx_ipv4 {
	uint8_t ihl;            /* header length in 32-bit words */
	uint8_t tos;
	uint16_t total_len;
	uint16_t id;
	uint16_t frag;          /* flags and fragment offset, as written */
	uint8_t ttl;
	uint8_t proto;
	uint16_t checksum;
	uint32_t src, dst;
	bool router_alert;      /* RA option present (type 0x94, length 4) */
	uint16_t ra_value;
	size_t ra_off;          /* offset of the RA option, if present */
	size_t payload_off;     /* = 4 * ihl */
	size_t payload_len;     /* total_len - 4*ihl, bounded by the buffer */
};

/* What the header should be.  Fields left 0 keep 0; see igmpx_ipv4_defaults(). */
struct igmpx_ipv4_spec {
	uint32_t src, dst;
	uint8_t ttl;
	uint8_t tos;
	uint16_t id;
	uint16_t frag;
	bool router_alert;
	uint16_t ra_value;
	const uint8_t *extra_opts;  /* further option octets, appended after RA */
	size_t extra_opts_len;      /* padded to a 4-octet multiple with EOL (0) */
	int checksum;               /* -1: compute; else written as is */
	uint8_t proto;              /* 0: IGMP (2); else this protocol */
};

/* TTL 1, ToS 0xC0, Router Alert 0, checksum computed (RFC 9776 §4). */
void igmpx_ipv4_defaults(struct igmpx_ipv4_spec *s, uint32_t src, uint32_t dst);

/* Writes header + payload into out (cap octets).  Returns the packet length,
 * or 0 if it does not fit (or the options exceed 40 octets). */
size_t igmpx_ipv4_build(const struct igmpx_ipv4_spec *s, const uint8_t *payload, size_t len,
			uint8_t *out, size_t cap);

/* Reads an IPv4 header.  False if buf holds no whole IPv4 header. */
bool igmpx_ipv4_parse(const uint8_t *buf, size_t len, struct igmpx_ipv4 *ip);

/* The Ethernet multicast address of an IPv4 group (RFC 1112 §6.4). */
void igmpx_ether_mcast(uint32_t group, uint8_t mac[6]);

#endif
