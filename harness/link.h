/* link.h: how the conformance harness reaches an implementation under test
 * (IUT): one Ethernet link whose far side is the IUT.
 *
 *   NETNS  a fresh network namespace "igmpx-<pid>-<tag>" holding the kernel
 *          side of a TAP; the harness keeps the TAP's fd.  The IUT (the
 *          namespace's kernel, or a daemon started in it with hx_link_spawn)
 *          sees the frames the harness writes as received on the TAP.
 *   TAP    a TAP in the harness's namespace, up and without addresses; the
 *          user bridges it to a VM.
 *   IFACE  an existing Ethernet interface, through an AF_PACKET socket.
 *
 * Nothing is ever sent on another interface.  Every function that can fail
 * fills err (what failed, which name, and why) and leaves nothing behind.
 * Times are nanoseconds of CLOCK_MONOTONIC unless said otherwise.  One
 * thread may send while another receives on the same link.
 */
#ifndef IGMPX_LINK_H
#define IGMPX_LINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

enum hx_attach { HX_ATTACH_NETNS, HX_ATTACH_TAP, HX_ATTACH_IFACE };

struct hx_link_spec {
	enum hx_attach attach;
	const char *name;      /* TAP or interface name for TAP/IFACE; ignored for NETNS */
	const char *tag;       /* short unique tag for generated names (e.g. "3"):
				* [A-Za-z0-9_-], at most 8 characters.  NETNS makes
				* namespace "igmpx-<pid>-<tag>" and TAP "igmpx<pid>t<tag>"
				* (<= 15 characters: the pid is cut to its last digits
				* when needed) */
	uint32_t iut_addr, tester_addr;   /* host byte order; the /24 they share,
					   * e.g. 192.0.2.2 and 192.0.2.1 */
	const char *join;      /* NETNS only: put this link's TAP, "igmpx<pid>s<tag>",
				* into the namespace of another link (its
				* hx_link_netns) instead of a new one; that link
				* keeps it and removes it.  NULL: a new namespace */
};

struct hx_link;

/* NETNS: creates the namespace (a bind mount under /run/netns, as
 * `ip netns add` makes, so `ip netns exec` and `ip netns pids` work), opens
 * a TAP (IFF_TAP | IFF_NO_PI) in the harness's namespace, moves its kernel
 * side into the namespace and there brings lo up, disables IPv6 (all,
 * default and the TAP), sets rp_filter 0 (all, default and the TAP), puts
 * iut_addr/24 on the TAP and brings it up.  With join: the same in that
 * existing namespace, which closing this link leaves.
 * TAP: creates TAP NAME in the harness's namespace (or attaches to a
 * persistent TAP of that name the user made and bridged), IPv6 off on it,
 * link up, no addresses.  tag: for the tester's MAC only (may be NULL).
 * IFACE: an existing Ethernet interface NAME through an AF_PACKET socket
 * bound to it; our own sends are not read back; the interface accepts all
 * multicast and the tester's MAC while the link is open.
 * Returns NULL with err filled on failure. */
struct hx_link *hx_link_open(const struct hx_link_spec *spec, char *err, size_t errlen);

const char *hx_link_ifname(const struct hx_link *l);   /* the IUT-side interface name */
const char *hx_link_netns(const struct hx_link *l);    /* namespace name, or NULL (TAP/IFACE) */
const uint8_t *hx_link_mac(const struct hx_link *l);   /* the tester's MAC (source of the frames
							* we send): 02:00:00:xx:xx:xx from
							* pid and tag */
/* The descriptor frames are written to (the TAP's, or the packet socket):
 * for bench/tap-write, which measures plain writes beside the harness's. */
int hx_link_fd(const struct hx_link *l);

uint64_t hx_now_ns(void);      /* CLOCK_MONOTONIC */
uint64_t hx_wall_ns(void);     /* CLOCK_REALTIME, for capture timestamps */

/* Sleeps until at_ns (absolute; at once if it has passed) and writes the
 * Ethernet frame.  *sent_ns (may be NULL): the time right after the write.
 * 0, or -1 with err. */
int hx_link_send_at(struct hx_link *l, uint64_t at_ns, const uint8_t *frame, size_t len,
		    uint64_t *sent_ns, char *err, size_t errlen);

/* Waits until a frame arrives or deadline_ns (absolute) passes; a frame
 * already queued is returned even when the deadline has passed.  Returns
 * the frame's real length (only the first cap octets are copied when it is
 * longer), 0 on timeout, -1 with err.  *t_ns (may be NULL): its arrival. */
ssize_t hx_link_recv(struct hx_link *l, uint8_t *buf, size_t cap, uint64_t deadline_ns,
		     uint64_t *t_ns, char *err, size_t errlen);

/* Starts `/bin/sh -c cmd` in the link's namespace (NETNS: setns() on
 * /run/netns/NAME, and a private /sys of that namespace as `ip netns exec`
 * gives; TAP/IFACE: the harness's own) in a session of its own (so that
 * hx_kill_group can end all it starts), with env ("K=V", NULL-terminated;
 * may be NULL) added to the inherited environment, stdin from /dev/null,
 * stdout and stderr appended to log_path (NULL: /dev/null).  Returns the
 * pid, or -1 with err.  The caller reaps it (hx_kill_group does). */
pid_t hx_link_spawn(const struct hx_link *l, const char *cmd, char *const *env,
		    const char *log_path, char *err, size_t errlen);

/* Sends SIGTERM to the process group of pid, SIGKILL after grace_ms if any
 * of the group is still there, and reaps pid.  True if SIGTERM was enough
 * (or there was nothing to end). */
bool hx_kill_group(pid_t pid, unsigned grace_ms);

/* Removes everything the link made: kills every process still in the
 * namespace (SIGTERM, SIGKILL 300 ms later), closes the fd (a TAP we made
 * goes with it) and deletes the namespace.  Killed children of the caller
 * are left to the caller to reap.  Safe on NULL. */
void hx_link_close(struct hx_link *l);

/* Crash cleanup from a parent process: if namespace netns_name
 * ("igmpx-<pid>-<tag>"; other names are refused) exists, kills what runs
 * in it and removes it.  0 if there was nothing or it was removed; -1 (the
 * reason on stderr) otherwise. */
int hx_link_cleanup_by_name(const char *netns_name);

#endif
