/* badhost-state.c: igmpx-badhost's interface state and the reports it
 * sends.  Reports are built here (records packed into as few reports as
 * fit, faults ttl, dst, nora, checksum and rectype applied to every frame);
 * a join, leave or filter change becomes the new interface state and its
 * State-Change Report (Table 3), retransmitted with per-source counts and a
 * filter-mode-change count (Table 4).  Faults noretx and noleave act here
 * (noleave's leave on exit is in main()).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "codec.h"
#include "ip.h"
#include "badhost.h"

#define URI          1.0            /* Unsolicited Report Interval, s (§8.11) */
#define REPORT_ROOM  (1500 - 24 - IGMPX_LEN_V3_REPORT)   /* records per report */

/* ---- Sending ------------------------------------------------------------------- */

/* Sends one v3 report of the records held in igmp[0..len), faults applied. */
static void send_frame(const struct host *h, uint8_t *igmp, size_t len, unsigned nrec,
		       const char *what, const char *why)
{
	uint8_t frame[1514];
	struct igmpx_wbuf w = { .p = igmp, .cap = len, .len = len };
	struct igmpx_ipv4_spec ip;
	uint32_t dst = h->faults & F_DST ? ALL_HOSTS : IGMPX_ADDR_ALL_IGMPV3_ROUTERS;

	igmpx_put16_at(&w, IGMPX_OFF_R_NREC, (uint16_t)nrec);
	igmpx_put16_at(&w, IGMPX_OFF_CHECKSUM, 0);
	igmpx_finish(&w);
	if (h->faults & F_CHECKSUM)   /* never the other form of zero: 0x0000 vs 0xFFFF */
		igmpx_put16_at(&w, IGMPX_OFF_CHECKSUM,
			       (uint16_t)((igmp[2] << 8 | igmp[3]) ^ 0x5555));
	igmpx_ether_mcast(dst, frame);
	memcpy(frame + 6, h->mac, 6);
	frame[12] = 0x08;
	frame[13] = 0x00;
	igmpx_ipv4_defaults(&ip, h->addr, dst);
	if (h->faults & F_TTL)
		ip.ttl = 64;
	if (h->faults & F_NORA)
		ip.router_alert = false;
	size_t n = igmpx_ipv4_build(&ip, igmp, len, frame + 14, sizeof(frame) - 14);
	if (!n || send(h->fd, frame, 14 + n, 0) < 0)
		fprintf(stderr, "badhost: sending report %s failed: %s\n", what,
			n ? strerror(errno) : "too long");
	else
		fprintf(stderr, "badhost: report %s %s\n", what, why);
}

/* Sends the records in as many reports as they need (RFC 9776 §4.2.17:
 * records that do not fit one report go into the next). */
void send_records(const struct host *h, const struct record *r, unsigned nrec,
			 const char *why)
{
	uint8_t igmp[1500];
	char what[400];
	struct igmpx_wbuf w;
	unsigned inmsg = 0;
	size_t wl = 0;

	for (unsigned i = 0; i <= nrec; i++) {
		size_t need = i < nrec ? IGMPX_LEN_V3_RECORD + 4 * (size_t)r[i].nsrc : 0;
		if (inmsg && (i == nrec || w.len + need > IGMPX_LEN_V3_REPORT + REPORT_ROOM)) {
			send_frame(h, igmp, w.len, inmsg, what, why);
			inmsg = 0;
		}
		if (i == nrec)
			break;
		if (!inmsg) {
			igmpx_wbuf_init(&w, igmp, sizeof(igmp));
			igmpx_build_v3_report(&w, 0, 0, 0);
			wl = 0;
			what[0] = '\0';
		}
		uint8_t type = r[i].type;
		if (h->faults & F_RECTYPE)   /* IS_IN <-> IS_EX, TO_IN <-> TO_EX, ALLOW <-> BLOCK */
			type = (uint8_t)(type & 1 ? type + 1 : type - 1);
		igmpx_build_v3_record(&w, type, 0, (uint16_t)r[i].nsrc, r[i].group, r[i].src,
				      r[i].nsrc);
		inmsg++;
		char g[INET_ADDRSTRLEN];
		if (wl < sizeof(what) - 40)
			wl += (size_t)snprintf(what + wl, sizeof(what) - wl, "%s%s %s (%u)",
					       inmsg > 1 ? ", " : "", igmpx_record_type_abbrev(type),
					       ntoa(r[i].group, g), r[i].nsrc);
		else if (wl < sizeof(what) - 4)
			wl += (size_t)snprintf(what + wl, sizeof(what) - wl, "...");
	}
}

/* ---- Interface state (§3.2, §5.1) ----------------------------------------------- */

bool has_state(const struct group *g)
{
	return g->exclude || g->nsrc > 0;
}

struct group *find_group(struct host *h, uint32_t addr)
{
	for (unsigned i = 0; i < h->ngroups; i++)
		if (h->groups[i].addr == addr)
			return &h->groups[i];
	return NULL;
}

/* Drops an entry with nothing left to do: no state, no retransmission. */
void tidy(struct host *h, struct group *g)
{
	if (has_state(g) || g->fmc_left || g->nrtx)
		return;
	*g = h->groups[--h->ngroups];
}

bool in_list(const uint32_t *l, unsigned n, uint32_t a)
{
	for (unsigned i = 0; i < n; i++)
		if (l[i] == a)
			return true;
	return false;
}

/* The State-Change Report of a group now, by Table 4; schedules the next
 * retransmission while any is left.  Does not tidy. */
void send_change(struct host *h, struct group *g, const char *why)
{
	struct record r[2];
	uint32_t allow[2 * MAX_SOURCES], block[2 * MAX_SOURCES];
	unsigned nr = 0, na = 0, nb = 0;

	if (g->fmc_left) {
		r[nr++] = (struct record){ g->exclude ? REC_TO_EX : REC_TO_IN, g->addr, g->nsrc, g->src };
		g->fmc_left--;
	} else {
		unsigned k = 0;
		for (unsigned i = 0; i < g->nrtx; i++) {
			struct rtx *x = &g->rtx[i];
			if (x->allow)
				allow[na++] = x->src;
			else
				block[nb++] = x->src;
			if (--x->left)
				g->rtx[k++] = *x;
		}
		g->nrtx = k;
		if (na)
			r[nr++] = (struct record){ REC_ALLOW, g->addr, na, allow };
		if (nb)
			r[nr++] = (struct record){ REC_BLOCK, g->addr, nb, block };
	}
	if (nr)
		send_records(h, r, nr, why);
	g->retx_at = g->fmc_left || g->nrtx ? now() + random_delay(URI) : -1;
}

/* Retransmission state for a source: it goes into the next reports. */
static void note_source(struct group *g, uint32_t src, bool allow, unsigned count)
{
	for (unsigned i = 0; i < g->nrtx; i++) {
		if (g->rtx[i].src == src) {
			g->rtx[i] = (struct rtx){ src, allow, count };
			return;
		}
	}
	if (g->nrtx == sizeof(g->rtx) / sizeof(g->rtx[0])) {
		fprintf(stderr, "badhost: too many sources with retransmission state\n");
		return;
	}
	g->rtx[g->nrtx++] = (struct rtx){ src, allow, count };
}

/* The interface state of addr becomes mode (exclude) with src[0..n):
 * reported at once (Table 3, merged with what is pending), then
 * retransmitted.  0, or -1 with h->why set. */
int set_filter(struct host *h, uint32_t addr, bool exclude, const uint32_t *src, unsigned n)
{
	struct group *g = find_group(h, addr);
	unsigned count = h->faults & F_NORETX ? 1 : h->robustness;
	char a[INET_ADDRSTRLEN];

	if (n > h->max_sources)
		return refuse(h, "%u sources, more than the limit of %u", n, h->max_sources);
	if (!g) {
		if (!exclude && !n)
			return 0;                     /* INCLUDE {} to INCLUDE {}: no change */
		if (h->ngroups >= h->max_groups)
			return refuse(h, "already in %u groups, the limit", h->max_groups);
		g = &h->groups[h->ngroups++];
		*g = (struct group){ .addr = addr, .retx_at = -1, .q_at = -1 };
	}
	bool old_ex = g->exclude;
	unsigned old_n = g->nsrc;
	uint32_t old[MAX_SOURCES];
	memcpy(old, g->src, sizeof(old[0]) * old_n);

	if (!exclude && !n && h->faults & F_NOLEAVE) {
		fprintf(stderr, "badhost: leaving %s without a report\n", ntoa(addr, a));
		g->exclude = false;
		g->nsrc = 0;
		g->fmc_left = g->nrtx = 0;
		g->retx_at = -1;
		tidy(h, g);
		return 0;
	}
	bool same = old_ex == exclude && old_n == n;
	for (unsigned i = 0; same && i < n; i++)
		same = in_list(old, old_n, src[i]);
	if (same)
		return 0;                             /* no change of interface state */
	g->exclude = exclude;
	g->nsrc = n;
	memcpy(g->src, src, sizeof(src[0]) * n);
	if (old_ex != exclude) {                      /* filter-mode change: TO_IN / TO_EX */
		g->fmc_left = count;
		g->nrtx = 0;
	} else {                                      /* source-list change, Table 3: */
		/* INCLUDE: ALLOW (B-A), BLOCK (A-B); EXCLUDE: ALLOW (A-B), BLOCK (B-A),
		 * A the old list, B the new: ALLOW (x-y), BLOCK (y-x). */
		const uint32_t *x = exclude ? old : src, *y = exclude ? src : old;
		unsigned nx = exclude ? old_n : n, ny = exclude ? n : old_n;
		for (unsigned i = 0; i < nx; i++)
			if (!in_list(y, ny, x[i]))
				note_source(g, x[i], true, count);
		for (unsigned i = 0; i < ny; i++)
			if (!in_list(x, nx, y[i]))
				note_source(g, y[i], false, count);
	}
	fprintf(stderr, "badhost: %s is now %s (%u source%s)\n", ntoa(addr, a),
		exclude ? "EXCLUDE" : "INCLUDE", n, n == 1 ? "" : "s");
	send_change(h, g, "(state change)");
	tidy(h, g);
	return 0;
}
