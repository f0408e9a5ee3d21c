/* pcapgen.h: shared parts of igmpx-pcapgen, the capture generator.
 *
 * A description file is read line by line into captures; each frame is built
 * (IGMP by core/codec, IPv4 by core/ip, Ethernet here) as soon as its last
 * continuation line is read, so writing the pcaps is only dumping bytes.
 * Every error names file:line and is counted; nothing is written if any. */
#ifndef PCAPGEN_H
#define PCAPGEN_H

#include "codec.h"
#include "rules.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PG_MAX_KV      32
#define PG_MAX_SUBS    64
#define PG_MAX_MSG     (65535 - 60)  /* IGMP octets: IPv4 total length minus header */
#define PG_MAX_FRAME   (14 + 65535)
#define PG_MAX_SOURCES 8192

/* One key=value token (pointers into the line's own copy). */
struct pg_kv {
	char *key;
	char *val;
};

/* One line: its leading word (message keyword or record/block/entry) and
 * its keys, in the order written. */
struct pg_line {
	char *buf;               /* owned copy of the text */
	const char *file;
	int lineno;
	char *word;
	struct pg_kv kv[PG_MAX_KV];
	int nkv;
};

/* A frame line with its continuation lines. */
struct pg_frame_desc {
	struct pg_line head;
	struct pg_line subs[PG_MAX_SUBS];
	int nsubs;
};

/* A built frame, ready to dump. */
struct pg_frame {
	const char *file;
	int lineno;
	uint64_t at_us;          /* from the capture start */
	uint8_t *bytes;          /* Ethernet frame */
	size_t len;              /* frame length on the wire */
	size_t caplen;           /* octets captured (snap=) */
	enum igmpx_kind kind;    /* what the message must parse as */
	size_t trailer_len;      /* trailer= octets */
	bool quoted;             /* icmp=: the packet is quoted in an ICMP error */
	bool expect[IGMPX_RULE_COUNT]; /* expect=: the rules it must break, no more */
};

struct pg_capture {
	char *name;
	char *note;
	const char *file;
	int lineno;
	struct pg_frame *frames;
	size_t nframes, cap;
	uint64_t last_at_us;
};

struct pg_set {
	struct pg_capture *caps;
	size_t ncaps, cap;
	char **files;            /* the paths read; captures and frames point into them */
	size_t nfiles;
};

/* ---- pcapgen-desc.c: reading descriptions, values, errors ---- */
extern unsigned pg_errors;
void pg_err(const struct pg_line *l, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
bool pg_read_file(const char *path, struct pg_set *set);
/* One line of text into l (a copy is kept in l->buf); false on an error,
 * named with file:lineno.  pg_line_free releases it. */
bool pg_line_parse(const char *text, const char *file, int lineno, struct pg_line *l);
void pg_line_free(struct pg_line *l);
void pg_set_free(struct pg_set *set);

const char *pg_get(const struct pg_line *l, const char *key);
bool pg_has(const struct pg_line *l, const char *key);
/* Checks every key of l is in the space-separated lists (either may be NULL). */
void pg_check_keys(const struct pg_line *l, const char *keys1, const char *keys2);
uint64_t pg_num(const struct pg_line *l, const char *key, uint64_t def, uint64_t max);
uint32_t pg_addr(const struct pg_line *l, const char *key, uint32_t def);
uint32_t pg_addr_req(const struct pg_line *l, const char *key);
bool pg_bool(const struct pg_line *l, const char *key, bool def);
/* Hex octets (separators '_' ':' '.' allowed); returns the count. */
size_t pg_hex(const struct pg_line *l, const char *key, uint8_t *out, size_t cap);
/* Address list: A,B,C+N (N consecutive addresses from C); returns the count. */
unsigned pg_addrs(const struct pg_line *l, const char *key, uint32_t *out, unsigned cap);
/* A name from names[] (index = value, NULL holes) or a number up to max. */
unsigned pg_enum(const struct pg_line *l, const char *key, const char *const *names,
		 unsigned nnames, int def, unsigned max);
uint64_t pg_time_us(const struct pg_line *l, const char *key, uint64_t def);

/* ---- pcapgen-msg.c: message keywords and their builders ---- */
struct pg_build {
	const struct pg_frame_desc *fd;
	const struct pg_line *l;     /* the frame line */
	struct igmpx_wbuf w;         /* the IGMP message */
	uint32_t dst;                /* default IP destination (valid if has_dst) */
	bool has_dst;
	enum igmpx_kind kind;        /* expected parse kind */
};

struct pg_msg {
	const char *word;
	const char *keys;            /* message keys, space-separated */
	const char *sub;             /* continuation word, or NULL */
	const char *subkeys;
	bool no_ra;                  /* v1 and v0: Router Alert off by default */
	uint8_t ttl;                 /* default TTL */
	uint8_t tos;                 /* default ToS */
	void (*build)(struct pg_build *b);
};

const struct pg_msg *pg_msg_find(const char *word);
void pg_msg_list(char *out, size_t cap);   /* "v0 v1query ..." */
extern const char pg_common_keys[];

/* ---- pcapgen-frame.c ---- */
/* Builds the frame of fd and appends it to cap (errors are counted). */
void pg_frame_build(const struct pg_frame_desc *fd, struct pg_capture *cap);

/* The raw message builder: its kind depends on the destination too. */
void pg_build_raw(struct pg_build *b);

/* ---- pcapgen-expect.c: expect=, the checker and the timing model ---- */
/* Reads expect=RULE[,RULE...] of the frame line into set (errors named). */
void pg_expect_parse(const struct pg_line *l, bool set[IGMPX_RULE_COUNT]);
/* Each frame of c breaks exactly its expect= rules, content (core/check)
 * and timing (core/timing over the capture in order) alike. */
bool pg_expect_verify(const struct pg_capture *c);
/* One line per frame: "<capture> <frame> <rule,rule|->". */
void pg_expect_print(const struct pg_capture *c);
/* Real captures: no content finding at Note or above in any frame, but
 * those given as --allow CAPTURE.pcap:FRAME:RULE (each of which must occur).
 * argv: the arguments after --clean. */
int pg_check_clean(int argc, char **argv);

#endif
