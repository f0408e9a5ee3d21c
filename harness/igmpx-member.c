/* igmpx-member: hold IPv4 multicast memberships so the kernel speaks IGMP.
 *
 *   igmpx-member IFNAME GROUP [include|exclude SRC,SRC...]
 *   igmpx-member --serve SOCKPATH IFNAME
 *   igmpx-member --send SOCKPATH WORD...
 *
 * The first form joins GROUP on IFNAME (any-source, or with an INCLUDE or
 * EXCLUDE source list), prints "joined" and waits.  Commands on stdin, one a
 * line, change the filter while the membership is held (each answered "ok"
 * or "error", the reason on stderr):
 *
 *   allow SRC              INCLUDE: add SRC (ALLOW);  EXCLUDE: unblock SRC
 *   block SRC              INCLUDE: drop SRC (BLOCK); EXCLUDE: block SRC
 *   include [SRC,SRC...]   switch the filter to INCLUDE with that list (TO_IN)
 *   exclude [SRC,SRC...]   switch the filter to EXCLUDE with that list (TO_EX)
 *   leave                  drop the membership and exit
 *
 * SIGTERM, SIGINT or end of stdin drop the membership and exit too; the
 * kernel then sends its leave (v2) or state-change report (v3).
 *
 * --serve holds any number of groups on IFNAME, each on its own socket so
 * that per-group source filters stay independent.  It listens on the Unix
 * stream socket SOCKPATH (replacing a stale one), prints "serving SOCKPATH"
 * and takes commands, one a line, each answered "ok" or "error: WHY":
 *
 *   join GROUP [include|exclude [SRC,...]]  join, or replace a held group's filter
 *   leave GROUP | leaveall                  drop one or every membership
 *   allow GROUP SRC | block GROUP SRC       as allow/block above, for GROUP
 *   include GROUP [SRC,...] | exclude GROUP [SRC,...]
 *
 * A filter change is one setsourcefilter() with the whole new list, so the
 * kernel makes one state change and sends one state-change report (RFC 9776
 * §5.1 Table 3); only a new INCLUDE join takes two, the first source and
 * then the rest, which the kernel reports together.  INCLUDE {} leaves the
 * group, which is then no longer held.  SIGTERM/SIGINT drop every
 * membership, remove SOCKPATH and exit 0.
 *
 * --send connects to SOCKPATH (retrying for 3 s while a server starts),
 * sends its WORDs as one line and prints the answer: exit 0 on "ok", 1 on
 * "error: ..." (on stderr), 2 when there is no server or no answer in 10 s.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define MAX_SOURCES 64
#define MAX_GROUPS 512          /* one fd each: stays under the usual 1024 fd limit */
#define MAX_CLIENTS 16
#define MAX_LINE 2048           /* a verb, a group and MAX_SOURCES addresses fit */
#define CONNECT_SECS 3
#define ANSWER_SECS 10

struct member {
	int fd;
	unsigned ifindex;
	struct in_addr group;
	bool exclude;        /* filter mode; any-source is EXCLUDE {} */
	bool joined;         /* the socket holds the group */
};

static volatile sig_atomic_t stop;
static char why[320];            /* why the last operation failed */

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

/* Record why something failed, for stderr or a client's answer; returns -1. */
__attribute__((format(printf, 1, 2)))
static int fail(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	return -1;
}

/* strerror, naming the sysctl behind Linux's ENOBUFS for too many sources. */
static const char *err_text(int e)
{
	return e == ENOBUFS ? "No buffer space (sources per socket are capped by "
			      "net.ipv4.igmp_max_msf)" : strerror(e);
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
	char buf[MAX_SOURCES * 16 + 1];
	int n = 0;
	if (strlen(list) >= sizeof(buf))
		return fail("source list too long");
	strcpy(buf, list);
	for (char *save = NULL, *tok = strtok_r(buf, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		if (n == max)
			return fail("more than %d sources", max);
		if (inet_pton(AF_INET, tok, &src[n]) != 1)
			return fail("'%s' is not an IPv4 address", tok);
		/* The kernel counts a repeated source twice; that is never what was meant. */
		for (int i = 0; i < n; i++)
			if (src[i].s_addr == src[n].s_addr)
				return fail("source %s is listed twice", tok);
		n++;
	}
	return n;
}

static int group_op(struct member *m, int opt, const char *what)
{
	struct group_req gr = { .gr_interface = m->ifindex };
	sockaddr_of(&gr.gr_group, m->group);
	if (setsockopt(m->fd, IPPROTO_IP, opt, &gr, sizeof(gr)) < 0)
		return fail("%s %s: %s", what, inet_ntoa(m->group), err_text(errno));
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
		return fail("%s %s source %s: %s", what, g, s, err_text(errno));
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
	if (setsourcefilter(m->fd, m->ifindex, (struct sockaddr *)&grp,
			    sizeof(struct sockaddr_in), exclude ? MCAST_EXCLUDE : MCAST_INCLUDE,
			    (uint32_t)n, list) < 0)
		return fail("MCAST_MSFILTER %s %s (%d sources): %s",
			    exclude ? "exclude" : "include", inet_ntoa(m->group), n,
			    err_text(errno));
	m->exclude = exclude;
	/* INCLUDE {} is how Linux spells "not a member": it has left the group. */
	m->joined = exclude || n > 0;
	return 0;
}

/* Does the socket still hold the group?  Linux silently leaves when the last
 * source of an INCLUDE filter is dropped one at a time. */
static bool held(struct member *m)
{
	struct sockaddr_storage grp;
	uint32_t mode, n = 0;
	sockaddr_of(&grp, m->group);
	return getsourcefilter(m->fd, m->ifindex, (struct sockaddr *)&grp,
			       sizeof(struct sockaddr_in), &mode, &n, NULL) == 0;
}

/* Linux takes at most net.ipv4.igmp_max_msf sources per socket (10 by
 * default).  A new join checks first, so that one refused halfway through
 * sends no reports at all. */
static int check_max_msf(int n)
{
	FILE *f = fopen("/proc/sys/net/ipv4/igmp_max_msf", "r");
	int max, got;
	if (!f)
		return 0;       /* the kernel will say ENOBUFS itself */
	got = fscanf(f, "%d", &max);
	fclose(f);
	if (got == 1 && n > max)
		return fail("%d sources, but net.ipv4.igmp_max_msf allows %d per socket", n, max);
	return 0;
}

/* Join any-source, INCLUDE with sources, or EXCLUDE; a held group gets the
 * new filter in one change instead. */
static int join(struct member *m, const char *mode, const char *list)
{
	struct in_addr src[MAX_SOURCES];
	bool exclude = !mode || !strcmp(mode, "exclude");
	int n = 0;
	if (mode && strcmp(mode, "include") && strcmp(mode, "exclude"))
		return fail("mode '%s' is neither include nor exclude", mode);
	if (mode && (n = parse_sources(list ? list : "", src, MAX_SOURCES)) < 0)
		return -1;
	if (!exclude && n == 0)
		return fail("include needs at least one source");
	if (m->joined)
		return set_filter(m, exclude, src, n);
	if (check_max_msf(n) < 0)
		return -1;
	if (!exclude) {
		/* Linux sets filters only on held groups: the first source joins,
		 * the rest follow at once, before the kernel's report goes out. */
		if (source_op(m, MCAST_JOIN_SOURCE_GROUP, src[0], "MCAST_JOIN_SOURCE_GROUP") < 0)
			return -1;
		m->exclude = false;
		m->joined = true;
		return n > 1 ? set_filter(m, false, src, n) : 0;
	}
	if (group_op(m, MCAST_JOIN_GROUP, "MCAST_JOIN_GROUP") < 0)
		return -1;
	m->exclude = true;
	m->joined = true;
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
	if (!arg)
		return fail("%s needs one IPv4 source", allow ? "allow" : "block");
	if (inet_pton(AF_INET, arg, &src) != 1)
		return fail("'%s' is not an IPv4 address", arg);
	if (m->exclude) {
		opt = allow ? MCAST_UNBLOCK_SOURCE : MCAST_BLOCK_SOURCE;
		name = allow ? "MCAST_UNBLOCK_SOURCE" : "MCAST_BLOCK_SOURCE";
	} else {
		opt = allow ? MCAST_JOIN_SOURCE_GROUP : MCAST_LEAVE_SOURCE_GROUP;
		name = allow ? "MCAST_JOIN_SOURCE_GROUP" : "MCAST_LEAVE_SOURCE_GROUP";
	}
	if (source_op(m, opt, src, name) < 0)
		return -1;
	m->joined = m->exclude || allow || held(m);
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
	return fail("unknown command '%s' (allow, block, include, exclude, leave)", verb);
}

/* Read commands until leave, end of input or a signal. */
static void serve_stdin(struct member *m)
{
	char line[MAX_LINE];
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
		if (r < 0)
			fprintf(stderr, "igmpx-member: %s\n", why);
		printf("%s\n", r == 0 ? "ok" : "error");
		fflush(stdout);
	}
}

static int single(const char *ifname, const char *group, const char *mode, const char *list)
{
	struct member m = { .fd = -1 };
	if (!(m.ifindex = if_nametoindex(ifname))) {
		fprintf(stderr, "igmpx-member: interface %s: %s\n", ifname, strerror(errno));
		return 1;
	}
	if (inet_pton(AF_INET, group, &m.group) != 1 || !IN_MULTICAST(ntohl(m.group.s_addr))) {
		fprintf(stderr, "igmpx-member: '%s' is not an IPv4 multicast group\n", group);
		return 2;
	}
	if ((m.fd = socket(AF_INET, SOCK_DGRAM, 0)) < 0) {
		fprintf(stderr, "igmpx-member: socket: %s\n", strerror(errno));
		return 1;
	}
	if (join(&m, mode, list) < 0) {
		fprintf(stderr, "igmpx-member: %s\n", why);
		return 1;
	}
	printf("joined\n");
	fflush(stdout);
	serve_stdin(&m);
	int rc = 0;
	if (drop(&m) < 0) {
		fprintf(stderr, "igmpx-member: %s\n", why);
		rc = 1;
	}
	close(m.fd);
	return rc;
}

/* --serve: the table of held groups; an entry exists while the kernel holds it. */
static struct member groups[MAX_GROUPS];
static int ngroups;
static unsigned serve_ifindex;

struct client {
	int fd;
	size_t len;
	char buf[MAX_LINE + 1];
};

static struct member *find(struct in_addr g)
{
	for (int i = 0; i < ngroups; i++)
		if (groups[i].group.s_addr == g.s_addr)
			return &groups[i];
	return NULL;
}

/* Close m's socket (which drops anything left) and take it out of the table. */
static void forget(struct member *m)
{
	close(m->fd);
	*m = groups[--ngroups];
}

static int leave_all(void)
{
	int rc = 0;
	while (ngroups > 0) {
		struct member *m = &groups[ngroups - 1];
		if (drop(m) < 0)
			rc = -1;
		forget(m);
	}
	return rc;
}

/* One command line for --serve; 0 or -1 with why[] set. */
static int serve_command(char *line)
{
	char *w[6], *save = NULL;
	int n = 0, r, maxw;
	struct in_addr g, src[MAX_SOURCES];
	struct member *m;

	for (char *t = strtok_r(line, " \t\r\n", &save); t && n < 6;
	     t = strtok_r(NULL, " \t\r\n", &save))
		w[n++] = t;
	if (n == 0)
		return fail("empty command");
	if (!strcmp(w[0], "leaveall"))
		return n > 1 ? fail("leaveall takes no arguments") : leave_all();
	if (!strcmp(w[0], "join"))
		maxw = 4;
	else if (!strcmp(w[0], "leave"))
		maxw = 2;
	else if (!strcmp(w[0], "allow") || !strcmp(w[0], "block") ||
		 !strcmp(w[0], "include") || !strcmp(w[0], "exclude"))
		maxw = 3;
	else
		return fail("unknown command '%s' (join, leave, allow, block, include, exclude, "
			    "leaveall)", w[0]);
	if (n < 2)
		return fail("%s needs a GROUP", w[0]);
	if (n > maxw)
		return fail("too many words for %s: '%s'", w[0], w[maxw]);
	if (inet_pton(AF_INET, w[1], &g) != 1 || !IN_MULTICAST(ntohl(g.s_addr)))
		return fail("'%s' is not an IPv4 multicast group", w[1]);

	m = find(g);
	if (!strcmp(w[0], "join")) {
		if (m)
			return join(m, n > 2 ? w[2] : NULL, n > 3 ? w[3] : NULL);
		if (ngroups == MAX_GROUPS)
			return fail("already holding %d groups", MAX_GROUPS);
		m = &groups[ngroups];
		*m = (struct member){ .ifindex = serve_ifindex, .group = g };
		if ((m->fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) < 0)
			return fail("socket: %s", strerror(errno));
		if (join(m, n > 2 ? w[2] : NULL, n > 3 ? w[3] : NULL) < 0) {
			close(m->fd);   /* drops whatever part of the join took */
			return -1;
		}
		ngroups++;
		return 0;
	}
	if (!m)
		return fail("%s is not held", w[1]);
	if (!strcmp(w[0], "leave")) {
		r = drop(m);
		forget(m);
		return r;
	}
	if (!strcmp(w[0], "allow") || !strcmp(w[0], "block")) {
		r = cmd_source(m, w[0][0] == 'a', n > 2 ? w[2] : NULL);
	} else {
		if ((r = parse_sources(n > 2 ? w[2] : "", src, MAX_SOURCES)) < 0)
			return -1;
		r = set_filter(m, w[0][0] == 'e', src, r);
	}
	if (!m->joined)
		forget(m);      /* INCLUDE {}: the kernel left the group */
	return r;
}

/* Answer one line to a client, and log failures for whoever runs the server. */
static void answer(int fd, char *line)
{
	char cmd[160], out[sizeof(why) + 16];
	int len;
	line[strcspn(line, "\r")] = '\0';
	snprintf(cmd, sizeof(cmd), "%s", line);
	if (serve_command(line) == 0) {
		len = snprintf(out, sizeof(out), "ok\n");
	} else {
		fprintf(stderr, "igmpx-member: %s: %s\n", cmd, why);
		len = snprintf(out, sizeof(out), "error: %s\n", why);
	}
	if (send(fd, out, (size_t)len, MSG_NOSIGNAL) < 0)
		fprintf(stderr, "igmpx-member: answering '%s': %s\n", cmd, strerror(errno));
}

/* Read from a client and answer each whole line; false once it is done with. */
static bool client_input(struct client *c)
{
	ssize_t r = read(c->fd, c->buf + c->len, MAX_LINE - c->len);
	char *nl;
	if (r < 0 && errno == EINTR)
		return true;
	if (r <= 0) {
		/* A last line without its newline still deserves an answer. */
		if (r == 0 && c->len > 0) {
			c->buf[c->len] = '\0';
			answer(c->fd, c->buf);
		}
		return false;
	}
	c->len += (size_t)r;
	while ((nl = memchr(c->buf, '\n', c->len))) {
		size_t used = (size_t)(nl + 1 - c->buf);
		*nl = '\0';
		answer(c->fd, c->buf);
		memmove(c->buf, nl + 1, c->len - used);
		c->len -= used;
	}
	if (c->len == MAX_LINE) {
		static const char msg[] = "error: line too long\n";
		send(c->fd, msg, sizeof(msg) - 1, MSG_NOSIGNAL);
		return false;
	}
	return true;
}

static int unix_addr(struct sockaddr_un *sa_un, const char *path)
{
	memset(sa_un, 0, sizeof(*sa_un));
	sa_un->sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sa_un->sun_path))
		return fail("socket path %s is longer than %zu bytes", path,
			    sizeof(sa_un->sun_path) - 1);
	strcpy(sa_un->sun_path, path);
	return 0;
}

/* Bind and listen at path, replacing a stale socket but never a live one or a file. */
static int listen_at(const char *path, ino_t *ino)
{
	struct sockaddr_un sa_un;
	struct stat st;
	int fd;
	if (unix_addr(&sa_un, path) < 0)
		return -1;
	if (lstat(path, &st) == 0) {
		if (!S_ISSOCK(st.st_mode))
			return fail("%s exists and is not a socket", path);
		fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fd >= 0 && connect(fd, (struct sockaddr *)&sa_un, sizeof(sa_un)) == 0) {
			close(fd);
			return fail("%s: another server is listening there", path);
		}
		if (fd >= 0)
			close(fd);
		if (unlink(path) < 0)
			return fail("removing stale %s: %s", path, strerror(errno));
	}
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		return fail("socket: %s", strerror(errno));
	if (bind(fd, (struct sockaddr *)&sa_un, sizeof(sa_un)) < 0 || listen(fd, 16) < 0 ||
	    stat(path, &st) < 0) {
		fail("%s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	*ino = st.st_ino;
	return fd;
}

static int serve_socket(const char *path, const char *ifname)
{
	static struct client cl[MAX_CLIENTS];
	struct pollfd pf[MAX_CLIENTS + 1];
	struct sigaction sa = { .sa_handler = on_signal };
	sigset_t block, waiting;
	struct stat st;
	ino_t ino = 0;
	int lfd, ncl = 0, rc = 0;

	if (!(serve_ifindex = if_nametoindex(ifname))) {
		fprintf(stderr, "igmpx-member: interface %s: %s\n", ifname, strerror(errno));
		return 1;
	}
	/* Signals stay blocked except inside ppoll, so none is lost between
	 * checking stop and waiting; ppoll takes them even if our parent had
	 * them blocked. */
	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	sigprocmask(SIG_BLOCK, &block, &waiting);
	sigdelset(&waiting, SIGTERM);
	sigdelset(&waiting, SIGINT);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	if ((lfd = listen_at(path, &ino)) < 0) {
		fprintf(stderr, "igmpx-member: %s\n", why);
		return 1;
	}
	printf("serving %s\n", path);
	fflush(stdout);

	while (!stop) {
		int np = 0, base;
		/* A full table leaves new connections waiting in the backlog. */
		if (ncl < MAX_CLIENTS)
			pf[np++] = (struct pollfd){ .fd = lfd, .events = POLLIN };
		base = np;
		for (int i = 0; i < ncl; i++)
			pf[np++] = (struct pollfd){ .fd = cl[i].fd, .events = POLLIN };
		if (ppoll(pf, (nfds_t)np, NULL, &waiting) < 0) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, "igmpx-member: poll: %s\n", strerror(errno));
			rc = 1;
			break;
		}
		/* Backwards, so the client moved into a closed one's slot was seen. */
		for (int i = ncl - 1; i >= 0; i--) {
			if (!pf[base + i].revents || client_input(&cl[i]))
				continue;
			close(cl[i].fd);
			cl[i] = cl[--ncl];
		}
		if (base && (pf[0].revents & POLLIN)) {
			int fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
			if (fd >= 0) {
				cl[ncl].fd = fd;
				cl[ncl++].len = 0;
			} else if (errno != EINTR && errno != ECONNABORTED) {
				fprintf(stderr, "igmpx-member: accept: %s\n", strerror(errno));
			}
		}
	}
	if (leave_all() < 0)
		fprintf(stderr, "igmpx-member: %s\n", why);
	while (ncl > 0)
		close(cl[--ncl].fd);
	close(lfd);
	/* Only our own socket: a newer server may have taken the path over. */
	if (lstat(path, &st) == 0 && st.st_ino == ino)
		unlink(path);
	return rc;
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* --send: one command to a server; exit 0 ok, 1 error answer, 2 no answer. */
static int send_words(const char *path, int nw, char **words)
{
	struct sockaddr_un sa_un;
	struct timespec pause = { .tv_nsec = 20 * 1000 * 1000 };
	struct timeval tv = { .tv_sec = ANSWER_SECS };
	char line[MAX_LINE], ans[sizeof(why) + 64], *nl = NULL;
	size_t len = 0, got = 0;
	double deadline = now() + CONNECT_SECS;
	ssize_t r;
	int fd;

	for (int i = 0; i < nw; i++) {
		size_t wl = strlen(words[i]);
		if (len + wl + 2 > sizeof(line)) {
			fprintf(stderr, "igmpx-member: command longer than %d bytes\n", MAX_LINE);
			return 2;
		}
		if (i)
			line[len++] = ' ';
		memcpy(line + len, words[i], wl);
		len += wl;
	}
	line[len] = '\n';
	if (unix_addr(&sa_un, path) < 0) {
		fprintf(stderr, "igmpx-member: %s\n", why);
		return 2;
	}
	for (;;) {
		if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0) {
			fprintf(stderr, "igmpx-member: socket: %s\n", strerror(errno));
			return 2;
		}
		if (connect(fd, (struct sockaddr *)&sa_un, sizeof(sa_un)) == 0)
			break;
		int e = errno;
		close(fd);
		/* Not there yet, or not listening yet: the server may be starting. */
		bool starting = e == ENOENT || e == ECONNREFUSED || e == EAGAIN;
		if (!starting || now() >= deadline) {
			fprintf(stderr, "igmpx-member: cannot connect to %s: %s\n", path,
				strerror(e));
			return 2;
		}
		nanosleep(&pause, NULL);
	}
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (send(fd, line, len + 1, MSG_NOSIGNAL) != (ssize_t)(len + 1)) {
		fprintf(stderr, "igmpx-member: sending to %s: %s\n", path, strerror(errno));
		close(fd);
		return 2;
	}
	shutdown(fd, SHUT_WR);
	line[len] = '\0';
	while (!nl && got < sizeof(ans) - 1) {
		if ((r = read(fd, ans + got, sizeof(ans) - 1 - got)) <= 0)
			break;
		got += (size_t)r;
		nl = memchr(ans, '\n', got);
	}
	close(fd);
	if (!nl) {
		fprintf(stderr, "igmpx-member: %s: no answer from %s\n", line, path);
		return 2;
	}
	*nl = '\0';
	if (!strcmp(ans, "ok")) {
		printf("ok\n");
		return 0;
	}
	fprintf(stderr, "igmpx-member: %s: %s\n", line, ans);
	return strncmp(ans, "error", 5) ? 2 : 1;
}

static int usage(void)
{
	fprintf(stderr, "usage: igmpx-member IFNAME GROUP [include|exclude SRC,SRC...]\n"
		"       igmpx-member --serve SOCKPATH IFNAME\n"
		"       igmpx-member --send SOCKPATH WORD...\n");
	return 2;
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_signal };

	if (argc > 1 && !strcmp(argv[1], "--serve"))
		return argc == 4 ? serve_socket(argv[2], argv[3]) : usage();
	if (argc > 1 && !strcmp(argv[1], "--send"))
		return argc >= 4 ? send_words(argv[2], argc - 3, argv + 3) : usage();
	if (argc != 3 && argc != 4 && argc != 5)
		return usage();
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	return single(argv[1], argv[2], argc > 3 ? argv[3] : NULL, argc > 4 ? argv[4] : NULL);
}
