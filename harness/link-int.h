/* link-int.h: what the files of the harness's link (link*.c) share; not
 * for the rest of the harness, which uses link.h. */
#ifndef LINK_INT_H
#define LINK_INT_H

#include "link.h"

#include <net/if.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>
#include <time.h>

#ifndef NSFS_MAGIC
#define NSFS_MAGIC 0x6e736673
#endif

#define NETNS_DIR "/run/netns"
#define NETNS_PREFIX "igmpx-"
#define TAG_MAX 8                 /* keeps "igmpx<pid>t<tag>" within IFNAMSIZ */
/* TAP reads take a whole frame (the largest MTU a TAP allows, 65535, plus
 * an Ethernet and a VLAN header) so that a frame longer than the caller's
 * buffer still tells its real length. */
#define FRAME_MAX (65535 + 18)

struct hx_link;

/* The device a link's frames go through (link-dev.c): one table per kind. */
struct link_dev {
	/* One frame if one is queued: its whole length (even past cap, of
	 * which only cap octets are copied), 0 if none, -1 with err on an
	 * error; *t_ns its arrival on the monotonic clock. */
	ssize_t (*read)(struct hx_link *l, uint8_t *buf, size_t cap, uint64_t *t_ns, char *err,
			size_t errlen);
	/* One whole frame, as write(2). */
	ssize_t (*write)(struct hx_link *l, const uint8_t *frame, size_t len);
};
extern const struct link_dev link_dev_tap;      /* a namespace's TAP, a VM's TAP */
extern const struct link_dev link_dev_packet;   /* a packet socket on an interface */

struct hx_link {
	enum hx_attach attach;
	const struct link_dev *dev;
	int fd;                   /* the TAP's fd, or the AF_PACKET socket */
	bool made_netns;          /* /run/netns/<netns> is ours to remove */
	char ifname[IFNAMSIZ];
	char netns[64];
	char netns_path[sizeof(NETNS_DIR) + 64];
	uint8_t mac[6];
	uint8_t *rxbuf;           /* TAP: FRAME_MAX octets */
};

/* The error text of a failed call, when the caller gave room for one. */
static inline void seterr(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static inline void seterr(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (!err || !errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

/* link-setup.c: each 0, or -1 with err. */
int link_open_netns(struct hx_link *l, const struct hx_link_spec *s, char *err, size_t errlen);
int link_open_tap(struct hx_link *l, char *err, size_t errlen);
/* Kills what runs in the namespace (dev, ino); how many processes survived. */
int link_netns_kill_all(dev_t dev, ino_t ino);
int link_netns_remove(const char *path, const char *name, char *err, size_t errlen);

/* link-dev.c */
int link_tap_open(const char *name, bool excl, char *err, size_t errlen);
int link_open_packet(struct hx_link *l, char *err, size_t errlen);

/* link-send.c */
int64_t link_wall_minus_mono_ns(void);
struct timespec link_ns_to_ts(uint64_t ns);
void link_sleep_ms(unsigned ms);

#endif
