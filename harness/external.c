/* external.c: an IUT that outlives its cases (a VM, a box on a NIC): the
 * profile's reset before a case, and the harness's own undoing after it.
 * Neither reads the link: what the IUT sends meanwhile is no part of any
 * case. */
#include "run.h"

#include <glib.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* A command run to its end (limit_s at most) without reading the link:
 * what the IUT sends meanwhile is no part of the case (a reset before it,
 * the harness's undoing after it).  False with why if it failed. */
static bool quiet_command(struct run *r, const char *cmd, double limit_s, char *why, size_t cap)
{
	int st = 0;
	uint64_t until = hx_now_ns() + (uint64_t)(limit_s * NS);
	pid_t pid = hx_link_spawn(r->link, cmd, r->env, r->log, why, cap);

	if (pid < 0)
		return false;
	while (waitpid(pid, &st, WNOHANG) != pid) {
		if (hx_now_ns() > until || *r->stop) {
			hx_kill_group(pid, 200);
			snprintf(why, cap, "did not end within %g s: %s", limit_s, cmd);
			return false;
		}
		usleep(5000);
	}
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
		return true;
	snprintf(why, cap, "failed (%s %d): %s", WIFEXITED(st) ? "exit status" : "signal",
		 WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st), cmd);
	return false;
}

/* Frames waiting on the link, read and dropped. */
static void discard_waiting(struct run *r)
{
	uint8_t buf[MAX_FRAME];
	char err[256];
	uint64_t t;

	while (hx_link_recv(r->link, buf, sizeof(buf), hx_now_ns(), &t, err, sizeof(err)) > 0)
		;
}

/* An external IUT (a VM, a box) outlives the case: the harness undoes what
 * the case did to it.  Every group a join step left joined is left, a
 * version a set_version step forced is set back to the profile's highest,
 * and, when the profile has no reset to bring the IUT back, the IUT's
 * retransmissions of those changes (Robustness Variable reports an
 * Unsolicited Report Interval apart, RFC 9776 §5.1) are waited out before
 * the next case. */
void run_undo(struct run *r)
{
	const struct hx_profile *p = r->p;
	GHashTableIter it;
	gpointer key;
	unsigned left = 0;

	if (p->attach == HX_ATTACH_NETNS)
		return;         /* the namespace goes, and all in it */
	if (*p->leave) {
		struct hx_step none = { .kind = HX_STEP_LEAVE };
		g_hash_table_iter_init(&it, r->joined);
		while (g_hash_table_iter_next(&it, &key, NULL)) {
			uint32_t g = GPOINTER_TO_UINT(key);
			char gs[16];
			snprintf(gs, sizeof(gs), "%u.%u.%u.%u", g >> 24, g >> 16 & 255, g >> 8 & 255,
				 g & 255);
			char *cmd = run_expand(p->leave, &none, gs, NULL), why[300];
			if (quiet_command(r, cmd, 10, why, sizeof(why)))
				left++;
			else
				g_string_append_printf(r->detail, "note: after the case, leave %s\n", why);
			g_free(cmd);
		}
	}
	if (r->version_set && *p->set_version) {
		struct hx_step top = { .kind = HX_STEP_SET_VERSION,
				       .text = (p->versions & 8) ? "3" : (p->versions & 4) ? "2" : "1" };
		char *cmd = run_expand(p->set_version, &top, NULL, NULL), why[300];
		if (!quiet_command(r, cmd, 10, why, sizeof(why)))
			g_string_append_printf(r->detail, "note: after the case, set_version %s\n", why);
		g_free(cmd);
	}
	if (left && !*p->reset)
		usleep((useconds_t)((p->robustness * p->uri + p->tolerance_ms / 1000.0) * 1e6));
}

/* The profile's reset, before the case's clock starts; what came
 * meanwhile is dropped. */
void run_reset(struct run *r)
{
	char err[512];

	if (!quiet_command(r, r->p->reset, r->p->ready_timeout, err, sizeof(err)))
		run_verdict(r, HX_ERROR, "reset %s", err);
	discard_waiting(r);
	g_ptr_array_set_size(r->frames, 0);
	r->kept_octets = 0;
}
