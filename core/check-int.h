/* check-int.h: what check.c (the IP header, the fixed fields, dispatch) and
 * check-v3.c (IGMPv3 queries, reports, records and their sources) share.
 * Not part of the API: see check.h. */
#ifndef IGMPX_CHECK_INT_H
#define IGMPX_CHECK_INT_H

#include "check.h"
#include "ip.h"

#include <stdbool.h>

/* One packet under check. */
struct ck {
	const uint8_t *ip;         /* the packet, IP header on */
	size_t len;                /* octets in the buffer */
	struct igmpx_ipv4 h;
	const uint8_t *g;          /* the IGMP message: ip + h.payload_off */
	size_t goff;               /* = h.payload_off */
	size_t glen;               /* its octets in the buffer */
	size_t wlen;               /* its octets on the wire (IP total length) */
	bool cut;                  /* glen < wlen: snaplen, an ICMP quote or a first fragment */
	bool first_fragment;       /* more fragments follow: the length on the wire
				      is not known (wlen = glen) */
	bool fragmented;           /* sent in IP fragments (a first fragment, or reassembled) */
	bool quoted;               /* in an ICMP error */
	enum igmpx_kind kind;      /* by type, destination and wire length */
	bool versionless;          /* a query under 8 octets: no version's rules */
	struct igmpx_msg m;        /* the parse of the glen octets */
	/* The findings sink: the first max by offset, and how many in all. */
	struct igmpx_finding *out;
	size_t max, n, total;
};

/* Adds a finding at IGMP offset off (relative to the message) or IP offset
 * (ip_*); the text gets " (RFC x §y)" from the catalogue. */
void ck_emit(struct ck *c, enum igmpx_rule r, size_t ip_off, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

/* Field readers over the message octets in the buffer: false if not there. */
bool ck_u8(const struct ck *c, size_t off, uint8_t *v);
bool ck_u16(const struct ck *c, size_t off, uint16_t *v);
bool ck_u32(const struct ck *c, size_t off, uint32_t *v);

/* "a.b.c.d" in one of four rotating static buffers. */
const char *ck_addr(uint32_t a);
bool ck_multicast(uint32_t a);
/* Why a is not a unicast address ("multicast", "loopback"...), or NULL. */
const char *ck_not_unicast(uint32_t a);

/* check-v3.c */
void ck_v3_query(struct ck *c);
void ck_v3_report(struct ck *c);

#define CK_ALL_SYSTEMS 0xE0000001u   /* 224.0.0.1 */
#define CK_ALL_ROUTERS 0xE0000002u   /* 224.0.0.2 */
#define CK_ALL_V3_RTRS 0xE0000016u   /* 224.0.0.22 */
#define CK_ALL_SNOOPERS 0xE000006Au  /* 224.0.0.106 */

#endif
