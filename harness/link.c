/* link.c: the harness's link to the IUT (link.h): a namespace with a TAP,
 * a TAP for a VM, or an interface through an AF_PACKET socket.
 *
 * The namespace is made in C as `ip netns add` makes it (a file under
 * /run/netns with the namespace bind-mounted on it), so that ip's tools see
 * it, and configured over rtnetlink and /proc/sys from the calling thread
 * while it visits the namespace with setns(): only that thread moves, and
 * it always comes back before we return.  Sockets keep the namespace they
 * were made in, so the netlink socket made during the visit configures the
 * namespace from outside.
 */
#define _GNU_SOURCE
#include "link.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <arpa/inet.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/if_arp.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <linux/if_tun.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#ifndef PACKET_IGNORE_OUTGOING
#define PACKET_IGNORE_OUTGOING 23
#endif
#ifndef NSFS_MAGIC
#define NSFS_MAGIC 0x6e736673
#endif

#define NETNS_DIR "/run/netns"
#define NETNS_PREFIX "igmpx-"
#define TAG_MAX 8                 /* keeps "igmpx<pid>t<tag>" within IFNAMSIZ */
/* The last stretch before a send is spun rather than slept: a timed sleep
 * wakes late by the thread's timer slack (50 us by default; sleep_until
 * lowers it) plus the wake-up latency (tens of us, over 100 in a VM), the
 * spin on the vDSO clock by well under a microsecond.  bench/link.sh
 * measures both. */
#define SPIN_NS 200000ull
/* TAP reads take a whole frame (the largest MTU a TAP allows, 65535, plus
 * an Ethernet and a VLAN header) so that a frame longer than the caller's
 * buffer still tells its real length. */
#define FRAME_MAX (65535 + 18)

struct hx_link {
	enum hx_attach attach;
	int fd;                   /* the TAP's fd, or the AF_PACKET socket */
	bool made_netns;          /* /run/netns/<netns> is ours to remove */
	char ifname[IFNAMSIZ];
	char netns[64];
	char netns_path[sizeof(NETNS_DIR) + 64];
	uint8_t mac[6];
	uint8_t *rxbuf;           /* TAP: FRAME_MAX octets */
};

static void seterr(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void seterr(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (!err || !errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

static uint64_t clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

uint64_t hx_now_ns(void)
{
	return clock_ns(CLOCK_MONOTONIC);
}

uint64_t hx_wall_ns(void)
{
	return clock_ns(CLOCK_REALTIME);
}

/* CLOCK_REALTIME minus CLOCK_MONOTONIC now.  Read as wall, monotonic, wall:
 * a thread preempted between two reads would put the difference off by the
 * time it waited, so the pair read closest together of a few is taken. */
static int64_t wall_minus_mono_ns(void)
{
	uint64_t best_gap = UINT64_MAX;
	int64_t best = 0;

	for (int i = 0; i < 4; i++) {
		uint64_t w1 = hx_wall_ns(), m = hx_now_ns(), w2 = hx_wall_ns();
		uint64_t gap = w2 >= w1 ? w2 - w1 : UINT64_MAX;

		if (gap < best_gap) {
			best_gap = gap;
			best = (int64_t)(w1 + gap / 2 - m);
		}
		if (gap < 20000)        /* 20 us: no preemption in between */
			break;
	}
	return best;
}

static struct timespec ns_to_ts(uint64_t ns)
{
	struct timespec ts = { .tv_sec = (time_t)(ns / 1000000000ull),
			       .tv_nsec = (long)(ns % 1000000000ull) };
	return ts;
}

static void sleep_ms(unsigned ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* ---- names ---- */

static bool valid_tag(const char *tag)
{
	size_t n = strlen(tag);

	if (n == 0 || n > TAG_MAX)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = tag[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '_' || c == '-'))
			return false;
	}
	return true;
}

/* 02:00:00 (locally administered, unicast) and 24 bits of an FNV-1a hash of
 * "<pid>/<tag>": stable for a run, different between links and runs. */
static void make_mac(uint8_t mac[6], pid_t pid, const char *tag)
{
	char key[64];
	uint32_t h = 2166136261u;
	int n = snprintf(key, sizeof(key), "%ld/%s", (long)pid, tag ? tag : "");

	for (int i = 0; i < n && i < (int)sizeof(key); i++) {
		h ^= (uint8_t)key[i];
		h *= 16777619u;
	}
	mac[0] = 0x02;
	mac[1] = 0x00;
	mac[2] = 0x00;
	mac[3] = (uint8_t)(h >> 16);
	mac[4] = (uint8_t)(h >> 8);
	mac[5] = (uint8_t)h;
}

/* "igmpx-<pid>-<tag>" and "igmpx<pid>t<tag>", the pid cut to its last
 * digits when the interface name would pass 15 characters. */
static void make_names(struct hx_link *l, pid_t pid, const char *tag)
{
	char pids[24];
	size_t room = IFNAMSIZ - 1 - strlen("igmpx") - 1 - strlen(tag);
	const char *p = pids;
	char *o;

	snprintf(pids, sizeof(pids), "%ld", (long)pid);
	if (strlen(pids) > room)
		p += strlen(pids) - room;
	snprintf(l->netns, sizeof(l->netns), NETNS_PREFIX "%ld-%s", (long)pid, tag);
	snprintf(l->netns_path, sizeof(l->netns_path), NETNS_DIR "/%s", l->netns);
	/* Fits: strlen(p) <= room by the cut above. */
	o = stpcpy(l->ifname, "igmpx");
	o = stpcpy(o, p);
	*o++ = 't';
	strcpy(o, tag);
}

static const char *ip4_str(uint32_t a, char *buf, size_t len)
{
	snprintf(buf, len, "%u.%u.%u.%u", a >> 24, (a >> 16) & 0xff, (a >> 8) & 0xff, a & 0xff);
	return buf;
}

/* ---- /proc/sys ---- */

static int sysctl_write(const char *path, const char *value, char *err, size_t errlen)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0) {
		seterr(err, errlen, "cannot open %s: %s", path, strerror(errno));
		return -1;
	}
	n = write(fd, value, strlen(value));
	if (n < 0) {
		seterr(err, errlen, "cannot write %s to %s: %s", value, path, strerror(errno));
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

/* A kernel without IPv6 has no IPv6 to disable. */
static bool have_ipv6(void)
{
	return access("/proc/sys/net/ipv6/conf", F_OK) == 0;
}

static int disable_ipv6(const char *conf, char *err, size_t errlen)
{
	char path[128];

	if (!have_ipv6())
		return 0;
	snprintf(path, sizeof(path), "/proc/sys/net/ipv6/conf/%s/disable_ipv6", conf);
	return sysctl_write(path, "1", err, errlen);
}

static int rp_filter_off(const char *conf, char *err, size_t errlen)
{
	char path[128];

	snprintf(path, sizeof(path), "/proc/sys/net/ipv4/conf/%s/rp_filter", conf);
	return sysctl_write(path, "0", err, errlen);
}

/* ---- rtnetlink ---- */

union nlreq {
	struct nlmsghdr h;
	char raw[512];
};

static int nl_open(const char *where, char *err, size_t errlen)
{
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);

	if (fd < 0)
		seterr(err, errlen, "cannot open a netlink socket %s: %s", where, strerror(errno));
	return fd;
}

static void nl_init(union nlreq *r, uint16_t type, uint16_t flags, size_t body)
{
	memset(r, 0, sizeof(*r));
	r->h.nlmsg_len = (uint32_t)NLMSG_LENGTH(body);
	r->h.nlmsg_type = type;
	r->h.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
}

static void nl_attr(union nlreq *r, uint16_t type, const void *data, size_t len)
{
	struct rtattr *a = (struct rtattr *)(r->raw + NLMSG_ALIGN(r->h.nlmsg_len));

	a->rta_type = type;
	a->rta_len = (unsigned short)RTA_LENGTH(len);
	memcpy(RTA_DATA(a), data, len);
	r->h.nlmsg_len = (uint32_t)(NLMSG_ALIGN(r->h.nlmsg_len) + RTA_ALIGN(a->rta_len));
}

/* Sends the request and waits for its acknowledgement: 0, or -1 with errno
 * set to the kernel's answer. */
static int nl_talk(int fd, union nlreq *r)
{
	static unsigned seq;
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	char buf[4096];

	r->h.nlmsg_seq = __atomic_add_fetch(&seq, 1, __ATOMIC_RELAXED);
	if (sendto(fd, r, r->h.nlmsg_len, 0, (struct sockaddr *)&kernel, sizeof(kernel)) < 0)
		return -1;
	for (;;) {
		ssize_t n = recv(fd, buf, sizeof(buf), 0);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, (size_t)n);
		     h = NLMSG_NEXT(h, n)) {
			if (h->nlmsg_seq != r->h.nlmsg_seq || h->nlmsg_type != NLMSG_ERROR)
				continue;
			int e = ((struct nlmsgerr *)NLMSG_DATA(h))->error;
			if (e == 0)
				return 0;
			errno = -e;
			return -1;
		}
	}
}

static int nl_link_netns(int fd, unsigned ifindex, int ns_fd)
{
	union nlreq r;
	struct ifinfomsg *ifi = NLMSG_DATA(&r.h);
	uint32_t nsfd = (uint32_t)ns_fd;

	nl_init(&r, RTM_NEWLINK, 0, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = (int)ifindex;
	nl_attr(&r, IFLA_NET_NS_FD, &nsfd, sizeof(nsfd));
	return nl_talk(fd, &r);
}

static int nl_link_up(int fd, unsigned ifindex)
{
	union nlreq r;
	struct ifinfomsg *ifi = NLMSG_DATA(&r.h);

	nl_init(&r, RTM_NEWLINK, 0, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = (int)ifindex;
	ifi->ifi_flags = IFF_UP;
	ifi->ifi_change = IFF_UP;
	return nl_talk(fd, &r);
}

static int nl_addr_add(int fd, unsigned ifindex, uint32_t addr, unsigned prefix)
{
	union nlreq r;
	struct ifaddrmsg *ifa = NLMSG_DATA(&r.h);
	uint32_t mask = prefix ? ~0u << (32 - prefix) : 0;
	uint32_t local = htonl(addr), brd = htonl(addr | ~mask);

	nl_init(&r, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, sizeof(*ifa));
	ifa->ifa_family = AF_INET;
	ifa->ifa_prefixlen = (unsigned char)prefix;
	ifa->ifa_scope = RT_SCOPE_UNIVERSE;
	ifa->ifa_index = ifindex;
	nl_attr(&r, IFA_LOCAL, &local, sizeof(local));
	nl_attr(&r, IFA_ADDRESS, &local, sizeof(local));
	nl_attr(&r, IFA_BROADCAST, &brd, sizeof(brd));
	return nl_talk(fd, &r);
}

/* ---- namespaces ---- */

/* `ip netns` keeps /run/netns a shared mount point, so that a namespace
 * made later shows in mount namespaces made before (`ip netns exec`'s
 * among them).  Do the same, so that both tools agree on what is there. */
static int netns_dir_ready(char *err, size_t errlen)
{
	if (mkdir(NETNS_DIR, 0755) < 0 && errno != EEXIST) {
		seterr(err, errlen, "cannot make %s: %s", NETNS_DIR, strerror(errno));
		return -1;
	}
	if (mount("", NETNS_DIR, "none", MS_SHARED | MS_REC, NULL) == 0)
		return 0;
	if (errno != EINVAL) {
		seterr(err, errlen, "cannot make %s a shared mount: %s", NETNS_DIR,
		       strerror(errno));
		return -1;
	}
	/* EINVAL: not a mount point yet; make it one. */
	if (mount(NETNS_DIR, NETNS_DIR, "none", MS_BIND | MS_REC, NULL) < 0 ||
	    mount("", NETNS_DIR, "none", MS_SHARED | MS_REC, NULL) < 0) {
		seterr(err, errlen, "cannot make %s a shared mount point: %s", NETNS_DIR,
		       strerror(errno));
		return -1;
	}
	return 0;
}

static int netns_back(int orig_ns, const char *name, char *err, size_t errlen)
{
	if (setns(orig_ns, CLONE_NEWNET) == 0)
		return 0;
	seterr(err, errlen, "cannot return from namespace %s to the harness's: setns: %s", name,
	       strerror(errno));
	return -1;
}

/* A new namespace bound on path.  The thread unshares into it only for the
 * bind mount, and is back in orig_ns on return, error or not. */
static int netns_create(const char *path, const char *name, int orig_ns, char *err,
			size_t errlen)
{
	int fd = open(path, O_RDONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0);
	int rc, e;

	if (fd < 0) {
		if (errno == EEXIST)
			seterr(err, errlen,
			       "namespace %s already exists (ip netns del %s)", name, name);
		else
			seterr(err, errlen, "cannot create %s: %s", path, strerror(errno));
		return -1;
	}
	close(fd);
	if (unshare(CLONE_NEWNET) < 0) {
		seterr(err, errlen, "cannot create namespace %s: unshare: %s", name,
		       strerror(errno));
		unlink(path);
		return -1;
	}
	/* thread-self, not self: in a threaded harness "self" is the main
	 * thread, which has not moved. */
	rc = mount("/proc/thread-self/ns/net", path, "none", MS_BIND, NULL);
	e = errno;
	if (netns_back(orig_ns, name, err, errlen) < 0) {
		if (rc == 0)
			umount2(path, MNT_DETACH);
		unlink(path);
		return -1;
	}
	if (rc < 0) {
		seterr(err, errlen, "cannot bind namespace %s on %s: %s", name, path, strerror(e));
		unlink(path);
		return -1;
	}
	return 0;
}

/* Calls fn(pid) for each process whose network namespace is (dev, ino), as
 * `ip netns pids` finds them; returns how many there were. */
static int netns_each_pid(dev_t dev, ino_t ino, void (*fn)(pid_t, int), int arg)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	pid_t self = getpid();
	int n = 0;

	if (!d)
		return 0;
	while ((e = readdir(d))) {
		char path[64], *end;
		struct stat st;
		long pid = strtol(e->d_name, &end, 10);

		if (*end || pid <= 0 || pid == self)
			continue;
		snprintf(path, sizeof(path), "/proc/%ld/ns/net", pid);
		/* A zombie has no namespaces left: stat fails and it is not counted. */
		if (stat(path, &st) < 0 || st.st_dev != dev || st.st_ino != ino)
			continue;
		n++;
		if (fn)
			fn((pid_t)pid, arg);
	}
	closedir(d);
	return n;
}

static void signal_pid(pid_t pid, int sig)
{
	kill(pid, sig);
}

/* Waits up to ms for the namespace to hold no process; true if it does not. */
static bool netns_empty_within(dev_t dev, ino_t ino, unsigned ms)
{
	uint64_t end = hx_now_ns() + (uint64_t)ms * 1000000ull;

	for (;;) {
		if (netns_each_pid(dev, ino, NULL, 0) == 0)
			return true;
		if (hx_now_ns() >= end)
			return false;
		sleep_ms(5);
	}
}

/* SIGTERM to everything in the namespace, SIGKILL to what is left 300 ms
 * later.  Returns how many were still there after the SIGKILL and 2 s. */
static int netns_kill_all(dev_t dev, ino_t ino)
{
	if (netns_each_pid(dev, ino, signal_pid, SIGTERM) == 0)
		return 0;
	if (netns_empty_within(dev, ino, 300))
		return 0;
	netns_each_pid(dev, ino, signal_pid, SIGKILL);
	if (netns_empty_within(dev, ino, 2000))
		return 0;
	return netns_each_pid(dev, ino, NULL, 0);
}

/* Kills what runs in the namespace bound on path and removes it.  0, or -1
 * with err.  A path that is not a namespace (a crash between creating the
 * file and binding on it) is only unlinked. */
static int netns_remove(const char *path, const char *name, char *err, size_t errlen)
{
	struct stat st;
	struct statfs sf;

	if (stat(path, &st) < 0) {
		if (errno == ENOENT)
			return 0;
		seterr(err, errlen, "cannot stat %s: %s", path, strerror(errno));
		return -1;
	}
	if (statfs(path, &sf) == 0 && sf.f_type == NSFS_MAGIC) {
		int left = netns_kill_all(st.st_dev, st.st_ino);
		if (left)
			seterr(err, errlen, "namespace %s: %d process(es) survived SIGKILL", name,
			       left);
		if (umount2(path, MNT_DETACH) < 0) {
			seterr(err, errlen, "cannot unmount namespace %s from %s: %s", name, path,
			       strerror(errno));
			return -1;
		}
		if (left)
			return -1;
	}
	if (unlink(path) < 0 && errno != ENOENT) {
		seterr(err, errlen, "cannot remove %s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

int hx_link_cleanup_by_name(const char *netns_name)
{
	char path[sizeof(NETNS_DIR) + 64], err[256];

	if (!netns_name || strncmp(netns_name, NETNS_PREFIX, strlen(NETNS_PREFIX)) ||
	    strchr(netns_name, '/') || strlen(netns_name) >= 64) {
		fprintf(stderr, "hx_link_cleanup_by_name: '%s' is not a namespace of ours "
			"(igmpx-<pid>-<tag>)\n", netns_name ? netns_name : "(null)");
		return -1;
	}
	snprintf(path, sizeof(path), NETNS_DIR "/%s", netns_name);
	if (netns_remove(path, netns_name, err, sizeof(err)) < 0) {
		fprintf(stderr, "hx_link_cleanup_by_name: %s\n", err);
		return -1;
	}
	return 0;
}

/* ---- opening ---- */

/* A TAP named name, fd non-blocking.  excl: fail if the name is taken
 * rather than attach to a persistent TAP of that name. */
static int tap_open(const char *name, bool excl, char *err, size_t errlen)
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

static bool addrs_ok(const struct hx_link_spec *s, char *err, size_t errlen)
{
	char a[16], b[16];
	uint32_t host_a = s->iut_addr & 0xff, host_b = s->tester_addr & 0xff;

	if ((s->iut_addr ^ s->tester_addr) & 0xffffff00u || s->iut_addr == s->tester_addr ||
	    host_a == 0 || host_a == 255 || host_b == 0 || host_b == 255 ||
	    (s->iut_addr >> 24) == 0 || (s->iut_addr >> 24) >= 224) {
		seterr(err, errlen, "IUT address %s and tester address %s are not two host "
		       "addresses of one unicast /24", ip4_str(s->iut_addr, a, sizeof(a)),
		       ip4_str(s->tester_addr, b, sizeof(b)));
		return false;
	}
	return true;
}

/* Inside the namespace (the thread visits it): the sysctls, the TAP's new
 * index, lo's, and a netlink socket that stays there. */
static int netns_visit(struct hx_link *l, int ns_fd, int orig_ns, int *nl, unsigned *tap_idx,
		       unsigned *lo_idx, char *err, size_t errlen)
{
	int rc = -1;

	if (setns(ns_fd, CLONE_NEWNET) < 0) {
		seterr(err, errlen, "cannot enter namespace %s: setns: %s", l->netns,
		       strerror(errno));
		return -1;
	}
	/* IPv6 off everywhere before the link comes up: no MLD, ND or RS on
	 * the link, nothing but what the test makes. */
	if (disable_ipv6("all", err, errlen) < 0 || disable_ipv6("default", err, errlen) < 0 ||
	    disable_ipv6(l->ifname, err, errlen) < 0)
		goto back;
	/* The tester's frames come from addresses of its choosing. */
	if (rp_filter_off("all", err, errlen) < 0 || rp_filter_off("default", err, errlen) < 0 ||
	    rp_filter_off(l->ifname, err, errlen) < 0)
		goto back;
	*tap_idx = if_nametoindex(l->ifname);
	*lo_idx = if_nametoindex("lo");
	if (!*tap_idx || !*lo_idx) {
		seterr(err, errlen, "no %s in namespace %s after the move: %s",
		       *tap_idx ? "lo" : l->ifname, l->netns, strerror(errno));
		goto back;
	}
	*nl = nl_open("in the namespace", err, errlen);
	if (*nl < 0)
		goto back;
	rc = 0;
back:
	/* Failing to come back outweighs any failure inside. */
	if (netns_back(orig_ns, l->netns, err, errlen) < 0)
		return -1;
	return rc;
}

static int open_netns(struct hx_link *l, const struct hx_link_spec *s, char *err, size_t errlen)
{
	int orig = -1, ns = -1, nl = -1, rc = -1;
	unsigned idx, lo;
	char a[16];

	if (!addrs_ok(s, err, errlen))
		return -1;
	orig = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	if (orig < 0) {
		seterr(err, errlen, "cannot open the harness's namespace: %s", strerror(errno));
		return -1;
	}
	l->fd = tap_open(l->ifname, true, err, errlen);
	if (l->fd < 0)
		goto out;
	idx = if_nametoindex(l->ifname);
	if (!idx) {
		seterr(err, errlen, "TAP %s vanished after its creation: %s", l->ifname,
		       strerror(errno));
		goto out;
	}
	if (netns_dir_ready(err, errlen) < 0)
		goto out;
	/* The name carries this process's pid and this link has not made it:
	 * one there now was left by a process that had the same pid before
	 * (a run killed with SIGKILL, a machine stopped mid-run), and is
	 * nobody's any more. */
	if (access(l->netns_path, F_OK) == 0) {
		fprintf(stderr, "igmpx: namespace %s was left by an earlier run; removing it\n",
			l->netns);
		if (netns_remove(l->netns_path, l->netns, err, errlen) < 0)
			goto out;
	}
	if (netns_create(l->netns_path, l->netns, orig, err, errlen) < 0)
		goto out;
	l->made_netns = true;
	ns = open(l->netns_path, O_RDONLY | O_CLOEXEC);
	if (ns < 0) {
		seterr(err, errlen, "cannot open namespace %s: %s", l->netns_path, strerror(errno));
		goto out;
	}
	nl = nl_open("in the harness's namespace", err, errlen);
	if (nl < 0)
		goto out;
	if (nl_link_netns(nl, idx, ns) < 0) {
		seterr(err, errlen, "cannot move TAP %s into namespace %s: %s", l->ifname,
		       l->netns, strerror(errno));
		goto out;
	}
	close(nl);
	nl = -1;
	if (netns_visit(l, ns, orig, &nl, &idx, &lo, err, errlen) < 0)
		goto out;
	if (nl_link_up(nl, lo) < 0) {
		seterr(err, errlen, "cannot bring lo up in namespace %s: %s", l->netns,
		       strerror(errno));
		goto out;
	}
	if (nl_addr_add(nl, idx, s->iut_addr, 24) < 0) {
		seterr(err, errlen, "cannot add %s/24 to %s in namespace %s: %s",
		       ip4_str(s->iut_addr, a, sizeof(a)), l->ifname, l->netns, strerror(errno));
		goto out;
	}
	if (nl_link_up(nl, idx) < 0) {
		seterr(err, errlen, "cannot bring %s up in namespace %s: %s", l->ifname, l->netns,
		       strerror(errno));
		goto out;
	}
	rc = 0;
out:
	if (nl >= 0)
		close(nl);
	if (ns >= 0)
		close(ns);
	close(orig);
	return rc;
}

static int open_tap(struct hx_link *l, char *err, size_t errlen)
{
	int nl;
	unsigned idx;

	l->fd = tap_open(l->ifname, false, err, errlen);
	if (l->fd < 0)
		return -1;
	/* No addresses means no IPv6 link-local either, nor its MLD and ND. */
	if (disable_ipv6(l->ifname, err, errlen) < 0)
		return -1;
	idx = if_nametoindex(l->ifname);
	if (!idx) {
		seterr(err, errlen, "TAP %s vanished after its creation: %s", l->ifname,
		       strerror(errno));
		return -1;
	}
	nl = nl_open("for the TAP", err, errlen);
	if (nl < 0)
		return -1;
	if (nl_link_up(nl, idx) < 0) {
		seterr(err, errlen, "cannot bring TAP %s up: %s", l->ifname, strerror(errno));
		close(nl);
		return -1;
	}
	close(nl);
	return 0;
}

static int open_iface(struct hx_link *l, char *err, size_t errlen)
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

struct hx_link *hx_link_open(const struct hx_link_spec *spec, char *err, size_t errlen)
{
	struct hx_link *l;
	const char *tag;
	int rc;

	if (!spec) {
		seterr(err, errlen, "no link specification");
		return NULL;
	}
	tag = spec->tag;
	if (spec->attach == HX_ATTACH_NETNS && !tag) {
		seterr(err, errlen, "a namespace link needs a tag");
		return NULL;
	}
	if (tag && !valid_tag(tag)) {
		seterr(err, errlen, "link tag '%s' is not 1 to %d of [A-Za-z0-9_-]", tag, TAG_MAX);
		return NULL;
	}
	if (spec->attach != HX_ATTACH_NETNS &&
	    (!spec->name || !*spec->name || strlen(spec->name) >= IFNAMSIZ ||
	     strchr(spec->name, '/'))) {
		seterr(err, errlen, "'%s' is not an interface name", spec->name ? spec->name : "");
		return NULL;
	}
	l = calloc(1, sizeof(*l));
	if (!l) {
		seterr(err, errlen, "out of memory for a link");
		return NULL;
	}
	l->attach = spec->attach;
	l->fd = -1;
	make_mac(l->mac, getpid(), tag);
	switch (spec->attach) {
	case HX_ATTACH_NETNS:
		make_names(l, getpid(), tag);
		rc = open_netns(l, spec, err, errlen);
		break;
	case HX_ATTACH_TAP:
		snprintf(l->ifname, sizeof(l->ifname), "%s", spec->name);
		rc = open_tap(l, err, errlen);
		break;
	case HX_ATTACH_IFACE:
		snprintf(l->ifname, sizeof(l->ifname), "%s", spec->name);
		rc = open_iface(l, err, errlen);
		break;
	default:
		seterr(err, errlen, "unknown attachment %d", (int)spec->attach);
		rc = -1;
		break;
	}
	if (rc == 0 && spec->attach != HX_ATTACH_IFACE) {
		l->rxbuf = malloc(FRAME_MAX);
		if (!l->rxbuf) {
			seterr(err, errlen, "out of memory for the receive buffer of %s",
			       l->ifname);
			rc = -1;
		}
	}
	if (rc < 0) {
		hx_link_close(l);
		return NULL;
	}
	return l;
}

const char *hx_link_ifname(const struct hx_link *l)
{
	return l ? l->ifname : NULL;
}

const char *hx_link_netns(const struct hx_link *l)
{
	return l && l->attach == HX_ATTACH_NETNS ? l->netns : NULL;
}

const uint8_t *hx_link_mac(const struct hx_link *l)
{
	return l ? l->mac : NULL;
}

/* ---- frames ---- */

/* The sleep runs with a timer slack of 1 ns, the thread's own put back
 * after: the default 50 us would let most wake-ups overshoot the spin. */
static void sleep_until(uint64_t at_ns)
{
	if (at_ns > hx_now_ns() + SPIN_NS) {
		struct timespec ts = ns_to_ts(at_ns - SPIN_NS);
		int slack = prctl(PR_GET_TIMERSLACK, 0, 0, 0, 0);

		if (slack > 1)
			prctl(PR_SET_TIMERSLACK, 1, 0, 0, 0);
		while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
			;
		if (slack > 1)
			prctl(PR_SET_TIMERSLACK, (unsigned long)slack, 0, 0, 0);
	}
	while (hx_now_ns() < at_ns)
		;
}

int hx_link_send_at(struct hx_link *l, uint64_t at_ns, const uint8_t *frame, size_t len,
		    uint64_t *sent_ns, char *err, size_t errlen)
{
	ssize_t n;
	uint64_t t;

	if (!l || l->fd < 0) {
		seterr(err, errlen, "send on a link that is not open");
		return -1;
	}
	if (!frame || len < ETH_HLEN || len > FRAME_MAX) {
		seterr(err, errlen, "cannot send on %s: a frame of %zu octets (%d to %d)",
		       l->ifname, len, ETH_HLEN, FRAME_MAX);
		return -1;
	}
	sleep_until(at_ns);
	do {
		/* A bound packet socket sends to its interface without an address. */
		n = l->attach == HX_ATTACH_IFACE ? send(l->fd, frame, len, 0)
						 : write(l->fd, frame, len);
	} while (n < 0 && errno == EINTR);
	t = hx_now_ns();
	if (n < 0) {
		seterr(err, errlen, "cannot send a %zu-octet frame on %s: %s", len, l->ifname,
		       strerror(errno));
		return -1;
	}
	if ((size_t)n != len) {
		seterr(err, errlen, "sent only %zd of a %zu-octet frame on %s", n, len, l->ifname);
		return -1;
	}
	if (sent_ns)
		*sent_ns = t;
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
				int64_t rx, off = wall_minus_mono_ns();

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
		ssize_t n = l->attach == HX_ATTACH_IFACE
			? read_packet(l, buf, cap, t_ns, err, errlen)
			: read_tap(l, buf, cap, t_ns, err, errlen);
		int r;

		if (n != 0)
			return n;
		now = hx_now_ns();
		if (now >= deadline_ns)
			return 0;
		ts = ns_to_ts(deadline_ns - now);
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

/* ---- processes ---- */

/* Where the child got to when it failed, told through a pipe. */
enum spawn_stage {
	SPAWN_SETSID, SPAWN_OPEN_NETNS, SPAWN_SETNS, SPAWN_UNSHARE_MNT, SPAWN_MNT_SLAVE,
	SPAWN_UMOUNT_SYS, SPAWN_MOUNT_SYS, SPAWN_STDIO, SPAWN_EXEC,
};

static const char *const spawn_what[] = {
	[SPAWN_SETSID] = "setsid",
	[SPAWN_OPEN_NETNS] = "open the namespace",
	[SPAWN_SETNS] = "setns into the namespace",
	[SPAWN_UNSHARE_MNT] = "unshare the mount namespace",
	[SPAWN_MNT_SLAVE] = "make / a slave mount",
	[SPAWN_UMOUNT_SYS] = "unmount /sys",
	[SPAWN_MOUNT_SYS] = "mount the namespace's /sys",
	[SPAWN_STDIO] = "set up stdin, stdout and stderr",
	[SPAWN_EXEC] = "exec /bin/sh",
};

static void __attribute__((noreturn)) spawn_fail(int pipe_fd, enum spawn_stage stage)
{
	int msg[2] = { (int)stage, errno };

	if (write(pipe_fd, msg, sizeof(msg)) < 0)
		_exit(127);
	_exit(127);
}

/* The inherited environment with env's entries added (replacing any of the
 * same name).  Built before fork: the child of a threaded harness may only
 * make system calls. */
static char **spawn_env(char *const *env)
{
	extern char **environ;
	size_t n = 0, m = 0, k = 0;
	char **out;

	while (environ && environ[n])
		n++;
	while (env && env[m])
		m++;
	out = calloc(n + m + 1, sizeof(*out));
	if (!out)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		const char *eq = strchr(environ[i], '=');
		size_t klen = eq ? (size_t)(eq - environ[i]) : strlen(environ[i]);
		bool replaced = false;

		for (size_t j = 0; j < m && !replaced; j++)
			replaced = !strncmp(env[j], environ[i], klen) && env[j][klen] == '=';
		if (!replaced)
			out[k++] = environ[i];
	}
	for (size_t j = 0; j < m; j++)
		out[k++] = env[j];
	return out;
}

pid_t hx_link_spawn(const struct hx_link *l, const char *cmd, char *const *env,
		    const char *log_path, char *err, size_t errlen)
{
	const char *netns = hx_link_netns(l);
	char *argv[] = { "sh", "-c", (char *)cmd, NULL };
	char **envp;
	int in, out, p[2], msg[2];
	unsigned long sys_flags = 0;
	struct statvfs sv;
	ssize_t n;
	pid_t pid;

	if (!cmd) {
		seterr(err, errlen, "no command to start");
		return -1;
	}
	for (char *const *e = env; e && *e; e++) {
		if (!strchr(*e, '=') || **e == '=') {
			seterr(err, errlen, "environment entry '%s' is not K=V", *e);
			return -1;
		}
	}
	if (netns && statvfs("/sys", &sv) == 0 && (sv.f_flag & ST_RDONLY))
		sys_flags = MS_RDONLY;
	in = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (in < 0) {
		seterr(err, errlen, "cannot open /dev/null: %s", strerror(errno));
		return -1;
	}
	out = open(log_path ? log_path : "/dev/null", O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC,
		   0644);
	if (out < 0) {
		seterr(err, errlen, "cannot open log %s: %s", log_path ? log_path : "/dev/null",
		       strerror(errno));
		close(in);
		return -1;
	}
	envp = spawn_env(env);
	if (!envp || pipe2(p, O_CLOEXEC) < 0) {
		seterr(err, errlen, "cannot start '%s': %s", cmd,
		       envp ? strerror(errno) : "out of memory");
		free(envp);
		close(in);
		close(out);
		return -1;
	}
	pid = fork();
	if (pid == 0) {
		struct sigaction dfl = { .sa_handler = SIG_DFL };
		sigset_t none;

		close(p[0]);
		/* The harness's blocked and ignored signals are no business of
		 * the IUT's. */
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		for (int s = 1; s < NSIG; s++)
			sigaction(s, &dfl, NULL);
		if (setsid() < 0)
			spawn_fail(p[1], SPAWN_SETSID);
		if (netns) {
			char path[sizeof(NETNS_DIR) + 64];
			int fd;

			/* snprintf is not async-signal-safe: copy by hand. */
			memcpy(path, NETNS_DIR "/", sizeof(NETNS_DIR));
			memcpy(path + sizeof(NETNS_DIR), netns, strlen(netns) + 1);
			fd = open(path, O_RDONLY | O_CLOEXEC);
			if (fd < 0)
				spawn_fail(p[1], SPAWN_OPEN_NETNS);
			if (setns(fd, CLONE_NEWNET) < 0)
				spawn_fail(p[1], SPAWN_SETNS);
			close(fd);
			/* As `ip netns exec`: a /sys that shows this namespace's
			 * interfaces, in a mount namespace of the child's own. */
			if (unshare(CLONE_NEWNS) < 0)
				spawn_fail(p[1], SPAWN_UNSHARE_MNT);
			if (mount("", "/", "none", MS_SLAVE | MS_REC, NULL) < 0)
				spawn_fail(p[1], SPAWN_MNT_SLAVE);
			/* EINVAL: no sysfs there to replace, which is fine. */
			if (umount2("/sys", MNT_DETACH) < 0 && errno != EINVAL)
				spawn_fail(p[1], SPAWN_UMOUNT_SYS);
			if (mount(netns, "/sys", "sysfs", sys_flags, NULL) < 0)
				spawn_fail(p[1], SPAWN_MOUNT_SYS);
		}
		if (dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(out, 2) < 0)
			spawn_fail(p[1], SPAWN_STDIO);
		execve("/bin/sh", argv, envp);
		spawn_fail(p[1], SPAWN_EXEC);
	}
	free(envp);
	close(in);
	close(out);
	close(p[1]);
	if (pid < 0) {
		seterr(err, errlen, "cannot start '%s': fork: %s", cmd, strerror(errno));
		close(p[0]);
		return -1;
	}
	/* EOF: exec closed the pipe, the command runs. */
	do
		n = read(p[0], msg, sizeof(msg));
	while (n < 0 && errno == EINTR);
	close(p[0]);
	if (n == (ssize_t)sizeof(msg)) {
		while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
			;
		seterr(err, errlen, "cannot start '%s'%s%s: cannot %s: %s", cmd,
		       netns ? " in namespace " : "", netns ? netns : "",
		       msg[0] >= 0 && msg[0] <= SPAWN_EXEC ? spawn_what[msg[0]] : "?",
		       strerror(msg[1]));
		return -1;
	}
	return pid;
}

/* Is any process of group pgid alive?  Zombies do not count: orphans that
 * no init reaps would otherwise look alive for ever. */
static bool group_alive(pid_t pgid)
{
	DIR *d;
	struct dirent *e;
	bool alive = false;

	if (kill(-pgid, 0) < 0 && errno == ESRCH)
		return false;
	d = opendir("/proc");
	if (!d)
		return true;
	while (!alive && (e = readdir(d))) {
		char path[300], buf[512], *close_paren, state;
		long pgrp;
		ssize_t n;
		int fd;

		if (e->d_name[0] < '1' || e->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/stat", e->d_name);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		if (n <= 0)
			continue;
		buf[n] = 0;
		/* "pid (comm) state ppid pgrp ...": comm may hold anything,
		 * so read from its last ')'. */
		close_paren = strrchr(buf, ')');
		if (!close_paren || sscanf(close_paren + 1, " %c %*d %ld", &state, &pgrp) != 2)
			continue;
		alive = pgrp == pgid && state != 'Z' && state != 'X';
	}
	closedir(d);
	return alive;
}

void hx_kill_group(pid_t pid, unsigned grace_ms)
{
	uint64_t end = hx_now_ns() + (uint64_t)grace_ms * 1000000ull;
	bool reaped = false;

	if (pid <= 0)
		return;
	kill(-pid, SIGTERM);
	for (;;) {
		if (!reaped) {
			pid_t r = waitpid(pid, NULL, WNOHANG);
			reaped = r == pid || (r < 0 && errno == ECHILD);
		}
		if (reaped && !group_alive(pid))
			return;
		if (hx_now_ns() >= end)
			break;
		sleep_ms(2);
	}
	kill(-pid, SIGKILL);
	while (!reaped) {
		pid_t r = waitpid(pid, NULL, 0);
		reaped = r == pid || (r < 0 && errno != EINTR);
	}
}

void hx_link_close(struct hx_link *l)
{
	char err[256];
	struct stat st;
	struct statfs sf;

	if (!l)
		return;
	/* Processes first (they may hold the namespace and sockets in it),
	 * then the TAP, then the namespace: a TAP still there when its
	 * namespace dies would be moved back to the harness's. */
	if (l->made_netns && stat(l->netns_path, &st) == 0 && statfs(l->netns_path, &sf) == 0 &&
	    sf.f_type == NSFS_MAGIC)
		netns_kill_all(st.st_dev, st.st_ino);
	if (l->fd >= 0)
		close(l->fd);
	if (l->made_netns && netns_remove(l->netns_path, l->netns, err, sizeof(err)) < 0)
		fprintf(stderr, "hx_link_close: %s\n", err);
	free(l->rxbuf);
	free(l);
}
