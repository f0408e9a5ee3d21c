/* run.h: one case's run as engine.c (the steps, the link, the IUT) and
 * expect.c (the expectations and their verdicts) share it.  Internal to
 * the harness's engine: the rest of the harness sees hx_run_case (hx.h).
 */
#ifndef IGMPX_HARNESS_RUN_H
#define IGMPX_HARNESS_RUN_H

#include "hx.h"

#include <glib.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#define NS 1000000000.0
#define MAX_FRAME 9216
/* What one case keeps of the IUT's frames, and of its reasons: an IUT that
 * floods the link must not take the harness's memory (the rest are
 * counted). */
#define MAX_KEPT_FRAMES 100000
#define MAX_KEPT_OCTETS (64u << 20)
#define MAX_REASONS 200

/* An expectation's window, absolute monotonic ns. */
struct window {
	const struct hx_step *s;
	uint64_t lo, hi, tol;
};

/* A miss that may prove late: an expectation that got too few frames in
 * its window and none after it yet.  More is said of it at offset at of
 * the run's detail, before the last after octets of its reason; message:
 * the run's message_no when the reason became the message, else 0. */
struct lookout {
	struct hx_step s;           /* the step as judged (nsources filled in) */
	struct window w;
	uint64_t anchor;
	gsize at;
	size_t after;
	unsigned message;
};

struct frame {
	uint64_t t;                 /* monotonic ns */
	int dir;                    /* 1: from the IUT, 2: sent by the harness */
	int iface;                  /* 0: the test link, 1: the source link */
	uint8_t *bytes;
	size_t len;
	GPtrArray *comments;
	bool igmp;                  /* an IGMP message parsed */
	uint32_t src, dst;
	const uint8_t *msg_at;      /* into bytes */
	struct igmpx_msg m;
};

struct run {
	const struct hx_case *c;
	const struct hx_profile *p;
	const struct hx_run_opts *o;
	volatile int *stop;
	struct hx_link *link;
	struct hx_link *source;     /* the profile's source_link, NULL if none */
	unsigned probes;            /* data-plane probes sent (forward.c) */
	GPtrArray *frames;          /* struct frame *, in time order */
	uint64_t t0, t0_wall;
	uint64_t anchor;            /* time of the last stimulus */
	int anchor_frame;           /* its frame (index), -1 if a command */
	struct hx_vars vars;
	pid_t iut;                  /* the start command, 0 if none */
	char workdir[PATH_MAX], log[PATH_MAX + 16];
	char **env;
	enum hx_verdict verdict;
	GString *detail;
	char *message;
	unsigned message_no;        /* counts the message's changes */
	unsigned reasons;           /* lines of detail written */
	unsigned long reasons_left_out;  /* past MAX_REASONS */
	size_t kept_octets;         /* of the IUT's frames kept */
	unsigned long frames_left_out;   /* IUT frames past the limits */
	bool aborted;               /* ERROR or INCONCLUSIVE: no further steps */
	GArray *lookouts;           /* misses that may prove late (expect.c) */
	unsigned heard_qrv;         /* the last non-zero QRV the harness sent (a router adopts it) */
	double heard_qqi;           /* and QQI (s), 0 if none */
	GHashTable *joined;         /* groups the case's join steps left joined */
	bool version_set;           /* a set_version step ran */
	uint8_t iut_mac[6];         /* learnt from the IUT's frames */
	bool iut_mac_known;
};

/* Sends frame b (len octets; its MACs are set here) at time at, receiving
 * meanwhile; records it and makes it the stimulus the next windows count
 * from.  False (an ERROR given) if it could not be sent. */
bool run_send_frame(struct run *r, uint64_t at, uint8_t *b, size_t len);
/* A profile command with {group} {mode} {sources} {version} put in: group
 * and src as given (NULL: the step's), the rest the step's (malloc). */
char *run_expand(const char *cmd, const struct hx_step *s, const char *group, const char *src);
/* An IUT that outlives its cases (external.c): the profile's reset before
 * the case, its frames dropped; after it, the harness's undoing. */
void run_reset(struct run *r);
void run_undo(struct run *r);
/* A send step: its frame, or its series of frames (send.c). */
void run_send_step(struct run *r, const struct hx_step *s);
/* A replay step: the IGMP frames of the capture s->text (frames s->range). */
void run_replay(struct run *r, const struct hx_step *s);
/* Seconds from the start of the run to t. */
double run_rel(const struct run *r, uint64_t t);
/* A reason for verdict v: a line of the run's detail; the worst verdict's
 * first reason is its message (true if this one became it).  ERROR,
 * INCONCLUSIVE and SKIP end the steps. */
bool run_verdict(struct run *r, enum hx_verdict v, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Records a frame received (dir 1: from the IUT) or sent (2) at t, and
 * holds a frame from the IUT to the content rules; the frame is the run's. */
struct frame *run_record(struct run *r, uint64_t t, int dir, const uint8_t *b, size_t len);
/* Frees a frame of r->frames (its free function). */
void run_frame_free(gpointer p);
/* A comment on a frame, written into the evidence pcapng. */
void run_comment(struct frame *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Frame i of the run, NULL if there is none. */
struct frame *run_frame_at(const struct run *r, int i);
/* Receives until the time until (monotonic ns), or until cond holds. */
void run_pump(struct run *r, uint64_t until, bool (*cond)(struct run *, void *), void *arg);
/* Reads the frames already waiting, without waiting for more. */
void run_drain(struct run *r);
/* An expect or expect_none step: waits out its window and judges it. */
void run_expect(struct run *r, const struct hx_step *s);
/* An expect_state step: polls the profile's state command through its
 * window and judges what the router holds. */
void run_expect_state(struct run *r, const struct hx_step *s);
/* A router IUT's query frame f (described as what), held to the fields its
 * configuration and the queries it heard make (router-check.c). */
void run_router_query_check(struct run *r, const struct frame *f, const char *what);
/* The querier timing rules of core/timing over every frame of the case,
 * after its end; findings on the IUT's frames are verdicts. */
void run_timing_judge(struct run *r);
/* An expect_forward or expect_no_forward step: multicast from the step's
 * source on the source link through its window, judged by what reaches
 * the test link (forward.c). */
void run_expect_forward(struct run *r, const struct hx_step *s);
/* The misses of expectations that came before until (the next stimulus,
 * or the end of the case): those whose frames came after their window are
 * said to be late.  Called before each stimulus and at the end. */
void run_settle_misses(struct run *r, uint64_t until);
/* After the last step: receives until the misses still unsettled have
 * their frames, 1 s past the latest window and its tolerance at most, then
 * settles them. */
void run_watch_misses(struct run *r);

#endif
