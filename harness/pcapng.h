/* pcapng.h: write a pcapng capture (one section, Ethernet interfaces)
 * whose packets carry comments and a direction, without libpcap: Debian 12's
 * libpcap cannot write comments.  Layout per draft-ietf-opsawg-pcapng, in
 * the byte order of the host (readers detect it from the SHB magic). */
#ifndef IGMPX_HARNESS_PCAPNG_H
#define IGMPX_HARNESS_PCAPNG_H

#include <stddef.h>
#include <stdint.h>

struct hx_pcapng;

/* Creates path (truncating) and writes a Section Header Block (shb_userappl
 * "igmpx") and one Interface Description Block: LINKTYPE_ETHERNET, snaplen
 * 262144, if_name ifname (if non-NULL), if_tsresol 9 (nanoseconds).  NULL on
 * error with err filled ("PATH: strerror"). */
struct hx_pcapng *hx_pcapng_open(const char *path, const char *ifname, char *err, size_t errlen);

/* One Enhanced Packet Block: timestamp t_ns (nanoseconds since the Unix
 * epoch), the frame (cut to the snaplen, the original length kept), one
 * opt_comment per comments[0..ncomments) (UTF-8; cut at a character boundary
 * to 65535 octets), and epb_flags with the direction when dir is 1 (inbound)
 * or 2 (outbound); dir 0 writes no epb_flags.  Returns 0, or -1 with errno
 * set (EINVAL for bad arguments, EMSGSIZE if the block would not fit). */
int hx_pcapng_write(struct hx_pcapng *p, uint64_t t_ns, const uint8_t *frame, size_t len, int dir,
		    const char *const *comments, size_t ncomments);

/* Another Interface Description Block, as hx_pcapng_open's (written
 * before any packet of it): its interface ID (1, 2, ...), or -1 with errno
 * set. */
int hx_pcapng_add_interface(struct hx_pcapng *p, const char *ifname);
/* hx_pcapng_write on interface iface (0: the one hx_pcapng_open wrote);
 * EINVAL for an interface not added. */
int hx_pcapng_write_on(struct hx_pcapng *p, unsigned iface, uint64_t t_ns, const uint8_t *frame,
		       size_t len, int dir, const char *const *comments, size_t ncomments);

/* Flushes and closes; returns 0, or -1 (errno set) if this or any earlier
 * write failed.  NULL is fine. */
int hx_pcapng_close(struct hx_pcapng *p);

#endif
