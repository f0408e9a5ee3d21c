/* plugin.c: the glue Wireshark 4.0 looks for in an epan plugin.
 *
 * All version-specific plugin glue lives here.  Wireshark 4.2 and later want
 * plugin_describe() and a module struct instead; only this file changes then.
 */
#ifndef WS_BUILD_DLL
#define WS_BUILD_DLL   /* exported symbols below: set before wireshark.h */
#endif
#include <wireshark.h>
#include <epan/proto.h>

#include "packet-igmpx.h"

#ifndef IGMPX_PLUGIN_VERSION
#define IGMPX_PLUGIN_VERSION "0.1.0"
#endif

WS_DLL_PUBLIC_DEF const gchar plugin_version[] = IGMPX_PLUGIN_VERSION;
WS_DLL_PUBLIC_DEF const int plugin_want_major = WIRESHARK_VERSION_MAJOR;
WS_DLL_PUBLIC_DEF const int plugin_want_minor = WIRESHARK_VERSION_MINOR;

WS_DLL_PUBLIC void plugin_register(void);

void plugin_register(void)
{
	static const proto_plugin igmpx_plugin = {
		.register_protoinfo = proto_register_igmpx,
		.register_handoff = proto_reg_handoff_igmpx,
	};
	proto_register_plugin(&igmpx_plugin);
}
