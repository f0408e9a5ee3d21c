/* ws-compat.h: the differences between the Wireshark versions igmpx builds
 * against (4.0, Debian 12; 4.4, Debian 13; 4.6, Debian sid), kept here so
 * that the dissector reads the same on each.  plugin.c holds the rest: the
 * plugin's own registration.  Each difference and how it is met is listed
 * in plugin/VERSIONS.md.
 */
#ifndef IGMPX_WS_COMPAT_H
#define IGMPX_WS_COMPAT_H

#include <wireshark.h>

#define IGMPX_WS_AT_LEAST(maj, min) \
	(WIRESHARK_VERSION_MAJOR > (maj) || \
	 (WIRESHARK_VERSION_MAJOR == (maj) && WIRESHARK_VERSION_MINOR >= (min)))

/* A boolean preference's variable: gboolean up to 4.0, C99 bool from 4.2. */
#if IGMPX_WS_AT_LEAST(4, 2)
typedef bool igmpx_pref_bool;
#else
typedef gboolean igmpx_pref_bool;
#endif

/* Big-endian reads and writes of raw octets: wsutil/pint.h calls them
 * pntoh16 up to 4.4 and pntohu16 from 4.6 on; these are igmpx's own. */
static inline guint16 igmpx_read16(const void *p)
{
	const guint8 *b = (const guint8 *)p;
	return (guint16)(b[0] << 8 | b[1]);
}

static inline guint32 igmpx_read32(const void *p)
{
	const guint8 *b = (const guint8 *)p;
	return (guint32)b[0] << 24 | (guint32)b[1] << 16 | (guint32)b[2] << 8 | b[3];
}

static inline void igmpx_set16(void *p, guint16 v)
{
	guint8 *b = (guint8 *)p;
	b[0] = (guint8)(v >> 8);
	b[1] = (guint8)v;
}

/* A uint dissector table's try with data: dissector_try_uint_new up to
 * 4.4, renamed dissector_try_uint_with_data in 4.6 (the old name is a
 * deprecated inline there). */
#if IGMPX_WS_AT_LEAST(4, 6)
#define igmpx_dissector_try_uint dissector_try_uint_with_data
#else
#define igmpx_dissector_try_uint dissector_try_uint_new
#endif

/* A "-z" statistic's init: void up to 4.4 (it exits on an error), bool
 * from 4.6 on (false on an error, and tshark exits). */
#if IGMPX_WS_AT_LEAST(4, 6)
typedef bool igmpx_stat_init_ret;
#define IGMPX_STAT_INIT_RETURN(ok) return (ok)
#else
typedef void igmpx_stat_init_ret;
#define IGMPX_STAT_INIT_RETURN(ok) \
	do { \
		if (!(ok)) \
			exit(1); \
		return; \
	} while (0)
#endif

/* A stats tree's menu path under Statistics: "/" parts submenus up to
 * 4.0, "//" from 4.2 on (a lone "/" is then part of a name). */
#if IGMPX_WS_AT_LEAST(4, 2)
#define IGMPX_MENU_SEP "//"
#else
#define IGMPX_MENU_SEP "/"
#endif

/* The capture interface a packet came from, 0 when the file does not say.
 * wtap_rec is complete only through wiretap/wtap.h from 4.2 on. */
#include <epan/packet_info.h>
#include <wiretap/wtap.h>

static inline guint32 igmpx_interface_id(const packet_info *pinfo)
{
	if (pinfo->rec && (pinfo->rec->presence_flags & WTAP_HAS_INTERFACE_ID))
		return pinfo->rec->rec_header.packet_header.interface_id;
	return 0;
}

#endif
