/* replay.c: the replay step (run.h): the IGMP frames of a capture played
 * onto the test link at their captured spacing (scaled by --speed), their
 * addresses rewritten to the link's. */
#include "run.h"
#include "ip.h"

#include <limits.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <string.h>

static void put_mac(uint8_t *p, uint32_t dst)
{
	if ((dst >> 28) == 0xE) {
		igmpx_ether_mcast(dst, p);
	} else {
		memset(p, 0xFF, 6);     /* the IUT's MAC is not known: broadcast */
	}
}

/* The IGMP frames of a capture (frames A-B of it), addresses rewritten to
 * the test link's: the source is the harness, a unicast destination the
 * IUT; the IPv4 header checksum is made again. */
void run_replay(struct run *r, const struct hx_step *s)
{
	const char *path = s->text;     /* as written, for the comments */
	char perr[PCAP_ERRBUF_SIZE];
	pcap_t *pc = pcap_open_offline(s->file ? s->file : path, perr);
	struct pcap_pkthdr *h;
	const u_char *d;
	unsigned first = 1, last = UINT_MAX, no = 0, sent = 0;
	uint64_t cap0 = 0, start = hx_now_ns() + 20000000u;
	int rc;

	if (!pc) {
		run_verdict(r, HX_ERROR, "%s:%d: replay: %s", r->c->path, s->line, perr);
		return;
	}
	if (s->range)
		sscanf(s->range, "%u-%u", &first, &last);
	int dlt = pcap_datalink(pc);
	while ((rc = pcap_next_ex(pc, &h, &d)) == 1 && !r->aborted) {
		size_t iplen;
		const uint8_t *ip;
		struct igmpx_ipv4 hd;
		uint8_t out[MAX_FRAME];

		if (++no < first || no > last)
			continue;
		ip = hx_ip_of(dlt, d, h->caplen, &iplen);
		if (!ip || iplen + 14 > sizeof(out) || !igmpx_ipv4_parse(ip, iplen, &hd) ||
		    hd.proto != IGMPX_IPPROTO_IGMP)
			continue;
		uint64_t ts = (uint64_t)h->ts.tv_sec * 1000000000u + (uint64_t)h->ts.tv_usec * 1000u;
		if (!sent)
			cap0 = ts;
		memcpy(out + 14, ip, iplen);
		uint8_t *o = out + 14;
		uint32_t dst = hd.dst;
		if ((dst >> 28) != 0xE && dst != 0xFFFFFFFFu)
			dst = HX_IUT_ADDR;
		o[12] = HX_TESTER_ADDR >> 24, o[13] = HX_TESTER_ADDR >> 16 & 255;
		o[14] = HX_TESTER_ADDR >> 8 & 255, o[15] = HX_TESTER_ADDR & 255;
		o[16] = (uint8_t)(dst >> 24), o[17] = (uint8_t)(dst >> 16), o[18] = (uint8_t)(dst >> 8);
		o[19] = (uint8_t)dst;
		o[10] = o[11] = 0;
		uint16_t ck = igmpx_cksum(o, hd.payload_off);
		o[10] = (uint8_t)(ck >> 8), o[11] = (uint8_t)ck;
		put_mac(out, dst);
		out[12] = 0x08, out[13] = 0x00;
		double gap = (double)(ts - cap0) / (r->o->speed > 0 ? r->o->speed : 1);
		if (!run_send_frame(r, start + (uint64_t)gap, out, 14 + iplen))
			break;
		run_comment(run_frame_at(r, (int)r->frames->len - 1), "replayed: frame %u of %s", no, path);
		sent++;
	}
	if (rc == -1)
		run_verdict(r, HX_ERROR, "%s:%d: replay: reading %s: %s", r->c->path, s->line, path,
			pcap_geterr(pc));
	else if (!sent && !r->aborted)
		run_verdict(r, HX_ERROR, "%s:%d: replay: no IGMP frame in %s%s%s", r->c->path, s->line,
			path, s->range ? " frames " : "", s->range ? s->range : "");
	pcap_close(pc);
}
