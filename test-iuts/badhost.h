/* badhost.h: what the files of igmpx-badhost share (badhost.c describes the
 * host and its faults): the limits and RFC constants, the fault bits, the
 * host's state (struct host with its groups, each group's per-source
 * retransmission state, the control clients), a report record, and the
 * functions one file calls in another, under the file that defines them. */
#ifndef IGMPX_BADHOST_H
#define IGMPX_BADHOST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct sockaddr_ll;

#define ALL_HOSTS    0xE0000001u    /* 224.0.0.1 */
#define MAX_GROUPS   1024
#define MAX_SOURCES  64
#define MAX_CLIENTS  16
#define MAX_LINE     2048
#define ROBUSTNESS   2              /* default Robustness Variable (§8.1) */
#define REC_IS_IN 1                 /* RFC 9776 §4.2.13 record types */
#define REC_IS_EX 2
#define REC_TO_IN 3
#define REC_TO_EX 4
#define REC_ALLOW 5
#define REC_BLOCK 6

/* Bit i is fault_names[i] (badhost.c). */
enum { F_LATE = 1, F_TTL = 2, F_DST = 4, F_CHECKSUM = 8, F_SILENT = 16, F_NORETX = 32,
       F_NOLEAVE = 64, F_CRASH = 128, F_NORA = 256, F_RECTYPE = 512, F_NOGSQ = 1024 };

struct rtx {                        /* retransmission state of one source (§5.1) */
	uint32_t src;
	bool allow;                 /* ALLOW, else BLOCK */
	unsigned left;              /* reports still to carry it */
};

struct group {
	uint32_t addr;
	bool exclude;               /* filter mode; INCLUDE {} is no state */
	unsigned nsrc;
	uint32_t src[MAX_SOURCES];
	unsigned fmc_left;          /* reports still to carry a filter-mode-change record */
	unsigned nrtx;
	struct rtx rtx[2 * MAX_SOURCES];
	double retx_at;             /* next State-Change Report, or < 0 */
	double q_at, q_t;           /* pending group(-and-source) query answer, or < 0 */
	unsigned nq;                /* its recorded sources; 0: group-specific */
	uint32_t q[MAX_SOURCES];
};

struct client {
	int fd;
	size_t len;
	char buf[MAX_LINE];
};

struct host {
	int fd, lfd;
	unsigned faults, robustness, max_groups, max_sources;
	uint32_t addr;
	uint8_t mac[6];
	double general_at, general_q;   /* pending General Query answer, or < 0 */
	unsigned ngroups;
	struct group groups[MAX_GROUPS];
	unsigned nclients;
	struct client clients[MAX_CLIENTS];
	char why[256];                  /* the reason of the last refused command */
};

struct record {
	uint8_t type;
	uint32_t group;
	unsigned nsrc;
	const uint32_t *src;
};

/* badhost.c */
double now(void);
double random_delay(double max);
const char *ntoa(uint32_t a, char *buf);
int refuse(struct host *h, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* badhost-state.c: sending, interface state */
void send_records(const struct host *h, const struct record *r, unsigned nrec,
		  const char *why);
bool has_state(const struct group *g);
struct group *find_group(struct host *h, uint32_t addr);
void tidy(struct host *h, struct group *g);
bool in_list(const uint32_t *l, unsigned n, uint32_t a);
void send_change(struct host *h, struct group *g, const char *why);
int set_filter(struct host *h, uint32_t addr, bool exclude, const uint32_t *src, unsigned n);

/* badhost-query.c: queries, frame input */
void answer_general(struct host *h);
void answer_group(struct host *h, struct group *g);
void on_frame(struct host *h, const uint8_t *f, size_t len, const struct sockaddr_ll *sll);

/* badhost-control.c: the control socket */
int parse_group(struct host *h, const char *s, uint32_t *g);
bool client_input(struct host *h, struct client *c);
int listen_at(const char *path);

#endif
