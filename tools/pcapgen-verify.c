/* pcapgen-verify.c: each frame breaks its expect= rules, no more.
 *
 * A frame's findings are exactly its expect= set: the content checker
 * (core/check) on the frame, and the timing model (core/timing) fed the
 * capture's frames in order, a timing finding counting for the frame it
 * names.  A frame without expect= breaks nothing, not even a Chat fact. */
#include "pcapgen.h"
#include "check.h"
#include "ip.h"
#include "timing.h"

#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PG_MAX_FINDINGS 64

/* The IPv4 packet of an Ethernet frame, and the IGMP packet an ICMP error
 * quotes (opts->in_icmp_error).  False when there is no IGMP to check. */
static bool frame_packet(const uint8_t *p, size_t caplen, size_t wirelen, const uint8_t **pkt,
			 size_t *len, struct igmpx_check_opts *o)
{
	struct igmpx_ipv4 ip;
	memset(o, 0, sizeof(*o));
	if (caplen < 14 || p[12] != 0x08 || p[13] != 0x00 ||
	    !igmpx_ipv4_parse(p + 14, caplen - 14, &ip))
		return false;
	*pkt = p + 14;
	*len = caplen - 14;
	if (wirelen > caplen)
		o->reported_len = wirelen - 14;
	if (ip.proto == 1 && ip.payload_len > 8) {
		*pkt += ip.payload_off + 8;
		*len = ip.payload_len - 8;
		o->reported_len = 0;
		o->in_icmp_error = 1;
		return igmpx_ipv4_parse(*pkt, *len, &ip) && ip.proto == IGMPX_IPPROTO_IGMP;
	}
	return ip.proto == IGMPX_IPPROTO_IGMP;
}

static void set_text(const bool set[IGMPX_RULE_COUNT], char *out, size_t cap)
{
	size_t n = 0;
	out[0] = '\0';
	for (int r = 0; r < IGMPX_RULE_COUNT && n < cap; r++)
		if (set[r])
			n += (size_t)snprintf(out + n, cap - n, "%s%s", n ? "," : "", igmpx_rules[r].id);
	if (!n)
		snprintf(out, cap, "-");
}

struct frame_result {
	bool got[IGMPX_RULE_COUNT];
	char texts[1024];          /* what was found, for the error message */
};

static void add_text(struct frame_result *fr, enum igmpx_rule r, const char *text)
{
	size_t n = strlen(fr->texts);
	fr->got[r] = true;
	snprintf(fr->texts + n, sizeof(fr->texts) - n, "\n    %s: %s", igmpx_rules[r].id, text);
}

static void content_findings(const struct desc_frame *f, struct frame_result *fr)
{
	const uint8_t *pkt;
	size_t len;
	struct igmpx_check_opts o;
	struct igmpx_finding out[PG_MAX_FINDINGS];
	if (!frame_packet(f->bytes, f->caplen, f->len, &pkt, &len, &o))
		return;
	size_t n = igmpx_check_packet(pkt, len, &o, out, PG_MAX_FINDINGS);
	for (size_t i = 0; i < n && i < PG_MAX_FINDINGS; i++)
		add_text(fr, out[i].rule, out[i].text);
}

static void timing_findings(struct frame_result *fr, size_t nframes,
			    const struct igmpx_tfinding *t, size_t n)
{
	for (size_t i = 0; i < n && i < PG_MAX_FINDINGS; i++)
		if (t[i].frame >= 1 && t[i].frame <= nframes)
			add_text(&fr[t[i].frame - 1], t[i].rule, t[i].text);
}

bool pg_expect_verify(const struct desc_capture *c)
{
	struct frame_result *fr = calloc(c->nframes ? c->nframes : 1, sizeof(*fr));
	struct igmpx_link_config cfg;
	igmpx_link_config_defaults(&cfg);
	struct igmpx_link *link = igmpx_link_new(&cfg);
	struct igmpx_tfinding t[PG_MAX_FINDINGS];
	struct igmpx_link_event ev;
	if (!fr || !link)
		exit(2);
	for (size_t i = 0; i < c->nframes; i++) {
		const struct desc_frame *f = &c->frames[i];
		content_findings(f, &fr[i]);
		if (!f->quoted && f->caplen > 14) {
			size_t n = igmpx_link_feed(link, (uint32_t)(i + 1), f->at_us, f->bytes + 14,
						   f->caplen - 14, &ev, t, PG_MAX_FINDINGS);
			timing_findings(fr, c->nframes, t, n);
		}
	}
	uint64_t end = c->nframes ? c->frames[c->nframes - 1].at_us : 0;
	timing_findings(fr, c->nframes, t, igmpx_link_finish(link, end, t, PG_MAX_FINDINGS));
	igmpx_link_free(link);

	bool ok = true;
	for (size_t i = 0; i < c->nframes; i++) {
		const struct desc_frame *f = &c->frames[i];
		if (memcmp(f->expect, fr[i].got, sizeof(f->expect)) == 0)
			continue;
		char want[512], got[512];
		set_text(f->expect, want, sizeof(want));
		set_text(fr[i].got, got, sizeof(got));
		struct desc_line at = { .file = f->file, .lineno = f->lineno };
		desc_err(&at, "%s frame %zu: expect=%s, but it breaks %s%s", c->name, i + 1, want, got,
		       fr[i].texts);
		ok = false;
	}
	free(fr);
	return ok;
}

void pg_expect_print(const struct desc_capture *c)
{
	char rules[512];
	for (size_t i = 0; i < c->nframes; i++) {
		set_text(c->frames[i].expect, rules, sizeof(rules));
		printf("%s %zu %s\n", c->name, i + 1, rules);
	}
}

/* ---- Real captures ---------------------------------------------------------------- */

/* --allow NAME:FRAME:RULE: a finding a real capture is known to carry (by
 * the RFC), e.g. IGMP_V2.pcap:1:v2_router_alert.  Each must be found. */
struct allow {
	char name[128];
	unsigned frame;
	enum igmpx_rule rule;
	bool used;
};

static bool allow_parse(const char *arg, struct allow *a)
{
	char rule[64];
	memset(a, 0, sizeof(*a));
	if (sscanf(arg, "%127[^:]:%u:%63s", a->name, &a->frame, rule) != 3)
		return false;
	a->rule = igmpx_rule_by_id(rule);
	return a->rule != IGMPX_RULE_COUNT;
}

static bool allowed(struct allow *al, size_t nal, const char *path, unsigned frame,
		    enum igmpx_rule r)
{
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	for (size_t i = 0; i < nal; i++)
		if (al[i].frame == frame && al[i].rule == r && strcmp(al[i].name, base) == 0) {
			al[i].used = true;
			return true;
		}
	return false;
}

static bool clean_file(const char *path, struct allow *al, size_t nal, unsigned *frames)
{
	char err[PCAP_ERRBUF_SIZE];
	pcap_t *p = pcap_open_offline(path, err);
	if (!p) {
		fprintf(stderr, "%s: %s\n", path, err);
		return false;
	}
	struct pcap_pkthdr *h;
	const u_char *d;
	bool ok = pcap_datalink(p) == DLT_EN10MB;
	if (!ok)
		fprintf(stderr, "%s: not Ethernet (link type %d)\n", path, pcap_datalink(p));
	for (unsigned n = 1; ok && pcap_next_ex(p, &h, &d) == 1; n++, (*frames)++) {
		const uint8_t *pkt;
		size_t len;
		struct igmpx_check_opts o;
		struct igmpx_finding out[PG_MAX_FINDINGS];
		if (!frame_packet(d, h->caplen, h->len, &pkt, &len, &o))
			continue;
		size_t k = igmpx_check_packet(pkt, len, &o, out, PG_MAX_FINDINGS);
		for (size_t i = 0; i < k && i < PG_MAX_FINDINGS; i++) {
			enum igmpx_rule r = out[i].rule;
			if (igmpx_rules[r].severity == IGMPX_SEV_CHAT || allowed(al, nal, path, n, r))
				continue;
			printf("%s: frame %u: %s [%s]: %s\n", path, n, igmpx_rules[r].id,
			       igmpx_severity_name(igmpx_rules[r].severity), out[i].text);
			ok = false;
		}
	}
	pcap_close(p);
	return ok;
}

int pg_check_clean(int argc, char **argv)
{
	struct allow al[64];
	size_t nal = 0;
	int i = 0;
	for (; i + 1 < argc && strcmp(argv[i], "--allow") == 0; i += 2) {
		if (nal == sizeof(al) / sizeof(al[0]) || !allow_parse(argv[i + 1], &al[nal])) {
			fprintf(stderr, "--allow %s: expected CAPTURE.pcap:FRAME:RULE_ID\n", argv[i + 1]);
			return 2;
		}
		nal++;
	}
	bool ok = i < argc;
	unsigned frames = 0;
	for (int k = i; k < argc; k++)
		ok = clean_file(argv[k], al, nal, &frames) && ok;
	for (size_t k = 0; k < nal; k++)
		if (!al[k].used) {
			printf("--allow %s:%u:%s: no such finding (stale?)\n", al[k].name, al[k].frame,
			       igmpx_rules[al[k].rule].id);
			ok = false;
		}
	if (ok)
		printf("clean: %d captures, %u frames, no finding at Note or above but the %zu "
		       "allowed\n", argc - i, frames, nal);
	return ok ? 0 : 1;
}
