/* igmpx-member: hold one IPv4 multicast membership so the kernel speaks IGMP.
 *
 *   igmpx-member IFNAME GROUP [include|exclude SRC,SRC...]
 *
 * Joins GROUP on IFNAME (any-source, or with an INCLUDE or EXCLUDE source
 * list), prints "joined" and waits.  Commands on stdin, one a line, change
 * the filter while the membership is held (each answered "ok" or an error):
 *
 *   allow SRC              INCLUDE: add SRC (ALLOW);  EXCLUDE: unblock SRC
 *   block SRC              INCLUDE: drop SRC (BLOCK); EXCLUDE: block SRC
 *   include [SRC,SRC...]   switch the filter to INCLUDE with that list (TO_IN)
 *   exclude [SRC,SRC...]   switch the filter to EXCLUDE with that list (TO_EX)
 *   leave                  drop the membership and exit
 *
 * SIGTERM, SIGINT or end of stdin drop the membership and exit too; the
 * kernel then sends its leave (v2) or state-change report (v3).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAX_SOURCES 64

struct member {
	int fd;
	unsigned ifindex;
	struct in_addr group;
	bool exclude;        /* filter mode; any-source is EXCLUDE {} */
	bool joined;         /* the socket holds the group */
};

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static void sockaddr_of(struct sockaddr_storage *ss, struct in_addr a)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;
	memset(ss, 0, sizeof(*ss));
	sin->sin_family = AF_INET;
	sin->sin_addr = a;
}

/* Parse "A,B,C" (or "" for none) into src[]; returns the count or -1. */
static int parse_sources(const char *list, struct in_addr *src, int max)
{
	char buf[1024];
	int n = 0;
	if (strlen(list) >= sizeof(buf)) {
		fprintf(stderr, "igmpx-member: source list too long\n");
		return -1;
	}
	strcpy(buf, list);
	for (char *save = NULL, *tok = strtok_r(buf, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		if (n == max) {
			fprintf(stderr, "igmpx-member: more than %d sources\n", max);
			return -1;
		}
		if (inet_pton(AF_INET, tok, &src[n]) != 1) {
			fprintf(stderr, "igmpx-member: '%s' is not an IPv4 address\n", tok);
			return -1;
		}
		n++;
	}
	return n;
}

static int group_op(struct member *m, int opt, const char *what)
{
	struct group_req gr = { .gr_interface = m->ifindex };
	sockaddr_of(&gr.gr_group, m->group);
	if (setsockopt(m->fd, IPPROTO_IP, opt, &gr, sizeof(gr)) < 0) {
		fprintf(stderr, "igmpx-member: %s %s: %s\n", what, inet_ntoa(m->group),
			strerror(errno));
		return -1;
	}
	return 0;
}

static int source_op(struct member *m, int opt, struct in_addr src, const char *what)
{
	struct group_source_req gsr = { .gsr_interface = m->ifindex };
	char s[INET_ADDRSTRLEN], g[INET_ADDRSTRLEN];
	sockaddr_of(&gsr.gsr_group, m->group);
	sockaddr_of(&gsr.gsr_source, src);
	if (setsockopt(m->fd, IPPROTO_IP, opt, &gsr, sizeof(gsr)) < 0) {
		inet_ntop(AF_INET, &src, s, sizeof(s));
		inet_ntop(AF_INET, &m->group, g, sizeof(g));
		fprintf(stderr, "igmpx-member: %s %s source %s: %s\n", what, g, s,
			strerror(errno));
		return -1;
	}
	return 0;
}

/* MCAST_MSFILTER (RFC 3678 setsourcefilter): the whole filter at once. */
static int set_filter(struct member *m, bool exclude, const struct in_addr *src, int n)
{
	struct sockaddr_storage grp, list[MAX_SOURCES];
	sockaddr_of(&grp, m->group);
	for (int i = 0; i < n; i++)
		sockaddr_of(&list[i], src[i]);
	/* glibc picks the option level from the length: it must be a sockaddr_in's. */
	if (setsourcefilter(m->fd, m->ifindex, (struct sockaddr *)&grp, sizeof(struct sockaddr_in),
			    exclude ? MCAST_EXCLUDE : MCAST_INCLUDE, (uint32_t)n, list) < 0) {
		fprintf(stderr, "igmpx-member: MCAST_MSFILTER %s %s (%d sources): %s\n",
			exclude ? "exclude" : "include", inet_ntoa(m->group), n,
			strerror(errno));
		return -1;
	}
	m->exclude = exclude;
	m->joined = exclude || n > 0;
	return 0;
}

/* The first membership: any-source, INCLUDE with sources, or EXCLUDE. */
static int join(struct member *m, const char *mode, const char *list)
{
	struct in_addr src[MAX_SOURCES];
	int n = 0;
	if (mode && strcmp(mode, "include") && strcmp(mode, "exclude")) {
		fprintf(stderr, "igmpx-member: mode '%s' is neither include nor exclude\n", mode);
		return -1;
	}
	if (mode && (n = parse_sources(list ? list : "", src, MAX_SOURCES)) < 0)
		return -1;
	if (mode && !strcmp(mode, "include")) {
		if (n == 0) {
			fprintf(stderr, "igmpx-member: include needs at least one source\n");
			return -1;
		}
		m->exclude = false;
		for (int i = 0; i < n; i++)
			if (source_op(m, MCAST_JOIN_SOURCE_GROUP, src[i],
				      "MCAST_JOIN_SOURCE_GROUP") < 0)
				return -1;
		m->joined = true;
		return 0;
	}
	if (group_op(m, MCAST_JOIN_GROUP, "MCAST_JOIN_GROUP") < 0)
		return -1;
	m->exclude = true;
	m->joined = true;
	/* Linux needs the group joined before a filter can be set on it. */
	return n > 0 ? set_filter(m, true, src, n) : 0;
}

static int drop(struct member *m)
{
	if (!m->joined)
		return 0;
	m->joined = false;
	return group_op(m, MCAST_LEAVE_GROUP, "MCAST_LEAVE_GROUP");
}

static int cmd_source(struct member *m, bool allow, const char *arg)
{
	struct in_addr src;
	int opt;
	const char *name;
	if (!arg || inet_pton(AF_INET, arg, &src) != 1) {
		fprintf(stderr, "igmpx-member: %s needs one IPv4 source\n",
			allow ? "allow" : "block");
		return -1;
	}
	if (m->exclude) {
		opt = allow ? MCAST_UNBLOCK_SOURCE : MCAST_BLOCK_SOURCE;
		name = allow ? "MCAST_UNBLOCK_SOURCE" : "MCAST_BLOCK_SOURCE";
	} else {
		opt = allow ? MCAST_JOIN_SOURCE_GROUP : MCAST_LEAVE_SOURCE_GROUP;
		name = allow ? "MCAST_JOIN_SOURCE_GROUP" : "MCAST_LEAVE_SOURCE_GROUP";
	}
	if (source_op(m, opt, src, name) < 0)
		return -1;
	m->joined = true;
	return 0;
}

/* One stdin line.  Returns 1 to exit, 0 when done, -1 on error. */
static int command(struct member *m, char *line)
{
	char *save = NULL;
	char *verb = strtok_r(line, " \t\r\n", &save);
	char *arg = strtok_r(NULL, " \t\r\n", &save);
	struct in_addr src[MAX_SOURCES];
	int n;

	if (!verb)
		return 0;
	if (!strcmp(verb, "leave"))
		return 1;
	if (!strcmp(verb, "allow") || !strcmp(verb, "block"))
		return cmd_source(m, verb[0] == 'a', arg);
	if (!strcmp(verb, "include") || !strcmp(verb, "exclude")) {
		if ((n = parse_sources(arg ? arg : "", src, MAX_SOURCES)) < 0)
			return -1;
		if (!m->joined && group_op(m, MCAST_JOIN_GROUP, "MCAST_JOIN_GROUP") < 0)
			return -1;
		return set_filter(m, verb[0] == 'e', src, n);
	}
	fprintf(stderr, "igmpx-member: unknown command '%s' (allow, block, include, "
		"exclude, leave)\n", verb);
	return -1;
}

/* Read commands until leave, end of input or a signal. */
static void serve(struct member *m)
{
	char line[1200];
	struct pollfd p = { .fd = STDIN_FILENO, .events = POLLIN };
	while (!stop) {
		int r = poll(&p, 1, -1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			fprintf(stderr, "igmpx-member: poll stdin: %s\n", strerror(errno));
			return;
		}
		if (!fgets(line, sizeof(line), stdin))
			return;
		r = command(m, line);
		if (r == 1)
			return;
		printf("%s\n", r == 0 ? "ok" : "error");
		fflush(stdout);
	}
}

int main(int argc, char **argv)
{
	struct member m = { .fd = -1 };
	struct sigaction sa = { .sa_handler = on_signal };

	if (argc != 3 && argc != 4 && argc != 5) {
		fprintf(stderr, "usage: igmpx-member IFNAME GROUP [include|exclude SRC,SRC...]\n");
		return 2;
	}
	if (!(m.ifindex = if_nametoindex(argv[1]))) {
		fprintf(stderr, "igmpx-member: interface %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	if (inet_pton(AF_INET, argv[2], &m.group) != 1 || !IN_MULTICAST(ntohl(m.group.s_addr))) {
		fprintf(stderr, "igmpx-member: '%s' is not an IPv4 multicast group\n", argv[2]);
		return 2;
	}
	if ((m.fd = socket(AF_INET, SOCK_DGRAM, 0)) < 0) {
		fprintf(stderr, "igmpx-member: socket: %s\n", strerror(errno));
		return 1;
	}
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	if (join(&m, argc > 3 ? argv[3] : NULL, argc > 4 ? argv[4] : NULL) < 0)
		return 1;
	printf("joined\n");
	fflush(stdout);
	serve(&m);
	int rc = drop(&m) < 0;
	close(m.fd);
	return rc;
}
