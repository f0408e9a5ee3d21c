/* ip.c: IPv4 header build and parse for IGMP packets.  See ip.h. */
#include "ip.h"
#include "codec.h"

#include <string.h>

void igmpx_ipv4_defaults(struct igmpx_ipv4_spec *s, uint32_t src, uint32_t dst)
{
	memset(s, 0, sizeof(*s));
	s->src = src;
	s->dst = dst;
	s->ttl = 1;
	s->tos = 0xC0;
	s->router_alert = true;
	s->checksum = -1;
}

size_t igmpx_ipv4_build(const struct igmpx_ipv4_spec *s, const uint8_t *payload, size_t len,
			uint8_t *out, size_t cap)
{
	uint8_t opts[40] = { 0 };
	size_t olen = 0;
	if (s->router_alert) {
		opts[0] = IGMPX_IPOPT_RA;
		opts[1] = 4;
		opts[2] = (uint8_t)(s->ra_value >> 8);
		opts[3] = (uint8_t)s->ra_value;
		olen = 4;
	}
	if (s->extra_opts_len > sizeof(opts) - olen)
		return 0;
	if (s->extra_opts_len)
		memcpy(opts + olen, s->extra_opts, s->extra_opts_len);
	olen += s->extra_opts_len;
	olen = (olen + 3) & ~(size_t)3;
	if (olen > sizeof(opts))
		return 0;

	size_t hlen = 20 + olen, total = hlen + len;
	if (total > cap || total > 0xFFFF)
		return 0;
	struct igmpx_wbuf w;
	igmpx_wbuf_init(&w, out, cap);
	igmpx_put8(&w, (uint8_t)(0x40 | hlen / 4));
	igmpx_put8(&w, s->tos);
	igmpx_put16(&w, (uint16_t)total);
	igmpx_put16(&w, s->id);
	igmpx_put16(&w, s->frag);
	igmpx_put8(&w, s->ttl);
	igmpx_put8(&w, s->proto ? s->proto : IGMPX_IPPROTO_IGMP);
	igmpx_put16(&w, 0);
	igmpx_put32(&w, s->src);
	igmpx_put32(&w, s->dst);
	igmpx_put_bytes(&w, opts, olen);
	uint16_t ck = s->checksum < 0 ? igmpx_cksum(out, hlen) : (uint16_t)s->checksum;
	igmpx_put16_at(&w, 10, ck);
	igmpx_put_bytes(&w, payload, len);
	return w.overflow ? 0 : w.len;
}

bool igmpx_ipv4_parse(const uint8_t *b, size_t len, struct igmpx_ipv4 *ip)
{
	memset(ip, 0, sizeof(*ip));
	if (len < 20 || b[0] >> 4 != 4)
		return false;
	ip->ihl = b[0] & 0x0F;
	size_t hlen = 4u * ip->ihl;
	if (hlen < 20 || hlen > len)
		return false;
	ip->tos = b[1];
	ip->total_len = (uint16_t)(b[2] << 8 | b[3]);
	ip->id = (uint16_t)(b[4] << 8 | b[5]);
	ip->frag = (uint16_t)(b[6] << 8 | b[7]);
	ip->ttl = b[8];
	ip->proto = b[9];
	ip->checksum = (uint16_t)(b[10] << 8 | b[11]);
	ip->src = (uint32_t)b[12] << 24 | (uint32_t)b[13] << 16 | (uint32_t)b[14] << 8 | b[15];
	ip->dst = (uint32_t)b[16] << 24 | (uint32_t)b[17] << 16 | (uint32_t)b[18] << 8 | b[19];
	/* Options: EOL (0) ends them, NOP (1) is one octet, the rest are TLV. */
	for (size_t o = 20; o < hlen;) {
		uint8_t t = b[o];
		if (t == 0)
			break;
		if (t == 1) {
			o++;
			continue;
		}
		if (o + 1 >= hlen || b[o + 1] < 2 || o + b[o + 1] > hlen)
			break;
		if (t == IGMPX_IPOPT_RA && b[o + 1] == 4) {
			ip->router_alert = true;
			ip->ra_value = (uint16_t)(b[o + 2] << 8 | b[o + 3]);
			ip->ra_off = o;
		}
		o += b[o + 1];
	}
	ip->payload_off = hlen;
	size_t end = ip->total_len < len ? ip->total_len : len;
	ip->payload_len = end > hlen ? end - hlen : 0;
	return true;
}

void igmpx_ether_mcast(uint32_t group, uint8_t mac[6])
{
	mac[0] = 0x01;
	mac[1] = 0x00;
	mac[2] = 0x5E;
	mac[3] = (uint8_t)(group >> 16 & 0x7F);
	mac[4] = (uint8_t)(group >> 8);
	mac[5] = (uint8_t)group;
}
