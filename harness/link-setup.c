/* link-setup.c: a link's namespace and TAP made and configured, and
 * namespaces removed with what runs in them.
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
#include "link-int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <dirent.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/vfs.h>

#include <linux/netlink.h>
#include <linux/rtnetlink.h>

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
		link_sleep_ms(5);
	}
}

/* SIGTERM to everything in the namespace, SIGKILL to what is left 300 ms
 * later.  Returns how many were still there after the SIGKILL and 2 s. */
int link_netns_kill_all(dev_t dev, ino_t ino)
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
int link_netns_remove(const char *path, const char *name, char *err, size_t errlen)
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
		int left = link_netns_kill_all(st.st_dev, st.st_ino);
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
	if (link_netns_remove(path, netns_name, err, sizeof(err)) < 0) {
		fprintf(stderr, "hx_link_cleanup_by_name: %s\n", err);
		return -1;
	}
	return 0;
}

/* ---- opening ---- */

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

int link_open_netns(struct hx_link *l, const struct hx_link_spec *s, char *err, size_t errlen)
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
	l->fd = link_tap_open(l->ifname, true, err, errlen);
	if (l->fd < 0)
		goto out;
	idx = if_nametoindex(l->ifname);
	if (!idx) {
		seterr(err, errlen, "TAP %s vanished after its creation: %s", l->ifname,
		       strerror(errno));
		goto out;
	}
	if (s->join)
		goto made;
	if (netns_dir_ready(err, errlen) < 0)
		goto out;
	/* The name carries this process's pid and this link has not made it:
	 * one there now was left by a process that had the same pid before
	 * (a run killed with SIGKILL, a machine stopped mid-run), and is
	 * nobody's any more. */
	if (access(l->netns_path, F_OK) == 0) {
		fprintf(stderr, "igmpx: namespace %s was left by an earlier run; removing it\n",
			l->netns);
		if (link_netns_remove(l->netns_path, l->netns, err, errlen) < 0)
			goto out;
	}
	if (netns_create(l->netns_path, l->netns, orig, err, errlen) < 0)
		goto out;
	l->made_netns = true;
made:
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

int link_open_tap(struct hx_link *l, char *err, size_t errlen)
{
	int nl;
	unsigned idx;

	l->fd = link_tap_open(l->ifname, false, err, errlen);
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
