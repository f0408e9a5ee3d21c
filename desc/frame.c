/* frame.c: one frame description (a frame line and its
 * continuation lines) built into an Ethernet frame: IGMP by core/codec,
 * IPv4 by core/ip.  Shared by igmpx-pcapgen and the harness, whose case
 * files describe stimuli the same way. */
#include "desc.h"
#include "ip.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool is_multicast(uint32_t a)
{
	return (a >> 28) == 0xE;
}

static void put_mac(uint8_t *p, uint32_t addr)
{
	if (is_multicast(addr)) {
		igmpx_ether_mcast(addr, p);
		return;
	}
	/* Locally administered unicast, one per address. */
	uint8_t mac[6] = { 0x02, 0x00, (uint8_t)(addr >> 24), (uint8_t)(addr >> 16),
			   (uint8_t)(addr >> 8), (uint8_t)addr };
	memcpy(p, mac, 6);
}

/* Checks the frame line's keys and its continuation lines against msg. */
static void check_lines(const struct desc_frame_lines *fd, const struct desc_msg *msg)
{
	desc_check_keys(&fd->head, desc_common_keys, msg->keys);
	for (int i = 0; i < fd->nsubs; i++) {
		const struct desc_line *s = &fd->subs[i];
		/* A line of keys only has no word (the harness's send: text
		 * comes here unchecked by the file reader). */
		if (!msg->sub)
			desc_err(s, "%s takes no continuation lines (got \"%s\")", msg->word,
				 s->word ? s->word : s->nkv ? s->kv[0].key : "");
		else if (!s->word)
			desc_err(s, "a continuation line of %s starts with \"%s\"", msg->word, msg->sub);
		else if (strcmp(s->word, msg->sub) != 0)
			desc_err(s, "%s takes \"%s\" lines, not \"%s\"", msg->word, msg->sub, s->word);
		else
			desc_check_keys(s, NULL, msg->subkeys);
	}
}

/* The IGMP message with trailer, checksum override and truncation applied.
 * Returns its length on the wire. */
static size_t build_message(const struct desc_frame_lines *fd, const struct desc_msg *msg,
			    struct desc_build *b, size_t *trailer_len)
{
	static uint8_t buf[DESC_MAX_MSG];
	const struct desc_line *l = &fd->head;
	memset(b, 0, sizeof(*b));
	b->fd = fd;
	b->l = l;
	igmpx_wbuf_init(&b->w, buf, sizeof(buf));
	msg->build(b);
	size_t before = b->w.len;
	*trailer_len = desc_hex(l, "trailer", buf + before, sizeof(buf) - before);
	b->w.len += *trailer_len;
	if (b->w.overflow) {
		desc_err(l, "message longer than %d octets", DESC_MAX_MSG);
		return 0;
	}
	/* RFC 9776 §4.1.2: the checksum covers every octet, trailer included. */
	igmpx_finish(&b->w);
	if (desc_has(l, "checksum"))
		igmpx_put16_at(&b->w, IGMPX_OFF_CHECKSUM, (uint16_t)desc_num(l, "checksum", 0, 0xFFFF));
	size_t len = b->w.len;
	if (desc_has(l, "truncate")) {
		size_t cut = (size_t)desc_num(l, "truncate", len, 0xFFFF);
		if (cut > len)
			desc_err(l, "truncate=%zu is beyond the %zu-octet message", cut, len);
		else
			len = cut;
	}
	return len;
}

static void ip_spec(const struct desc_frame_lines *fd, const struct desc_msg *msg,
		    const struct desc_build *b, size_t index, struct igmpx_ipv4_spec *ip,
		    uint8_t *opts, size_t opts_cap)
{
	const struct desc_line *l = &fd->head;
	uint32_t src = desc_addr_req(l, "src");
	if (!desc_has(l, "dst") && !b->has_dst)
		desc_err(l, "%s has no default destination: give dst=", msg->word);
	uint32_t dst = desc_addr(l, "dst", b->dst);
	igmpx_ipv4_defaults(ip, src, dst);
	/* RFC 9776 §4: TTL 1; unicast mtrace and MSNIP replies need more. */
	unsigned ttl = msg->ttl ? msg->ttl : is_multicast(dst) ? 1 : 64;
	ip->ttl = (uint8_t)desc_num(l, "ttl", ttl, 0xFF);
	ip->tos = (uint8_t)desc_num(l, "tos", msg->tos, 0xFF);
	ip->router_alert = desc_bool(l, "ra", !msg->no_ra);
	ip->id = (uint16_t)desc_num(l, "ipid", index + 1, 0xFFFF);
	ip->extra_opts = opts;
	ip->extra_opts_len = desc_hex(l, "ipopts", opts, opts_cap);
}

static void append_frame(struct desc_capture *cap, const struct desc_frame *f)
{
	if (cap->nframes == cap->cap) {
		cap->cap = cap->cap ? 2 * cap->cap : 8;
		cap->frames = realloc(cap->frames, cap->cap * sizeof(*cap->frames));
		if (!cap->frames)
			exit(2);
	}
	cap->frames[cap->nframes++] = *f;
}

/* icmp=ADDR: ADDR answers the packet with an ICMP Destination Unreachable
 * (protocol unreachable) quoting its IP header and first 8 octets of
 * payload (RFC 792).  Returns the new IP length (0 if it does not fit). */
static size_t quote_in_icmp(const struct desc_line *l, uint8_t *pkt, size_t len, size_t cap)
{
	uint8_t icmp[8 + 60 + 8];
	struct igmpx_ipv4 in;
	struct igmpx_ipv4_spec out;
	if (!igmpx_ipv4_parse(pkt, len, &in))
		return 0;
	size_t quoted = in.payload_off + (in.payload_len < 8 ? in.payload_len : 8);
	memset(icmp, 0, 8);
	icmp[0] = 3;                                /* destination unreachable */
	icmp[1] = 2;                                /* protocol unreachable */
	memcpy(icmp + 8, pkt, quoted);
	uint16_t ck = igmpx_cksum(icmp, 8 + quoted);
	icmp[2] = (uint8_t)(ck >> 8);
	icmp[3] = (uint8_t)ck;
	igmpx_ipv4_defaults(&out, desc_addr_req(l, "icmp"), in.src);
	out.ttl = 64;
	out.tos = 0;
	out.router_alert = false;
	out.proto = 1;
	return igmpx_ipv4_build(&out, icmp, 8 + quoted, pkt, cap);
}

/* fragment=N: the packet as the IP fragments a sender makes of it (RFC
 * 791), N octets of the message in each but the last, every one with the
 * whole header (options included: the Router Alert option is copied into
 * each, its copied flag set), back to back.  The first carries the frame's
 * expectations, the others none: they hold no message's start. */
static void append_fragments(struct desc_capture *cap,
			     const struct desc_frame *f, const uint8_t *frame, size_t size)
{
	size_t hlen = 4u * (frame[14] & 0x0F), plen = f->len - 14 - hlen;
	for (size_t off = 0; off < plen; off += size) {
		size_t chunk = plen - off < size ? plen - off : size;
		struct desc_frame part = *f;
		part.len = part.caplen = 14 + hlen + chunk;
		part.fragment = true;
		part.trailer_len = 0;
		if (off)
			memset(part.expect, 0, sizeof(part.expect));
		part.bytes = malloc(part.len);
		if (!part.bytes)
			exit(2);
		memcpy(part.bytes, frame, 14 + hlen);
		memcpy(part.bytes + 14 + hlen, frame + 14 + hlen + off, chunk);
		uint8_t *ip = part.bytes + 14;
		uint16_t frag = (uint16_t)((ip[6] << 8 | ip[7]) & ~IGMPX_IP_FRAGMENT);
		frag |= (uint16_t)(off / 8) | (off + chunk < plen ? IGMPX_IP_MF : 0);
		ip[2] = (uint8_t)((hlen + chunk) >> 8);
		ip[3] = (uint8_t)(hlen + chunk);
		ip[6] = (uint8_t)(frag >> 8);
		ip[7] = (uint8_t)frag;
		ip[10] = ip[11] = 0;
		uint16_t ck = igmpx_cksum(ip, hlen);
		ip[10] = (uint8_t)(ck >> 8);
		ip[11] = (uint8_t)ck;
		append_frame(cap, &part);
	}
}

void desc_frame_build(const struct desc_frame_lines *fd, struct desc_capture *cap)
{
	static uint8_t frame[DESC_MAX_FRAME];
	const struct desc_line *l = &fd->head;
	const struct desc_msg *msg = desc_msg_find(l->word);
	if (!msg) {
		char list[256];
		desc_msg_list(list, sizeof(list));
		desc_err(l, "unknown message \"%s\" (expected one of: %s)", l->word, list);
		return;
	}
	unsigned errors = desc_errors;
	struct desc_build b;
	struct igmpx_ipv4_spec ip;
	uint8_t opts[40];
	struct desc_frame f = { .file = l->file, .lineno = l->lineno };
	check_lines(fd, msg);
	if (desc_errors != errors)
		return;         /* building on unknown keys or lines would only repeat them */
	size_t mlen = build_message(fd, msg, &b, &f.trailer_len);
	ip_spec(fd, msg, &b, cap->nframes, &ip, opts, sizeof(opts));
	if (msg->build == desc_build_raw) {
		/* A raw message is what its octets and destination make it. */
		struct igmpx_msg m;
		igmpx_parse_to(b.w.p, mlen, ip.dst, &m);
		b.kind = m.kind;
	}
	f.at_us = desc_time_us(l, "at", cap->nframes ? cap->last_at_us + 1000000u : 0);
	if (cap->nframes && f.at_us < cap->last_at_us)
		desc_err(l, "at= goes back in time (previous frame at %llu us)",
		       (unsigned long long)cap->last_at_us);
	if (desc_errors != errors)
		return;
	size_t iplen = igmpx_ipv4_build(&ip, b.w.p, mlen, frame + 14, sizeof(frame) - 14);
	if (!iplen) {
		desc_err(l, "IPv4 packet does not fit (options over 40 octets or length over 65535)");
		return;
	}
	if (desc_has(l, "icmp")) {
		/* snap= counts octets of the message on the wire; an ICMP error
		 * quotes 8 of them, whatever the message's length. */
		if (desc_has(l, "snap")) {
			desc_err(l, "snap= and icmp= together: an ICMP error quotes 8 octets of the "
				 "message already");
			return;
		}
		iplen = quote_in_icmp(l, frame + 14, iplen, sizeof(frame) - 14);
		if (!iplen) {
			desc_err(l, "icmp=: the ICMP error does not fit");
			return;
		}
		f.quoted = true;
		ip.dst = ip.src;
		/* The error's source, as quote_in_icmp wrote it (icmp= read once:
		 * a bad address is one error, not two). */
		ip.src = (uint32_t)frame[14 + 12] << 24 | (uint32_t)frame[14 + 13] << 16 |
			 (uint32_t)frame[14 + 14] << 8 | frame[14 + 15];
	}
	put_mac(frame, ip.dst);
	put_mac(frame + 6, ip.src);
	frame[12] = 0x08;
	frame[13] = 0x00;
	f.len = 14 + iplen;
	f.caplen = f.len;
	if (desc_has(l, "snap")) {
		size_t keep = (size_t)desc_num(l, "snap", mlen, mlen);
		f.caplen = f.len - mlen + keep;
	}
	f.kind = b.kind;
	desc_expect_parse(l, f.expect);
	if (desc_has(l, "fragment")) {
		size_t size = (size_t)desc_num(l, "fragment", 0, 0xFFF8);
		if (desc_has(l, "icmp") || desc_has(l, "snap") || desc_has(l, "truncate"))
			desc_err(l, "fragment= with icmp=, snap= or truncate=: fragments are whole "
				 "packets of a whole message");
		else if (size < 8 || size % 8 || size >= mlen)
			desc_err(l, "fragment=%zu: a multiple of 8 octets, at least 8 and less than "
				 "the %zu-octet message", size, mlen);
		if (desc_errors != errors)
			return;
		append_fragments(cap, &f, frame, size);
		cap->last_at_us = f.at_us;
		return;
	}
	f.bytes = malloc(f.len);
	if (!f.bytes)
		exit(2);
	memcpy(f.bytes, frame, f.len);
	cap->last_at_us = f.at_us;
	if (desc_errors == errors)
		append_frame(cap, &f);
	else
		free(f.bytes);
}

void desc_expect_parse(const struct desc_line *l, bool set[IGMPX_RULE_COUNT])
{
	memset(set, 0, IGMPX_RULE_COUNT * sizeof(set[0]));
	const char *s = desc_get(l, "expect");
	if (!s)
		return;
	char *copy = strdup(s), *save = NULL;
	if (!copy)
		exit(2);
	if (!*s)
		desc_err(l, "expect= names no rule (leave it out for a frame that breaks none)");
	for (char *id = strtok_r(copy, ",", &save); id; id = strtok_r(NULL, ",", &save)) {
		enum igmpx_rule r = igmpx_rule_by_id(id);
		if (r == IGMPX_RULE_COUNT)
			desc_err(l, "expect: unknown rule \"%s\" (the IDs of core/rules.def)", id);
		else if (set[r])
			desc_err(l, "expect: %s given twice", id);
		else
			set[r] = true;
	}
	free(copy);
}
