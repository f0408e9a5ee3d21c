/* link-dev.c: the device a link's frames go through, one ops table per
 * kind: a TAP (the namespace's, or a VM's), read whole into the link's
 * buffer and stamped when read; or a packet socket bound to an interface,
 * stamped by the kernel on arrival. */
#define _GNU_SOURCE
#include "link-int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include <linux/if_arp.h>
#include <linux/if_packet.h>
#include <linux/if_tun.h>

#ifndef PACKET_IGNORE_OUTGOING
#define PACKET_IGNORE_OUTGOING 23
#endif

/* A TAP named name, fd non-blocking.  excl: fail if the name is taken
 * rather than attach to a persistent TAP of that name. */
int link_tap_open(const char *name, bool excl, char *err, size_t errlen)
{
	struct ifreq ifr;
	int fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);

	if (fd < 0) {
		seterr(err, errlen, "cannot open /dev/net/tun for TAP %s: %s", name,
		       strerror(errno));
		return -1;
	}
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI | (excl ? IFF_TUN_EXCL : 0);
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
		int e = errno;
		seterr(err, errlen, "cannot create TAP %s: TUNSETIFF: %s%s", name, strerror(e),
		       e == EBUSY ? (excl ? " (the name is taken)"
				    : " (the TAP is in use, by a VM?)")
		       : e == EINVAL ? " (an interface of another kind has that name?)" : "");
		close(fd);
		return -1;
	}
	return fd;
}

/* The link's packet socket on its interface: bound to it, letting in every
 * multicast frame and the tester's MAC, stamped by the kernel. */
int link_open_packet(struct hx_link *l, char *err, size_t errlen)
{
	struct ifreq ifr;
	struct sockaddr_ll sll;
	struct packet_mreq mr;
	unsigned idx = if_nametoindex(l->ifname);
	int one = 1;

	if (!idx) {
		seterr(err, errlen, "no interface %s: %s", l->ifname, strerror(errno));
		return -1;
	}
	/* Protocol 0 receives nothing until the bind below names the
	 * interface: no frame of another interface slips in before. */
	l->fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
	if (l->fd < 0) {
		seterr(err, errlen, "cannot open a packet socket for %s: %s", l->ifname,
		       strerror(errno));
		return -1;
	}
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", l->ifname);
	if (ioctl(l->fd, SIOCGIFHWADDR, &ifr) < 0) {
		seterr(err, errlen, "cannot read the hardware type of %s: %s", l->ifname,
		       strerror(errno));
		return -1;
	}
	if (ifr.ifr_hwaddr.sa_family != ARPHRD_ETHER) {
		seterr(err, errlen, "%s is not an Ethernet interface (hardware type %u)",
		       l->ifname, ifr.ifr_hwaddr.sa_family);
		return -1;
	}
	if (ioctl(l->fd, SIOCGIFFLAGS, &ifr) < 0) {
		seterr(err, errlen, "cannot read the flags of %s: %s", l->ifname, strerror(errno));
		return -1;
	}
	if (!(ifr.ifr_flags & IFF_UP)) {
		seterr(err, errlen, "interface %s is down", l->ifname);
		return -1;
	}
	/* Older kernels lack it; hx_link_recv drops outgoing frames itself too. */
	if (setsockopt(l->fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one, sizeof(one)) < 0 &&
	    errno != ENOPROTOOPT) {
		seterr(err, errlen, "cannot set PACKET_IGNORE_OUTGOING on %s: %s", l->ifname,
		       strerror(errno));
		return -1;
	}
	if (setsockopt(l->fd, SOL_SOCKET, SO_TIMESTAMPNS, &one, sizeof(one)) < 0) {
		seterr(err, errlen, "cannot set SO_TIMESTAMPNS on %s: %s", l->ifname,
		       strerror(errno));
		return -1;
	}
	/* Every multicast frame, and the IUT's unicast to the tester's MAC
	 * (which is not the interface's), pass the interface's filter for as
	 * long as the socket lives. */
	memset(&mr, 0, sizeof(mr));
	mr.mr_ifindex = (int)idx;
	mr.mr_type = PACKET_MR_ALLMULTI;
	if (setsockopt(l->fd, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &mr, sizeof(mr)) < 0) {
		seterr(err, errlen, "cannot make %s receive all multicast: %s", l->ifname,
		       strerror(errno));
		return -1;
	}
	mr.mr_type = PACKET_MR_UNICAST;
	mr.mr_alen = 6;
	memcpy(mr.mr_address, l->mac, 6);
	if (setsockopt(l->fd, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &mr, sizeof(mr)) < 0) {
		seterr(err, errlen, "cannot make %s receive the tester's MAC: %s", l->ifname,
		       strerror(errno));
		return -1;
	}
	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_protocol = htons(ETH_P_ALL);
	sll.sll_ifindex = (int)idx;
	if (bind(l->fd, (struct sockaddr *)&sll, sizeof(sll)) < 0) {
		seterr(err, errlen, "cannot bind a packet socket to %s: %s", l->ifname,
		       strerror(errno));
		return -1;
	}
	return 0;
}

/* One frame if one is queued: its length, 0 if none, -1 on error. */
static ssize_t read_tap(struct hx_link *l, uint8_t *buf, size_t cap, uint64_t *t_ns, char *err,
			size_t errlen)
{
	ssize_t n = read(l->fd, l->rxbuf, FRAME_MAX);
	uint64_t t = hx_now_ns();

	if (n < 0) {
		if (errno == EAGAIN || errno == EINTR)
			return 0;
		seterr(err, errlen, "cannot read from TAP %s: %s", l->ifname, strerror(errno));
		return -1;
	}
	if (n > 0 && cap)
		memcpy(buf, l->rxbuf, (size_t)n < cap ? (size_t)n : cap);
	if (t_ns)
		*t_ns = t;
	return n;
}

static ssize_t read_packet(struct hx_link *l, uint8_t *buf, size_t cap, uint64_t *t_ns,
			   char *err, size_t errlen)
{
	for (;;) {
		uint8_t dummy;
		struct sockaddr_ll from;
		union {
			struct cmsghdr align;
			char buf[CMSG_SPACE(sizeof(struct timespec))];
		} ctl;
		struct iovec iov = { .iov_base = cap ? buf : &dummy, .iov_len = cap ? cap : 1 };
		struct msghdr msg = { .msg_name = &from, .msg_namelen = sizeof(from),
				      .msg_iov = &iov, .msg_iovlen = 1,
				      .msg_control = ctl.buf, .msg_controllen = sizeof(ctl.buf) };
		ssize_t n = recvmsg(l->fd, &msg, MSG_DONTWAIT | MSG_TRUNC);
		uint64_t t = hx_now_ns();

		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				return 0;
			seterr(err, errlen, "cannot read from %s: %s", l->ifname, strerror(errno));
			return -1;
		}
		if (from.sll_pkttype == PACKET_OUTGOING)
			continue;
		/* The kernel's receive time is on CLOCK_REALTIME: carried over
		 * to the monotonic clock by their offset now.  It is no later
		 * than the read (t). */
		for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
			if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPNS) {
				struct timespec ts;
				int64_t rx, off = link_wall_minus_mono_ns();

				memcpy(&ts, CMSG_DATA(c), sizeof(ts));
				rx = (int64_t)ts.tv_sec * 1000000000ll + (int64_t)ts.tv_nsec - off;
				if (rx > 0 && (uint64_t)rx <= t)
					t = (uint64_t)rx;
			}
		}
		if (t_ns)
			*t_ns = t;
		return n ? n : 0;
	}
}

static ssize_t write_tap(struct hx_link *l, const uint8_t *frame, size_t len)
{
	return write(l->fd, frame, len);
}

/* A bound packet socket sends to its interface without an address. */
static ssize_t write_packet(struct hx_link *l, const uint8_t *frame, size_t len)
{
	return send(l->fd, frame, len, 0);
}

const struct link_dev link_dev_tap = { read_tap, write_tap };
const struct link_dev link_dev_packet = { read_packet, write_packet };

ssize_t hx_link_recv(struct hx_link *l, uint8_t *buf, size_t cap, uint64_t deadline_ns,
		     uint64_t *t_ns, char *err, size_t errlen)
{
	if (!l || l->fd < 0) {
		seterr(err, errlen, "receive on a link that is not open");
		return -1;
	}
	if (!buf && cap) {
		seterr(err, errlen, "receive on %s into no buffer", l->ifname);
		return -1;
	}
	for (;;) {
		struct pollfd pfd = { .fd = l->fd, .events = POLLIN };
		uint64_t now;
		struct timespec ts;
		ssize_t n = l->dev->read(l, buf, cap, t_ns, err, errlen);
		int r;

		if (n != 0)
			return n;
		now = hx_now_ns();
		if (now >= deadline_ns)
			return 0;
		ts = link_ns_to_ts(deadline_ns - now);
		r = ppoll(&pfd, 1, &ts, NULL);
		if (r < 0 && errno != EINTR) {
			seterr(err, errlen, "cannot wait for frames on %s: poll: %s", l->ifname,
			       strerror(errno));
			return -1;
		}
		if (r > 0 && (pfd.revents & (POLLERR | POLLHUP | POLLNVAL)) &&
		    !(pfd.revents & POLLIN)) {
			seterr(err, errlen, "cannot wait for frames on %s: poll reports %s",
			       l->ifname, pfd.revents & POLLNVAL ? "a closed descriptor"
			       : pfd.revents & POLLHUP ? "a hang-up" : "an error");
			return -1;
		}
	}
}
