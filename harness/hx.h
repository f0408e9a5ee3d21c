/* hx.h: the harness's parts: IUT profiles, case files, window expressions,
 * the engine that runs one case, and the offline checker.
 *
 * The harness knows no rule of its own: content rules are core/check's,
 * timing windows come from the case and the profile, and every verdict
 * names a rule of core/rules.def. */
#ifndef IGMPX_HX_H
#define IGMPX_HX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "codec.h"
#include "link.h"
#include "rules.h"

#define HX_IUT_ADDR    0xC0000202u   /* 192.0.2.2, the IUT's side of the test link */
#define HX_TESTER_ADDR 0xC0000201u   /* 192.0.2.1, the harness's side */
#define HX_SRC_IUT_ADDR    0xC6336402u   /* 198.51.100.2, a router's side of the source link */
#define HX_SRC_TESTER_ADDR 0xC6336401u   /* 198.51.100.1, the harness's */

/* ---- Verdicts ---- */
enum hx_verdict {           /* in rising order of gravity: a case gets its worst */
	HX_PASS,
	HX_WARN,
	HX_INCONCLUSIVE,
	HX_SKIP,
	HX_FAIL,
	HX_ERROR,
	HX_VERDICTS
};
const char *hx_verdict_name(enum hx_verdict v);

/* ---- profile.c: an IUT profile (INI, GKeyFile) ---- */
struct hx_profile {
	char *path;
	char *name;
	char *role;                 /* "host" or "router" */
	unsigned versions;          /* bit v set: IGMPv<v> supported */
	enum hx_attach attach;
	char *attach_name;          /* tap:NAME / iface:NAME: the first of */
	char **attach_names;        /* an external IUT's links (NULL-terminated;
				       NULL for netns), one per case at once */
	unsigned nlinks;            /* how many (0: netns, as many as asked) */
	bool has_source_link;       /* a second link for multicast sources */
	enum hx_attach source_attach;
	char *source_name;          /* its tap:NAME / iface:NAME: the first of */
	char **source_names;        /* one per test link */
	unsigned nsource;
	char *start, *stop, *join, *join_sources, *leave, *set_version; /* "" if none */
	char *ready;                /* run after start until it succeeds ("" if none) */
	char *state;                /* prints the router's group table ("" if none) */
	char *boot;                 /* run to its end before the case's clock ("" if none) */
	char *reset;                /* brings an external IUT back to its known state
				       before each case ("" if none) */
	double ready_timeout;       /* seconds boot, and ready, may take (default 10) */
	char *requires;             /* must succeed before a case runs ("" if none) */
	char *unmet;                /* why not, once checked (NULL: met or unchecked) */
	bool ssm_aware;             /* applies RFC 4604's host rules to 232/8 */
	/* [timers], seconds (tolerance in ms) */
	double robustness, query_interval, query_response_interval;
	double lmqi, lmqc, uri;
	double sqi, sqc;            /* Startup Query Interval and Count (§8.6, §8.7) */
	double gmi, oqpi;           /* Group Membership and Other Querier Present
				       Intervals (§8.4, §8.5), derived unless given */
	unsigned tolerance_ms;
	/* [limits]; 0 when the profile does not state them */
	unsigned max_memberships, max_sources;
};
/* Reads path; false with err ("FILE:LINE: what") on any error. */
bool hx_profile_load(const char *path, struct hx_profile *p, char *err, size_t errlen);
void hx_profile_free(struct hx_profile *p);
/* Runs the profile's requires once; p->unmet says why it failed. */
void hx_profile_check_requires(struct hx_profile *p);

/* ---- expr.c: window expressions ("mrt + 2 * uri") ---- */
struct hx_vars {
	double mrt, qqi, qrv;                  /* of the last query the harness sent */
	double robustness, qi, qri, lmqi, lmqc, uri, tol;
	double max_memberships, max_sources;   /* the profile's [limits] */
	double gmi, oqpi, lmqt, sqi, sqc;      /* the profile's router timers */
};
/* Every name at 1: expressions are checked with it when a case is read. */
extern const struct hx_vars hx_vars_ones;
/* The names as the profile's timers and limits make them. */
void hx_profile_vars(const struct hx_profile *p, struct hx_vars *v);
/* Evaluates text; false with err (what and where in the text) on a syntax
 * error, an unknown name or a negative result. */
bool hx_expr_eval(const char *text, const struct hx_vars *v, double *out, char *err,
		  size_t errlen);

/* ---- case.c: one conformance case (YAML) ---- */
enum hx_step_kind {
	HX_STEP_JOIN,        /* join: GROUP [mode:, sources:] */
	HX_STEP_LEAVE,       /* leave: GROUP */
	HX_STEP_SET_VERSION, /* set_version: N */
	HX_STEP_WAIT,        /* wait: SECONDS (frames keep being received) */
	HX_STEP_SEND,        /* send: a frame description (pcaps/README.md) */
	HX_STEP_REPLAY,      /* replay: CAPTURE [frames: A-B] */
	HX_STEP_EXPECT,      /* expect: MATCH within: [LO, HI] [count:] rule: ID */
	HX_STEP_EXPECT_NONE, /* expect_none: MATCH within: [LO, HI] rule: ID */
	HX_STEP_EXPECT_STATE, /* expect_state: GROUP MODE [sources] within: [LO, HI] rule: ID */
	HX_STEP_EXPECT_FORWARD,    /* expect_forward: SOURCE GROUP within: rule: (forward.c) */
	HX_STEP_EXPECT_NO_FORWARD, /* expect_no_forward: SOURCE GROUP within: rule: */
};

/* What an IUT frame must be to match: "v3report group=239.1.1.1 record=IS_EX",
 * "v3query group=239.1.1.1 s=0 mrt=lmqi sources=198.51.100.1". */
struct hx_match {
	uint32_t kinds;             /* bit igmpx_kind; 0: any IGMP message */
	bool has_group, has_dst, has_src, has_sources;
	uint32_t group, dst, src;
	int record;                 /* record type 1-6 for the group's record; 0 any */
	uint32_t sources[64];       /* the record's (v3 query's) sources, as a set */
	unsigned nsources;
	int sflag;                  /* v3 query: s=0|1; -1 any */
	char *nsrc_expr;            /* nsources=EXPR: the record (query) has that many sources */
	int nsrc;                   /* its value for the run (engine), -1: none */
	/* Query fields, expressions over the profile's timers (seconds; qrv a
	 * count), valued for the run; NaN: not asked. */
	char *mrt_expr, *qqi_expr, *qrv_expr;
	double mrt, qqi, qrv;
};

struct hx_step {
	enum hx_step_kind kind;
	int line;
	char *text;                 /* group, version, description, capture, match as written */
	char *mode, *sources;       /* join: mode and sources ("A,B") */
	char *lo, *hi;              /* window (expect), duration (wait: lo) */
	unsigned count_min, count_max;  /* expect: how many in the window (max 0: no bound) */
	char *count_lo, *count_hi;  /* count: as expressions (count_min/max at run) */
	char *spacing;              /* expect: every: EXPR s between the frames matched */
	char *from;                 /* send: from: the tester address it comes from */
	enum igmpx_rule rule;
	bool need;                  /* a precondition: unmet -> INCONCLUSIVE */
	struct hx_match match;
	uint8_t *frame;             /* send: the Ethernet frame, built at load */
	size_t frame_len;
	char *range;                /* replay: frames "A-B" */
	char *file;                 /* replay: the capture's path (relative: to the case file) */
	char *groups;               /* join/leave: groups: EXPR consecutive groups from text;
				       send: each group of the message + (i mod EXPR);
				       expect_state: EXPR groups from text, each so */
	bool may_fail;              /* join/leave: a refused command is a result, not an ERROR */
	unsigned repeat;            /* send: repeat: N copies (default 1) */
	char *every;                /* send: every: EXPR seconds between copies */
	char *rate, *for_s;         /* send: rate: EXPR frames/s, for: EXPR seconds */
	char *source_lists;         /* send: source_lists: EXPR (see struct hx_flood) */
	unsigned fragment;          /* send: fragment: N octets of IP payload per fragment */
	char *cover;                /* expect: cover: G+EXPR, every group of the range is
				       in some matching report of the window */
	bool failed;                /* join/leave: the command failed (may_fail), at run */
};

struct hx_case {
	char *path;
	char *id, *title, *rfc, *level, *role;
	unsigned versions;
	bool ssm_aware;             /* a rule of SSM-aware hosts: SKIP on other IUTs */
	double deadline_s;          /* a number, or */
	char *deadline;             /* an expression of the timers ("gmi + 20"), or NULL */
	char *lasting;              /* what it leaves in the IUT past its end, or NULL */
	struct hx_step *steps;
	size_t nsteps;
};
/* Reads path; false after printing every error as FILE:LINE: what. */
bool hx_case_load(const char *path, struct hx_case *c);
void hx_case_free(struct hx_case *c);
/* Its deadline in seconds with the profile's timers. */
double hx_case_deadline(const struct hx_case *c, const struct hx_profile *p);
/* Parses a match ("v3report group=G record=IS_EX sources=A,B"). */
bool hx_match_parse(const char *text, const char *file, int line, struct hx_match *m);
bool hx_match_frame(const struct hx_match *m, const struct igmpx_msg *msg, const uint8_t *igmp,
		    uint32_t src, uint32_t dst);
/* The match's expressions (nsources=, mrt=, qqi=, qrv=) valued over v;
 * false with err on a bad one. */
bool hx_match_values(struct hx_match *m, const struct hx_vars *v, char *err, size_t errlen);
void hx_match_free(struct hx_match *m);
/* "A,B,C+N": the addresses, N consecutive from C; N may be an expression
 * over v.  NULL (with err) on a bad address or expression; else a list
 * "A,B,C,C+1,..." (malloc). */
char *hx_addr_list(const char *text, const struct hx_vars *v, char *err, size_t errlen);
/* A dotted-quad IPv4 address, host byte order; false if s is none. */
bool hx_addr_parse(const char *s, uint32_t *a);
/* "G+EXPR" or "G": the first address and how many. */
bool hx_addr_range(const char *text, const struct hx_vars *v, uint32_t *first, unsigned *n,
		   char *err, size_t errlen);

/* ---- A flood: one send: step's frames made from the frame it built ---- */
#define HX_SEND_MAX 200000          /* frames one send: step sends at most */
/* Frame i of a flood is the step's frame from host host0 + (i mod hosts)
 * (IP source and MAC 02:00:<address>), with each group it carries (the
 * group field of a v1/v2 report or leave, every record's of a v3 report)
 * + (i mod groups), and each record's sources moved on by their number
 * times ((i / groups) mod lists): many hosts, groups and sources from one
 * description.  Both checksums are made again. */
struct hx_flood {
	uint32_t host0;
	unsigned hosts, groups, lists;      /* each at least 1 */
};
/* Whether the frame can be varied so (groups, lists: 0 not asked, else the
 * counts; a group range must stay multicast); false with err if not. */
bool hx_flood_ok(const uint8_t *frame, size_t len, unsigned groups, unsigned lists,
		 char *err, size_t errlen);
/* Frame i into out (len octets), from frame (hx_flood_ok). */
void hx_flood_frame(const uint8_t *frame, size_t len, const struct hx_flood *f,
		    unsigned long i, uint8_t *out);

/* ---- state.c: a router's group table (the profile's state command) ---- */
enum { HX_MODE_ABSENT, HX_MODE_INCLUDE, HX_MODE_EXCLUDE, HX_MODE_PRESENT, HX_MODE_UNSHOWN };
struct hx_gstate {
	uint32_t group;
	int mode;                   /* HX_MODE_* (ABSENT, PRESENT: in a step only;
				       UNSHOWN: a router that does not show it) */
	int compat;                 /* compatibility mode 1-3; 0 not shown (not asked) */
	double timer;               /* the group timer (s); NaN not shown */
	bool has_running, has_stopped;
	uint32_t *running, *stopped;    /* sources with and without a running timer */
	unsigned nrunning, nstopped;
	char *timer_le, *timer_ge;  /* a step's bounds on the timer (expressions) */
};
enum hx_state_cmp { HX_STATE_SAME, HX_STATE_DIFFERS, HX_STATE_UNKNOWN };
/* One line of the state command's output (want false), or of an
 * expect_state step (want true: LIST+N and expressions over v); false
 * with err. */
bool hx_gstate_parse(const char *text, bool want, const struct hx_vars *v, struct hx_gstate *g,
		     char *err, size_t errlen);
void hx_gstate_free(struct hx_gstate *g);
/* got: the router's line for the group, NULL if none.  UNKNOWN (with why)
 * when the router does not show what the step asks. */
enum hx_state_cmp hx_gstate_compare(const struct hx_gstate *want, const struct hx_gstate *got,
				    const struct hx_vars *v, char *why, size_t cap);

/* ---- engine.c: one case against one IUT ---- */
struct hx_result {
	enum hx_verdict verdict;
	double seconds;
	char message[512];          /* one line: why */
	char *detail;               /* every finding, multi-line (malloc) */
};
struct hx_run_opts {
	const char *out_dir;        /* NULL: no per-case pcapng */
	const char *tag;            /* link names */
	const char *bindir;         /* put first on PATH for profile commands */
	double speed;               /* replay: time scale (1: as captured) */
	bool verbose;
	unsigned link;              /* which of an external IUT's links (attach) */
};
/* Runs c against p; the result is the verdict with its reasons.  Exits
 * early (ERROR) when *stop becomes non-zero (a signal). */
void hx_run_case(const struct hx_case *c, const struct hx_profile *p,
		 const struct hx_run_opts *o, volatile int *stop, struct hx_result *r);

/* ---- frames.c: decoding for texts, capture reading ---- */
/* One line for a frame: "v3 report 192.0.2.2 > 224.0.0.22: TO_EX 239.1.1.1 {}". */
void hx_describe(const uint8_t *frame, size_t len, char *out, size_t cap);
/* The IPv4 packet in an Ethernet (optionally VLAN-tagged), Linux SLL or
 * raw IP frame of link type dlt; NULL if none. */
const uint8_t *hx_ip_of(int dlt, const uint8_t *frame, size_t len, size_t *iplen);

/* ---- analyze.c: the checks over a capture, offline ---- */
/* Prints every content and timing finding; returns how many break a MUST,
 * or -1 when the capture cannot be read.  from: if non-zero, content
 * findings only on frames whose IP source is from (replay: the IUT). */
int hx_analyze(const char *path, uint32_t from, FILE *out);

#endif
