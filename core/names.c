/* names.c: the names of types, kinds, record types and RFC 988 codes. */
#include "codec.h"

const char *igmpx_type_name(uint8_t type)
{
	switch (type) {
	case IGMPX_T_V0_CREATE_REQ:  return "Create Group Request";
	case IGMPX_T_V0_CREATE_RPL:  return "Create Group Reply";
	case IGMPX_T_V0_JOIN_REQ:    return "Join Group Request";
	case IGMPX_T_V0_JOIN_RPL:    return "Join Group Reply";
	case IGMPX_T_V0_LEAVE_REQ:   return "Leave Group Request";
	case IGMPX_T_V0_LEAVE_RPL:   return "Leave Group Reply";
	case IGMPX_T_V0_CONFIRM_REQ: return "Confirm Group Request";
	case IGMPX_T_V0_CONFIRM_RPL: return "Confirm Group Reply";
	case IGMPX_T_QUERY:          return "Membership Query";
	case IGMPX_T_V1_REPORT:      return "IGMPv1 Membership Report";
	case IGMPX_T_DVMRP:          return "DVMRP";
	case IGMPX_T_PIMV1:          return "PIM version 1";
	case IGMPX_T_CISCO_TRACE:    return "Cisco Trace";
	case IGMPX_T_V2_REPORT:      return "IGMPv2 Membership Report";
	case IGMPX_T_V2_LEAVE:       return "IGMPv2 Leave Group";
	case IGMPX_T_MTRACE_RESP:    return "Multicast Traceroute Response";
	case IGMPX_T_MTRACE_QUERY:   return "Multicast Traceroute Query/Request";
	case IGMPX_T_V3_REPORT:      return "IGMPv3 Membership Report";
	case IGMPX_T_MSNIP_GM:       return "MSNIP Multicast Group Map";
	case IGMPX_T_MSNIP_IS:       return "MSNIP Multicast Interest Solicitation";
	case IGMPX_T_MSNIP_RMR:      return "MSNIP Multicast Receiver Membership Report";
	case IGMPX_T_MRD_ADV:        return "Multicast Router Advertisement";
	case IGMPX_T_MRD_SOL:        return "Multicast Router Solicitation";
	case IGMPX_T_MRD_TERM:       return "Multicast Router Termination";
	case IGMPX_T_IGAP_REPORT:    return "IGAP Membership Report";
	case IGMPX_T_IGAP_QUERY:     return "IGAP Membership Query";
	case IGMPX_T_IGAP_LEAVE:     return "IGAP Leave Group";
	case IGMPX_T_RGMP_LEAVE:     return "RGMP Leave";
	case IGMPX_T_RGMP_JOIN:      return "RGMP Join";
	case IGMPX_T_RGMP_BYE:       return "RGMP Bye";
	case IGMPX_T_RGMP_HELLO:     return "RGMP Hello";
	default:                     return NULL;
	}
}

const char *igmpx_msg_name(const struct igmpx_msg *m)
{
	switch (m->kind) {
	case IGMPX_K_V1_QUERY:
		return m->version < 0 ? "Membership Query" : "IGMPv1 Membership Query";
	case IGMPX_K_V2_QUERY:
		return m->version < 0 ? "Membership Query" : "IGMPv2 Membership Query";
	case IGMPX_K_V3_QUERY:  return "IGMPv3 Membership Query";
	case IGMPX_K_BAD_QUERY: return "Membership Query of invalid length";
	case IGMPX_K_MTRACE:
		/* A query that has gathered response blocks on its way is a request. */
		if (m->type == IGMPX_T_MTRACE_QUERY)
			return m->u.mtrace.nblocks ? "Multicast Traceroute Request"
						   : "Multicast Traceroute Query";
		return igmpx_type_name(m->type);
	case IGMPX_K_UNKNOWN:
		return NULL;    /* e.g. an RGMP type number not sent to RGMP's address */
	default:
		return igmpx_type_name(m->type);
	}
}

const char *igmpx_kind_protocol(enum igmpx_kind kind)
{
	switch (kind) {
	case IGMPX_K_V0:          return "IGMPv0";
	case IGMPX_K_V1_QUERY:
	case IGMPX_K_V1_REPORT:   return "IGMPv1";
	case IGMPX_K_V2_QUERY:
	case IGMPX_K_V2_REPORT:
	case IGMPX_K_V2_LEAVE:    return "IGMPv2";
	case IGMPX_K_V3_QUERY:
	case IGMPX_K_V3_REPORT:   return "IGMPv3";
	case IGMPX_K_BAD_QUERY:   return "IGMP";
	case IGMPX_K_DVMRP:       return "DVMRP";
	case IGMPX_K_PIMV1:       return "PIMv1";
	case IGMPX_K_CISCO_TRACE: return "IGMP";
	case IGMPX_K_MTRACE:      return "mtrace";
	case IGMPX_K_MSNIP_GM:
	case IGMPX_K_MSNIP_IS:
	case IGMPX_K_MSNIP_RMR:   return "MSNIP";
	case IGMPX_K_MRD_ADV:
	case IGMPX_K_MRD_SOL:
	case IGMPX_K_MRD_TERM:    return "MRD";
	case IGMPX_K_IGAP:        return "IGAP";
	case IGMPX_K_RGMP:        return "RGMP";
	case IGMPX_K_UNKNOWN:
	case IGMPX_K_COUNT:       return "IGMP";
	}
	return "IGMP";
}

const char *igmpx_msg_protocol(const struct igmpx_msg *m)
{
	if (m->type == IGMPX_T_QUERY && m->version < 0)
		return "IGMP";  /* too short (or cut) to have a version, RFC 9776 §7.1 */
	return igmpx_kind_protocol(m->kind);
}

const char *igmpx_record_type_name(uint8_t type)
{
	/* RFC 9776 §4.2.13 */
	switch (type) {
	case 1: return "MODE_IS_INCLUDE";
	case 2: return "MODE_IS_EXCLUDE";
	case 3: return "CHANGE_TO_INCLUDE_MODE";
	case 4: return "CHANGE_TO_EXCLUDE_MODE";
	case 5: return "ALLOW_NEW_SOURCES";
	case 6: return "BLOCK_OLD_SOURCES";
	default: return NULL;
	}
}

const char *igmpx_record_type_abbrev(uint8_t type)
{
	/* RFC 9776 §4.2.16 */
	switch (type) {
	case 1: return "IS_IN";
	case 2: return "IS_EX";
	case 3: return "TO_IN";
	case 4: return "TO_EX";
	case 5: return "ALLOW";
	case 6: return "BLOCK";
	default: return NULL;
	}
}

const char *igmpx_v0_code_name(uint8_t type, uint8_t code)
{
	/* RFC 988 (the Code field): requests carry 0, except Create Group
	 * Request (public/private); replies carry the outcome. */
	if (type == IGMPX_T_V0_CREATE_REQ)
		return code == 0 ? "public" : code == 1 ? "private" : NULL;
	if (type & 1)
		return code == 0 ? "zero" : NULL;
	switch (code) {
	case 0: return "request granted";
	case 1: return "request denied, no resources";
	case 2: return "request denied, invalid code";
	case 3: return "request denied, invalid group address";
	case 4: return "request denied, invalid access key";
	default: return "request pending";
	}
}

const char *igmpx_status_name(enum igmpx_status s)
{
	switch (s) {
	case IGMPX_OK:         return "ok";
	case IGMPX_TRUNCATED:  return "truncated";
	case IGMPX_BAD_LENGTH: return "invalid length";
	}
	return "?";
}
