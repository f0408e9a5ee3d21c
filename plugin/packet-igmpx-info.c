/* packet-igmpx-info.c: the Info column and the name a message is shown by,
 * from the parse alone (no tree needed): what it is, its group and sources
 * or records in short, and whether it was cut off or carries a trailer. */
#include "packet-igmpx.h"

/* Records named in the Info column before it says "…". */
#define IGMPX_INFO_RECORDS 3

/* The message's name as shown: RFC 988 names get their version in front. */
const char *igmpx_display_name(const struct igmpx_ctx *c)
{
	static const char *v0_names[256];      /* made once, kept for the program */
	const char *name = igmpx_msg_name(&c->m);

	if (name && c->m.kind == IGMPX_K_V0) {
		/* a v0 message's name is its type's */
		if (!v0_names[c->m.type])
			v0_names[c->m.type] = g_strdup_printf("IGMPv0 %s", name);
		return v0_names[c->m.type];
	}
	return name;
}

static void info_v3_query(const struct igmpx_msg *m, wmem_strbuf_t *s)
{
	if (m->u.v3q.group == 0 && m->u.v3q.nsrc == 0) {
		wmem_strbuf_append(s, ", general");
		return;
	}
	wmem_strbuf_append_printf(s, ", group " IGMPX_IP4_FMT, IGMPX_IP4_ARGS(m->u.v3q.group));
	if (m->u.v3q.nsrc)
		wmem_strbuf_append_printf(s, ", %u source%s", m->u.v3q.nsrc,
					  plurality(m->u.v3q.nsrc, "", "s"));
}

static void info_v3_report(const struct igmpx_ctx *c, wmem_strbuf_t *s)
{
	const struct igmpx_msg *m = &c->m;
	struct igmpx_v3_record r;
	size_t off = IGMPX_OFF_R_RECORDS;

	if (m->u.v3r.nrec == 0) {
		wmem_strbuf_append(s, ", no records");
		return;
	}
	wmem_strbuf_append_printf(s, ", %u record%s", m->u.v3r.nrec,
				  plurality(m->u.v3r.nrec, "", "s"));
	if (m->u.v3r.nrec_present < m->u.v3r.nrec)
		wmem_strbuf_append_printf(s, " (%u whole)", m->u.v3r.nrec_present);
	for (unsigned i = 0; i < m->u.v3r.nrec_present; i++) {
		if (i == IGMPX_INFO_RECORDS) {
			wmem_strbuf_append(s, ", \xe2\x80\xa6");
			break;
		}
		igmpx_v3_record_at(c->buf, c->len, off, &r);
		const char *abbrev = igmpx_record_type_abbrev(r.type);
		wmem_strbuf_append(s, i ? ", " : ": ");
		if (abbrev)
			wmem_strbuf_append(s, abbrev);
		else
			wmem_strbuf_append_printf(s, "type %u", r.type);
		wmem_strbuf_append_printf(s, " " IGMPX_IP4_FMT, IGMPX_IP4_ARGS(r.group));
		if (r.nsrc)
			wmem_strbuf_append_printf(s, " (%u source%s)", r.nsrc, plurality(r.nsrc, "", "s"));
		off = r.end;
	}
}

static void info_v0(const struct igmpx_msg *m, wmem_strbuf_t *s)
{
	const char *outcome = igmpx_v0_code_name(m->type, m->code);

	wmem_strbuf_append_printf(s, " " IGMPX_IP4_FMT, IGMPX_IP4_ARGS(m->u.v0.group));
	/* RFC 988: a Create Group Request says public or private; replies
	 * (even types) carry the outcome; other requests carry zero. */
	if (outcome && (m->type == IGMPX_T_V0_CREATE_REQ || !(m->type & 1)))
		wmem_strbuf_append_printf(s, ", %s", outcome);
}

/* The Info column from the parse alone: works without a tree. */
const char *igmpx_info(const struct igmpx_ctx *c)
{
	const struct igmpx_msg *m = &c->m;
	wmem_strbuf_t *s = wmem_strbuf_new(c->pinfo->pool, "");
	const char *name = igmpx_display_name(c);

	if (name)
		wmem_strbuf_append(s, name);
	else
		wmem_strbuf_append_printf(s, "IGMP type 0x%02x (unknown)", m->type);
	if (c->pinfo->flags.in_error_pkt) {
		wmem_strbuf_append(s, " [quoted in an ICMP error]");
		return wmem_strbuf_get_str(s);
	}
	if (!c->whole) {
		wmem_strbuf_append_printf(s, " [%u of %zu octets captured]",
					  tvb_captured_length(c->tvb), c->len);
		return wmem_strbuf_get_str(s);
	}
	if (m->status == IGMPX_TRUNCATED && m->len < igmpx_fixed_len(m->kind)) {
		wmem_strbuf_append(s, " [truncated]");
		return wmem_strbuf_get_str(s);
	}
	switch (m->kind) {
	case IGMPX_K_V0:
		info_v0(m, s);
		break;
	case IGMPX_K_V1_QUERY:
		if (m->u.v12.group)
			wmem_strbuf_append_printf(s, ", group " IGMPX_IP4_FMT, IGMPX_IP4_ARGS(m->u.v12.group));
		break;
	case IGMPX_K_V2_QUERY:
		if (m->u.v12.group)
			wmem_strbuf_append_printf(s, ", group " IGMPX_IP4_FMT, IGMPX_IP4_ARGS(m->u.v12.group));
		else
			wmem_strbuf_append(s, ", general");
		break;
	case IGMPX_K_BAD_QUERY:
		wmem_strbuf_append_printf(s, " (%zu octets), group " IGMPX_IP4_FMT, m->len,
					  IGMPX_IP4_ARGS(m->u.v12.group));
		break;
	case IGMPX_K_V1_REPORT: case IGMPX_K_V2_REPORT: case IGMPX_K_V2_LEAVE:
		wmem_strbuf_append_printf(s, " " IGMPX_IP4_FMT, IGMPX_IP4_ARGS(m->u.v12.group));
		break;
	case IGMPX_K_V3_QUERY:
		info_v3_query(m, s);
		break;
	case IGMPX_K_V3_REPORT:
		info_v3_report(c, s);
		break;
	default:
		igmpx_info_ext(c, s);
		break;
	}
	if (m->status == IGMPX_TRUNCATED)
		wmem_strbuf_append(s, " [truncated]");
	else if (m->trailer_len)
		wmem_strbuf_append_printf(s, " [%zu trailing octet%s]", m->trailer_len,
					  plurality(m->trailer_len, "", "s"));
	return wmem_strbuf_get_str(s);
}
