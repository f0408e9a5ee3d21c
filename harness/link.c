/* link.c: the harness's link to the IUT (link.h): a namespace with a TAP,
 * a TAP for a VM, or an interface through an AF_PACKET socket.
 *
 * This file opens and closes links and names them; the rest is by concern:
 *   link-setup.c  the namespace and the TAP made and configured (rtnetlink,
 *                 /proc/sys), and namespaces removed with what runs in them
 *   link-dev.c    the device frames go through, one ops table per kind:
 *                 the TAP, or a packet socket bound to an interface
 *   link-send.c   the clocks, and frames sent at the time asked
 *   link-spawn.c  IUT commands started inside the namespace, and stopped
 */
#define _GNU_SOURCE
#include "link-int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/vfs.h>

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

/* "igmpx-<pid>-<tag>" and "igmpx<pid>t<tag>" (a joining link:
 * "igmpx<pid>s<tag>" in the namespace join), the pid cut to its last
 * digits when the interface name would pass 15 characters. */
static void make_names(struct hx_link *l, pid_t pid, const char *tag, const char *join)
{
	char pids[24];
	size_t room = IFNAMSIZ - 1 - strlen("igmpx") - 1 - strlen(tag);
	const char *p = pids;
	char *o;

	snprintf(pids, sizeof(pids), "%ld", (long)pid);
	if (strlen(pids) > room)
		p += strlen(pids) - room;
	if (join)
		snprintf(l->netns, sizeof(l->netns), "%s", join);
	else
		snprintf(l->netns, sizeof(l->netns), NETNS_PREFIX "%ld-%s", (long)pid, tag);
	snprintf(l->netns_path, sizeof(l->netns_path), NETNS_DIR "/%s", l->netns);
	/* Fits: strlen(p) <= room by the cut above. */
	o = stpcpy(l->ifname, "igmpx");
	o = stpcpy(o, p);
	*o++ = join ? 's' : 't';
	strcpy(o, tag);
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
	if (spec->join && (spec->attach != HX_ATTACH_NETNS ||
			   strncmp(spec->join, NETNS_PREFIX, strlen(NETNS_PREFIX)) ||
			   strchr(spec->join, '/') || strlen(spec->join) >= sizeof(l->netns))) {
		seterr(err, errlen, "'%s' is no namespace of ours to join", spec->join);
		free(l);
		return NULL;
	}
	l->attach = spec->attach;
	l->dev = spec->attach == HX_ATTACH_IFACE ? &link_dev_packet : &link_dev_tap;
	l->fd = -1;
	make_mac(l->mac, getpid(), tag);
	if (spec->join)
		l->mac[2] = 0x01;       /* not the MAC of the link whose namespace it joins */
	switch (spec->attach) {
	case HX_ATTACH_NETNS:
		make_names(l, getpid(), tag, spec->join);
		rc = link_open_netns(l, spec, err, errlen);
		break;
	case HX_ATTACH_TAP:
		snprintf(l->ifname, sizeof(l->ifname), "%s", spec->name);
		rc = link_open_tap(l, err, errlen);
		break;
	case HX_ATTACH_IFACE:
		snprintf(l->ifname, sizeof(l->ifname), "%s", spec->name);
		rc = link_open_packet(l, err, errlen);
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

int hx_link_fd(const struct hx_link *l)
{
	return l ? l->fd : -1;
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
		link_netns_kill_all(st.st_dev, st.st_ino);
	if (l->fd >= 0)
		close(l->fd);
	if (l->made_netns && link_netns_remove(l->netns_path, l->netns, err, sizeof(err)) < 0)
		fprintf(stderr, "hx_link_close: %s\n", err);
	free(l->rxbuf);
	free(l);
}
