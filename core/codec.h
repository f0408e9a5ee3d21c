/* codec.h: parse and build every message carried in IP protocol 2.
 *
 * Plain C, no Wireshark dependency: the dissector (plugin/), the harness and
 * the capture generator all use these functions, so the layout of each
 * message is written down once.
 *
 * Parsing never reads past the buffer it is given.  A parse returns a status
 * and the offset where decoding stopped; list entries (sources, records,
 * mtrace response blocks, MSNIP entries) are decoded up to the last whole one.
 * Addresses and multi-octet values are returned in host byte order.
 */
#ifndef IGMPX_CODEC_H
#define IGMPX_CODEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* IGMP type numbers (RFC 9778 registry and the drafts named beside each). */
enum igmpx_type {
	IGMPX_T_V0_CREATE_REQ  = 0x01, /* RFC 988, types 1-8 */
	IGMPX_T_V0_CREATE_RPL  = 0x02,
	IGMPX_T_V0_JOIN_REQ    = 0x03,
	IGMPX_T_V0_JOIN_RPL    = 0x04,
	IGMPX_T_V0_LEAVE_REQ   = 0x05,
	IGMPX_T_V0_LEAVE_RPL   = 0x06,
	IGMPX_T_V0_CONFIRM_REQ = 0x07,
	IGMPX_T_V0_CONFIRM_RPL = 0x08,
	IGMPX_T_QUERY          = 0x11, /* RFC 1112, 2236, 9776 */
	IGMPX_T_V1_REPORT      = 0x12, /* RFC 1112 */
	IGMPX_T_DVMRP          = 0x13, /* RFC 1075, draft-ietf-idmr-dvmrp-v3 */
	IGMPX_T_PIMV1          = 0x14,
	IGMPX_T_CISCO_TRACE    = 0x15,
	IGMPX_T_V2_REPORT      = 0x16, /* RFC 2236 */
	IGMPX_T_V2_LEAVE       = 0x17, /* RFC 2236 */
	IGMPX_T_MTRACE_RESP    = 0x1E, /* draft-ietf-idmr-traceroute-ipm */
	IGMPX_T_MTRACE_QUERY   = 0x1F,
	IGMPX_T_V3_REPORT      = 0x22, /* RFC 9776 */
	IGMPX_T_MSNIP_GM       = 0x23, /* draft-ietf-idmr-msnip */
	IGMPX_T_MSNIP_IS       = 0x24,
	IGMPX_T_MSNIP_RMR      = 0x25,
	IGMPX_T_MRD_ADV        = 0x30, /* RFC 4286 */
	IGMPX_T_MRD_SOL        = 0x31,
	IGMPX_T_MRD_TERM       = 0x32,
	IGMPX_T_IGAP_REPORT    = 0x40, /* draft-hayashi-igap */
	IGMPX_T_IGAP_QUERY     = 0x41,
	IGMPX_T_IGAP_LEAVE     = 0x42,
	IGMPX_T_RGMP_LEAVE     = 0xFC, /* RFC 3488 */
	IGMPX_T_RGMP_JOIN      = 0xFD,
	IGMPX_T_RGMP_BYE       = 0xFE,
	IGMPX_T_RGMP_HELLO     = 0xFF,
};

/* What a message is, once its type and (for queries) its length are known. */
enum igmpx_kind {
	IGMPX_K_UNKNOWN = 0,  /* a type this codec does not know: type, checksum, data */
	IGMPX_K_V0,           /* RFC 988 request or reply */
	IGMPX_K_V1_QUERY,     /* RFC 9776 §7.1: 8 octets, Max Resp Code 0 */
	IGMPX_K_V2_QUERY,     /* 8 octets, Max Resp Code non-zero */
	IGMPX_K_V3_QUERY,     /* 12 octets or more */
	IGMPX_K_BAD_QUERY,    /* 9 to 11 octets: not a valid query of any version */
	IGMPX_K_V1_REPORT,
	IGMPX_K_V2_REPORT,
	IGMPX_K_V2_LEAVE,
	IGMPX_K_V3_REPORT,
	IGMPX_K_DVMRP,        /* decoded by Wireshark's own dissector; codec: header only */
	IGMPX_K_PIMV1,        /* likewise */
	IGMPX_K_CISCO_TRACE,  /* vendor message, no public layout: data */
	IGMPX_K_MTRACE,       /* 0x1E response or 0x1F query/request */
	IGMPX_K_MSNIP_GM,
	IGMPX_K_MSNIP_IS,
	IGMPX_K_MSNIP_RMR,
	IGMPX_K_MRD_ADV,
	IGMPX_K_MRD_SOL,
	IGMPX_K_MRD_TERM,
	IGMPX_K_IGAP,
	IGMPX_K_RGMP,
	IGMPX_K_COUNT
};

enum igmpx_status {
	IGMPX_OK = 0,         /* every field present (extra octets, if any, are the trailer) */
	IGMPX_TRUNCATED,      /* the message ends inside a fixed field or a counted list */
	IGMPX_BAD_LENGTH,     /* a length no version defines (9-11 octet query) */
};

/* Fixed lengths (octets). */
#define IGMPX_LEN_V12          8   /* v1/v2 query, report, leave; RGMP */
#define IGMPX_LEN_V3_QUERY     12  /* up to and including Number of Sources */
#define IGMPX_LEN_V3_REPORT    8   /* up to and including Number of Group Records */
#define IGMPX_LEN_V3_RECORD    8   /* record header with its Multicast Address */
#define IGMPX_LEN_V0           20  /* RFC 988 */
#define IGMPX_LEN_MTRACE       24  /* query header */
#define IGMPX_LEN_MTRACE_BLOCK 32  /* response data block */
#define IGMPX_LEN_MRD_ADV      8   /* RFC 4286 §3.2 */
#define IGMPX_LEN_MRD_SHORT    4   /* solicitation and termination, RFC 4286 §4.1, §5.1 */
#define IGMPX_LEN_IGAP         96  /* draft-hayashi-igap: 16 fixed + 16 account + 64 message */
#define IGMPX_LEN_IGAP_ACCOUNT 16
#define IGMPX_LEN_IGAP_MESSAGE 64
#define IGMPX_LEN_MSNIP_GM     8   /* then Count entries of 8 */
#define IGMPX_LEN_MSNIP_IS     8
#define IGMPX_LEN_MSNIP_RMR    4   /* then Count entries of 8 */
#define IGMPX_LEN_MSNIP_ENTRY  8

/* Offsets inside a v3 query / report (RFC 9776 §4.1, §4.2). */
#define IGMPX_OFF_TYPE      0
#define IGMPX_OFF_CODE      1   /* Max Resp Code, reserved, hops, count: the second octet */
#define IGMPX_OFF_CHECKSUM  2
#define IGMPX_OFF_GROUP     4
#define IGMPX_OFF_Q_FLAGS   8   /* Flags(4) S(1) QRV(3) */
#define IGMPX_OFF_Q_QQIC    9
#define IGMPX_OFF_Q_NSRC    10
#define IGMPX_OFF_Q_SRC     12
#define IGMPX_OFF_R_FLAGS   4
#define IGMPX_OFF_R_NREC    6
#define IGMPX_OFF_R_RECORDS 8

/* One v3 group record as found in a buffer (RFC 9776 §4.2.5). */
struct igmpx_v3_record {
	size_t off;             /* where the record starts */
	uint8_t type;           /* §4.2.13: 1..6 */
	uint8_t aux_len;        /* §4.2.7: in 32-bit words */
	uint16_t nsrc;          /* Number of Sources as written */
	uint32_t group;
	size_t src_off;         /* first source */
	uint16_t nsrc_present;  /* whole sources in the buffer (<= nsrc) */
	size_t aux_off;         /* auxiliary data */
	size_t aux_present;     /* octets of it in the buffer (<= 4 * aux_len) */
	size_t end;             /* offset after the last whole field decoded */
	bool complete;          /* every declared source and aux octet present */
};

/* One mtrace response data block (draft-ietf-idmr-traceroute-ipm §3.2). */
struct igmpx_mtrace_block {
	uint32_t query_arrival;   /* NTP-format 32-bit timestamp */
	uint32_t in_if;           /* incoming interface address */
	uint32_t out_if;          /* outgoing interface address */
	uint32_t prev_hop;        /* previous-hop router address */
	uint32_t in_pkts, out_pkts, sg_pkts;
	uint8_t rtg_proto;        /* routing protocol */
	uint8_t fwd_ttl;
	uint8_t mbz;              /* 1 bit, must be zero */
	uint8_t s;                /* 1 bit: S,G counted, not the whole group */
	uint8_t src_mask;         /* 6 bits */
	uint8_t fwd_code;         /* forwarding code */
};

/* A parsed message.  Lists are not copied: their offsets are given and the
 * entries are read with the accessors below. */
struct igmpx_msg {
	enum igmpx_kind kind;
	enum igmpx_status status;
	uint8_t type;
	int version;            /* 0..3 for IGMP proper, -1 for the rest */
	size_t len;             /* octets given to the parser (the whole message) */
	size_t end;             /* offset after the last whole field or entry decoded */
	size_t trailer_len;     /* octets after the last defined field (status OK) */
	uint8_t code;           /* second octet, whatever it means for this type */
	uint16_t checksum;      /* as written (0 if the buffer is shorter than 4) */
	bool checksum_ok;       /* one's complement sum over all len octets is 0xFFFF */

	union {
		struct {                    /* IGMPX_K_V0 */
			uint32_t identifier;
			uint32_t group;
			uint64_t access_key;
		} v0;
		struct {                    /* v1/v2 query, report, leave; RGMP; BAD_QUERY */
			uint32_t group;
		} v12;
		struct {                    /* IGMPX_K_V3_QUERY */
			uint32_t group;
			uint8_t flags;          /* §4.1.4, 4 bits */
			uint8_t s;              /* §4.1.5 */
			uint8_t qrv;            /* §4.1.6 */
			uint8_t qqic;           /* §4.1.7 */
			uint16_t nsrc;          /* §4.1.8, as written */
			uint16_t nsrc_present;  /* whole sources in the buffer */
		} v3q;
		struct {                    /* IGMPX_K_V3_REPORT */
			uint8_t reserved;       /* §4.2.1, second octet */
			uint16_t flags;         /* §4.2.3 */
			uint16_t nrec;          /* §4.2.4, as written */
			uint16_t nrec_present;  /* whole records in the buffer */
		} v3r;
		struct {                    /* IGMPX_K_MTRACE */
			uint8_t hops;
			uint32_t group, source, destination, response_addr;
			uint8_t response_ttl;
			uint32_t query_id;      /* 24 bits */
			unsigned nblocks;       /* whole response blocks present */
		} mtrace;
		struct {                    /* IGMPX_K_MRD_* */
			uint8_t adv_interval;   /* advertisement: seconds; else reserved */
			uint16_t query_interval;
			uint16_t robustness;
		} mrd;
		struct {                    /* IGMPX_K_IGAP */
			uint8_t max_resp_time;  /* tenths of a second */
			uint32_t group;
			uint8_t version, subtype, reserved1, challenge_id;
			uint8_t account_size, message_size;
			uint16_t reserved2;
		} igap;
		struct {                    /* IGMPX_K_MSNIP_* */
			uint8_t count;          /* GM, RMR: entries as written */
			unsigned count_present; /* whole entries in the buffer */
			uint32_t holdtime;      /* GM: 32 bits; IS: 16 bits */
			uint16_t generation_id; /* IS */
		} msnip;
	} u;
};

/* Parse one IGMP message (the whole IP payload).  Fills *m and returns
 * m->status.  Never reads outside buf[0 .. len).  Classifies by type and
 * length alone: types whose meaning depends on the IP destination (RGMP,
 * MSNIP) are taken at their word.  */
enum igmpx_status igmpx_parse(const uint8_t *buf, size_t len, struct igmpx_msg *m);

/* The same, knowing the IP destination (host order): RGMP's types 0xFC-0xFF
 * are RGMP only to 224.0.0.25 (RFC 3488 §2.1: elsewhere they are other,
 * experimental types), and MSNIP's 0x23-0x25 only to 224.0.0.22 (the
 * draft's destination; 0x24-0x26 were also used by an early MRD draft).
 * To any other destination they parse as IGMPX_K_UNKNOWN. */
enum igmpx_status igmpx_parse_to(const uint8_t *buf, size_t len, uint32_t ip_dst,
				 struct igmpx_msg *m);
#define IGMPX_ADDR_ALL_IGMPV3_ROUTERS 0xE0000016u  /* 224.0.0.22 */
#define IGMPX_ADDR_ALL_RGMP_ROUTERS   0xE0000019u  /* 224.0.0.25 */

/* The kind of a message from its first octet and length (RFC 9776 §7.1 for
 * 0x11).  A query shorter than 8 octets is a truncated v1/v2 query. */
enum igmpx_kind igmpx_classify(const uint8_t *buf, size_t len);

/* Sources of a v3 query and of a record: the i-th (0-based) address. */
uint32_t igmpx_v3_query_source(const uint8_t *buf, size_t len, unsigned i);

/* The v3 record starting at off.  Returns true when at least the 8-octet
 * record header is in the buffer; rec->complete says if all of it is. */
bool igmpx_v3_record_at(const uint8_t *buf, size_t len, size_t off,
			struct igmpx_v3_record *rec);
uint32_t igmpx_v3_record_source(const uint8_t *buf, size_t len,
				const struct igmpx_v3_record *rec, unsigned i);

/* mtrace response block i (0-based).  False when it is not whole in buf. */
bool igmpx_mtrace_block(const uint8_t *buf, size_t len, unsigned i,
			struct igmpx_mtrace_block *b);
size_t igmpx_mtrace_block_off(unsigned i);

/* MSNIP GM and RMR entry i: group, and mask length (GM) or record type (RMR). */
bool igmpx_msnip_entry(const uint8_t *buf, size_t len, const struct igmpx_msg *m,
		       unsigned i, uint32_t *group, uint8_t *byte);
size_t igmpx_msnip_entry_off(const struct igmpx_msg *m, unsigned i);

/* ---- Codes and names ------------------------------------------------------ */

/* RFC 9776 §4.1.1 (Max Resp Code, tenths of a second) and §4.1.7 (QQIC,
 * seconds) share one code: below 128 the value itself, from 128 on
 * 1|exp(3)|mant(4) meaning (mant | 0x10) << (exp + 3). */
unsigned igmpx_code_decode(uint8_t code);
/* The code for a value: exact when representable, else the code of the
 * largest representable value below it; values above 31744 give 0xFF.
 * *exact (may be NULL) says whether the value was representable. */
uint8_t igmpx_code_encode(unsigned value, bool *exact);
#define IGMPX_CODE_MAX_VALUE 31744u

/* Max Response Time of a query in milliseconds: a v2 query's Max Resp Time is
 * linear (RFC 2236 §2.2), a v3 query's a code (§4.1.1); a v1 query has 0. */
unsigned igmpx_query_max_resp_ms(const struct igmpx_msg *m);

/* Names, never NULL for a type/kind this codec knows; NULL for the rest. */
const char *igmpx_type_name(uint8_t type);         /* "Membership Query" */
/* The name of a parsed message: versioned for queries ("IGMPv3 Membership
 * Query"), query or request for mtrace 0x1F; NULL for an unknown type. */
const char *igmpx_msg_name(const struct igmpx_msg *m);
const char *igmpx_kind_protocol(enum igmpx_kind kind); /* "IGMPv3", "mtrace", "MRD"... */
/* The protocol of a parsed message: "IGMP" for a query of no version. */
const char *igmpx_msg_protocol(const struct igmpx_msg *m);
const char *igmpx_record_type_name(uint8_t type);  /* "MODE_IS_INCLUDE" */
const char *igmpx_record_type_abbrev(uint8_t type); /* "IS_IN" */
const char *igmpx_v0_code_name(uint8_t type, uint8_t code); /* RFC 988 outcome */
const char *igmpx_status_name(enum igmpx_status s);

/* ---- Checksum ------------------------------------------------------------- */

/* Internet checksum (RFC 1071) over len octets: the value to write in a
 * checksum field that holds zero; over a message with its checksum in
 * place, 0 means the checksum is right. */
uint16_t igmpx_cksum(const uint8_t *buf, size_t len);
/* The checksum the message should carry (computed with its field zeroed). */
uint16_t igmpx_cksum_expected(const uint8_t *buf, size_t len);

/* ---- Building -------------------------------------------------------------- */

/* A bounded write buffer: writes past cap set overflow and are dropped. */
struct igmpx_wbuf {
	uint8_t *p;
	size_t cap;
	size_t len;
	bool overflow;
};
void igmpx_wbuf_init(struct igmpx_wbuf *w, uint8_t *p, size_t cap);
void igmpx_put8(struct igmpx_wbuf *w, uint8_t v);
void igmpx_put16(struct igmpx_wbuf *w, uint16_t v);
void igmpx_put32(struct igmpx_wbuf *w, uint32_t v);
void igmpx_put_bytes(struct igmpx_wbuf *w, const void *src, size_t n);
void igmpx_put16_at(struct igmpx_wbuf *w, size_t off, uint16_t v);

/* Each builder appends one message header at w->len (the message starts at
 * the w->len it was called with: call them on an empty buffer) with a zero
 * checksum; append lists and trailers, then igmpx_finish() writes the
 * checksum over everything written. */
void igmpx_build_v12(struct igmpx_wbuf *w, uint8_t type, uint8_t code, uint32_t group);
void igmpx_build_v0(struct igmpx_wbuf *w, uint8_t type, uint8_t code, uint32_t identifier,
		    uint32_t group, uint64_t access_key);
void igmpx_build_v3_query(struct igmpx_wbuf *w, uint8_t mrc, uint32_t group, uint8_t flags,
			  uint8_t s, uint8_t qrv, uint8_t qqic, uint16_t nsrc,
			  const uint32_t *sources, unsigned nsources);
void igmpx_build_v3_report(struct igmpx_wbuf *w, uint8_t reserved, uint16_t flags, uint16_t nrec);
void igmpx_build_v3_record(struct igmpx_wbuf *w, uint8_t type, uint8_t aux_len, uint16_t nsrc,
			   uint32_t group, const uint32_t *sources, unsigned nsources);
void igmpx_build_mtrace(struct igmpx_wbuf *w, uint8_t type, uint8_t hops, uint32_t group,
			uint32_t source, uint32_t destination, uint32_t response_addr,
			uint8_t response_ttl, uint32_t query_id);
void igmpx_build_mtrace_block(struct igmpx_wbuf *w, const struct igmpx_mtrace_block *b);
void igmpx_build_mrd_adv(struct igmpx_wbuf *w, uint8_t adv_interval, uint16_t query_interval,
			 uint16_t robustness);
void igmpx_build_mrd_short(struct igmpx_wbuf *w, uint8_t type, uint8_t reserved);
void igmpx_build_igap(struct igmpx_wbuf *w, uint8_t type, uint8_t max_resp_time, uint32_t group,
		      uint8_t version, uint8_t subtype, uint8_t challenge_id,
		      const char *account, const uint8_t *message, uint8_t message_size);
void igmpx_build_msnip_gm(struct igmpx_wbuf *w, uint8_t count, uint32_t holdtime);
void igmpx_build_msnip_is(struct igmpx_wbuf *w, uint16_t holdtime, uint16_t generation_id);
void igmpx_build_msnip_rmr(struct igmpx_wbuf *w, uint8_t count);
/* GM entry: group, mask length, 3 reserved; RMR entry: record type, 3 reserved, group. */
void igmpx_build_msnip_entry(struct igmpx_wbuf *w, uint8_t msg_type, uint32_t group, uint8_t byte);
/* Writes the checksum over w->p[0 .. w->len). */
void igmpx_finish(struct igmpx_wbuf *w);

#endif
