/* badrouter.h: what the files of igmpx-badrouter share (badrouter.c
 * describes the router and its faults): its configuration, the fault bits,
 * its state (groups with their sources and timers, election), and the
 * functions one file calls in another. */
#ifndef IGMPX_BADROUTER_H
#define IGMPX_BADROUTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MAX_GROUPS  1024
#define MAX_SOURCES 128
#define ALL_HOSTS   0xE0000001u     /* 224.0.0.1 */

/* Bit i is fault_names[i] (badrouter.c). */
enum { F_KEEPQUERY = 1, F_NOTAKEOVER = 2, F_QI = 4, F_ONELMQ = 8, F_LMQMRT = 16,
       F_GSQDST = 32, F_NOSFLAG = 64, F_T9BLOCK = 128, F_NOZERO = 256, F_NQLEAVE = 512,
       F_ZEROQUERY = 1024 };

struct source {
	uint32_t addr;
	double timer;               /* when it runs out; 0: not running (EXCLUDE's Y) */
	unsigned rexmit;            /* Group-and-Source queries still to carry it */
};

struct group {
	uint32_t addr;
	bool exclude;
	double timer;               /* the Group Timer (EXCLUDE), 0 if none */
	unsigned nsrc;
	struct source src[MAX_SOURCES];
	unsigned gsq_left;          /* Group-Specific Queries still to send */
	double gsq_at;              /* the next one, 0 if none */
	double gssq_at;             /* the next Group-and-Source query, 0 if none */
};

struct router {
	int fd, lfd;
	unsigned faults;
	uint32_t addr;
	uint8_t mac[6];
	/* Configuration (s; counts), RFC 9776 §8. */
	double qi, qri, lmqi, sqi, gmi, oqpi;
	unsigned rv, lmqc, sqc;
	/* Election and General Queries. */
	bool querier;
	double oqp_until;           /* Other-Querier-Present timer, 0 if none */
	unsigned startup_left;      /* startup queries still to send */
	double gq_at;               /* next General Query, 0 if none */
	unsigned ngroups;
	struct group groups[MAX_GROUPS];
};

/* badrouter.c */
double now(void);
const char *ntoa(uint32_t a, char *buf);
void send_query(struct router *r, uint32_t group, bool s, const uint32_t *src, unsigned n,
		const char *why);

/* badrouter-state.c: the group table (RFC 9776 §6.2-§6.6) */
void on_record(struct router *r, uint8_t type, uint32_t group, const uint32_t *src,
	       unsigned n, uint32_t from);
void on_specific_query(struct router *r, uint32_t group, bool s, const uint32_t *src,
		       unsigned n);
double state_timers(struct router *r);
void state_dump(const struct router *r, int fd);

#endif
