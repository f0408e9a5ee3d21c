/* rules.h: the rule catalogue (rules.def) as C: one enum value and one
 * table line per rule.  The plugin's expert items, the harness's verdicts and
 * the tests are all generated from this table. */
#ifndef IGMPX_RULES_H
#define IGMPX_RULES_H

#include <stddef.h>

enum igmpx_rule {
#define RULE(id, rfc, section, level, severity, kind, text) IGMPX_RULE_##id,
#include "rules.def"
#undef RULE
	IGMPX_RULE_COUNT
};

enum igmpx_level {
	IGMPX_LEVEL_MUST,          /* BCP 14 MUST / MUST NOT */
	IGMPX_LEVEL_MUST_PLAIN,    /* stated as a requirement without the keyword */
	IGMPX_LEVEL_SHOULD,
	IGMPX_LEVEL_SHOULD_PLAIN,
	IGMPX_LEVEL_MAY,
	IGMPX_LEVEL_FACT,          /* no rule: something a reader wants to see */
};

enum igmpx_severity {
	IGMPX_SEV_ERROR,           /* the message cannot be decoded as sent */
	IGMPX_SEV_WARN,            /* a MUST broken */
	IGMPX_SEV_NOTE,            /* a SHOULD broken */
	IGMPX_SEV_CHAT,            /* a fact */
};

enum igmpx_rule_kind {
	IGMPX_RULE_CONTENT,        /* one packet: core/check */
	IGMPX_RULE_TIMING,         /* across packets: core/timing */
	IGMPX_RULE_IUT,            /* an answer to a stimulus: the harness, live */
};

struct igmpx_rule_info {
	const char *id;            /* "v3_report_dst" */
	const char *rfc;           /* "RFC 9776" */
	const char *section;       /* "§4.2.15" */
	enum igmpx_level level;
	enum igmpx_severity severity;
	enum igmpx_rule_kind kind;
	const char *text;          /* the rule in one line */
};

extern const struct igmpx_rule_info igmpx_rules[IGMPX_RULE_COUNT];

const char *igmpx_level_name(enum igmpx_level l);       /* "MUST", "(MUST)", ... */
const char *igmpx_severity_name(enum igmpx_severity s); /* "Error", "Warning", ... */
/* Ends a finding's text of length n (as vsnprintf returned it) in buf of
 * size octets with " (RFC x §y)", the rule's citation, cut where buf
 * ends: the one form every finding of check and timing ends with. */
void igmpx_rule_cite(char *buf, size_t size, int n, enum igmpx_rule r);
/* The rule with this ID, or IGMPX_RULE_COUNT. */
enum igmpx_rule igmpx_rule_by_id(const char *id);

#endif
