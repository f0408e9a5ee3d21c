/* packet-igmpx-rules.c: one expert item per rule of the catalogue
 * (core/rules.def), named igmpx.rule.<id>, and the content checks of
 * core/check hung on the fields at fault. */
#include "packet-igmpx.h"

#include "rules.h"

static expert_field ei_igmpx_rule[IGMPX_RULE_COUNT];

static int severity_of(enum igmpx_severity s)
{
	switch (s) {
	case IGMPX_SEV_ERROR: return PI_ERROR;
	case IGMPX_SEV_WARN:  return PI_WARN;
	case IGMPX_SEV_NOTE:  return PI_NOTE;
	case IGMPX_SEV_CHAT:  return PI_CHAT;
	}
	return PI_WARN;
}

static int group_of(enum igmpx_rule r)
{
	switch (r) {
	case IGMPX_RULE_checksum:
		return PI_CHECKSUM;
	default:
		return igmpx_rules[r].severity == IGMPX_SEV_ERROR ? PI_MALFORMED : PI_PROTOCOL;
	}
}

/* The expert items are made from the catalogue at registration: their
 * names and summaries live as long as the program. */
void igmpx_register_rules(int proto)
{
	ei_register_info *ei = g_new0(ei_register_info, IGMPX_RULE_COUNT);

	for (int r = 0; r < IGMPX_RULE_COUNT; r++) {
		const struct igmpx_rule_info *ri = &igmpx_rules[r];
		ei[r].ids = &ei_igmpx_rule[r];
		ei[r].eiinfo.name = g_strdup_printf("igmpx.rule.%s", ri->id);
		ei[r].eiinfo.group = group_of((enum igmpx_rule)r);
		ei[r].eiinfo.severity = severity_of(ri->severity);
		ei[r].eiinfo.summary = g_strdup_printf("%s (%s %s, %s)", ri->text, ri->rfc,
						       ri->section, igmpx_level_name(ri->level));
		ei[r].eiinfo.id = -1;
		ei[r].eiinfo.hf_info.p_id = &ei[r].eiinfo.id;
		ei[r].eiinfo.hf_info.hfinfo.id = -1;
	}
	expert_register_field_array(expert_register_protocol(proto), ei, IGMPX_RULE_COUNT);
}

expert_field *igmpx_rule_ei(enum igmpx_rule r)
{
	return &ei_igmpx_rule[r];
}

void igmpx_rules_apply(struct igmpx_ctx *c)
{
	(void)c;        /* TODO(helper): run core/check, hang findings on the fields */
}
