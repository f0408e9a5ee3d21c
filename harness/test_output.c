/* test_output.c: tests of the pcapng and JUnit writers.  The pcapng files
 * are read back by a block walker written here from the spec, not with the
 * writer's code; tshark and xmllint, when installed, check them again. */
#include "junit.h"
#include "pcapng.h"
#include "test.h"

#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

TEST_COUNTERS;

extern char **environ;

static char tmpdir[64];

static uint8_t *slurp(const char *path, size_t *len)
{
	enum { MAX = 4 << 20 };
	FILE *f = fopen(path, "rb");
	uint8_t *buf = malloc(MAX);

	*len = 0;
	if (!f || !buf) {
		printf("%s: %s\n", path, strerror(errno));
		if (f)
			fclose(f);
		free(buf);
		return NULL;
	}
	*len = fread(buf, 1, MAX, f);
	fclose(f);
	return buf;
}

/* Runs argv with stdout and stderr into out (NUL-terminated, cut to size);
 * the exit status, or -1 if the program could not be started. */
static int run(char *const argv[], char *out, size_t size)
{
	int fds[2];
	pid_t pid;
	posix_spawn_file_actions_t fa;

	if (pipe(fds))
		return -1;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, fds[1], 1);
	posix_spawn_file_actions_adddup2(&fa, fds[1], 2);
	posix_spawn_file_actions_addclose(&fa, fds[0]);
	int e = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);

	posix_spawn_file_actions_destroy(&fa);
	close(fds[1]);
	size_t n = 0;
	ssize_t r;

	while ((r = read(fds[0], out + n, size - 1 - n)) > 0 || (r < 0 && errno == EINTR))
		n += r > 0 ? (size_t)r : 0;
	out[n] = 0;
	close(fds[0]);
	if (e) {
		errno = e;
		return -1;
	}
	int st;

	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -1;
	/* posix_spawnp reports a missing program as exit status 127. */
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* ---- pcapng block walker ------------------------------------------------------- */

struct epb {
	uint32_t ifid, ts_high, ts_low, caplen, origlen;
	const uint8_t *data;
	const char *comment[4];
	size_t comment_len[4], ncomments;
	bool has_flags;
	uint32_t flags;
};

struct capture {
	bool shb_ok, appl_ok, idb_ok, name_ok, tsresol_ok;
	size_t nidb, nepb, nother;
	struct epb epb[4];
};

static uint16_t rd16(const uint8_t *p) { uint16_t v; memcpy(&v, p, 2); return v; }
static uint32_t rd32(const uint8_t *p) { uint32_t v; memcpy(&v, p, 4); return v; }

/* Calls fn on each option of [p, end): false if the list is malformed (an
 * option past the end, no opt_endofopt, or something after it). */
static bool walk_opts(const uint8_t *p, const uint8_t *end, void (*fn)(void *, uint16_t,
		      const uint8_t *, uint16_t), void *arg)
{
	if (p == end)
		return true; /* no options at all */
	while (end - p >= 4) {
		uint16_t code = rd16(p), len = rd16(p + 2);
		size_t padded = (len + 3u) & ~3u;

		if ((size_t)(end - p - 4) < padded)
			return false;
		if (code == 0)
			return len == 0 && p + 4 == end;
		fn(arg, code, p + 4, len);
		p += 4 + padded;
	}
	return false;
}

static void shb_opt(void *arg, uint16_t code, const uint8_t *v, uint16_t len)
{
	struct capture *c = arg;

	if (code == 4)
		c->appl_ok = len == 5 && memcmp(v, "igmpx", 5) == 0;
}

static void idb_opt(void *arg, uint16_t code, const uint8_t *v, uint16_t len)
{
	struct capture *c = arg;

	if (code == 2)
		c->name_ok = len == 4 && memcmp(v, "eth7", 4) == 0;
	else if (code == 9)
		c->tsresol_ok = len == 1 && v[0] == 9;
}

static void epb_opt(void *arg, uint16_t code, const uint8_t *v, uint16_t len)
{
	struct epb *e = arg;

	if (code == 1 && e->ncomments < 4) {
		e->comment[e->ncomments] = (const char *)v;
		e->comment_len[e->ncomments++] = len;
	} else if (code == 2 && len == 4) {
		e->has_flags = true;
		e->flags = rd32(v);
	}
}

static bool walk(const uint8_t *buf, size_t len, struct capture *c)
{
	size_t off = 0;

	memset(c, 0, sizeof(*c));
	while (off < len) {
		if (len - off < 12)
			return false;
		const uint8_t *b = buf + off;
		uint32_t type = rd32(b), total = rd32(b + 4);

		CHECK(total % 4 == 0 && total >= 12 && total <= len - off,
		      "block at %zu: length %u", off, total);
		if (total % 4 || total < 12 || total > len - off)
			return false;
		CHECK(rd32(b + total - 4) == total, "block at %zu: trailing length", off);
		const uint8_t *end = b + total - 4;

		if (off == 0) {
			CHECK(type == 0x0A0D0D0A && total >= 28, "first block: 0x%08x", type);
			if (type != 0x0A0D0D0A || total < 28)
				return false;
			c->shb_ok = rd32(b + 8) == 0x1A2B3C4D && rd16(b + 12) == 1 &&
				    rd16(b + 14) == 0;
			CHECK(walk_opts(b + 24, end, shb_opt, c), "SHB options");
		} else if (type == 1 && total >= 20) {
			c->nidb++;
			c->idb_ok = rd16(b + 8) == 1 && rd16(b + 10) == 0 && rd32(b + 12) == 262144;
			CHECK(walk_opts(b + 16, end, idb_opt, c), "IDB options");
		} else if (type == 6 && total >= 32 && c->nepb < 4) {
			struct epb *e = &c->epb[c->nepb++];

			e->ifid = rd32(b + 8);
			e->ts_high = rd32(b + 12);
			e->ts_low = rd32(b + 16);
			e->caplen = rd32(b + 20);
			e->origlen = rd32(b + 24);
			e->data = b + 28;
			size_t padded = (e->caplen + 3ull) & ~3ull;

			CHECK(padded <= (size_t)(end - e->data), "EPB data within the block");
			if (padded > (size_t)(end - e->data))
				return false;
			CHECK(walk_opts(e->data + padded, end, epb_opt, e), "EPB options");
		} else {
			c->nother++;
		}
		off += total;
	}
	return true;
}

/* ---- pcapng tests ------------------------------------------------------------- */

static void check_epb(const struct epb *e, uint64_t t, const uint8_t *frame, size_t len, int dir,
		      const char *const *comments, size_t n)
{
	CHECK(e->ifid == 0, "interface %u", e->ifid);
	CHECK(e->ts_high == (uint32_t)(t >> 32) && e->ts_low == (uint32_t)t, "timestamp %u %u",
	      e->ts_high, e->ts_low);
	CHECK(e->caplen == len && e->origlen == len, "lengths %u %u, want %zu", e->caplen,
	      e->origlen, len);
	CHECK(e->caplen == len && memcmp(e->data, frame, len) == 0, "frame bytes");
	CHECK(e->ncomments == n, "%zu comments, want %zu", e->ncomments, n);
	for (size_t i = 0; i < n && i < e->ncomments; i++)
		CHECK(e->comment_len[i] == strlen(comments[i]) &&
		      memcmp(e->comment[i], comments[i], e->comment_len[i]) == 0,
		      "comment %zu: %.*s", i, (int)e->comment_len[i], e->comment[i]);
	CHECK(e->has_flags == (dir != 0), "epb_flags present: %d", e->has_flags);
	CHECK((e->flags & 3) == (uint32_t)dir, "direction %u, want %d", e->flags & 3, dir);
}

static void test_pcapng(void)
{
	static const char *const c1[] = { "first comment", "RFC 9776 \xC2\xA7" "5.2: <&> \"q\"" };
	static const char *const c2[] = { "inbound report" };
	const uint64_t t[3] = { 1700000000123456789ull, 1700000000999999999ull, 4294967295ull };
	uint8_t f[3][61];
	const size_t flen[3] = { 42, 60, 61 }; /* padding of 2, 0 and 3 octets */
	char path[128], err[256], out[4096];

	for (size_t i = 0; i < 3; i++)
		for (size_t j = 0; j < sizeof(f[i]); j++)
			f[i][j] = (uint8_t)(i * 100 + j * 7 + 1);
	snprintf(path, sizeof(path), "%s/out.pcapng", tmpdir);
	struct hx_pcapng *p = hx_pcapng_open(path, "eth7", err, sizeof(err));

	CHECK(p != NULL, "open: %s", err);
	if (!p)
		return;
	CHECK(hx_pcapng_write(p, t[0], f[0], flen[0], 0, c1, 2) == 0, "1: %s", strerror(errno));
	CHECK(hx_pcapng_write(p, t[1], f[1], flen[1], 1, c2, 1) == 0, "2: %s", strerror(errno));
	CHECK(hx_pcapng_write(p, t[2], f[2], flen[2], 2, NULL, 0) == 0, "3: %s", strerror(errno));
	errno = 0;
	CHECK(hx_pcapng_write(p, 0, f[0], 4, 3, NULL, 0) == -1 && errno == EINVAL, "bad direction");
	CHECK(hx_pcapng_write(NULL, 0, f[0], 4, 0, NULL, 0) == -1 && errno == EINVAL, "NULL");
	CHECK(hx_pcapng_close(p) == 0, "close: %s", strerror(errno));
	CHECK(hx_pcapng_close(NULL) == 0, "close NULL");

	size_t len;
	uint8_t *buf = slurp(path, &len);
	struct capture c;

	CHECK(buf && walk(buf, len, &c), "walk %s", path);
	if (buf) {
		CHECK(c.shb_ok, "SHB magic and version");
		CHECK(c.appl_ok, "shb_userappl");
		CHECK(c.nidb == 1 && c.idb_ok, "IDB linktype, snaplen");
		CHECK(c.name_ok, "if_name");
		CHECK(c.tsresol_ok, "if_tsresol 9");
		CHECK(c.nepb == 3 && c.nother == 0, "%zu EPB, %zu other", c.nepb, c.nother);
		if (c.nepb == 3) {
			check_epb(&c.epb[0], t[0], f[0], flen[0], 0, c1, 2);
			check_epb(&c.epb[1], t[1], f[1], flen[1], 1, c2, 1);
			check_epb(&c.epb[2], t[2], f[2], flen[2], 2, NULL, 0);
		}
	}
	free(buf);

	char *argv[] = { "tshark", "-r", path, "-T", "fields", "-e", "frame.comment", NULL };
	int st = run(argv, out, sizeof(out));

	if (st == -1 || st == 127) {
		printf("harness.output: tshark not found, its reading of the pcapng not checked\n");
	} else {
		CHECK(st == 0, "tshark exit %d: %s", st, out);
		CHECK(strstr(out, c1[0]) && strstr(out, c1[1]) && strstr(out, c2[0]),
		      "tshark comments: %s", out);
		CHECK(strstr(out, c1[0]) < strstr(out, c1[1]) &&
		      strstr(out, c1[1]) < strstr(out, c2[0]), "comments in order: %s", out);
	}
}

/* A second interface (a router's source link): its ID is 1, its frames
 * carry it, a write on an interface not added is refused, and tshark
 * names each frame's interface. */
static void test_pcapng_two(void)
{
	uint8_t f[60] = { 1, 0, 0x5e, 1, 1, 1 };
	char path[128], err[256], out[4096];

	snprintf(path, sizeof(path), "%s/two.pcapng", tmpdir);
	struct hx_pcapng *p = hx_pcapng_open(path, "test0", err, sizeof(err));
	CHECK(p != NULL, "open: %s", err);
	if (!p)
		return;
	CHECK(hx_pcapng_add_interface(p, "source0") == 1, "second interface: %s", strerror(errno));
	CHECK(hx_pcapng_write_on(p, 1, 1000, f, sizeof(f), 2, NULL, 0) == 0, "write on 1: %s",
	      strerror(errno));
	CHECK(hx_pcapng_write(p, 2000, f, sizeof(f), 1, NULL, 0) == 0, "write on 0: %s",
	      strerror(errno));
	errno = 0;
	CHECK(hx_pcapng_write_on(p, 2, 3000, f, sizeof(f), 1, NULL, 0) == -1 && errno == EINVAL,
	      "a write on interface 2, never added, is refused");
	CHECK(hx_pcapng_add_interface(NULL, "x") == -1 && errno == EINVAL, "add to NULL");
	CHECK(hx_pcapng_close(p) == 0, "close: %s", strerror(errno));

	char *argv[] = { "tshark", "-r", path, "-T", "fields", "-e", "frame.interface_id",
			 "-e", "frame.interface_name", NULL };
	int st = run(argv, out, sizeof(out));
	if (st == -1 || st == 127) {
		printf("harness.output: tshark not found, the two interfaces not read back\n");
		return;
	}
	CHECK(st == 0 && strstr(out, "1\tsource0\n0\ttest0\n"), "tshark: exit %d: %s", st, out);
}

/* A frame over the snaplen is cut, a comment over 65535 octets is cut
 * before a UTF-8 character, and a file that cannot be made is reported. */
static void test_pcapng_limits(void)
{
	enum { BIG = 300000, NCH = 35000 };
	uint8_t *frame = calloc(1, BIG);
	char *comment = malloc(2 * NCH + 1), path[128], err[256];

	for (size_t i = 0; i < NCH; i++)
		memcpy(comment + 2 * i, "\xC3\xA9", 2); /* é */
	comment[2 * NCH] = 0;
	frame[262143] = 0xAB;
	snprintf(path, sizeof(path), "%s/big.pcapng", tmpdir);
	struct hx_pcapng *p = hx_pcapng_open(path, NULL, err, sizeof(err));
	const char *const cs[] = { comment };

	CHECK(p && hx_pcapng_write(p, 5, frame, BIG, 1, cs, 1) == 0, "write big: %s", err);
	CHECK(hx_pcapng_close(p) == 0, "close big");

	size_t len;
	uint8_t *buf = slurp(path, &len);
	struct capture c;

	CHECK(buf && walk(buf, len, &c) && c.nepb == 1, "walk big");
	if (buf && c.nepb == 1) {
		const struct epb *e = &c.epb[0];

		CHECK(!c.name_ok && c.tsresol_ok, "no if_name");
		CHECK(e->caplen == 262144 && e->origlen == BIG && e->data[262143] == 0xAB,
		      "cut to %u of %u", e->caplen, e->origlen);
		CHECK(e->ncomments == 1 && e->comment_len[0] == 65534, "comment cut to %zu",
		      e->comment_len[0]);
	}
	free(buf);
	free(frame);
	free(comment);

	snprintf(path, sizeof(path), "%s/no/such/dir.pcapng", tmpdir);
	err[0] = 0;
	CHECK(!hx_pcapng_open(path, NULL, err, sizeof(err)) && strstr(err, path) &&
	      strstr(err, strerror(ENOENT)), "missing directory: %s", err);
	if (access("/dev/full", W_OK) == 0) {
		err[0] = 0;
		CHECK(!hx_pcapng_open("/dev/full", NULL, err, sizeof(err)) &&
		      strstr(err, strerror(ENOSPC)), "/dev/full: %s", err);
	}
}

/* ---- JUnit tests -------------------------------------------------------------- */

static bool has(const char *text, const char *s)
{
	bool ok = strstr(text, s) != NULL;

	if (!ok)
		printf("  not found: %s\n", s);
	return ok;
}

static size_t count(const char *text, const char *s)
{
	size_t n = 0;

	for (const char *p = strstr(text, s); p; p = strstr(p + 1, s))
		n++;
	return n;
}

static void test_junit(void)
{
	static const struct hx_junit_case cases[] = {
		{ "H3-GQ-RESPONSE", "conformance.host", "PASS", "RFC 9776 \xC2\xA7" "5.2", "MUST",
		  0.25, NULL, NULL },
		{ "H3-BAD", "conformance.host", "FAIL", "RFC 9776 \xC2\xA7" "5.1", "MUST", 1.5,
		  "a<b & \"c\" 'd'\x01" "e>\tf", "line 1\nline 2 <x>\r\n" },
		{ "H3-LATE", "conformance.host", "WARN", "RFC 9776 \xC2\xA7" "8.2", "SHOULD", 0,
		  "late by 3 ms", "first\nsecond" },
		{ "H3-MAYBE", "conformance.host", "INCONCLUSIVE", "RFC 3376", "MAY", 0,
		  NULL, "no query \xFF seen" },
		{ "R3-SKIP", "conformance.router", "SKIP", "RFC 9776 \xC2\xA7" "6", "NEG", 0,
		  "needs two links", NULL },
		{ "R3-ERR", "conformance.router", "ERROR", NULL, "MUST", -1,
		  "socket: Operation not permitted", "sendto failed" },
	};
	char path[128], err[256], out[4096];

	snprintf(path, sizeof(path), "%s/out.xml", tmpdir);
	CHECK(hx_junit_write(path, "igmpx & co", cases, 6, err, sizeof(err)) == 0, "%s", err);

	size_t len;
	char *text = (char *)slurp(path, &len);

	CHECK(text != NULL, "read %s", path);
	if (!text)
		return;
	text[len < (4 << 20) ? len : len - 1] = 0;
	CHECK(has(text, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>"), "prolog");
	CHECK(has(text, "<testsuite name=\"igmpx &amp; co\" tests=\"6\" failures=\"1\" "
			"errors=\"1\" skipped=\"1\" time=\"1.750\">"), "suite attributes");
	CHECK(count(text, "<testcase ") == 6 && count(text, "</testcase>") == 6, "6 testcases");
	CHECK(has(text, "<testcase name=\"H3-GQ-RESPONSE\" classname=\"conformance.host\" "
			"time=\"0.250\">"), "testcase attributes");
	CHECK(has(text, "name=\"R3-ERR\" classname=\"conformance.router\" time=\"0.000\""),
	      "negative time is 0");
	CHECK(count(text, "<property name=\"verdict\"") == 6 &&
	      count(text, "<property name=\"rfc\"") == 6 &&
	      count(text, "<property name=\"level\"") == 6, "3 properties per case");
	CHECK(has(text, "<property name=\"verdict\" value=\"INCONCLUSIVE\"/>") &&
	      has(text, "<property name=\"rfc\" value=\"RFC 9776 \xC2\xA7" "5.2\"/>") &&
	      has(text, "<property name=\"level\" value=\"NEG\"/>") &&
	      has(text, "<property name=\"rfc\" value=\"\"/>"), "property values");
	CHECK(has(text, "<failure message=\"a&lt;b &amp; &quot;c&quot; &apos;d&apos;e&gt;&#9;f\">"
			"line 1\nline 2 &lt;x&gt;&#13;\n</failure>"), "failure escaped");
	CHECK(!memchr(text, 1, len), "control character dropped");
	CHECK(has(text, "<error message=\"socket: Operation not permitted\">sendto failed</error>"),
	      "error");
	CHECK(has(text, "<skipped message=\"needs two links\"/>"), "skipped");
	CHECK(has(text, "<system-out>late by 3 ms\nfirst\nsecond</system-out>"), "warn output");
	CHECK(has(text, "<system-out>no query \xEF\xBF\xBD seen</system-out>"), "bad UTF-8");
	CHECK(count(text, "<failure") == 1 && count(text, "<error") == 1 &&
	      count(text, "<skipped") == 1 && count(text, "<system-out>") == 2, "one child each");
	free(text);

	char *argv[] = { "xmllint", "--noout", path, NULL };
	int st = run(argv, out, sizeof(out));

	if (st == -1 || st == 127)
		printf("harness.output: xmllint not found (libxml2-utils), XML not validated\n");
	else
		CHECK(st == 0, "xmllint exit %d: %s", st, out);

	snprintf(path, sizeof(path), "%s/no/such/dir.xml", tmpdir);
	err[0] = 0;
	CHECK(hx_junit_write(path, "s", cases, 6, err, sizeof(err)) == -1 && strstr(err, path) &&
	      strstr(err, strerror(ENOENT)), "missing directory: %s", err);
	if (access("/dev/full", W_OK) == 0) {
		err[0] = 0;
		CHECK(hx_junit_write("/dev/full", "s", cases, 6, err, sizeof(err)) == -1 &&
		      strstr(err, strerror(ENOSPC)), "/dev/full: %s", err);
	}
}

int main(void)
{
	const char *tmp = getenv("TMPDIR");

	snprintf(tmpdir, sizeof(tmpdir), "%s/igmpx-output.XXXXXX",
		 tmp && *tmp && strlen(tmp) < sizeof(tmpdir) - 24 ? tmp : "/tmp");
	if (!mkdtemp(tmpdir)) {
		printf("mkdtemp %s: %s\n", tmpdir, strerror(errno));
		return 1;
	}
	test_pcapng();
	test_pcapng_limits();
	test_pcapng_two();
	test_junit();
	if (!failed) {
		char path[128];
		const char *names[] = { "out.pcapng", "big.pcapng", "two.pcapng", "out.xml" };

		for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
			snprintf(path, sizeof(path), "%s/%s", tmpdir, names[i]);
			unlink(path);
		}
		rmdir(tmpdir);
	} else {
		printf("files kept in %s\n", tmpdir);
	}
	printf("harness.output: %d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
