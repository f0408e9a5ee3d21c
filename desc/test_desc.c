/* test_desc.c: unit tests of the frame description language (desc.h; the
 * format is pcaps/README.md, "Description format"), through its public API
 * only: lines, the typed getters, description files, the frames built
 * (octet by octet against RFC 2236 §2, RFC 9776 §4.1 and §4.2) and
 * expect=.  Every error must be counted in desc_errors and name file:line
 * on stderr: while a case runs, stderr goes to a file and is read back. */
#include "desc.h"
#include "ip.h"
#include "test.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

TEST_COUNTERS;

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))
#define ETH_LEN  14
#define IGMP_OFF (ETH_LEN + 24)  /* IPv4 header of 20 octets + Router Alert */

static char tmpdir[] = "/tmp/test_desc.XXXXXX";
static char err_path[64], gen_path[64];   /* tmpdir/stderr, tmpdir/d.gen */

/* ---- Helpers: stderr, temp files, checksums, octets ----------------------- */

static char err_text[8192];
static int err_fd = -1, saved_stderr = -1;
static unsigned errors_before;

/* Starts a case: remembers desc_errors and sends stderr to err_path. */
static void watch(void)
{
	errors_before = desc_errors;
	fflush(stderr);
	err_fd = open(err_path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	saved_stderr = dup(2);
	dup2(err_fd, 2);
}

/* Ends a case: stderr back, what was written to it in err_text. */
static void unwatch(void)
{
	fflush(stderr);
	dup2(saved_stderr, 2);
	close(saved_stderr);
	ssize_t n = pread(err_fd, err_text, sizeof(err_text) - 1, 0);
	close(err_fd);
	err_text[n > 0 ? n : 0] = '\0';
}

/* The case reported exactly one error, naming where ("file:line: ") and
 * saying what. */
static void one_error(const char *where, const char *what, const char *label)
{
	unwatch();
	CHECK(desc_errors == errors_before + 1, "%s: %u errors counted, want 1", label,
	      desc_errors - errors_before);
	CHECK(strstr(err_text, where) && strstr(err_text, what), "%s: stderr \"%s\" lacks \"%s\" / \"%s\"",
	      label, err_text, where, what);
}

/* stmt reports exactly one error, naming where and saying what. */
#define ONE_ERROR(stmt, where, what) do { watch(); stmt; one_error(where, what, #stmt); } while (0)

static void no_error(const char *label)
{
	unwatch();
	CHECK(desc_errors == errors_before && !err_text[0], "%s: unexpected error: %s", label, err_text);
}

/* text as the description file gen_path (each case writes it anew). */
static void write_gen(const char *text)
{
	FILE *f = fopen(gen_path, "w");
	fputs(text, f);
	fclose(f);
}

/* RFC 1071, written out here: the one's complement sum of 16-bit words
 * (an odd last octet padded with zero); a right checksum makes it 0xFFFF. */
static uint16_t ones_sum(const uint8_t *p, size_t n)
{
	uint32_t s = 0;
	for (size_t i = 0; i < n; i += 2)
		s += (uint32_t)p[i] << 8 | (i + 1 < n ? p[i + 1] : 0);
	while (s >> 16)
		s = (s & 0xFFFF) + (s >> 16);
	return (uint16_t)s;
}

/* got[0..n) equals want; on a failure names the first octet that differs. */
static void check_octets(const char *what, const char *field, const uint8_t *got,
			 const uint8_t *want, size_t n)
{
	size_t i = 0;
	while (i < n && got[i] == want[i])
		i++;
	CHECK(i == n, "%s: %s octet %zu: expected 0x%02x vs actual 0x%02x", what, field, i,
	      i < n ? want[i] : 0, i < n ? got[i] : 0);
}

static struct desc_line line;

/* One line of t.gen into line (the previous one freed). */
static void parse(const char *text, int lineno)
{
	desc_line_free(&line);
	desc_line_parse(text, "t.gen", lineno, &line);
}

/* ---- Lines --------------------------------------------------------------- */

/* A word and key=value tokens, split on blanks and tabs, in order; the
 * word may come after keys (a frame line). */
static void test_line_words_and_keys(void)
{
	struct desc_line l;
	watch();
	bool ok = desc_line_parse("src=192.0.2.1 v2report group=239.1.2.3\tmrt=0x10", "a.gen", 7, &l);
	no_error("line parse");
	CHECK(ok && l.word && strcmp(l.word, "v2report") == 0, "word %s", l.word ? l.word : "(none)");
	CHECK(l.nkv == 3 && strcmp(l.kv[0].key, "src") == 0 && strcmp(l.kv[0].val, "192.0.2.1") == 0 &&
	      strcmp(l.kv[2].key, "mrt") == 0 && strcmp(l.kv[2].val, "0x10") == 0, "nkv %d", l.nkv);
	CHECK(strcmp(l.file, "a.gen") == 0 && l.lineno == 7, "file %s line %d", l.file, l.lineno);
	CHECK(desc_has(&l, "group") && strcmp(desc_get(&l, "group"), "239.1.2.3") == 0 &&
	      !desc_has(&l, "ttl") && desc_get(&l, "ttl") == NULL, "desc_get, desc_has");
	desc_line_free(&l);
}

/* Two words, an empty key, a key given twice, more than DESC_MAX_KV keys:
 * each refused, counted once and named a.gen:LINE. */
static void test_line_errors(void)
{
	static const struct { const char *text, *what; } bad[] = {
		{ "v2report v3report", "two message words" },
		{ "v2report =5", "empty key" },
		{ "v2report group=239.1.1.1 group=239.1.1.2", "given twice" },
	};
	struct desc_line l;
	char where[32], many[DESC_MAX_KV * 8 + 16] = "v3query";
	bool ok;
	for (size_t i = 0; i < NELEM(bad); i++) {
		snprintf(where, sizeof(where), "a.gen:%zu: ", 10 + i);
		ONE_ERROR(ok = desc_line_parse(bad[i].text, "a.gen", (int)(10 + i), &l), where, bad[i].what);
		CHECK(!ok, "%s accepted", bad[i].text);
		desc_line_free(&l);
	}
	for (int i = 0; i <= DESC_MAX_KV; i++)
		snprintf(many + strlen(many), sizeof(many) - strlen(many), " k%d=1", i);
	ONE_ERROR(ok = desc_line_parse(many, "a.gen", 20, &l), "a.gen:20: ", "too many keys");
	CHECK(!ok, "33 keys accepted");
	desc_line_free(&l);
}

/* ---- Typed getters ------------------------------------------------------- */

/* call reports exactly one error, naming where and saying what, and gives
 * want (the default, or nothing). */
#define ERR_GIVES(call, want, where, what)                                          \
	do {                                                                        \
		uint64_t got_;                                                      \
		ONE_ERROR(got_ = (uint64_t)(call), where, what);                    \
		CHECK(got_ == (uint64_t)(want), "%s gave %llu", #call,              \
		      (unsigned long long)got_);                                    \
	} while (0)

/* Decimal or 0x hex up to max; absent gives the default; over max, a sign
 * or junk is an error and gives the default. */
static void test_num(void)
{
	parse("v2query ttl=64 id=0x1F top=255 big=256 neg=-1 junk=12ab", 3);
	watch();
	CHECK(desc_num(&line, "ttl", 1, 255) == 64, "decimal");
	CHECK(desc_num(&line, "id", 0, 255) == 31, "0x hex");
	CHECK(desc_num(&line, "top", 0, 255) == 255, "max itself");
	CHECK(desc_num(&line, "tos", 0xC0, 255) == 0xC0, "absent: default");
	no_error("num");
	ERR_GIVES(desc_num(&line, "big", 7, 255), 7, "t.gen:3: ", "big=\"256\"");
	ERR_GIVES(desc_num(&line, "neg", 7, 255), 7, "t.gen:3: ", "neg=\"-1\"");
	ERR_GIVES(desc_num(&line, "junk", 7, 255), 7, "t.gen:3: ", "junk=\"12ab\"");
}

/* Dotted quads; desc_addr_req also wants the key present. */
static void test_addr(void)
{
	parse("v2report src=192.0.2.10 bad=192.0.2", 4);
	watch();
	CHECK(desc_addr(&line, "src", 0) == IP4(192, 0, 2, 10), "address");
	CHECK(desc_addr(&line, "dst", IP4(224, 0, 0, 1)) == IP4(224, 0, 0, 1), "absent: default");
	CHECK(desc_addr_req(&line, "src") == IP4(192, 0, 2, 10), "required and present");
	no_error("addr");
	ERR_GIVES(desc_addr(&line, "bad", 5), 5, "t.gen:4: ", "bad=\"192.0.2\"");
	ERR_GIVES(desc_addr_req(&line, "group"), 0, "t.gen:4: ", "v2report needs group=");
}

/* yes or no, nothing else. */
static void test_bool(void)
{
	parse("v2report ra=no x=yes y=maybe", 5);
	watch();
	CHECK(desc_bool(&line, "ra", true) == false, "no");
	CHECK(desc_bool(&line, "x", false) == true, "yes");
	CHECK(desc_bool(&line, "z", true) == true && desc_bool(&line, "z", false) == false, "default");
	no_error("bool");
	ERR_GIVES(desc_bool(&line, "y", true), true, "t.gen:5: ", "y=\"maybe\"");
}

/* Pairs of hex digits, '_' ':' '.' allowed between; odd digits, non-hex
 * and more than cap octets are errors. */
static void test_hex(void)
{
	static const uint8_t want[] = { 0xa1, 0xb2, 0xc3, 0x04 };
	uint8_t out[8] = { 0 };
	parse("raw a=a1:B2_c3.04 b=abc c=zz d=0102030405", 6);
	watch();
	CHECK(desc_hex(&line, "a", out, sizeof(out)) == 4, "4 octets");
	check_octets("hex", "a=", out, want, 4);
	CHECK(desc_hex(&line, "none", out, sizeof(out)) == 0, "absent: none");
	no_error("hex");
	ERR_GIVES(desc_hex(&line, "b", out, sizeof(out)), 0, "t.gen:6: ", "b=\"abc\"");
	ERR_GIVES(desc_hex(&line, "c", out, sizeof(out)), 0, "t.gen:6: ", "c=\"zz\"");
	ERR_GIVES(desc_hex(&line, "d", out, 4), 0, "t.gen:6: ", "more than 4 octets");
}

/* A,B,C+N: C+N is N consecutive addresses from C (carrying into the next
 * octet); +0, a bad address and more than cap are errors. */
static void test_addrs(void)
{
	uint32_t out[8] = { 0 };
	parse("v3query s=192.0.2.1,198.51.100.254+3 z=192.0.2.1+0 b=nope,192.0.2.1 w=192.0.2.1+5", 7);
	watch();
	unsigned n = desc_addrs(&line, "s", out, 8);
	CHECK(desc_addrs(&line, "none", out + 4, 4) == 0, "absent: none");
	no_error("addrs");
	CHECK(n == 4 && out[0] == IP4(192, 0, 2, 1) && out[1] == IP4(198, 51, 100, 254) &&
	      out[2] == IP4(198, 51, 100, 255) && out[3] == IP4(198, 51, 101, 0),
	      "n %u: %08x %08x %08x %08x", n, out[0], out[1], out[2], out[3]);
	ERR_GIVES(desc_addrs(&line, "z", out, 8), 0, "t.gen:7: ", "\"192.0.2.1+0\"");
	ERR_GIVES(desc_addrs(&line, "b", out, 8), 0, "t.gen:7: ", "\"nope\"");
	ERR_GIVES(desc_addrs(&line, "w", out, 4), 0, "t.gen:7: ", "more than 4 addresses");
}

/* A name of the table (index = value) or a number up to max; absent
 * gives def, or an error when def is negative (required). */
static void test_enum(void)
{
	static const char *const names[] = { [1] = "IS_IN", "IS_EX", "TO_IN" };
	const unsigned nn = NELEM(names);
	parse("record a=IS_EX b=3 c=200 d=300 e=NOPE", 8);
	watch();
	CHECK(desc_enum(&line, "a", names, nn, -1, 255) == 2, "by name");
	CHECK(desc_enum(&line, "b", names, nn, -1, 255) == 3, "by number");
	CHECK(desc_enum(&line, "c", names, nn, -1, 255) == 200, "number past the names");
	CHECK(desc_enum(&line, "f", names, nn, 1, 255) == 1, "absent: default");
	no_error("enum");
	ERR_GIVES(desc_enum(&line, "d", names, nn, 1, 255), 1, "t.gen:8: ", "d=\"300\"");
	ERR_GIVES(desc_enum(&line, "e", names, nn, 1, 255), 1, "t.gen:8: ", "IS_IN IS_EX TO_IN");
	ERR_GIVES(desc_enum(&line, "type", names, nn, -1, 255), 0, "t.gen:8: ", "record needs type=");
}

/* Seconds with up to 6 decimals, read exactly into microseconds. */
static void test_time(void)
{
	parse("frame a=1.25 b=2 c=0.000001 g=10.5 d=1.1234567 e=1,5 f=.5", 9);
	watch();
	CHECK(desc_time_us(&line, "a", 0) == 1250000, "1.25 s");
	CHECK(desc_time_us(&line, "b", 0) == 2000000, "2 s");
	CHECK(desc_time_us(&line, "c", 0) == 1, "1 us");
	CHECK(desc_time_us(&line, "g", 0) == 10500000, "10.5 s");
	CHECK(desc_time_us(&line, "none", 42) == 42, "absent: default");
	no_error("time");
	ERR_GIVES(desc_time_us(&line, "d", 42), 42, "t.gen:9: ", "d=\"1.1234567\"");
	ERR_GIVES(desc_time_us(&line, "e", 42), 42, "t.gen:9: ", "e=\"1,5\"");
	ERR_GIVES(desc_time_us(&line, "f", 42), 42, "t.gen:9: ", "f=\".5\"");
}

/* ---- Frames, octet by octet ---------------------------------------------- */

#define MAC(a, b, c) ((const uint8_t[6]){ 0x01, 0x00, 0x5e, a, b, c })
#define ADDR(a, b, c, d) ((const uint8_t[4]){ a, b, c, d })

/* f is Ethernet + IPv4 + the IGMP message want[0..n), octet by octet
 * (RFC 2236 §2, RFC 9776 §4): MAC dmac, source MAC 02:00:<source>
 * (README), EtherType IPv4; IPv4 with IHL 6 (20 + Router Alert), ToS 0xC0
 * (RFC 9776 §4; README for v2), TTL 1, protocol 2, header checksum, Router Alert
 * 94 04 00 00 (RFC 2113 §2.1: value 0); the IGMP checksum (not in want)
 * right over the whole message (RFC 2236 §2.3, RFC 9776 §4.1.2, §4.2.2). */
static void check_frame(const char *what, const struct desc_frame *f, const uint8_t dmac[6],
			const uint8_t src[4], const uint8_t dst[4], const uint8_t *want, size_t n)
{
	static const uint8_t ip_fixed[] = { 0x46, 0xC0 }, ra[] = { 0x94, 0x04, 0x00, 0x00 };
	CHECK(f->len == IGMP_OFF + n && f->caplen == f->len, "%s: frame length %zu, want %zu",
	      what, f->len, IGMP_OFF + n);
	if (f->len != IGMP_OFF + n)
		return;
	const uint8_t *e = f->bytes, *ip = e + ETH_LEN, *g = e + IGMP_OFF;
	const uint8_t smac[6] = { 0x02, 0x00, src[0], src[1], src[2], src[3] };
	const uint8_t total[2] = { (uint8_t)((24 + n) >> 8), (uint8_t)(24 + n) };
	check_octets(what, "eth dst", e, dmac, 6);
	check_octets(what, "eth src", e + 6, smac, 6);
	CHECK(e[12] == 0x08 && e[13] == 0x00, "%s: EtherType %02x%02x", what, e[12], e[13]);
	check_octets(what, "ip version/ihl, tos", ip, ip_fixed, 2);
	check_octets(what, "ip total length", ip + 2, total, 2);
	CHECK(ip[8] == 1, "%s: TTL %u, want 1", what, ip[8]);
	CHECK(ip[9] == 2, "%s: protocol %u, want 2", what, ip[9]);
	CHECK(ones_sum(ip, 24) == 0xFFFF, "%s: IP header checksum", what);
	check_octets(what, "ip src", ip + 12, src, 4);
	check_octets(what, "ip dst", ip + 16, dst, 4);
	check_octets(what, "router alert", ip + 20, ra, 4);
	check_octets(what, "igmp type, code", g, want, 2);
	CHECK(ones_sum(g, n) == 0xFFFF, "%s: IGMP checksum", what);
	check_octets(what, "igmp after the checksum", g + 4, want + 4, n - 4);
}

/* A v2 report (RFC 2236 §2): to the group (§9), so MAC 01:00:5e + the
 * group's low 23 bits (RFC 1112 §6.4: 239.129.2.3 loses the top bit of
 * 129); type 0x16, Max Resp Time 0 (§2.2: meaningful in queries only),
 * the group (§2.4). */
static void check_v2_report(const struct desc_frame *f)
{
	static const uint8_t igmp[] = { 0x16, 0, 0, 0, 239, 129, 2, 3 };
	check_frame("v2 report", f, MAC(0x01, 0x02, 0x03), ADDR(192, 0, 2, 10),
		    ADDR(239, 129, 2, 3), igmp, sizeof(igmp));
}

/* Frame keys change what they name: ttl=, ra=no (IHL 5), ipid=, a trailer
 * counted in the checksum (RFC 2236 §2.5), expect= carried into the frame. */
static void check_frame_keys(const struct desc_frame *f)
{
	const uint8_t *ip = f->bytes + ETH_LEN;
	CHECK(f->len == ETH_LEN + 20 + 12 && f->trailer_len == 4 && ip[0] == 0x45 && ip[4] == 0x12 &&
	      ip[5] == 0x34 && ip[8] == 2 && ip[20 + 11] == 4 && ones_sum(ip + 20, 12) == 0xFFFF,
	      "ttl= ra= ipid= trailer=: length %zu", f->len);
	CHECK(f->expect[IGMPX_RULE_v2_ttl] && f->expect[IGMPX_RULE_v2_router_alert] &&
	      !f->expect[IGMPX_RULE_checksum], "expect= in the frame");
}

/* v3 report (RFC 9776 §4.2) to 224.0.0.22 (§4.2.15); record types of
 * §4.2.13 (MODE_IS_INCLUDE 1, BLOCK_OLD_SOURCES 6). */
static void check_v3_report(const struct desc_frame *f)
{
	static const uint8_t igmp[] = {
		0x22, 0, 0, 0,          /* Type, Reserved, Checksum */
		0, 0, 0, 2,             /* Flags, Number of Group Records */
		1, 0, 0, 2,             /* IS_IN, Aux Data Len 0, Number of Sources 2 */
		232, 1, 1, 1,           /* Multicast Address */
		198, 51, 100, 1,        /* Source Address [1] (offset 16) */
		198, 51, 100, 2,        /* Source Address [2] (offset 20) */
		6, 0, 0, 0,             /* BLOCK, Aux Data Len 0, no sources */
		232, 1, 1, 2,
	};
	check_frame("v3 report", f, MAC(0, 0, 0x16), ADDR(192, 0, 2, 10), ADDR(224, 0, 0, 22),
		    igmp, sizeof(igmp));
}

/* v3 group-and-source query (RFC 9776 §4.1), to the group (§4.1.12);
 * octet 8 is Flags(4) S(1) QRV(3): 0 | 1 << 3 | 5 = 0x0d. */
static void check_v3_query(const struct desc_frame *f)
{
	static const uint8_t igmp[] = {
		0x11, 10, 0, 0,         /* Type, Max Resp Code 10, Checksum */
		232, 1, 1, 1,           /* Group Address */
		0x0d, 0x8a, 0, 1,       /* Flags 0 S 1 QRV 5, QQIC, Number of Sources 1 */
		198, 51, 100, 7,        /* Source Address [1] */
	};
	check_frame("v3 query", f, MAC(0x01, 0x01, 0x01), ADDR(192, 0, 2, 1), ADDR(232, 1, 1, 1),
		    igmp, sizeof(igmp));
}

/* A v3 general query with the defaults: to 224.0.0.1 (§4.1.12), group 0,
 * MRC 100 (§8.3: 10 s), QRV 2 (§8.1), QQIC 125 (§8.2), no sources. */
static void check_v3_general_query(const struct desc_frame *f)
{
	static const uint8_t igmp[] = { 0x11, 100, 0, 0, 0, 0, 0, 0, 0x02, 125, 0, 0 };
	check_frame("v3 general query", f, MAC(0, 0, 0x01), ADDR(192, 0, 2, 1), ADDR(224, 0, 0, 1),
		    igmp, sizeof(igmp));
}

/* ---- Files ---------------------------------------------------------------- */

/* Captures, joined notes, comments, continuation lines, at= and its
 * default (previous + 1 s), line numbers, kinds; then each frame's octets
 * (desc_read_file builds them with desc_frame_build). */
static void test_read_file(void)
{
	write_gen(
		"# a comment line\n"
		"capture unit-ok\n"
		"note first half\n"
		"note second half   # a comment\n"
		"frame at=0.5 src=192.0.2.10 v2report group=239.129.2.3\n"
		"frame src=192.0.2.10 v3report\n"
		"  record type=IS_IN group=232.1.1.1 sources=198.51.100.1+2\n"
		"\n"
		"\trecord type=BLOCK group=232.1.1.2\n"
		"frame at=3 src=192.0.2.1 v3query mrc=10 group=232.1.1.1 s=1 qrv=5 qqic=0x8a "
		"sources=198.51.100.7\n"
		"frame src=192.0.2.1 v3query\n"
		"capture second\n"
		"note one frame\n"
		"frame src=192.0.2.10 ttl=2 ra=no ipid=0x1234 v2report group=239.1.1.1 "
		"trailer=01020304 expect=v2_ttl,v2_router_alert\n");
	struct desc_set set = { 0 };
	watch();
	bool ok = desc_read_file(gen_path, &set);
	no_error("read a good file");
	CHECK(ok && set.ncaps == 2, "read: ok %d, %zu captures", ok, set.ncaps);
	if (set.ncaps != 2)
		goto out;
	const struct desc_capture *c = &set.caps[0];
	CHECK(strcmp(c->name, "unit-ok") == 0 && c->lineno == 2 && strcmp(c->file, gen_path) == 0,
	      "capture %s line %d", c->name, c->lineno);
	CHECK(c->note && strcmp(c->note, "first half second half") == 0, "note \"%s\"", c->note);
	CHECK(strcmp(set.caps[1].name, "second") == 0 && set.caps[1].nframes == 1, "second capture");
	CHECK(c->nframes == 4, "%zu frames", c->nframes);
	if (c->nframes != 4)
		goto out;
	static const int lines[] = { 5, 6, 10, 11 };
	static const uint64_t at[] = { 500000, 1500000, 3000000, 4000000 };
	static const enum igmpx_kind kinds[] = { IGMPX_K_V2_REPORT, IGMPX_K_V3_REPORT,
						 IGMPX_K_V3_QUERY, IGMPX_K_V3_QUERY };
	for (size_t i = 0; i < 4; i++)
		CHECK(c->frames[i].lineno == lines[i] && c->frames[i].at_us == at[i] &&
		      c->frames[i].kind == kinds[i], "frame %zu: line %d at %llu kind %d", i,
		      c->frames[i].lineno, (unsigned long long)c->frames[i].at_us, c->frames[i].kind);
	check_v2_report(&c->frames[0]);
	check_v3_report(&c->frames[1]);
	check_v3_query(&c->frames[2]);
	check_v3_general_query(&c->frames[3]);
	if (set.caps[1].nframes == 1)
		check_frame_keys(&set.caps[1].frames[0]);
out:
	desc_set_free(&set);
}

/* A file with one mistake: desc_read_file is false, exactly one error
 * names PATH:LINE and says what, and the frame at fault is not built
 * (built: how many frames the file holds all the same). */
static void read_bad(const char *text, int lineno, const char *what, size_t built)
{
	char where[128];
	snprintf(where, sizeof(where), "%s:%d: ", gen_path, lineno);
	struct desc_set set = { 0 };
	bool ok;
	write_gen(text);
	ONE_ERROR(ok = desc_read_file(gen_path, &set), where, what);
	size_t n = 0;
	for (size_t i = 0; i < set.ncaps; i++)
		n += set.caps[i].nframes;
	CHECK(!ok && n == built, "%s: returned %d, %zu frames built, want %zu", what, ok, n, built);
	desc_set_free(&set);
}

#define HEAD "capture c\nnote n\n"
#define FR   "frame src=192.0.2.1 "

/* Unknown message keyword, unknown key, bad or missing value, on the frame
 * line (line 3) or a continuation line (4); then the reader's own errors. */
static void test_read_errors(void)
{
	read_bad(HEAD FR "v9query\n", 3, "unknown message \"v9query\"", 0);
	read_bad(HEAD FR "v2report group=239.1.1.1 mrx=3\n", 3, "unknown key \"mrx\"", 0);
	read_bad(HEAD FR "v2report group=239.1.1.300\n", 3, "group=\"239.1.1.300\"", 0);
	read_bad(HEAD FR "v2report\n", 3, "v2report needs group=", 0);
	read_bad(HEAD FR "v3report\n  record type=IS_IN group=232.1.1.1 bogus=1\n", 4,
		 "unknown key \"bogus\"", 0);
	read_bad(HEAD FR "v3report\n  record type=NOPE group=232.1.1.1\n", 4, "type=\"NOPE\"", 0);
	read_bad(HEAD FR "v3report\n  entry group=232.1.1.1\n", 4, "takes \"record\" lines", 0);
	read_bad(HEAD FR "v2query expect=v2_ttl,nosuch\n", 3, "unknown rule \"nosuch\"", 0);
	read_bad(HEAD "frames src=192.0.2.1 v2query\n", 3, "unknown line \"frames\"", 0);
	read_bad(HEAD "  record type=IS_IN group=232.1.1.1\n", 3, "outside a frame", 0);
	read_bad(HEAD FR "at=2 v2query\n" FR "at=1 v2query\n", 4, "goes back in time", 1);
	read_bad("capture c\n" FR "v2query\n", 1, "capture c has no note", 1);
	read_bad(HEAD FR "v2query\ncapture c\n", 4, "capture c already defined", 1);
	read_bad(HEAD FR "v3query fragment=12\n", 3, "fragment=12: a multiple of 8", 0);
	read_bad(HEAD FR "v3query fragment=16\n", 3, "less than the 12-octet message", 0);
	read_bad(HEAD FR "v3query fragment=8 icmp=192.0.2.9\n", 3, "fragment= with icmp=", 0);
}

/* fragment=: a 92-octet query (20 sources) in fragments of 40, 40 and 12
 * octets, each with the whole header (Router Alert included), More
 * Fragments on all but the last, offsets 0, 5 and 10 (8-octet units), a
 * right header checksum; only the first expects its rule.  Put together,
 * they are the message unfragmented. */
static void test_fragment(void)
{
	write_gen(HEAD FR "at=2 v3query group=239.1.1.1 sources=198.51.100.1+20 fragment=40 "
		  "expect=v3_query_fragmented\n" FR "at=3 v3query group=239.1.1.1 "
		  "sources=198.51.100.1+20\n");
	struct desc_set set = { 0 };
	watch();
	bool ok = desc_read_file(gen_path, &set);
	no_error("read fragments");
	CHECK(ok && set.ncaps == 1 && set.caps[0].nframes == 4, "fragments: %zu frames",
	      set.ncaps ? set.caps[0].nframes : 0);
	if (!ok || set.ncaps != 1 || set.caps[0].nframes != 4)
		goto out;
	const struct desc_frame *f = set.caps[0].frames, *whole = &f[3];
	static const size_t sizes[] = { 40, 40, 12 };
	uint8_t joined[128];
	size_t at = 0;
	for (size_t i = 0; i < 3; i++) {
		const uint8_t *ip = f[i].bytes + 14;
		struct igmpx_ipv4 h;
		CHECK(igmpx_ipv4_parse(ip, f[i].len - 14, &h) && h.router_alert && h.ihl == 6 &&
		      h.total_len == 24 + sizes[i] && igmpx_cksum(ip, 24) == 0 &&
		      h.frag == ((i < 2 ? IGMPX_IP_MF : 0) | 5 * i) && f[i].fragment &&
		      f[i].at_us == 2000000 && f[i].caplen == f[i].len,
		      "fragment %zu: length %u, flags and offset 0x%04x", i, h.total_len, h.frag);
		CHECK(f[i].expect[IGMPX_RULE_v3_query_fragmented] == (i == 0),
		      "fragment %zu: expectation", i);
		memcpy(joined + at, ip + 24, sizes[i]);
		at += sizes[i];
	}
	CHECK(at == whole->len - 14 - 24 && memcmp(joined, whole->bytes + 14 + 24, at) == 0 &&
	      !whole->fragment, "the fragments put together are the whole message");
out:
	desc_set_free(&set);
}

/* ---- expect= --------------------------------------------------------------- */

static int count_set(const bool set[IGMPX_RULE_COUNT])
{
	int n = 0;
	for (int i = 0; i < IGMPX_RULE_COUNT; i++)
		n += set[i];
	return n;
}

/* The named rules are set and only they; no expect= clears the set; an
 * unknown ID, a repeated one and an empty list are errors. */
static void test_expect(void)
{
	bool set[IGMPX_RULE_COUNT];
	memset(set, 1, sizeof(set));
	parse("v3query expect=v3_ttl,checksum", 11);
	watch();
	desc_expect_parse(&line, set);
	no_error("expect");
	CHECK(set[IGMPX_RULE_v3_ttl] && set[IGMPX_RULE_checksum] && count_set(set) == 2,
	      "two rules, %d set", count_set(set));
	memset(set, 1, sizeof(set));
	parse("v3query", 12);
	desc_expect_parse(&line, set);
	CHECK(count_set(set) == 0, "no expect=: %d set", count_set(set));
	parse("v3query expect=v3_ttl,nosuch", 13);
	ONE_ERROR(desc_expect_parse(&line, set), "t.gen:13: ", "unknown rule \"nosuch\"");
	CHECK(set[IGMPX_RULE_v3_ttl] && count_set(set) == 1, "known rule kept");
	parse("v3query expect=v3_ttl,v3_ttl", 14);
	ONE_ERROR(desc_expect_parse(&line, set), "t.gen:14: ", "v3_ttl given twice");
	CHECK(count_set(set) == 1, "twice: %d set", count_set(set));
	parse("v3query expect=", 15);
	ONE_ERROR(desc_expect_parse(&line, set), "t.gen:15: ", "names no rule");
}

int main(void)
{
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 2;
	}
	snprintf(err_path, sizeof(err_path), "%s/stderr", tmpdir);
	snprintf(gen_path, sizeof(gen_path), "%s/d.gen", tmpdir);
	test_line_words_and_keys();
	test_line_errors();
	test_num();
	test_addr();
	test_bool();
	test_hex();
	test_addrs();
	test_enum();
	test_time();
	test_read_file();
	test_read_errors();
	test_fragment();
	test_expect();
	desc_line_free(&line);
	unlink(err_path);
	unlink(gen_path);
	rmdir(tmpdir);
	printf("desc.unit: %d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
