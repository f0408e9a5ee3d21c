/* plugin.c: the glue Wireshark looks for in an epan plugin (4.0 to 4.6).
 *
 * The plugin's registration is the same on every version; from 4.2 on,
 * plugin_describe() also tells `tshark -G plugins` what the plugin is (a
 * dissector with tap listeners) instead of "unknown".  The other version
 * differences are in ws-compat.h.
 */
#ifndef WS_BUILD_DLL
#define WS_BUILD_DLL   /* exported symbols below: set before wireshark.h */
#endif
#include <wireshark.h>
#include <epan/proto.h>

#include "packet-igmpx.h"
#include "ws-compat.h"

#ifndef IGMPX_PLUGIN_VERSION
#define IGMPX_PLUGIN_VERSION "0.1.0"
#endif

WS_DLL_PUBLIC_DEF const gchar plugin_version[] = IGMPX_PLUGIN_VERSION;
WS_DLL_PUBLIC_DEF const int plugin_want_major = WIRESHARK_VERSION_MAJOR;
WS_DLL_PUBLIC_DEF const int plugin_want_minor = WIRESHARK_VERSION_MINOR;

WS_DLL_PUBLIC void plugin_register(void);

#if IGMPX_WS_AT_LEAST(4, 2)
#include <wsutil/plugins.h>
WS_DLL_PUBLIC uint32_t plugin_describe(void);

uint32_t plugin_describe(void)
{
	return WS_PLUGIN_DESC_DISSECTOR | WS_PLUGIN_DESC_TAP_LISTENER;
}
#endif

void plugin_register(void)
{
	static const proto_plugin igmpx_plugin = {
		.register_protoinfo = proto_register_igmpx,
		.register_handoff = proto_reg_handoff_igmpx,
	};
	proto_register_plugin(&igmpx_plugin);
}
