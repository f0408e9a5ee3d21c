/* desc.h: the frame description language (format: pcaps/README.md).
 *
 * Two programs speak it: igmpx-pcapgen (tools/), which writes the captures
 * a description file describes, and the harness, whose send: steps are
 * one frame line each.  It uses nothing of the project but core.
 *
 * A description file is read line by line into captures; each frame is built
 * (IGMP by core/codec, IPv4 by core/ip, Ethernet here) as soon as its last
 * continuation line is read, so writing the pcaps is only dumping bytes.
 * Every error names file:line and is counted in desc_errors. */
#ifndef DESC_H
#define DESC_H

#include "codec.h"
#include "rules.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DESC_MAX_KV      32
#define DESC_MAX_SUBS    64
#define DESC_MAX_MSG     (65535 - 60)  /* IGMP octets: IPv4 total length minus header */
#define DESC_MAX_FRAME   (14 + 65535)
#define DESC_MAX_SOURCES 8192

/* One key=value token (pointers into the line's own copy). */
struct desc_kv {
	char *key;
	char *val;
};

/* One line: its leading word (message keyword or record/block/entry) and
 * its keys, in the order written. */
struct desc_line {
	char *buf;               /* owned copy of the text */
	const char *file;
	int lineno;
	char *word;
	struct desc_kv kv[DESC_MAX_KV];
	int nkv;
};

/* A frame line with its continuation lines. */
struct desc_frame_lines {
	struct desc_line head;
	struct desc_line subs[DESC_MAX_SUBS];
	int nsubs;
};

/* A built frame, ready to dump. */
struct desc_frame {
	const char *file;
	int lineno;
	uint64_t at_us;          /* from the capture start */
	uint8_t *bytes;          /* Ethernet frame */
	size_t len;              /* frame length on the wire */
	size_t caplen;           /* octets captured (snap=) */
	enum igmpx_kind kind;    /* what the message must parse as */
	size_t trailer_len;      /* trailer= octets */
	bool quoted;             /* icmp=: the packet is quoted in an ICMP error */
	bool fragment;           /* fragment=: one IP fragment of the message */
	bool expect[IGMPX_RULE_COUNT]; /* expect=: the rules it must break, no more */
};

struct desc_capture {
	char *name;
	char *note;
	const char *file;
	int lineno;
	struct desc_frame *frames;
	size_t nframes, cap;
	uint64_t last_at_us;
};

struct desc_set {
	struct desc_capture *caps;
	size_t ncaps, cap;
	char **files;            /* the paths read; captures and frames point into them */
	size_t nfiles;
};

/* ---- read.c: reading descriptions, values, errors ---- */
extern unsigned desc_errors;
void desc_err(const struct desc_line *l, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
bool desc_read_file(const char *path, struct desc_set *set);
/* One line of text into l (a copy is kept in l->buf); false on an error,
 * named with file:lineno, with nothing kept.  desc_line_free releases it
 * (after an error too). */
bool desc_line_parse(const char *text, const char *file, int lineno, struct desc_line *l);
void desc_line_free(struct desc_line *l);
void desc_set_free(struct desc_set *set);

const char *desc_get(const struct desc_line *l, const char *key);
bool desc_has(const struct desc_line *l, const char *key);
/* Checks every key of l is in the space-separated lists (either may be NULL). */
void desc_check_keys(const struct desc_line *l, const char *keys1, const char *keys2);
uint64_t desc_num(const struct desc_line *l, const char *key, uint64_t def, uint64_t max);
uint32_t desc_addr(const struct desc_line *l, const char *key, uint32_t def);
uint32_t desc_addr_req(const struct desc_line *l, const char *key);
bool desc_bool(const struct desc_line *l, const char *key, bool def);
/* Hex octets (separators '_' ':' '.' allowed); returns the count. */
size_t desc_hex(const struct desc_line *l, const char *key, uint8_t *out, size_t cap);
/* Address list: A,B,C+N (N consecutive addresses from C); returns the count. */
unsigned desc_addrs(const struct desc_line *l, const char *key, uint32_t *out, unsigned cap);
/* A name from names[] (index = value, NULL holes) or a number up to max. */
unsigned desc_enum(const struct desc_line *l, const char *key, const char *const *names,
		 unsigned nnames, int def, unsigned max);
uint64_t desc_time_us(const struct desc_line *l, const char *key, uint64_t def);

/* ---- msg.c: message keywords and their builders ---- */
struct desc_build {
	const struct desc_frame_lines *fd;
	const struct desc_line *l;     /* the frame line */
	struct igmpx_wbuf w;         /* the IGMP message */
	uint32_t dst;                /* default IP destination (valid if has_dst) */
	bool has_dst;
	enum igmpx_kind kind;        /* expected parse kind */
};

struct desc_msg {
	const char *word;
	const char *keys;            /* message keys, space-separated */
	const char *sub;             /* continuation word, or NULL */
	const char *subkeys;
	bool no_ra;                  /* v1 and v0: Router Alert off by default */
	uint8_t ttl;                 /* default TTL */
	uint8_t tos;                 /* default ToS */
	void (*build)(struct desc_build *b);
};

const struct desc_msg *desc_msg_find(const char *word);
void desc_msg_list(char *out, size_t cap);   /* "v0 v1query ..." */
extern const char desc_common_keys[];

/* ---- frame.c ---- */
/* Builds the frame of fd and appends it to cap (errors are counted). */
void desc_frame_build(const struct desc_frame_lines *fd, struct desc_capture *cap);

/* The raw message builder: its kind depends on the destination too. */
void desc_build_raw(struct desc_build *b);

/* ---- frame.c: expect= ---- */
/* Reads expect=RULE[,RULE...] of the frame line into set (errors named). */
void desc_expect_parse(const struct desc_line *l, bool set[IGMPX_RULE_COUNT]);

#endif
