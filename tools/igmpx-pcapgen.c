/* igmpx-pcapgen: write pcap files from capture descriptions.
 *
 *   igmpx-pcapgen [-o OUTDIR] DESC...          OUTDIR/<capture>.pcap for each capture
 *   igmpx-pcapgen --list DESC...               capture names
 *   igmpx-pcapgen --index DESC...              markdown rows: name, frames, note
 *   igmpx-pcapgen --verify [-o OUTDIR] DESC... the pcaps in OUTDIR hold exactly what the
 *                                              descriptions give, parse as they must, and
 *                                              break exactly their expect= rules
 *   igmpx-pcapgen --expectations DESC...       "<capture> <frame> <rule,rule|->" per frame
 *   igmpx-pcapgen --clean [--allow C:N:RULE]... PCAP...
 *                                              real captures: no content finding at Note
 *                                              or above but the allowed ones
 *
 * Frames are Ethernet II: multicast destinations map to 01:00:5e (RFC 1112
 * §6.4), unicast ones to 02:00:<address>; the source MAC is 02:00:<source
 * address>.  Time starts at 2026-01-01T00:00:00Z, so output is the same on
 * every run.  The format is described in pcaps/README.md. */
#include "pcapgen.h"
#include "ip.h"

#include <errno.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PG_BASE_TIME 1767225600u   /* 2026-01-01T00:00:00Z */
#define PG_SNAPLEN   65535

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
static void check_lines(const struct pg_frame_desc *fd, const struct pg_msg *msg)
{
	pg_check_keys(&fd->head, pg_common_keys, msg->keys);
	for (int i = 0; i < fd->nsubs; i++) {
		const struct pg_line *s = &fd->subs[i];
		if (!msg->sub)
			pg_err(s, "%s takes no continuation lines (got \"%s\")", msg->word, s->word);
		else if (strcmp(s->word, msg->sub) != 0)
			pg_err(s, "%s takes \"%s\" lines, not \"%s\"", msg->word, msg->sub, s->word);
		else
			pg_check_keys(s, NULL, msg->subkeys);
	}
}

/* The IGMP message with trailer, checksum override and truncation applied.
 * Returns its length on the wire. */
static size_t build_message(const struct pg_frame_desc *fd, const struct pg_msg *msg,
			    struct pg_build *b, size_t *trailer_len)
{
	static uint8_t buf[PG_MAX_MSG];
	const struct pg_line *l = &fd->head;
	memset(b, 0, sizeof(*b));
	b->fd = fd;
	b->l = l;
	igmpx_wbuf_init(&b->w, buf, sizeof(buf));
	msg->build(b);
	size_t before = b->w.len;
	*trailer_len = pg_hex(l, "trailer", buf + before, sizeof(buf) - before);
	b->w.len += *trailer_len;
	if (b->w.overflow) {
		pg_err(l, "message longer than %d octets", PG_MAX_MSG);
		return 0;
	}
	/* RFC 9776 §4.1.2: the checksum covers every octet, trailer included. */
	igmpx_finish(&b->w);
	if (pg_has(l, "checksum"))
		igmpx_put16_at(&b->w, IGMPX_OFF_CHECKSUM, (uint16_t)pg_num(l, "checksum", 0, 0xFFFF));
	size_t len = b->w.len;
	if (pg_has(l, "truncate")) {
		size_t cut = (size_t)pg_num(l, "truncate", len, 0xFFFF);
		if (cut > len)
			pg_err(l, "truncate=%zu is beyond the %zu-octet message", cut, len);
		else
			len = cut;
	}
	return len;
}

static void ip_spec(const struct pg_frame_desc *fd, const struct pg_msg *msg,
		    const struct pg_build *b, size_t index, struct igmpx_ipv4_spec *ip,
		    uint8_t *opts, size_t opts_cap)
{
	const struct pg_line *l = &fd->head;
	uint32_t src = pg_addr_req(l, "src");
	if (!pg_has(l, "dst") && !b->has_dst)
		pg_err(l, "%s has no default destination: give dst=", msg->word);
	uint32_t dst = pg_addr(l, "dst", b->dst);
	igmpx_ipv4_defaults(ip, src, dst);
	/* RFC 9776 §4: TTL 1; unicast mtrace and MSNIP replies need more. */
	unsigned ttl = msg->ttl ? msg->ttl : is_multicast(dst) ? 1 : 64;
	ip->ttl = (uint8_t)pg_num(l, "ttl", ttl, 0xFF);
	ip->tos = (uint8_t)pg_num(l, "tos", msg->tos, 0xFF);
	ip->router_alert = pg_bool(l, "ra", !msg->no_ra);
	ip->id = (uint16_t)pg_num(l, "ipid", index + 1, 0xFFFF);
	ip->extra_opts = opts;
	ip->extra_opts_len = pg_hex(l, "ipopts", opts, opts_cap);
}

static void append_frame(struct pg_capture *cap, const struct pg_frame *f)
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
static size_t quote_in_icmp(const struct pg_line *l, uint8_t *pkt, size_t len, size_t cap)
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
	igmpx_ipv4_defaults(&out, pg_addr_req(l, "icmp"), in.src);
	out.ttl = 64;
	out.tos = 0;
	out.router_alert = false;
	out.proto = 1;
	return igmpx_ipv4_build(&out, icmp, 8 + quoted, pkt, cap);
}

void pg_frame_build(const struct pg_frame_desc *fd, struct pg_capture *cap)
{
	static uint8_t frame[PG_MAX_FRAME];
	const struct pg_line *l = &fd->head;
	const struct pg_msg *msg = pg_msg_find(l->word);
	if (!msg) {
		char list[256];
		pg_msg_list(list, sizeof(list));
		pg_err(l, "unknown message \"%s\" (expected one of: %s)", l->word, list);
		return;
	}
	unsigned errors = pg_errors;
	struct pg_build b;
	struct igmpx_ipv4_spec ip;
	uint8_t opts[40];
	struct pg_frame f = { .file = l->file, .lineno = l->lineno };
	check_lines(fd, msg);
	if (pg_errors != errors)
		return;         /* building on unknown keys or lines would only repeat them */
	size_t mlen = build_message(fd, msg, &b, &f.trailer_len);
	ip_spec(fd, msg, &b, cap->nframes, &ip, opts, sizeof(opts));
	if (msg->build == pg_build_raw) {
		/* A raw message is what its octets and destination make it. */
		struct igmpx_msg m;
		igmpx_parse_to(b.w.p, mlen, ip.dst, &m);
		b.kind = m.kind;
	}
	f.at_us = pg_time_us(l, "at", cap->nframes ? cap->last_at_us + 1000000u : 0);
	if (cap->nframes && f.at_us < cap->last_at_us)
		pg_err(l, "at= goes back in time (previous frame at %llu us)",
		       (unsigned long long)cap->last_at_us);
	if (pg_errors != errors)
		return;
	size_t iplen = igmpx_ipv4_build(&ip, b.w.p, mlen, frame + 14, sizeof(frame) - 14);
	if (!iplen) {
		pg_err(l, "IPv4 packet does not fit (options over 40 octets or length over 65535)");
		return;
	}
	if (pg_has(l, "icmp")) {
		iplen = quote_in_icmp(l, frame + 14, iplen, sizeof(frame) - 14);
		if (!iplen) {
			pg_err(l, "icmp=: the ICMP error does not fit");
			return;
		}
		f.quoted = true;
		ip.dst = ip.src;
		ip.src = pg_addr_req(l, "icmp");
	}
	put_mac(frame, ip.dst);
	put_mac(frame + 6, ip.src);
	frame[12] = 0x08;
	frame[13] = 0x00;
	f.len = 14 + iplen;
	f.caplen = f.len;
	if (pg_has(l, "snap")) {
		size_t keep = (size_t)pg_num(l, "snap", mlen, mlen);
		f.caplen = f.len - mlen + keep;
	}
	f.kind = b.kind;
	pg_expect_parse(l, f.expect);
	f.bytes = malloc(f.len);
	if (!f.bytes)
		exit(2);
	memcpy(f.bytes, frame, f.len);
	cap->last_at_us = f.at_us;
	if (pg_errors == errors)
		append_frame(cap, &f);
	else
		free(f.bytes);
}

/* ---- Writing -------------------------------------------------------------------- */

static char *out_path(const char *dir, const char *name, const char *suffix)
{
	size_t n = strlen(dir) + strlen(name) + strlen(suffix) + 8;
	char *p = malloc(n);
	if (!p)
		exit(2);
	snprintf(p, n, "%s/%s.pcap%s", dir, name, suffix);
	return p;
}

static bool write_capture(const char *path, const struct pg_capture *c)
{
	pcap_t *p = pcap_open_dead(DLT_EN10MB, PG_SNAPLEN);
	pcap_dumper_t *d = p ? pcap_dump_open(p, path) : NULL;
	if (!d) {
		fprintf(stderr, "%s: %s\n", path, p ? pcap_geterr(p) : "pcap_open_dead failed");
		if (p)
			pcap_close(p);
		return false;
	}
	for (size_t i = 0; i < c->nframes; i++) {
		const struct pg_frame *f = &c->frames[i];
		struct pcap_pkthdr h = { .caplen = (bpf_u_int32)f->caplen, .len = (bpf_u_int32)f->len };
		h.ts.tv_sec = (time_t)(PG_BASE_TIME + f->at_us / 1000000u);
		h.ts.tv_usec = (suseconds_t)(f->at_us % 1000000u);
		pcap_dump((u_char *)d, &h, f->bytes);
	}
	bool ok = pcap_dump_flush(d) == 0;
	pcap_dump_close(d);
	pcap_close(p);
	if (!ok)
		fprintf(stderr, "%s: write failed\n", path);
	return ok;
}

/* Each capture goes to a temporary file first; all are renamed only when
 * every one was written, else every temporary is removed. */
static int write_all(const char *dir, const struct pg_set *set)
{
	bool ok = true;
	size_t done = 0;
	for (; done < set->ncaps && ok; done++) {
		char *tmp = out_path(dir, set->caps[done].name, ".tmp");
		ok = write_capture(tmp, &set->caps[done]);
		free(tmp);
	}
	for (size_t i = 0; i < done; i++) {
		char *tmp = out_path(dir, set->caps[i].name, ".tmp");
		char *final = out_path(dir, set->caps[i].name, "");
		if (!ok)
			unlink(tmp);
		else if (rename(tmp, final) != 0) {
			fprintf(stderr, "%s: %s\n", final, strerror(errno));
			ok = false;
		}
		free(tmp);
		free(final);
	}
	return ok ? 0 : 1;
}

/* ---- Verifying --------------------------------------------------------------------- */

static bool is_bad_capture(const struct pg_capture *c)
{
	return strncmp(c->name, "bad-", 4) == 0;
}

/* Parses one frame with core/ the way a reader of the capture would: the
 * IGMP of the packet, or of the packet an ICMP error quotes. */
static bool frame_parse(const uint8_t *p, size_t caplen, struct igmpx_msg *m)
{
	struct igmpx_ipv4 ip;
	if (caplen < 14 || !igmpx_ipv4_parse(p + 14, caplen - 14, &ip))
		return false;
	const uint8_t *pkt = p + 14;
	if (ip.proto == 1 && ip.payload_len > 8) {
		pkt += ip.payload_off + 8;
		if (!igmpx_ipv4_parse(pkt, ip.payload_len - 8, &ip))
			return false;
	}
	if (ip.proto != IGMPX_IPPROTO_IGMP)
		return false;
	igmpx_parse_to(pkt + ip.payload_off, ip.payload_len, ip.dst, m);
	return true;
}

/* A well-formed frame parses OK, with a right checksum, as the kind its
 * keyword promises and with only the trailer it was given; a frame of a
 * bad- capture must fail at least one of those when it expects an Error
 * rule (or was cut by snap=), and pass them all otherwise. */
static bool frame_check(const struct pg_capture *c, const struct pg_frame *f, size_t i)
{
	struct igmpx_msg m;
	struct pg_line at = { .file = f->file, .lineno = f->lineno };
	if (!frame_parse(f->bytes, f->caplen, &m)) {
		pg_err(&at, "%s frame %zu: no IPv4/IGMP packet", c->name, i + 1);
		return false;
	}
	if (f->quoted)
		return true;    /* an ICMP error quotes 8 octets: nothing more to hold it to */
	bool whole = m.status == IGMPX_OK && m.checksum_ok && f->caplen == f->len;
	if (is_bad_capture(c)) {
		/* A bad- capture may hold whole twins of its malformed frames: a
		 * frame is malformed exactly when it expects an Error rule (or
		 * was cut by snap=, which no rule blames). */
		bool error = f->caplen != f->len;
		for (int r = 0; r < IGMPX_RULE_COUNT; r++)
			error = error || (f->expect[r] && igmpx_rules[r].severity == IGMPX_SEV_ERROR);
		if (whole == error)
			pg_err(&at, "%s frame %zu: parses %s %s, but expect= names %s Error rule",
			       c->name, i + 1, whole ? "as a whole" : "not whole as",
			       igmpx_kind_protocol(m.kind), error ? "an" : "no");
		return whole != error;
	}
	if (!whole || m.kind != f->kind || m.trailer_len != f->trailer_len) {
		pg_err(&at, "%s frame %zu: kind %s (want %s), %s, checksum %s, trailer %zu (want %zu)",
		       c->name, i + 1, igmpx_kind_protocol(m.kind), igmpx_kind_protocol(f->kind),
		       igmpx_status_name(m.status), m.checksum_ok ? "ok" : "bad", m.trailer_len,
		       f->trailer_len);
		return false;
	}
	return true;
}

static bool same_frame(const struct pg_frame *f, const struct pcap_pkthdr *h, const u_char *d)
{
	return h->caplen == f->caplen && h->len == f->len &&
	       (uint64_t)h->ts.tv_sec == PG_BASE_TIME + f->at_us / 1000000u &&
	       (uint64_t)h->ts.tv_usec == f->at_us % 1000000u && memcmp(d, f->bytes, f->caplen) == 0;
}

static bool verify_capture(const char *dir, const struct pg_capture *c)
{
	char err[PCAP_ERRBUF_SIZE];
	char *path = out_path(dir, c->name, "");
	pcap_t *p = pcap_open_offline(path, err);
	struct pg_line at = { .file = c->file, .lineno = c->lineno };
	size_t n = 0;
	bool ok = p != NULL;
	if (!p)
		pg_err(&at, "%s: %s", path, err);
	struct pcap_pkthdr *h;
	const u_char *d;
	while (p && pcap_next_ex(p, &h, &d) == 1) {
		if (n >= c->nframes || !same_frame(&c->frames[n], h, d)) {
			pg_err(&at, "%s: frame %zu differs from the description", path, n + 1);
			ok = false;
			break;
		}
		ok = frame_check(c, &c->frames[n], n) && ok;
		n++;
	}
	if (ok && n != c->nframes) {
		pg_err(&at, "%s: %zu frames, the description has %zu", path, n, c->nframes);
		ok = false;
	}
	if (ok)                 /* the frames are the pcap's: check what they break */
		ok = pg_expect_verify(c);
	if (p)
		pcap_close(p);
	free(path);
	return ok;
}

static int verify_all(const char *dir, const struct pg_set *set)
{
	size_t frames = 0, bad = 0;
	for (size_t i = 0; i < set->ncaps; i++) {
		if (verify_capture(dir, &set->caps[i]))
			frames += set->caps[i].nframes;
		bad += is_bad_capture(&set->caps[i]);
	}
	if (pg_errors)
		return 1;
	printf("verified %zu captures (%zu bad-), %zu frames\n", set->ncaps, bad, frames);
	return 0;
}

/* ---- Main --------------------------------------------------------------------------- */

static void usage(FILE *f)
{
	fputs("usage: igmpx-pcapgen [-o OUTDIR] [--list | --index | --verify] DESC...\n"
	      "  writes OUTDIR/<capture>.pcap for every capture described (format: pcaps/README.md)\n"
	      "  --list    print capture names\n"
	      "  --index   print one markdown row per capture: name, frames, note\n"
	      "  --verify  check the pcaps in OUTDIR against the descriptions, parse them and\n"
	      "            check each frame breaks exactly its expect= rules\n"
	      "  --expectations  print '<capture> <frame> <rule,rule|->' for every frame\n"
	      "usage: igmpx-pcapgen --clean [--allow CAPTURE.pcap:FRAME:RULE]... PCAP...\n"
	      "  no frame of these captures breaks a content rule at Note or above, but the\n"
	      "  allowed ones (each of which must be found)\n", f);
}

enum mode { M_WRITE, M_LIST, M_INDEX, M_VERIFY, M_EXPECT };

static int run(enum mode mode, const char *dir, const struct pg_set *set)
{
	switch (mode) {
	case M_WRITE:
		return write_all(dir, set);
	case M_LIST:
		for (size_t i = 0; i < set->ncaps; i++)
			printf("%s\n", set->caps[i].name);
		return 0;
	case M_INDEX:
		for (size_t i = 0; i < set->ncaps; i++)
			printf("| %s | %zu | %s |\n", set->caps[i].name, set->caps[i].nframes,
			       set->caps[i].note);
		return 0;
	case M_VERIFY:
		return verify_all(dir, set);
	case M_EXPECT:
		for (size_t i = 0; i < set->ncaps; i++)
			pg_expect_print(&set->caps[i]);
		return 0;
	}
	return 1;
}

int main(int argc, char **argv)
{
	const char *dir = ".";
	enum mode mode = M_WRITE;
	struct pg_set set = { 0 };
	int i = 1, nfiles = 0;
	for (; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "-o") == 0 && i + 1 < argc)
			dir = argv[++i];
		else if (strcmp(argv[i], "--list") == 0)
			mode = M_LIST;
		else if (strcmp(argv[i], "--index") == 0)
			mode = M_INDEX;
		else if (strcmp(argv[i], "--verify") == 0)
			mode = M_VERIFY;
		else if (strcmp(argv[i], "--expectations") == 0)
			mode = M_EXPECT;
		else if (strcmp(argv[i], "--clean") == 0)
			return pg_check_clean(argc - i - 1, argv + i + 1);
		else {
			usage(strcmp(argv[i], "-h") && strcmp(argv[i], "--help") ? stderr : stdout);
			return strcmp(argv[i], "-h") && strcmp(argv[i], "--help") ? 2 : 0;
		}
	}
	for (; i < argc; i++, nfiles++)
		pg_read_file(argv[i], &set);
	if (!nfiles) {
		usage(stderr);
		return 2;
	}
	int rc = 1;
	if (pg_errors)
		fprintf(stderr, "igmpx-pcapgen: %u error%s, nothing written\n", pg_errors,
			pg_errors == 1 ? "" : "s");
	else
		rc = run(mode, dir, &set);
	pg_set_free(&set);
	return rc;
}
