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

static bool write_capture(const char *path, const struct desc_capture *c)
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
		const struct desc_frame *f = &c->frames[i];
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
static int write_all(const char *dir, const struct desc_set *set)
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

static bool is_bad_capture(const struct desc_capture *c)
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
static bool frame_check(const struct desc_capture *c, const struct desc_frame *f, size_t i)
{
	struct igmpx_msg m;
	struct desc_line at = { .file = f->file, .lineno = f->lineno };
	if (!frame_parse(f->bytes, f->caplen, &m)) {
		desc_err(&at, "%s frame %zu: no IPv4/IGMP packet", c->name, i + 1);
		return false;
	}
	if (f->quoted)
		return true;    /* an ICMP error quotes 8 octets: nothing more to hold it to */
	if (f->fragment)
		return true;    /* a part of the message, whole only put together */
	bool whole = m.status == IGMPX_OK && m.checksum_ok && f->caplen == f->len;
	if (is_bad_capture(c)) {
		/* A bad- capture may hold whole twins of its malformed frames: a
		 * frame is malformed exactly when it expects an Error rule (or
		 * was cut by snap=, which no rule blames). */
		bool error = f->caplen != f->len;
		for (int r = 0; r < IGMPX_RULE_COUNT; r++)
			error = error || (f->expect[r] && igmpx_rules[r].severity == IGMPX_SEV_ERROR);
		if (whole == error)
			desc_err(&at, "%s frame %zu: parses %s %s, but expect= names %s Error rule",
			       c->name, i + 1, whole ? "as a whole" : "not whole as",
			       igmpx_kind_protocol(m.kind), error ? "an" : "no");
		return whole != error;
	}
	if (!whole || m.kind != f->kind || m.trailer_len != f->trailer_len) {
		desc_err(&at, "%s frame %zu: kind %s (want %s), %s, checksum %s, trailer %zu (want %zu)",
		       c->name, i + 1, igmpx_kind_protocol(m.kind), igmpx_kind_protocol(f->kind),
		       igmpx_status_name(m.status), m.checksum_ok ? "ok" : "bad", m.trailer_len,
		       f->trailer_len);
		return false;
	}
	return true;
}

static bool same_frame(const struct desc_frame *f, const struct pcap_pkthdr *h, const u_char *d)
{
	return h->caplen == f->caplen && h->len == f->len &&
	       (uint64_t)h->ts.tv_sec == PG_BASE_TIME + f->at_us / 1000000u &&
	       (uint64_t)h->ts.tv_usec == f->at_us % 1000000u && memcmp(d, f->bytes, f->caplen) == 0;
}

static bool verify_capture(const char *dir, const struct desc_capture *c)
{
	char err[PCAP_ERRBUF_SIZE];
	char *path = out_path(dir, c->name, "");
	pcap_t *p = pcap_open_offline(path, err);
	struct desc_line at = { .file = c->file, .lineno = c->lineno };
	size_t n = 0;
	bool ok = p != NULL;
	if (!p)
		desc_err(&at, "%s: %s", path, err);
	struct pcap_pkthdr *h;
	const u_char *d;
	while (p && pcap_next_ex(p, &h, &d) == 1) {
		if (n >= c->nframes || !same_frame(&c->frames[n], h, d)) {
			desc_err(&at, "%s: frame %zu differs from the description", path, n + 1);
			ok = false;
			break;
		}
		ok = frame_check(c, &c->frames[n], n) && ok;
		n++;
	}
	if (ok && n != c->nframes) {
		desc_err(&at, "%s: %zu frames, the description has %zu", path, n, c->nframes);
		ok = false;
	}
	if (ok)                 /* the frames are the pcap's: check what they break */
		ok = pg_expect_verify(c);
	if (p)
		pcap_close(p);
	free(path);
	return ok;
}

static int verify_all(const char *dir, const struct desc_set *set)
{
	size_t frames = 0, bad = 0;
	for (size_t i = 0; i < set->ncaps; i++) {
		if (verify_capture(dir, &set->caps[i]))
			frames += set->caps[i].nframes;
		bad += is_bad_capture(&set->caps[i]);
	}
	if (desc_errors)
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

static int run(enum mode mode, const char *dir, const struct desc_set *set)
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
	struct desc_set set = { 0 };
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
		desc_read_file(argv[i], &set);
	if (!nfiles) {
		usage(stderr);
		return 2;
	}
	int rc = 1;
	if (desc_errors)
		fprintf(stderr, "igmpx-pcapgen: %u error%s, nothing written\n", desc_errors,
			desc_errors == 1 ? "" : "s");
	else
		rc = run(mode, dir, &set);
	desc_set_free(&set);
	return rc;
}
