/* packet-igmpx.h: what the two halves of the igmpx dissector share.
 *
 * packet-igmpx.c registers the protocol, dispatches on the kind core/codec
 * gives a message and decodes IGMP proper (v0-v3); packet-igmpx-ext.c
 * decodes the other messages of IP protocol 2 (mtrace, MRD, RGMP, IGAP,
 * MSNIP).  Both decode from a struct igmpx_ctx: the tvb, the core's parse of
 * the same octets, and the items created, so that a later check pass can
 * hang expert info on the field at fault.
 *
 * Internal to the plugin: nothing here is exported from igmpx.so.
 */
#ifndef PACKET_IGMPX_H
#define PACKET_IGMPX_H

#include <wireshark.h>
#include <epan/packet.h>
#include <epan/expert.h>
#include <wsutil/str_util.h>

#include "codec.h"
#include "ip.h"

#define IGMPX_IP4_FMT "%u.%u.%u.%u"
#define IGMPX_IP4_ARGS(a) ((a) >> 24) & 0xFF, ((a) >> 16) & 0xFF, ((a) >> 8) & 0xFF, (a) & 0xFF

/* Items a check pass may flag (NULL when not created or no tree). */
struct igmpx_items {
	proto_item *proto;      /* the igmpx protocol item */
	proto_item *type;
	proto_item *code;       /* second octet, whatever it is for this type */
	proto_item *checksum;
	proto_item *group;
	proto_item *flags;      /* v3 query Flags, v3 report Flags */
	proto_item *s;
	proto_item *qrv;
	proto_item *qqic;
	proto_item *count;      /* Number of Sources / Records, mtrace hops, MSNIP Count */
	proto_item *trailer;
	proto_item *partial;    /* octets of a truncated field or entry */
};

/* One item the decode added and the octets it covers (from the start of
 * the IGMP message): a check finding is hung on the item of its octets. */
struct igmpx_span {
	guint32 off;
	guint32 len;
	proto_item *item;
};
#define IGMPX_SPANS_INLINE 32
/* Content rules broken by one packet, kept for the tap. */
#define IGMPX_FOUND_MAX 32

struct igmpx_ctx {
	tvbuff_t *tvb;
	packet_info *pinfo;
	proto_tree *tree;       /* the igmpx subtree; NULL without a tree */
	const guint8 *buf;      /* the octets core parsed (zero-padded past the capture) */
	size_t len;             /* the message's reported length */
	gboolean whole;         /* every reported octet was captured */
	size_t fit_end;         /* end of the last whole field added */
	struct igmpx_msg m;
	struct igmpx_items it;
	/* Items by octets, recorded only with a tree (igmpx_note_span). */
	struct igmpx_span *spans;
	guint nspans, spans_cap;
	/* Set by igmpx_rules_check, before the decode: the content rules this
	 * packet breaks, their findings (pinfo->pool) and the IP header length;
	 * items are recorded by octets only when there is a finding to hang. */
	guint nfound;
	guint16 found[IGMPX_FOUND_MAX];
	struct igmpx_finding *findings;
	size_t ip_hlen;
	/* The IPv4 packet around the message, looked for once. */
	gboolean ip_looked, iph_looked, iph_ok;
	const guint8 *ip;
	size_t ip_len, ip_hdr;
	struct igmpx_ipv4 iph;
	/* What the IP dissector passed (a ws_ip4, or NULL): the header of the
	 * fragment that completed a reassembled datagram. */
	const void *ip_data;
	/* Last, left out of the context's clearing: filled before use. */
	struct igmpx_span span_buf[IGMPX_SPANS_INLINE];
};

/* Adds a field at off when it lies whole inside the message (a shorter
 * message leaves it out: core/check's findings say why). */
proto_item *igmpx_add(struct igmpx_ctx *c, proto_tree *tree, int hf, size_t off, size_t len,
		      guint encoding);
/* Remembers that item covers octets off .. off+len of the message. */
void igmpx_note_span(struct igmpx_ctx *c, proto_item *item, size_t off, size_t len);
/* The whole IPv4 packet the message came in, header first, as captured:
 * *len octets (IP header included, never past the capture), *hlen of them
 * the header.  NULL when no IPv4 header ends right where the message starts
 * (a reassembled datagram, IGMP over something other than IPv4). */
const guint8 *igmpx_ip_packet(struct igmpx_ctx *c, size_t *len, size_t *hlen);
/* Its header parsed, when c->m is core's parse of exactly its payload on
 * its destination (whole, captured as it came): core's checks can then
 * take both instead of parsing again.  NULL otherwise. */
const struct igmpx_ipv4 *igmpx_ip_parsed(struct igmpx_ctx *c);
/* The checksum at octet 2, verified over the whole message. */
void igmpx_add_checksum(struct igmpx_ctx *c, proto_tree *tree);
/* igmpx.group at off; remembered in c->it.group. */
proto_item *igmpx_add_group(struct igmpx_ctx *c, proto_tree *tree, size_t off);
/* igmpx.partial: the octets from off to the end of a truncated message. */
proto_item *igmpx_add_partial(struct igmpx_ctx *c, size_t off);

/* The fixed part of a message of kind k: one that ends inside it is cut
 * off (packet-igmpx.c). */
size_t igmpx_fixed_len(enum igmpx_kind k);

/* packet-igmpx-info.c */
/* The message's name as shown: RFC 988 names get their version in front. */
const char *igmpx_display_name(const struct igmpx_ctx *c);
/* The Info column from the parse alone: works without a tree. */
const char *igmpx_info(const struct igmpx_ctx *c);

/* packet-igmpx-ext.c */
void igmpx_register_ext(int proto);
void igmpx_dissect_mtrace(struct igmpx_ctx *c);
void igmpx_dissect_mrd(struct igmpx_ctx *c);
void igmpx_dissect_rgmp(struct igmpx_ctx *c);
void igmpx_dissect_igap(struct igmpx_ctx *c);
void igmpx_dissect_msnip(struct igmpx_ctx *c);
void igmpx_info_ext(const struct igmpx_ctx *c, wmem_strbuf_t *info);

/* packet-igmpx-rules.c: one expert item per catalogue rule (igmpx.rule.<id>)
 * and the content checks of core/check, after the decode. */
#include "rules.h"
#include <epan/prefs.h>
void igmpx_register_rules(int proto);
expert_field *igmpx_rule_ei(enum igmpx_rule r);
void igmpx_rules_check(struct igmpx_ctx *c);
void igmpx_rules_apply(struct igmpx_ctx *c);

/* packet-igmpx-state.c: stateful analysis over the capture (core/timing). */
void igmpx_register_state(int proto, module_t *module);
void igmpx_state_apply(struct igmpx_ctx *c);
/* Forgets the capture, as closing it and opening another would, without a
 * new session (fuzz/fuzz_dissector.c: one capture per input). */
void igmpx_state_restart(void);

/* packet-igmpx-stats.c: the tap and -z igmpx,groups / -z igmpx,rules. */
void igmpx_register_stats(int proto);
void igmpx_stats_queue(struct igmpx_ctx *c);
/* Someone listens on the igmpx tap (rules then run without a tree). */
gboolean igmpx_stats_wanted(void);

/* plugin.c calls these. */
void proto_register_igmpx(void);
void proto_reg_handoff_igmpx(void);

#endif
