/* analyze.c: the checks of the dissector over a capture, offline: every
 * content rule (core/check) on every IGMP packet, every timing rule
 * (core/timing, one link model per capture interface) across them. */
#include "hx.h"
#include "check.h"
#include "ip.h"
#include "timing.h"

#include <glib.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <string.h>

#define MAX_LINKS 16

static bool breaks_must(enum igmpx_rule r)
{
	return igmpx_rules[r].level == IGMPX_LEVEL_MUST ||
	       igmpx_rules[r].level == IGMPX_LEVEL_MUST_PLAIN;
}

static void print(FILE *out, unsigned frame, enum igmpx_rule r, const char *text)
{
	const struct igmpx_rule_info *ri = &igmpx_rules[r];

	fprintf(out, "frame %-6u %-24s %s %-8s %-8s %-7s %s\n", frame, ri->id, ri->rfc, ri->section,
		igmpx_level_name(ri->level), igmpx_severity_name(ri->severity), text);
}

int hx_analyze(const char *path, uint32_t from, FILE *out)
{
	char err[PCAP_ERRBUF_SIZE];
	pcap_t *pc = pcap_open_offline(path, err);
	struct pcap_pkthdr *h;
	const u_char *d;
	struct igmpx_link_config cfg;
	struct igmpx_link *link;
	unsigned frame = 0, igmp = 0, must = 0, total = 0;
	uint64_t last_us = 0;
	int rc;

	if (!pc) {
		fprintf(stderr, "igmpx: %s: %s\n", path, err);
		return -1;
	}
	igmpx_link_config_defaults(&cfg);
	link = igmpx_link_new(&cfg);
	if (!link) {
		pcap_close(pc);
		return -1;
	}
	int dlt = pcap_datalink(pc);
	/* The IP source of each frame: a timing finding is about a frame. */
	GArray *srcs = g_array_new(FALSE, TRUE, sizeof(uint32_t));
#define ABOUT_IUT(fr) (!from || ((fr) < srcs->len && g_array_index(srcs, uint32_t, fr) == from))
	while ((rc = pcap_next_ex(pc, &h, &d)) == 1) {
		size_t iplen;
		const uint8_t *ip = hx_ip_of(dlt, d, h->caplen, &iplen);
		struct igmpx_ipv4 hd;
		struct igmpx_finding f[32];
		struct igmpx_tfinding tf[16];
		struct igmpx_link_event ev;

		frame++;
		g_array_set_size(srcs, frame + 1);
		if (!ip || !igmpx_ipv4_parse(ip, iplen, &hd) || hd.proto != IGMPX_IPPROTO_IGMP)
			continue;
		g_array_index(srcs, uint32_t, frame) = hd.src;
		igmp++;
		struct igmpx_check_opts o = { 0 };
		if (h->len > h->caplen)
			o.reported_len = iplen + (h->len - h->caplen);
		size_t n = !from || hd.src == from ? igmpx_check_packet(ip, iplen, &o, f, 32) : 0;
		for (size_t i = 0; i < n && i < 32; i++) {
			print(out, frame, f[i].rule, f[i].text);
			total++;
			must += breaks_must(f[i].rule);
		}
		last_us = (uint64_t)h->ts.tv_sec * 1000000u + (uint64_t)h->ts.tv_usec;
		n = igmpx_link_feed(link, frame, last_us, ip, iplen, &ev, tf, 16);
		for (size_t i = 0; i < n && i < 16; i++) {
			if (!ABOUT_IUT(tf[i].frame))
				continue;
			print(out, tf[i].frame, tf[i].rule, tf[i].text);
			total++;
			must += breaks_must(tf[i].rule) && igmpx_rules[tf[i].rule].severity != IGMPX_SEV_CHAT;
		}
	}
	if (rc == -1) {
		fprintf(stderr, "igmpx: %s: %s\n", path, pcap_geterr(pc));
		igmpx_link_free(link);
		g_array_free(srcs, TRUE);
		pcap_close(pc);
		return -1;
	}
	struct igmpx_tfinding tf[32];
	size_t n = igmpx_link_finish(link, last_us, tf, 32);
	for (size_t i = 0; i < n && i < 32; i++) {
		if (!ABOUT_IUT(tf[i].frame))
			continue;
		print(out, tf[i].frame, tf[i].rule, tf[i].text);
		total++;
		must += breaks_must(tf[i].rule) && igmpx_rules[tf[i].rule].severity != IGMPX_SEV_CHAT;
	}
	fprintf(out, "%s: %u frames, %u IGMP, %u finding%s, %u breaking a MUST\n", path, frame, igmp,
		total, total == 1 ? "" : "s", must);
	igmpx_link_free(link);
	g_array_free(srcs, TRUE);
	pcap_close(pc);
	return (int)must;
}
