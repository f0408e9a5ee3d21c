/* badhost-control.c: igmpx-badhost's control socket (--control SOCKPATH),
 * the protocol of igmpx-member --serve: a Unix stream socket, a command a
 * line (join, leave, leaveall, include, exclude, allow, block), each parsed
 * and checked here, applied with set_filter() and answered "ok" or
 * "error: WHY".  Also parse_group(), which main() uses for the GROUPs of
 * the command line.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "badhost.h"

/* ---- Control ---------------------------------------------------------------- */

int parse_group(struct host *h, const char *s, uint32_t *g)
{
	struct in_addr a;
	if (inet_pton(AF_INET, s, &a) != 1)
		return refuse(h, "'%s' is not an IPv4 address", s);
	*g = ntohl(a.s_addr);
	if ((*g >> 28) != 0xE || (*g >> 8) == 0xE00000)
		return refuse(h, "'%s' is not a multicast group outside 224.0.0.0/24", s);
	return 0;
}

/* SRC,SRC,... (may be empty); the count, or -1. */
static int parse_sources(struct host *h, char *list, uint32_t *out)
{
	int n = 0;
	for (char *save = NULL, *t = strtok_r(list, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		struct in_addr a;
		if (inet_pton(AF_INET, t, &a) != 1)
			return refuse(h, "source '%s' is not an IPv4 address", t);
		if (n == MAX_SOURCES)
			return refuse(h, "more than %d sources", MAX_SOURCES);
		uint32_t s = ntohl(a.s_addr);
		if (!in_list(out, (unsigned)n, s))
			out[n++] = s;
	}
	return n;
}

static int leave_all(struct host *h)
{
	for (unsigned i = h->ngroups; i-- > 0;)
		if (i < h->ngroups && has_state(&h->groups[i]))
			set_filter(h, h->groups[i].addr, false, NULL, 0);
	return 0;
}

/* One command line; 0 or -1 with h->why set. */
static int command(struct host *h, char *line)
{
	char *w[5], *save = NULL, empty[] = "";
	int n = 0;
	uint32_t addr, src[MAX_SOURCES];

	for (char *t = strtok_r(line, " \t\r\n", &save); t && n < 5; t = strtok_r(NULL, " \t\r\n", &save))
		w[n++] = t;
	if (!n)
		return refuse(h, "empty command");
	if (!strcmp(w[0], "leaveall"))
		return n > 1 ? refuse(h, "leaveall takes no arguments") : leave_all(h);
	int maxw = !strcmp(w[0], "join") ? 4 : !strcmp(w[0], "leave") ? 2
		 : !strcmp(w[0], "include") || !strcmp(w[0], "exclude") || !strcmp(w[0], "allow") ||
		   !strcmp(w[0], "block") ? 3 : 0;
	if (!maxw)
		return refuse(h, "unknown command '%s' (join, leave, leaveall, include, exclude, "
			      "allow, block)", w[0]);
	if (n < 2)
		return refuse(h, "%s needs a GROUP", w[0]);
	if (n > maxw)
		return refuse(h, "too many words for %s: '%s'", w[0], w[maxw]);
	if (parse_group(h, w[1], &addr) < 0)
		return -1;
	struct group *g = find_group(h, addr);
	bool held = g && has_state(g);
	if (!strcmp(w[0], "join")) {
		bool ex = true;
		if (n > 2 && strcmp(w[2], "include") && strcmp(w[2], "exclude"))
			return refuse(h, "join: '%s' is neither include nor exclude", w[2]);
		if (n > 2)
			ex = w[2][0] == 'e';
		int k = parse_sources(h, n > 3 ? w[3] : empty, src);
		if (k < 0)
			return -1;
		if (!ex && !k)
			return refuse(h, "join: INCLUDE {} is no membership");
		if (ex && (addr >> 24) == 232)
			return refuse(h, "%s is an SSM address: source-specific joins only "
				      "(RFC 4604 §2.1)", w[1]);
		return set_filter(h, addr, ex, src, (unsigned)k);
	}
	if (!held)
		return refuse(h, "%s is not held", w[1]);
	if (!strcmp(w[0], "leave"))
		return set_filter(h, addr, false, NULL, 0);
	if (!strcmp(w[0], "exclude") && (addr >> 24) == 232)
		return refuse(h, "%s is an SSM address: no EXCLUDE filter (RFC 4604 §2.1)", w[1]);
	if (!strcmp(w[0], "include") || !strcmp(w[0], "exclude")) {
		int k = parse_sources(h, n > 2 ? w[2] : empty, src);
		return k < 0 ? -1 : set_filter(h, addr, w[0][0] == 'e', src, (unsigned)k);
	}
	/* allow / block one source */
	if (n < 3 || parse_sources(h, w[2], src) != 1)
		return refuse(h, "%s needs one SRC", w[0]);
	bool add = (w[0][0] == 'a') != g->exclude;     /* to the list, or off it */
	uint32_t list[MAX_SOURCES + 1], s = src[0];
	unsigned k = 0;
	for (unsigned i = 0; i < g->nsrc; i++)
		if (g->src[i] != s)
			list[k++] = g->src[i];
	if (add)
		list[k++] = s;
	return set_filter(h, addr, g->exclude, list, k);
}

/* Reads from a client and answers each whole line; false once done with it. */
bool client_input(struct host *h, struct client *c)
{
	ssize_t r = read(c->fd, c->buf + c->len, sizeof(c->buf) - 1 - c->len);
	char *nl;

	if (r < 0 && errno == EINTR)
		return true;
	if (r <= 0) {
		if (r == 0 && c->len) {                 /* a last line without newline */
			c->buf[c->len] = '\n';
			c->len++;
		} else {
			return false;
		}
	} else {
		c->len += (size_t)r;
	}
	while ((nl = memchr(c->buf, '\n', c->len))) {
		size_t used = (size_t)(nl + 1 - c->buf);
		char out[sizeof(h->why) + 16], cmd[160];
		*nl = '\0';
		snprintf(cmd, sizeof(cmd), "%s", c->buf);
		int len;
		if (command(h, c->buf) == 0) {
			fprintf(stderr, "badhost: command '%s': ok\n", cmd);
			len = snprintf(out, sizeof(out), "ok\n");
		} else {
			fprintf(stderr, "badhost: command '%s': %s\n", cmd, h->why);
			len = snprintf(out, sizeof(out), "error: %s\n", h->why);
		}
		send(c->fd, out, (size_t)len, MSG_NOSIGNAL);
		memmove(c->buf, nl + 1, c->len - used);
		c->len -= used;
	}
	if (c->len == sizeof(c->buf) - 1) {
		static const char msg[] = "error: line too long\n";
		send(c->fd, msg, sizeof(msg) - 1, MSG_NOSIGNAL);
		return false;
	}
	return r > 0;
}

int listen_at(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "igmpx-badhost: socket path %s too long\n", path);
		exit(2);
	}
	strcpy(sa.sun_path, path);
	unlink(path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(fd, 16) < 0) {
		fprintf(stderr, "igmpx-badhost: %s: %s\n", path, strerror(errno));
		exit(1);
	}
	return fd;
}
