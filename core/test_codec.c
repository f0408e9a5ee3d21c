/* test_codec.c: unit tests of core/codec (parse, build, codes, checksum). */
#include "codec.h"
#include "ip.h"
#include "test.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

TEST_COUNTERS;

/* Parse a copy of exactly len octets on the heap, so that a read past the
 * end is caught by AddressSanitizer in the sanitizer build. */
static enum igmpx_status parse_exact(const uint8_t *src, size_t len, struct igmpx_msg *m)
{
	uint8_t *copy = malloc(len ? len : 1);
	memcpy(copy, src, len);
	enum igmpx_status st = igmpx_parse(copy, len, m);
	free(copy);
	return st;
}

/* RFC 9776 §4.1.1 / §4.1.7, written out independently of the codec:
 * 1 exp(3) mant(4) -> (mant | 0x10) << (exp + 3). */
static unsigned formula(unsigned code)
{
	if (code < 128)
		return code;
	unsigned exp = (code - 128) / 16, mant = code % 16;
	unsigned v = 16 + mant;
	for (unsigned i = 0; i < exp + 3; i++)
		v *= 2;
	return v;
}

static void test_codes(void)
{
	for (unsigned c = 0; c < 256; c++) {
		unsigned v = igmpx_code_decode((uint8_t)c);
		CHECK(v == formula(c), "code 0x%02x: %u, formula %u", c, v, formula(c));
		bool exact = false;
		uint8_t back = igmpx_code_encode(v, &exact);
		CHECK(back == c && exact, "code 0x%02x -> %u -> 0x%02x (exact %d)", c, v, back, exact);
	}
	/* Known values: 0x8a is 20.8 s; 0xFF the largest; 0x80 the first float. */
	CHECK(igmpx_code_decode(0x8a) == 208, "0x8a");
	CHECK(igmpx_code_decode(0x80) == 128, "0x80");
	CHECK(igmpx_code_decode(0x7F) == 127, "0x7f");
	CHECK(igmpx_code_decode(0xFF) == IGMPX_CODE_MAX_VALUE, "0xff");
	CHECK(igmpx_code_decode(0xFE) == 30720, "0xfe is 51m12s in tenths (tcpdump)");
	/* Values between representable ones round down and say so. */
	bool exact = true;
	CHECK(igmpx_code_encode(129, &exact) == 0x80 && !exact, "129 -> 0x80 inexact");
	CHECK(igmpx_code_encode(135, &exact) == 0x80 && !exact, "135 -> 0x80");
	CHECK(igmpx_code_encode(136, &exact) == 0x81 && exact, "136 -> 0x81");
	CHECK(igmpx_code_encode(40000, &exact) == 0xFF && !exact, "overflow -> 0xff");
	/* Every value up to the maximum encodes to the largest code not above it. */
	for (unsigned v = 0; v <= IGMPX_CODE_MAX_VALUE; v++) {
		uint8_t c = igmpx_code_encode(v, NULL);
		unsigned d = igmpx_code_decode(c);
		bool next_above = c == 0xFF || igmpx_code_decode((uint8_t)(c + 1)) > v;
		if (d > v || !next_above) {
			CHECK(0, "value %u -> 0x%02x (%u)", v, c, d);
			break;
		}
	}
}

static void test_checksum(void)
{
	/* A Linux IGMPv2 General Query, Max Resp 10 s: 11 64 ee 9b 00000000. */
	uint8_t q[8] = { 0x11, 0x64, 0xee, 0x9b, 0, 0, 0, 0 };
	CHECK(igmpx_cksum(q, 8) == 0, "valid checksum sums to zero");
	CHECK(igmpx_cksum_expected(q, 8) == 0xee9b, "expected 0x%04x", igmpx_cksum_expected(q, 8));
	q[3] ^= 1;
	CHECK(igmpx_cksum(q, 8) != 0, "broken checksum detected");
	CHECK(igmpx_cksum_expected(q, 8) == 0xee9b, "expected ignores the field");
	/* Odd length: the last octet is padded with zero (RFC 1071). */
	uint8_t odd[3] = { 0x01, 0x02, 0x03 };
	CHECK(igmpx_cksum(odd, 3) == (uint16_t)~(0x0102 + 0x0300), "odd length");
}

static void test_queries(void)
{
	uint8_t buf[256];
	struct igmpx_wbuf w;
	struct igmpx_msg m;

	/* RFC 9776 §7.1: v1 = 8 octets with code 0, v2 = 8 octets otherwise. */
	igmpx_wbuf_init(&w, buf, sizeof(buf));
	igmpx_build_v12(&w, IGMPX_T_QUERY, 0, 0);
	igmpx_finish(&w);
	CHECK(parse_exact(buf, w.len, &m) == IGMPX_OK && m.kind == IGMPX_K_V1_QUERY && m.version == 1,
	      "v1 query kind %d", m.kind);
	CHECK(m.checksum_ok && m.end == 8 && m.trailer_len == 0, "v1 query checksum/end");

	igmpx_wbuf_init(&w, buf, sizeof(buf));
	igmpx_build_v12(&w, IGMPX_T_QUERY, 100, IP4(239, 1, 2, 3));
	igmpx_finish(&w);
	CHECK(parse_exact(buf, w.len, &m) == IGMPX_OK && m.kind == IGMPX_K_V2_QUERY, "v2 query");
	CHECK(m.u.v12.group == IP4(239, 1, 2, 3), "v2 group");
	CHECK(igmpx_query_max_resp_ms(&m) == 10000, "v2 max resp linear");

	/* A v2 query's code 0x8a is linear (13.8 s), not floating point. */
	igmpx_wbuf_init(&w, buf, sizeof(buf));
	igmpx_build_v12(&w, IGMPX_T_QUERY, 0x8a, 0);
	igmpx_finish(&w);
	parse_exact(buf, w.len, &m);
	CHECK(igmpx_query_max_resp_ms(&m) == 13800, "v2 0x8a = %u ms", igmpx_query_max_resp_ms(&m));

	/* 9-11 octets: invalid length, group still read. */
	for (size_t len = 9; len <= 11; len++) {
		memset(buf, 0, sizeof(buf));
		igmpx_wbuf_init(&w, buf, sizeof(buf));
		igmpx_build_v12(&w, IGMPX_T_QUERY, 100, IP4(224, 1, 1, 1));
		igmpx_put_bytes(&w, NULL, len - 8);
		igmpx_finish(&w);
		CHECK(parse_exact(buf, len, &m) == IGMPX_BAD_LENGTH && m.kind == IGMPX_K_BAD_QUERY,
		      "len %zu", len);
		CHECK(m.version == -1 && m.end == 8 && m.trailer_len == len - 8 && m.checksum_ok,
		      "len %zu: version %d end %zu", len, m.version, m.end);
	}

	/* v3 query with sources, every field back as written. */
	uint32_t src[3] = { IP4(192, 0, 2, 1), IP4(192, 0, 2, 2), IP4(198, 51, 100, 7) };
	igmpx_wbuf_init(&w, buf, sizeof(buf));
	igmpx_build_v3_query(&w, 0x8a, IP4(232, 1, 1, 1), 0x5, 1, 7, 0x90, 3, src, 3);
	igmpx_finish(&w);
	CHECK(w.len == 24, "v3 query length %zu", w.len);
	CHECK(parse_exact(buf, w.len, &m) == IGMPX_OK && m.kind == IGMPX_K_V3_QUERY && m.version == 3,
	      "v3 query");
	CHECK(m.code == 0x8a && m.u.v3q.group == IP4(232, 1, 1, 1) && m.u.v3q.flags == 5 &&
	      m.u.v3q.s == 1 && m.u.v3q.qrv == 7 && m.u.v3q.qqic == 0x90 && m.u.v3q.nsrc == 3 &&
	      m.u.v3q.nsrc_present == 3, "v3 query fields");
	CHECK(igmpx_query_max_resp_ms(&m) == 20800, "v3 0x8a = 20.8 s");
	for (unsigned i = 0; i < 3; i++)
		CHECK(igmpx_v3_query_source(buf, w.len, i) == src[i], "source %u", i);
	CHECK(m.checksum_ok, "v3 query checksum");

	/* Every prefix of it: truncated below 12 octets (v1/v2 at 8, invalid
	 * at 9-11), then sources decoded up to the last whole one. */
	for (size_t len = 0; len < 24; len++) {
		enum igmpx_status st = parse_exact(buf, len, &m);
		CHECK(m.end <= len, "prefix %zu: end %zu", len, m.end);
		if (len == 8)
			CHECK(st == IGMPX_OK && m.kind == IGMPX_K_V2_QUERY, "prefix 8 is a v2 query");
		else if (len > 8 && len < 12)
			CHECK(st == IGMPX_BAD_LENGTH, "prefix %zu", len);
		else
			CHECK(st == IGMPX_TRUNCATED, "prefix %zu status %d", len, st);
		if (len >= 12)
			CHECK(m.u.v3q.nsrc_present == (len - 12) / 4, "prefix %zu present %u", len,
			      m.u.v3q.nsrc_present);
	}

	/* Octets after the last source are a trailer. */
	igmpx_wbuf_init(&w, buf, sizeof(buf));
	igmpx_build_v3_query(&w, 100, 0, 0, 0, 2, 125, 0, NULL, 0);
	igmpx_put32(&w, 0xdeadbeef);
	igmpx_finish(&w);
	CHECK(parse_exact(buf, w.len, &m) == IGMPX_OK && m.end == 12 && m.trailer_len == 4 &&
	      m.checksum_ok, "v3 query trailer");
}

static void test_reports(void)
{
	uint8_t buf[2048];
	struct igmpx_wbuf w;
	struct igmpx_msg m;
	uint32_t src[2] = { IP4(203, 0, 113, 1), IP4(203, 0, 113, 2) };

	igmpx_wbuf_init(&w, buf, sizeof(buf));
	igmpx_build_v3_report(&w, 0, 0, 3);
	igmpx_build_v3_record(&w, 1, 0, 2, IP4(232, 1, 1, 1), src, 2);
	igmpx_build_v3_record(&w, 4, 0, 0, IP4(239, 9, 9, 9), NULL, 0);
	igmpx_build_v3_record(&w, 6, 1, 1, IP4(239, 1, 1, 1), src, 1);
	igmpx_put32(&w, 0x01020304); /* one word of aux data */
	igmpx_finish(&w);
	size_t full = w.len;
	CHECK(full == 8 + 16 + 8 + 16, "report length %zu", full);
	CHECK(parse_exact(buf, full, &m) == IGMPX_OK && m.kind == IGMPX_K_V3_REPORT && m.version == 3,
	      "v3 report");
	CHECK(m.u.v3r.nrec == 3 && m.u.v3r.nrec_present == 3 && m.end == full && m.checksum_ok,
	      "v3 report records");

	struct igmpx_v3_record r;
	size_t off = IGMPX_OFF_R_RECORDS;
	CHECK(igmpx_v3_record_at(buf, full, off, &r) && r.complete && r.type == 1 && r.nsrc == 2 &&
	      r.group == IP4(232, 1, 1, 1), "record 1");
	CHECK(igmpx_v3_record_source(buf, full, &r, 1) == src[1], "record 1 source 2");
	off = r.end;
	CHECK(igmpx_v3_record_at(buf, full, off, &r) && r.type == 4 && r.nsrc == 0 && r.end == off + 8,
	      "record 2");
	off = r.end;
	CHECK(igmpx_v3_record_at(buf, full, off, &r) && r.type == 6 && r.aux_len == 1 &&
	      r.aux_present == 4 && r.end == full, "record 3 with aux data");

	/* Every prefix: never past the end; the count of whole records grows. */
	unsigned last = 0;
	for (size_t len = 0; len < full; len++) {
		enum igmpx_status st = parse_exact(buf, len, &m);
		CHECK(st == IGMPX_TRUNCATED && m.end <= len, "prefix %zu: st %d end %zu", len, st, m.end);
		CHECK(m.u.v3r.nrec_present >= last, "prefix %zu", len);
		last = m.u.v3r.nrec_present;
	}

	/* A report with zero records is a report, whole at 8 octets. */
	igmpx_wbuf_init(&w, buf, sizeof(buf));
	igmpx_build_v3_report(&w, 0, 0, 0);
	igmpx_finish(&w);
	CHECK(parse_exact(buf, w.len, &m) == IGMPX_OK && m.u.v3r.nrec == 0 && m.end == 8, "empty report");

	/* Number of Sources far beyond the message. */
	igmpx_wbuf_init(&w, buf, sizeof(buf));
	igmpx_build_v3_report(&w, 0, 0, 1);
	igmpx_build_v3_record(&w, 5, 0, 0xFFFF, IP4(239, 1, 1, 1), src, 2);
	igmpx_finish(&w);
	CHECK(parse_exact(buf, w.len, &m) == IGMPX_TRUNCATED && m.u.v3r.nrec_present == 0 &&
	      m.end == w.len, "nsrc beyond: end %zu", m.end);

	/* v1/v2 report and leave, with a trailer on the v2 report. */
	igmpx_wbuf_init(&w, buf, sizeof(buf));
	igmpx_build_v12(&w, IGMPX_T_V2_REPORT, 0, IP4(239, 255, 255, 250));
	igmpx_put16(&w, 0xabcd);
	igmpx_finish(&w);
	CHECK(parse_exact(buf, w.len, &m) == IGMPX_OK && m.kind == IGMPX_K_V2_REPORT &&
	      m.trailer_len == 2 && m.checksum_ok && m.u.v12.group == IP4(239, 255, 255, 250),
	      "v2 report with trailer");
	buf[0] = IGMPX_T_V2_LEAVE;
	CHECK(parse_exact(buf, 8, &m) == IGMPX_OK && m.kind == IGMPX_K_V2_LEAVE && m.version == 2 &&
	      !m.checksum_ok, "leave with stale checksum");
	buf[0] = IGMPX_T_V1_REPORT;
	CHECK(parse_exact(buf, 8, &m) == IGMPX_OK && m.kind == IGMPX_K_V1_REPORT && m.version == 1,
	      "v1 report");
}

static void test_destinations(void)
{
	uint8_t buf[16];
	struct igmpx_wbuf w;
	struct igmpx_msg m;

	/* RFC 3488 §2.1: 0xFC-0xFF are RGMP only to 224.0.0.25. */
	igmpx_wbuf_init(&w, buf, sizeof(buf));
	igmpx_build_v12(&w, IGMPX_T_RGMP_HELLO, 0, 0);
	igmpx_finish(&w);
	CHECK(igmpx_parse_to(buf, w.len, IP4(224, 0, 0, 25), &m) == IGMPX_OK &&
	      m.kind == IGMPX_K_RGMP, "rgmp to 224.0.0.25");
	CHECK(igmpx_parse_to(buf, w.len, IP4(224, 0, 0, 9), &m) == IGMPX_OK &&
	      m.kind == IGMPX_K_UNKNOWN && m.checksum_ok && m.end == w.len, "0xff elsewhere");
	/* MSNIP only to 224.0.0.22. */
	igmpx_wbuf_init(&w, buf, sizeof(buf));
	igmpx_build_msnip_is(&w, 60, 1);
	igmpx_finish(&w);
	CHECK(igmpx_parse_to(buf, w.len, IP4(224, 0, 0, 22), &m) == IGMPX_OK &&
	      m.kind == IGMPX_K_MSNIP_IS, "msnip to 224.0.0.22");
	CHECK(igmpx_parse_to(buf, w.len, IP4(224, 0, 0, 106), &m) == IGMPX_OK &&
	      m.kind == IGMPX_K_UNKNOWN, "0x24 to 224.0.0.106 is not MSNIP");
	/* Other kinds do not depend on the destination. */
	CHECK(igmpx_parse_to(buf, 0, 0, &m) == IGMPX_TRUNCATED, "empty");
	/* A query shorter than 8 octets has no version (RFC 9776 §7.1). */
	uint8_t q[4] = { 0x11, 0x64, 0, 0 };
	CHECK(igmpx_parse(q, 4, &m) == IGMPX_TRUNCATED && m.version == -1, "short query version %d",
	      m.version);
	/* The expected checksum of an all-zero message is 0xFFFF. */
	uint8_t z[8] = { 0 };
	CHECK(igmpx_cksum_expected(z, 8) == 0xFFFF, "zero message");
}

static void test_others(void)
{
	uint8_t buf[512];
	struct igmpx_wbuf w;
	struct igmpx_msg m;

	igmpx_wbuf_init(&w, buf, sizeof(buf));
	igmpx_build_v0(&w, IGMPX_T_V0_CREATE_RPL, 7, 0x11223344, IP4(224, 5, 6, 7),
		       0x0102030405060708ull);
	igmpx_finish(&w);
	CHECK(parse_exact(buf, w.len, &m) == IGMPX_OK && m.kind == IGMPX_K_V0 && m.version == 0 &&
	      m.u.v0.identifier == 0x11223344 && m.u.v0.group == IP4(224, 5, 6, 7) &&
	      m.u.v0.access_key == 0x0102030405060708ull && m.code == 7 && m.end == 20, "v0");
	CHECK(strcmp(igmpx_v0_code_name(2, 7), "request pending") == 0, "v0 code");

	/* mtrace: header + 2 blocks; a partial third block is a truncation. */
	struct igmpx_mtrace_block b = { 0x472c459c, IP4(10, 0, 0, 14), IP4(10, 0, 0, 14),
					IP4(10, 0, 0, 13), 0xf2, 0, 0, 3, 0, 0, 0, 0x18, 0 };
	igmpx_wbuf_init(&w, buf, sizeof(buf));
	igmpx_build_mtrace(&w, IGMPX_T_MTRACE_QUERY, 32, 0, IP4(172, 16, 40, 1),
			   IP4(172, 16, 20, 1), IP4(172, 16, 40, 1), 64, 7);
	igmpx_build_mtrace_block(&w, &b);
	b.s = 1;
	b.src_mask = 0x3F;
	igmpx_build_mtrace_block(&w, &b);
	igmpx_finish(&w);
	CHECK(w.len == 24 + 64, "mtrace length");
	CHECK(parse_exact(buf, w.len, &m) == IGMPX_OK && m.kind == IGMPX_K_MTRACE &&
	      m.u.mtrace.nblocks == 2 && m.u.mtrace.query_id == 7 && m.u.mtrace.response_ttl == 64 &&
	      m.u.mtrace.hops == 32, "mtrace");
	CHECK(strcmp(igmpx_msg_name(&m), "Multicast Traceroute Request") == 0, "request name");
	struct igmpx_mtrace_block got;
	CHECK(igmpx_mtrace_block(buf, w.len, 1, &got) && got.s == 1 && got.src_mask == 0x3F &&
	      got.fwd_ttl == 0 && got.rtg_proto == 3 && got.prev_hop == IP4(10, 0, 0, 13), "block 2");
	CHECK(!igmpx_mtrace_block(buf, w.len, 2, &got), "no block 3");
	CHECK(parse_exact(buf, w.len - 5, &m) == IGMPX_TRUNCATED && m.u.mtrace.nblocks == 1 &&
	      m.end == 56, "mtrace partial block");
	CHECK(parse_exact(buf, 24, &m) == IGMPX_OK &&
	      strcmp(igmpx_msg_name(&m), "Multicast Traceroute Query") == 0, "query name");

	/* MRD (RFC 4286) */
	igmpx_wbuf_init(&w, buf, sizeof(buf));
	igmpx_build_mrd_adv(&w, 20, 125, 2);
	igmpx_finish(&w);
	CHECK(parse_exact(buf, w.len, &m) == IGMPX_OK && m.kind == IGMPX_K_MRD_ADV &&
	      m.u.mrd.adv_interval == 20 && m.u.mrd.query_interval == 125 && m.u.mrd.robustness == 2,
	      "mrd adv");
	igmpx_wbuf_init(&w, buf, sizeof(buf));
	igmpx_build_mrd_short(&w, IGMPX_T_MRD_SOL, 0);
	igmpx_finish(&w);
	CHECK(parse_exact(buf, w.len, &m) == IGMPX_OK && m.kind == IGMPX_K_MRD_SOL && m.end == 4,
	      "mrd sol");

	/* RGMP (RFC 3488) */
	igmpx_wbuf_init(&w, buf, sizeof(buf));
	igmpx_build_v12(&w, IGMPX_T_RGMP_JOIN, 0, IP4(239, 3, 3, 3));
	igmpx_finish(&w);
	CHECK(parse_exact(buf, w.len, &m) == IGMPX_OK && m.kind == IGMPX_K_RGMP &&
	      m.u.v12.group == IP4(239, 3, 3, 3) && m.version == -1, "rgmp");

	/* IGAP */
	uint8_t md5[16] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };
	igmpx_wbuf_init(&w, buf, sizeof(buf));
	igmpx_build_igap(&w, IGMPX_T_IGAP_REPORT, 0, IP4(239, 4, 4, 4), 0x10, 0x04, 9, "alice", md5, 16);
	igmpx_finish(&w);
	CHECK(w.len == IGMPX_LEN_IGAP, "igap length");
	CHECK(parse_exact(buf, w.len, &m) == IGMPX_OK && m.kind == IGMPX_K_IGAP &&
	      m.u.igap.account_size == 5 && m.u.igap.message_size == 16 && m.u.igap.subtype == 4 &&
	      m.u.igap.challenge_id == 9 && memcmp(buf + 16, "alice", 5) == 0, "igap");

	/* MSNIP */
	igmpx_wbuf_init(&w, buf, sizeof(buf));
	igmpx_build_msnip_gm(&w, 2, 300);
	igmpx_build_msnip_entry(&w, IGMPX_T_MSNIP_GM, IP4(232, 0, 0, 0), 8);
	igmpx_build_msnip_entry(&w, IGMPX_T_MSNIP_GM, IP4(239, 0, 0, 0), 8);
	igmpx_finish(&w);
	CHECK(parse_exact(buf, w.len, &m) == IGMPX_OK && m.kind == IGMPX_K_MSNIP_GM &&
	      m.u.msnip.count == 2 && m.u.msnip.holdtime == 300, "msnip gm");
	uint32_t g;
	uint8_t byte;
	CHECK(igmpx_msnip_entry(buf, w.len, &m, 1, &g, &byte) && g == IP4(239, 0, 0, 0) && byte == 8,
	      "msnip gm entry");
	igmpx_wbuf_init(&w, buf, sizeof(buf));
	igmpx_build_msnip_rmr(&w, 3);
	igmpx_build_msnip_entry(&w, IGMPX_T_MSNIP_RMR, IP4(232, 1, 2, 3), 1);
	igmpx_finish(&w);
	CHECK(parse_exact(buf, w.len, &m) == IGMPX_TRUNCATED && m.u.msnip.count_present == 1 &&
	      m.end == 12, "msnip rmr count beyond");
	CHECK(igmpx_msnip_entry(buf, w.len, &m, 0, &g, &byte) && g == IP4(232, 1, 2, 3) && byte == 1,
	      "msnip rmr entry");
	igmpx_wbuf_init(&w, buf, sizeof(buf));
	igmpx_build_msnip_is(&w, 60, 0x1234);
	igmpx_finish(&w);
	CHECK(parse_exact(buf, w.len, &m) == IGMPX_OK && m.u.msnip.holdtime == 60 &&
	      m.u.msnip.generation_id == 0x1234, "msnip is");

	/* Unknown type: type, code and checksum, the rest data. */
	uint8_t unk[6] = { 0x99, 1, 0, 0, 5, 6 };
	uint16_t ck = igmpx_cksum(unk, 6);
	unk[2] = (uint8_t)(ck >> 8);
	unk[3] = (uint8_t)ck;
	CHECK(parse_exact(unk, 6, &m) == IGMPX_OK && m.kind == IGMPX_K_UNKNOWN && m.checksum_ok &&
	      igmpx_msg_name(&m) == NULL, "unknown type");

	/* Every type, every length up to 40: never past the end. */
	static uint8_t noise[64];
	for (unsigned i = 0; i < sizeof(noise); i++)
		noise[i] = (uint8_t)(i * 37 + 11);
	for (unsigned t = 0; t < 256; t++) {
		noise[0] = (uint8_t)t;
		for (size_t len = 0; len <= 40; len++) {
			parse_exact(noise, len, &m);
			if (m.end > len) {
				CHECK(0, "type 0x%02x len %zu end %zu", t, len, m.end);
				return;
			}
		}
	}
	passed++;
}

static void test_ip(void)
{
	uint8_t igmp[8], pkt[128];
	struct igmpx_wbuf w;
	struct igmpx_ipv4_spec s;
	struct igmpx_ipv4 ip;

	igmpx_wbuf_init(&w, igmp, sizeof(igmp));
	igmpx_build_v12(&w, IGMPX_T_V2_LEAVE, 0, IP4(239, 1, 1, 1));
	igmpx_finish(&w);
	igmpx_ipv4_defaults(&s, IP4(192, 0, 2, 10), IP4(224, 0, 0, 2));
	size_t n = igmpx_ipv4_build(&s, igmp, 8, pkt, sizeof(pkt));
	CHECK(n == 32, "ip length %zu", n);
	CHECK(igmpx_cksum(pkt, 24) == 0, "ip header checksum");
	CHECK(igmpx_ipv4_parse(pkt, n, &ip) && ip.ihl == 6 && ip.ttl == 1 && ip.tos == 0xC0 &&
	      ip.router_alert && ip.proto == 2 && ip.payload_off == 24 && ip.payload_len == 8 &&
	      ip.dst == IP4(224, 0, 0, 2), "ip parse");
	s.router_alert = false;
	s.ttl = 64;
	n = igmpx_ipv4_build(&s, igmp, 8, pkt, sizeof(pkt));
	CHECK(n == 28 && igmpx_ipv4_parse(pkt, n, &ip) && !ip.router_alert && ip.ttl == 64, "no RA");
	uint8_t mac[6];
	igmpx_ether_mcast(IP4(239, 129, 1, 2), mac);
	CHECK(mac[0] == 1 && mac[2] == 0x5E && mac[3] == 1 && mac[4] == 1 && mac[5] == 2, "mac");
}

int main(void)
{
	test_codes();
	test_checksum();
	test_queries();
	test_reports();
	test_others();
	test_destinations();
	test_ip();
	printf("core.codec: %d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
