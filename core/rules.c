/* rules.c: the catalogue table, from rules.def. */
#include "rules.h"
#include "text.h"

#include <string.h>

const struct igmpx_rule_info igmpx_rules[IGMPX_RULE_COUNT] = {
#define RULE(id, rfc, section, level, severity, kind, text) \
	[IGMPX_RULE_##id] = { #id, rfc, section, IGMPX_LEVEL_##level, IGMPX_SEV_##severity, \
			      IGMPX_RULE_##kind, text },
#include "rules.def"
#undef RULE
};

const char *igmpx_level_name(enum igmpx_level l)
{
	switch (l) {
	case IGMPX_LEVEL_MUST:         return "MUST";
	case IGMPX_LEVEL_MUST_PLAIN:   return "(MUST)";
	case IGMPX_LEVEL_SHOULD:       return "SHOULD";
	case IGMPX_LEVEL_SHOULD_PLAIN: return "(SHOULD)";
	case IGMPX_LEVEL_MAY:          return "MAY";
	case IGMPX_LEVEL_FACT:         return "-";
	}
	return "?";
}

const char *igmpx_severity_name(enum igmpx_severity s)
{
	switch (s) {
	case IGMPX_SEV_ERROR: return "Error";
	case IGMPX_SEV_WARN:  return "Warning";
	case IGMPX_SEV_NOTE:  return "Note";
	case IGMPX_SEV_CHAT:  return "Chat";
	}
	return "?";
}

void igmpx_rule_cite(char *buf, size_t size, int n, enum igmpx_rule r)
{
	size_t k = n < 0 ? 0 : (size_t)n;

	if (k >= size)
		return;
	k = igmpx_text_append(buf, size, k, " (");
	k = igmpx_text_append(buf, size, k, igmpx_rules[r].rfc);
	k = igmpx_text_append(buf, size, k, " ");
	k = igmpx_text_append(buf, size, k, igmpx_rules[r].section);
	igmpx_text_append(buf, size, k, ")");
}

enum igmpx_rule igmpx_rule_by_id(const char *id)
{
	for (int r = 0; r < IGMPX_RULE_COUNT; r++)
		if (strcmp(igmpx_rules[r].id, id) == 0)
			return (enum igmpx_rule)r;
	return IGMPX_RULE_COUNT;
}
