/* test_harness: the engine's parts that need no link: window expressions,
 * matches against frames, profiles and case files (good and broken). */
#include "hx.h"
#include "ip.h"
#include "test.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

TEST_COUNTERS;

static const struct hx_vars V = { .mrt = 2, .qqi = 125, .qrv = 2, .robustness = 3, .qi = 125,
				  .qri = 10, .lmqi = 1, .lmqc = 2, .uri = 1, .tol = 0.05,
				  .gmi = 385, .oqpi = 380, .lmqt = 2, .sqi = 31.25, .sqc = 3 };
#define test_vars V

static double ev(const char *t, bool *ok)
{
	char err[200];
	double d = -1;
	*ok = hx_expr_eval(t, &V, &d, err, sizeof(err));
	return d;
}

static void test_expr(void)
{
	static const struct { const char *t; double want; } good[] = {
		{ "0", 0 }, { "mrt", 2 }, { "mrt + tol", 2.05 }, { "2 * uri + 0.2", 2.2 },
		{ "(robustness - 1) * uri + 0.1", 2.1 }, { "lmqc * lmqi / 2", 1 }, { "-1 + mrt", 1 },
		{ "qi/qqi", 1 }, { " ( ( mrt ) ) ", 2 }, { "gmi - oqpi", 5 }, { "lmqt", 2 },
		{ "sqi * sqc", 93.75 },
	};
	bool ok;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		double d = ev(good[i].t, &ok);
		CHECK(ok && fabs(d - good[i].want) < 1e-9, "\"%s\" = %g, want %g", good[i].t, d,
		      good[i].want);
	}
	static const char *const bad[] = { "", "mrt +", "mrq", "(mrt", "mrt)", "1 / 0", "0 - 1",
					   "2 3", "mrt * * 2" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ev(bad[i], &ok);
		CHECK(!ok, "\"%s\" accepted", bad[i]);
	}
	char err[200];
	double d;
	hx_expr_eval("mrt + mrq", &V, &d, err, sizeof(err));
	CHECK(strstr(err, "column 7") != NULL, "error names the column: %s", err);
}

/* A v3 report with records (type, group, sources...) built by core. */
static size_t report(uint8_t *buf, size_t cap, struct igmpx_msg *m)
{
	static const uint32_t s[] = { IP4(198, 51, 100, 1), IP4(198, 51, 100, 2) };
	struct igmpx_wbuf w;
	igmpx_wbuf_init(&w, buf, cap);
	igmpx_build_v3_report(&w, 0, 0, 2);
	igmpx_build_v3_record(&w, 2, 0, 0, IP4(239, 1, 1, 1), NULL, 0);
	igmpx_build_v3_record(&w, 5, 0, 2, IP4(232, 1, 1, 1), s, 2);
	igmpx_finish(&w);
	igmpx_parse_to(buf, w.len, IP4(224, 0, 0, 22), m);
	return w.len;
}

static bool mt(const char *text, const uint8_t *b, const struct igmpx_msg *m, uint32_t dst)
{
	struct hx_match x;
	char err[200];
	bool ok;
	if (!hx_match_parse(text, "test", 1, &x))
		return false;
	ok = hx_match_values(&x, &test_vars, err, sizeof(err)) &&
	     hx_match_frame(&x, m, b, IP4(192, 0, 2, 2), dst);
	hx_match_free(&x);
	return ok;
}

static void test_match(void)
{
	uint8_t b[256];
	struct igmpx_msg m;
	const uint32_t d = IP4(224, 0, 0, 22);
	report(b, sizeof(b), &m);
	CHECK(m.kind == IGMPX_K_V3_REPORT, "built a v3 report");
	CHECK(mt("any", b, &m, d), "any");
	CHECK(mt("report", b, &m, d), "report");
	CHECK(mt("v3report group=239.1.1.1 record=IS_EX", b, &m, d), "first record");
	CHECK(mt("v3report group=232.1.1.1 record=ALLOW sources=198.51.100.2,198.51.100.1", b, &m, d),
	      "second record, sources as a set");
	CHECK(!mt("v3report group=232.1.1.1 record=ALLOW sources=198.51.100.1", b, &m, d),
	      "a subset of the sources is not the set");
	CHECK(!mt("v3report group=239.1.1.1 record=ALLOW", b, &m, d), "type of another record");
	CHECK(!mt("v3report group=239.1.1.1 sources=198.51.100.1", b, &m, d),
	      "sources of another record");
	CHECK(mt("v3report group=239.1.1.1 sources=", b, &m, d), "empty source set");
	CHECK(!mt("v2report", b, &m, d), "another kind");
	CHECK(!mt("v3report dst=224.0.0.1", b, &m, d), "another destination");
	CHECK(mt("v3report dst=224.0.0.22", b, &m, d), "its destination");
	struct hx_match x;
	CHECK(!hx_match_parse("v3report record=IS_XX", "t", 1, &x), "bad record type");
	CHECK(!hx_match_parse("v2report record=IS_EX", "t", 1, &x), "record= on v2");
	CHECK(!hx_match_parse("v9report", "t", 1, &x), "unknown word");
	CHECK(!hx_match_parse("report colour=blue", "t", 1, &x), "unknown key");
	/* v2: the group field. */
	struct igmpx_wbuf w;
	igmpx_wbuf_init(&w, b, sizeof(b));
	igmpx_build_v12(&w, IGMPX_T_V2_REPORT, 0, IP4(239, 1, 1, 1));
	igmpx_finish(&w);
	igmpx_parse_to(b, w.len, IP4(239, 1, 1, 1), &m);
	CHECK(mt("v2report group=239.1.1.1", b, &m, IP4(239, 1, 1, 1)), "v2 group");
	CHECK(!mt("v2report group=239.1.1.2", b, &m, IP4(239, 1, 1, 1)), "v2 other group");
	CHECK(!mt("v2leave", b, &m, IP4(239, 1, 1, 1)), "a report is no leave");
}

/* Query fields: s=, qrv=, qqi=, mrt= (expressions), sources=, src=. */
static void test_query_match(void)
{
	static const uint32_t src[] = { IP4(198, 51, 100, 1), IP4(198, 51, 100, 2) };
	uint8_t b[256];
	struct igmpx_msg m;
	struct igmpx_wbuf w;
	struct hx_match x;

	/* A group-and-source query: Max Resp 1 s, S set, QRV 3, QQIC 125 s
	 * (under 128: the code is the value). */
	igmpx_wbuf_init(&w, b, sizeof(b));
	igmpx_build_v3_query(&w, 10, IP4(239, 1, 1, 1), 0, 1, 3, 125, 2, src, 2);
	igmpx_finish(&w);
	igmpx_parse_to(b, w.len, IP4(239, 1, 1, 1), &m);
	CHECK(mt("v3query group=239.1.1.1 s=1 qrv=robustness qqi=qi mrt=lmqi", b, &m,
		 IP4(239, 1, 1, 1)), "every field as expected");
	CHECK(!mt("v3query s=0", b, &m, IP4(239, 1, 1, 1)), "S is set");
	CHECK(!mt("v3query qrv=2", b, &m, IP4(239, 1, 1, 1)), "QRV is 3");
	CHECK(!mt("v3query qqi=qi / 2", b, &m, IP4(239, 1, 1, 1)), "QQI is 125");
	CHECK(!mt("v3query mrt=qri", b, &m, IP4(239, 1, 1, 1)), "Max Resp is 1 s, not 10");
	CHECK(mt("v3query sources=198.51.100.2,198.51.100.1", b, &m, IP4(239, 1, 1, 1)),
	      "sources as a set");
	CHECK(!mt("v3query sources=198.51.100.1", b, &m, IP4(239, 1, 1, 1)), "one source short");
	CHECK(mt("v3query nsources=2", b, &m, IP4(239, 1, 1, 1)), "two sources");
	CHECK(mt("v3query src=192.0.2.2", b, &m, IP4(239, 1, 1, 1)), "from the IUT");
	CHECK(!mt("v3query src=192.0.2.3", b, &m, IP4(239, 1, 1, 1)), "from another router");
	CHECK(!mt("v3query group=0.0.0.0", b, &m, IP4(239, 1, 1, 1)), "not a general query");
	/* Code 0x80 is the floating point 128: Max Resp 12.8 s, QQI 128 s. */
	igmpx_wbuf_init(&w, b, sizeof(b));
	igmpx_build_v3_query(&w, 0x80, 0, 0, 0, 2, 0x80, 0, NULL, 0);
	igmpx_finish(&w);
	igmpx_parse_to(b, w.len, IP4(224, 0, 0, 1), &m);
	CHECK(mt("v3query group=0.0.0.0 mrt=12.8 qqi=128 nsources=0", b, &m, IP4(224, 0, 0, 1)),
	      "floating codes decoded");
	CHECK(!mt("v3query mrt=14", b, &m, IP4(224, 0, 0, 1)), "14 s is another code (13.6 or 14.4 s)");
	CHECK(mt("v3query mrt=13", b, &m, IP4(224, 0, 0, 1)), "13 s has no exact code: its nearest, 12.8 s");
	/* v2 queries: linear Max Resp in tenths. */
	igmpx_wbuf_init(&w, b, sizeof(b));
	igmpx_build_v12(&w, IGMPX_T_QUERY, 5, IP4(239, 1, 1, 1));
	igmpx_finish(&w);
	igmpx_parse_to(b, w.len, IP4(239, 1, 1, 1), &m);
	CHECK(mt("v2query group=239.1.1.1 mrt=lmqi/2", b, &m, IP4(239, 1, 1, 1)), "v2 Max Resp");
	CHECK(!mt("v2query mrt=lmqi", b, &m, IP4(239, 1, 1, 1)), "v2 Max Resp 0.5 s, not 1");
	/* Fields of one version's query refused on others. */
	CHECK(!hx_match_parse("v2query s=1", "t", 1, &x), "s= on v2");
	CHECK(!hx_match_parse("query qrv=2", "t", 1, &x), "qrv= on any query");
	CHECK(!hx_match_parse("v3report mrt=1", "t", 1, &x), "mrt= on a report");
	CHECK(!hx_match_parse("v3query s=2", "t", 1, &x), "s=2");
	CHECK(!hx_match_parse("v3query mrt=lmqx", "t", 1, &x), "unknown name");
	CHECK(!hx_match_parse("v3query src=192.0.2", "t", 1, &x), "bad src");
}

/* The state format (the profile's state command) and expect_state wants. */
static void test_state(void)
{
	struct hx_gstate want, got;
	char err[300], why[200];

	CHECK(hx_gstate_parse("239.1.1.1 exclude v3 timer=4.5 running=198.51.100.1 stopped=",
			      false, NULL, &got, err, sizeof(err)), "state line: %s", err);
	CHECK(got.mode == HX_MODE_EXCLUDE && got.compat == 3 && fabs(got.timer - 4.5) < 1e-9 &&
	      got.nrunning == 1 && got.nstopped == 0, "state line fields");
	CHECK(hx_gstate_parse("239.1.1.1 exclude running=198.51.100.1+2", true, &V, &want, err,
			      sizeof(err)), "want: %s", err);
	CHECK(hx_gstate_compare(&want, &got, &V, why, sizeof(why)) == HX_STATE_DIFFERS,
	      "two running wanted, one held");
	hx_gstate_free(&want);
	CHECK(hx_gstate_parse("239.1.1.1 exclude running=198.51.100.1 stopped= timer<=lmqt+3",
			      true, &V, &want, err, sizeof(err)), "want: %s", err);
	CHECK(hx_gstate_compare(&want, &got, &V, why, sizeof(why)) == HX_STATE_SAME, "same state");
	hx_gstate_free(&want);
	CHECK(hx_gstate_parse("239.1.1.1 exclude timer<=lmqt", true, &V, &want, err, sizeof(err)),
	      "want: %s", err);
	CHECK(hx_gstate_compare(&want, &got, &V, why, sizeof(why)) == HX_STATE_DIFFERS,
	      "timer 4.5 s is over LMQT 2 s");
	hx_gstate_free(&want);
	CHECK(hx_gstate_parse("239.1.1.1 include", true, &V, &want, err, sizeof(err)), "include");
	CHECK(hx_gstate_compare(&want, &got, &V, why, sizeof(why)) == HX_STATE_DIFFERS, "mode");
	CHECK(hx_gstate_compare(&want, NULL, &V, why, sizeof(why)) == HX_STATE_DIFFERS, "absent");
	hx_gstate_free(&want);
	CHECK(hx_gstate_parse("239.1.1.1 absent", true, &V, &want, err, sizeof(err)), "absent");
	CHECK(hx_gstate_compare(&want, NULL, &V, why, sizeof(why)) == HX_STATE_SAME, "absent held");
	CHECK(hx_gstate_compare(&want, &got, &V, why, sizeof(why)) == HX_STATE_DIFFERS, "present");
	hx_gstate_free(&want);
	hx_gstate_free(&got);
	/* A router that does not show the compatibility mode or the timer. */
	CHECK(hx_gstate_parse("239.1.1.1 include running=198.51.100.1", false, NULL, &got, err,
			      sizeof(err)), "plain line");
	CHECK(hx_gstate_parse("239.1.1.1 include v2", true, &V, &want, err, sizeof(err)), "v2");
	CHECK(hx_gstate_compare(&want, &got, &V, why, sizeof(why)) == HX_STATE_UNKNOWN &&
	      strstr(why, "compatibility"), "compat not shown: %s", why);
	hx_gstate_free(&want);
	hx_gstate_free(&got);
	/* A router that holds the group without showing its filter mode: a
	 * mode asked is not judged, presence and absence are. */
	CHECK(hx_gstate_parse("239.1.1.1 unshown v2 running=", false, NULL, &got, err, sizeof(err)),
	      "unshown: %s", err);
	CHECK(hx_gstate_parse("239.1.1.1 exclude", true, &V, &want, err, sizeof(err)), "exclude");
	CHECK(hx_gstate_compare(&want, &got, &V, why, sizeof(why)) == HX_STATE_UNKNOWN &&
	      strstr(why, "filter mode"), "mode not shown: %s", why);
	hx_gstate_free(&want);
	CHECK(hx_gstate_parse("239.1.1.1 present", true, &V, &want, err, sizeof(err)), "present");
	CHECK(hx_gstate_compare(&want, &got, &V, why, sizeof(why)) == HX_STATE_SAME, "unshown held");
	hx_gstate_free(&want);
	CHECK(hx_gstate_parse("239.1.1.1 absent", true, &V, &want, err, sizeof(err)), "absent");
	CHECK(hx_gstate_compare(&want, &got, &V, why, sizeof(why)) == HX_STATE_DIFFERS,
	      "unshown is present");
	hx_gstate_free(&want);
	hx_gstate_free(&got);
	CHECK(!hx_gstate_parse("239.1.1.1 unshown", true, &V, &want, err, sizeof(err)),
	      "unshown is the router's word, not a want's");
	/* INCLUDE {} shown is no reception state: absent, not present. */
	CHECK(hx_gstate_parse("239.1.1.1 include running= stopped=", false, NULL, &got, err,
			      sizeof(err)), "include {}: %s", err);
	CHECK(hx_gstate_parse("239.1.1.1 absent", true, &V, &want, err, sizeof(err)), "absent");
	CHECK(hx_gstate_compare(&want, &got, &V, why, sizeof(why)) == HX_STATE_SAME,
	      "INCLUDE {} is absent");
	hx_gstate_free(&want);
	CHECK(hx_gstate_parse("239.1.1.1 present", true, &V, &want, err, sizeof(err)), "present");
	CHECK(hx_gstate_compare(&want, &got, &V, why, sizeof(why)) == HX_STATE_DIFFERS &&
	      strstr(why, "INCLUDE {}"), "INCLUDE {} is not present: %s", why);
	hx_gstate_free(&want);
	CHECK(hx_gstate_parse("239.1.1.1 exclude", true, &V, &want, err, sizeof(err)), "exclude");
	CHECK(hx_gstate_compare(&want, &got, &V, why, sizeof(why)) == HX_STATE_DIFFERS,
	      "INCLUDE {} is not EXCLUDE {}");
	hx_gstate_free(&want);
	hx_gstate_free(&got);
	/* Bad lines, each refused with a reason. */
	static const char *const bad[] = { "", "10.1.1.1 include", "239.1.1.1", "239.1.1.1 both",
					   "239.1.1.1 include running=1.2.3", "239.1.1.1 include v4",
					   "239.1.1.1 include timer=x", "239.1.1.1 absent v3" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CHECK(!hx_gstate_parse(bad[i], false, NULL, &got, err, sizeof(err)) && *err,
		      "\"%s\" refused", bad[i]);
	}
	CHECK(!hx_gstate_parse("239.1.1.1 include timer<=lmqx", true, &V, &want, err, sizeof(err)),
	      "unknown name in a want");
	CHECK(!hx_gstate_parse("239.1.1.1 absent", false, NULL, &got, err, sizeof(err)),
	      "absent is a want's word, not the router's");
}

/* nsources=, address lists and ranges (join sources:, groups:, cover:). */
static void test_lists(void)
{
	uint8_t b[256];
	struct igmpx_msg m;
	struct hx_match x;
	struct hx_vars v = { 0 };
	char err[200], *l;
	uint32_t first;
	unsigned n;

	report(b, sizeof(b), &m);
	CHECK(hx_match_parse("v3report group=232.1.1.1 nsources=2", "t", 1, &x), "nsources parses");
	x.nsrc = 2;     /* the engine's value of the expression */
	CHECK(hx_match_frame(&x, &m, b, IP4(192, 0, 2, 2), IP4(224, 0, 0, 22)), "record with 2 sources");
	x.nsrc = 1;
	CHECK(!hx_match_frame(&x, &m, b, IP4(192, 0, 2, 2), IP4(224, 0, 0, 22)), "not 1 source");
	hx_match_free(&x);
	CHECK(!hx_match_parse("v2report nsources=1", "t", 1, &x), "nsources= on v2");
	CHECK(!hx_match_parse("v3report nsources=bogus", "t", 1, &x), "nsources= unknown name");
	CHECK(hx_match_parse("v3report sources=198.51.100.1+3", "t", 1, &x) && x.nsources == 3 &&
	      x.sources[2] == IP4(198, 51, 100, 3), "sources=A+3 in a match");
	v.max_sources = 4;
	l = hx_addr_list("198.51.100.250+max_sources, 203.0.113.9", &v, err, sizeof(err));
	CHECK(l && !strcmp(l, "198.51.100.250,198.51.100.251,198.51.100.252,198.51.100.253,"
			      "203.0.113.9"), "list: %s", l ? l : err);
	free(l);
	CHECK(!hx_addr_list("198.51.100.1+0", &v, err, sizeof(err)), "count 0 refused");
	CHECK(!hx_addr_list("198.51.100.x", &v, err, sizeof(err)) && strstr(err, "198.51.100.x"),
	      "bad address named: %s", err);
	CHECK(!hx_addr_list("198.51.100.1+max_groups", &v, err, sizeof(err)) &&
	      strstr(err, "unknown name"), "unknown name: %s", err);
	v.max_memberships = 200;
	CHECK(hx_addr_range("239.2.0.1+max_memberships", &v, &first, &n, err, sizeof(err)) &&
	      first == IP4(239, 2, 0, 1) && n == 200, "range of max_memberships");
	CHECK(hx_addr_range("239.2.0.1", &v, &first, &n, err, sizeof(err)) && n == 1, "one");
	CHECK(!hx_addr_range("239.2.0.1+x", NULL, &first, &n, err, sizeof(err)),
	      "names need variables");
}

static const char *write_tmp(const char *text)
{
	static char path[64];
	snprintf(path, sizeof(path), "/tmp/test_harness-XXXXXX");
	int fd = mkstemp(path);
	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		abort();
	close(fd);
	return path;
}

static void test_profile(void)
{
	struct hx_profile p;
	char err[512];
	const char *path = write_tmp("[iut]\nname = x # a comment\nrole = host\nversions = 2;3\n"
				     "start = exec thing \"$IGMPX_IFNAME\"\n"
				     "ready = test -S sock\n"
				     "[timers]\nrobustness = 3\nunsolicited_report_interval = 0.5\n"
				     "[limits]\nmax_memberships = 40\n");
	CHECK(hx_profile_load(path, &p, err, sizeof(err)), "good profile: %s", err);
	CHECK(!strcmp(p.name, "x"), "comment after a value dropped: \"%s\"", p.name);
	CHECK(p.versions == (1u << 2 | 1u << 3), "versions 2;3");
	CHECK(p.robustness == 3 && p.lmqc == 3 && p.uri == 0.5 && p.query_interval == 125 &&
	      p.tolerance_ms == 50, "timers and defaults");
	CHECK(p.attach == HX_ATTACH_NETNS && !strcmp(p.start, "exec thing \"$IGMPX_IFNAME\""),
	      "attach default, commands kept");
	CHECK(!strcmp(p.ready, "test -S sock"), "ready command");
	CHECK(p.max_memberships == 40 && p.max_sources == 0, "limits: stated and not stated");
	CHECK(!p.has_source_link, "no source link unless stated");
	CHECK(!*p.boot && !*p.requires && p.ready_timeout == 10 && !p.unmet,
	      "no boot, no requires, ready within 10 s by default");
	hx_profile_check_requires(&p);
	CHECK(!p.unmet, "no requires: met");
	CHECK(p.gmi == 3 * 125 + 2 * 10, "GMI of a v3 router: RV*QI + 2*QRI (RFC 9776 §8.4), %g",
	      p.gmi);
	hx_profile_free(&p);
	unlink(path);
	/* An IGMPv2 router: RFC 2236 §8.4's GMI, one QRI. */
	path = write_tmp("[iut]\nname = v2\nrole = router\nversions = 2\n");
	CHECK(hx_profile_load(path, &p, err, sizeof(err)), "v2 router: %s", err);
	CHECK(p.gmi == 2 * 125 + 10 && p.oqpi == 2 * 125 + 5,
	      "GMI of a v2 router RV*QI + QRI, %g; OQPI RV*QI + QRI/2, %g", p.gmi, p.oqpi);
	hx_profile_free(&p);
	unlink(path);
	/* An IUT in a VM: boot, a longer ready, and a requires that fails
	 * with its first line the reason every case SKIPs. */
	path = write_tmp("[iut]\nname = vm\nrole = router\nversions = 3\n"
			 "boot = vm-up\nready_timeout = 45\n"
			 "requires = echo \"no qemu here\"; echo second; exit 1\n");
	CHECK(hx_profile_load(path, &p, err, sizeof(err)), "VM profile: %s", err);
	CHECK(!strcmp(p.boot, "vm-up") && p.ready_timeout == 45, "boot and ready_timeout kept");
	hx_profile_check_requires(&p);
	CHECK(p.unmet && !strcmp(p.unmet, "no qemu here"), "requires failed: \"%s\"",
	      p.unmet ? p.unmet : "(met)");
	hx_profile_free(&p);
	unlink(path);
	path = write_tmp("[iut]\nname = vm\nrole = router\nversions = 3\n"
			 "requires = test -n \"$IGMPX_PROFILE_DIR\"\n");
	CHECK(hx_profile_load(path, &p, err, sizeof(err)), "requires profile: %s", err);
	hx_profile_check_requires(&p);
	CHECK(!p.unmet, "requires met, with IGMPX_PROFILE_DIR: %s", p.unmet ? p.unmet : "");
	hx_profile_free(&p);
	unlink(path);
	path = write_tmp("[iut]\nname = vm\nrole = router\nversions = 3\nready_timeout = 0\n");
	CHECK(!hx_profile_load(path, &p, err, sizeof(err)) && strstr(err, ":5:"),
	      "ready_timeout 0 refused at its line: %s", err);
	unlink(path);
	path = write_tmp("[iut]\nname = r\nrole = router\nversions = 3\nsource_link = netns\n");
	CHECK(hx_profile_load(path, &p, err, sizeof(err)) && p.has_source_link &&
	      p.source_attach == HX_ATTACH_NETNS && !p.source_name, "source_link = netns: %s", err);
	hx_profile_free(&p);
	unlink(path);
	path = write_tmp("[iut]\nname = r\nrole = router\nversions = 3\nattach = tap:t0\n"
			 "source_link = iface:eth9\n");
	CHECK(hx_profile_load(path, &p, err, sizeof(err)) && p.has_source_link &&
	      p.source_attach == HX_ATTACH_IFACE && !strcmp(p.source_name, "eth9"),
	      "source_link = iface:eth9: %s", err);
	hx_profile_free(&p);
	unlink(path);
	/* An IUT that outlives its cases: one link per case at once, and a
	 * reset. */
	path = write_tmp("[iut]\nname = box\nrole = host\nversions = 3\n"
			 "attach = iface:igmpxbox0  iface:igmpxbox1\nreset = true\n");
	CHECK(hx_profile_load(path, &p, err, sizeof(err)) && p.attach == HX_ATTACH_IFACE &&
	      p.nlinks == 2 && !strcmp(p.attach_names[0], "igmpxbox0") &&
	      !strcmp(p.attach_names[1], "igmpxbox1") && !p.attach_names[2] &&
	      !strcmp(p.attach_name, "igmpxbox0") && !strcmp(p.reset, "true"),
	      "two iface links and a reset: %s", err);
	hx_profile_free(&p);
	unlink(path);
	path = write_tmp("[iut]\nname = r\nrole = router\nversions = 3\nattach = tap:a tap:b\n"
			 "source_link = tap:c tap:d\n");
	CHECK(hx_profile_load(path, &p, err, sizeof(err)) && p.nsource == 2 &&
	      !strcmp(p.source_names[1], "d") && p.nlinks == 2, "a source link per test link: %s", err);
	hx_profile_free(&p);
	unlink(path);
	path = write_tmp("[iut]\nname = h\nrole = host\nversions = 3\n");
	CHECK(hx_profile_load(path, &p, err, sizeof(err)) && p.attach == HX_ATTACH_NETNS &&
	      p.nlinks == 0 && !p.attach_names && !*p.reset, "netns: no links named, no reset: %s", err);
	hx_profile_free(&p);
	unlink(path);
	static const struct { const char *text, *err; } bad[] = {
		{ "[iut]\nname = x\nrole = host\nversions = 3\nattach = tap:a iface:b\n",
		  ":5: attach = \"tap:a iface:b\": the links are all tap: or all iface:" },
		{ "[iut]\nname = x\nrole = host\nversions = 3\nattach = iface:a iface:a\n",
		  ":5: attach names a twice" },
		{ "[iut]\nname = x\nrole = host\nversions = 3\nattach = iface:a netns\n",
		  ":5: attach = \"iface:a netns\"" },
		{ "[iut]\nname = x\nrole = router\nversions = 3\nattach = tap:a tap:b\n"
		  "source_link = tap:c\n", ":6: source_link names 1 link for attach's 2" },
		{ "[iut]\nname = x\nrole = router\nversions = 3\nattach = tap:a tap:b\n"
		  "source_link = tap:c tap:a\n", ":6: source_link is the test link's interface a" },
		{ "[iut]\nname = x\nrole = switch\nversions = 3\n", ":3: role" },
		{ "[iut]\nname = x\nrole = host\nversions = 4\n", ":4: versions" },
		{ "[iut]\nname = x\nrole = host\nversions = 3\ncolour = red\n", ":5: unknown key" },
		{ "[iut]\nname = x\n\nrole = host\nversions = 3\n[timers]\nrobustness = many\n",
		  ":7: robustness" },
		{ "[iut]\nrole = host\nversions = 3\n", "name is required" },
		{ "name = x\n", ":1: key before any" },
		{ "[iut]\nname = x\nrole = host\nversions = 3\nattach = usb\n", ":5: attach" },
		{ "[iut]\nname = x\njust words\n", ":3: \"just words\"" },
		{ "[iut]\nname = x\nname = y\n", ":3: \"name\" given twice" },
		{ "[iut]\nname = x\nrole = host\nversions = 3\n[limits]\nmax_sources = lots\n",
		  ":6: max_sources" },
		{ "[iut]\nname = x\nrole = host\nversions = 3\n[limit]\n", ":5: unknown group" },
		{ "[iut]\nname = x\nrole = router\nversions = 3\nattach = tap:t0\n"
		  "source_link = netns\n", ":6: source_link = netns needs attach = netns" },
		{ "[iut]\nname = x\nrole = router\nversions = 3\nsource_link = wire\n",
		  ":5: source_link = \"wire\"" },
		{ "[iut]\nname = x\nrole = router\nversions = 3\nattach = tap:t0\n"
		  "source_link = tap:t0\n", ":6: source_link is the test link's interface t0" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		path = write_tmp(bad[i].text);
		bool ok = hx_profile_load(path, &p, err, sizeof(err));
		CHECK(!ok && strstr(err, path) && strstr(err, bad[i].err), "bad profile %zu: \"%s\"", i,
		      err);
		unlink(path);
	}
}

static void test_case(void)
{
	struct hx_case c;
	const char *path = write_tmp(
		"id: T-1\ntitle: t\nrfc: RFC 9776 §5.2\nlevel: MUST\nrole: host\nversions: [2, 3]\n"
		"steps:\n"
		"  - join: 239.1.1.1\n"
		"    mode: include\n"
		"    sources: 198.51.100.1\n"
		"  - send: |\n"
		"      v3report\n"
		"        record type=IS_EX group=239.1.1.1\n"
		"  - send: v3query mrc=20\n"
		"  - expect: v3report group=239.1.1.1\n"
		"    within: [0, mrt]\n"
		"    count: [1, 2]\n"
		"    rule: report_late\n"
		"  - expect_none: v2report\n"
		"    within: [0, 1]\n"
		"    rule: compat_mode\n");
	CHECK(hx_case_load(path, &c), "good case");
	CHECK(c.nsteps == 5 && c.versions == (1u << 2 | 1u << 3), "steps and versions");
	if (c.nsteps == 5) {
		CHECK(c.steps[0].kind == HX_STEP_JOIN && !strcmp(c.steps[0].mode, "include") &&
		      !strcmp(c.steps[0].sources, "198.51.100.1"), "join with sources");
		CHECK(c.steps[1].frame && c.steps[1].frame_len > 14 + 24 + 8, "report built");
		/* The query: from the harness's address, to 224.0.0.1, MRC 20. */
		const uint8_t *f = c.steps[2].frame;
		struct igmpx_ipv4 h;
		struct igmpx_msg m;
		CHECK(f && igmpx_ipv4_parse(f + 14, c.steps[2].frame_len - 14, &h) &&
		      h.src == HX_TESTER_ADDR && h.dst == IP4(224, 0, 0, 1) && h.ttl == 1 &&
		      h.router_alert, "query header");
		igmpx_parse_to(f + 14 + h.payload_off, h.payload_len, h.dst, &m);
		CHECK(m.kind == IGMPX_K_V3_QUERY && m.code == 20 && m.checksum_ok, "query message");
		CHECK(c.steps[3].count_min == 1 && c.steps[3].count_max == 2 &&
		      c.steps[3].rule == IGMPX_RULE_report_late && c.steps[3].line == 15,
		      "expect: count, rule, line %d", c.steps[3].line);
		CHECK(c.steps[4].count_max == 0 && c.steps[4].kind == HX_STEP_EXPECT_NONE,
		      "expect_none");
	}
	hx_case_free(&c);
	unlink(path);
	/* The host suite's keys, and their mistakes. */
	path = write_tmp(
		"id: T-2\ntitle: t\nrfc: RFC 9776 §5.2\nlevel: MUST\nrole: host\nversions: [3]\n"
		"steps:\n"
		"  - join: 239.2.0.1\n"
		"    groups: max_memberships\n"
		"    may_fail: true\n"
		"  - send: v3query mrc=10\n"
		"    repeat: 3\n"
		"    every: 0.01\n"
		"    fragment: 16\n"
		"  - expect: v3report\n"
		"    within: [0, mrt]\n"
		"    cover: 239.2.0.1+max_memberships\n"
		"    rule: gq_response_all\n");
	CHECK(hx_case_load(path, &c), "case with groups, repeat, every, fragment, cover");
	if (c.nsteps == 3) {
		CHECK(c.steps[0].may_fail && !strcmp(c.steps[0].groups, "max_memberships"), "join keys");
		CHECK(c.steps[1].repeat == 3 && !strcmp(c.steps[1].every, "0.01") &&
		      c.steps[1].fragment == 16, "send keys");
		CHECK(c.steps[2].cover && !strcmp(c.steps[2].cover, "239.2.0.1+max_memberships"),
		      "cover");
	}
	hx_case_free(&c);
	unlink(path);
	/* A flood: rate and duration, from many hosts, over groups and source
	 * lists; a state check over a range of groups. */
	path = write_tmp(
		"id: T-8\ntitle: t\nrfc: RFC 9776 §6.4.1\nlevel: MUST\nrole: router\nversions: [3]\n"
		"steps:\n"
		"  - send: |\n"
		"      v3report\n"
		"        record type=IS_IN group=239.8.0.1 sources=198.51.100.1+3\n"
		"    from: 192.0.2.10+200\n"
		"    rate: 5000\n"
		"    for: 2\n"
		"    groups: 100\n"
		"    source_lists: 4\n"
		"  - expect_state: 239.8.0.1 present\n"
		"    within: [0, 1]\n"
		"    rule: rtr_table8\n"
		"    groups: 100\n");
	CHECK(hx_case_load(path, &c), "case with a flood and a state check over 100 groups");
	if (c.nsteps == 2) {
		const struct hx_step *st = &c.steps[0];
		CHECK(!strcmp(st->rate, "5000") && !strcmp(st->for_s, "2") &&
		      !strcmp(st->groups, "100") && !strcmp(st->source_lists, "4") &&
		      !strcmp(st->from, "192.0.2.10+200"), "flood keys");
		struct igmpx_ipv4 h;
		CHECK(st->frame && igmpx_ipv4_parse(st->frame + 14, st->frame_len - 14, &h) &&
		      h.src == IP4(192, 0, 2, 10), "the description's source is the first host");
		CHECK(!strcmp(c.steps[1].groups, "100"), "expect_state groups");
	}
	hx_case_free(&c);
	unlink(path);
	/* What outlasts a case is said (lasting:): in a host an IGMPv1 or v2
	 * Query, a v3 Query with a QRV other than 0 or 2; in a router a General
	 * Query from below its address (not a higher one's, not one with a bad
	 * checksum, not a group query). */
	static const struct { const char *role, *query, *lasting; bool ok; } lasts[] = {
		{ "host", "v1query", NULL, false },
		{ "host", "v2query mrt=10", NULL, false },
		{ "host", "v3query qrv=7", NULL, false },
		{ "host", "v2query mrt=10", "IGMPv2 compatibility mode", true },
		{ "host", "v3query qrv=2", NULL, true },
		{ "host", "v3query qrv=0", NULL, true },
		{ "router", "v2query mrt=10", NULL, false },
		{ "router", "v3query", "querier election", true },
		{ "router", "v3query src=192.0.2.9", NULL, true },
		{ "router", "v3query checksum=0x1234", NULL, true },
		{ "router", "v3query group=239.1.1.1 dst=239.1.1.1", NULL, true },
	};
	for (size_t i = 0; i < sizeof(lasts) / sizeof(lasts[0]); i++) {
		char text[512];
		snprintf(text, sizeof(text),
			"id: T-9\ntitle: t\nrfc: RFC 9776 §7.2.1\nlevel: MUST\nrole: %s\n"
			"versions: [3]\n%s%s%s"
			"steps:\n"
			"  - send: %s\n"
			"  - wait: 1\n", lasts[i].role, lasts[i].lasting ? "lasting: " : "",
			lasts[i].lasting ? lasts[i].lasting : "", lasts[i].lasting ? "\n" : "",
			lasts[i].query);
		path = write_tmp(text);
		bool ok = hx_case_load(path, &c);
		CHECK(ok == lasts[i].ok, "%s case sending %s%s: %s", lasts[i].role, lasts[i].query,
		      lasts[i].lasting ? " with lasting:" : "", ok ? "loaded" : "refused");
		CHECK(!ok || !lasts[i].lasting || !strcmp(c.lasting, lasts[i].lasting), "lasting: kept");
		hx_case_free(&c);
		unlink(path);
	}
	/* The data plane's steps. */
	path = write_tmp(
		"id: T-4\ntitle: t\nrfc: RFC 9776 §6.3\nlevel: SHOULD\nrole: router\nversions: [3]\n"
		"steps:\n"
		"  - expect_no_forward: 198.51.100.10 239.7.1.1\n"
		"    within: [0, 0.5]\n"
		"    rule: rtr_no_forward\n"
		"  - expect_forward: 198.51.100.10 239.7.1.1\n"
		"    within: [0, lmqt]\n"
		"    rule: rtr_forward\n"
		"    need: true\n");
	CHECK(hx_case_load(path, &c), "case with expect_forward and expect_no_forward");
	CHECK(c.deadline_s == 60 && !c.deadline, "default deadline 60 s");
	if (c.nsteps == 2) {
		CHECK(c.steps[0].kind == HX_STEP_EXPECT_NO_FORWARD &&
		      c.steps[0].match.src == IP4(198, 51, 100, 10) &&
		      c.steps[0].match.group == IP4(239, 7, 1, 1) &&
		      c.steps[0].rule == IGMPX_RULE_rtr_no_forward, "expect_no_forward: source, group");
		CHECK(c.steps[1].kind == HX_STEP_EXPECT_FORWARD && c.steps[1].need &&
		      !strcmp(c.steps[1].hi, "lmqt"), "expect_forward: need, window");
	}
	hx_case_free(&c);
	unlink(path);
	/* A deadline that follows the profile's timers. */
	path = write_tmp("id: T-5\ntitle: t\nrfc: RFC 2236 §3\nlevel: MUST\nrole: router\n"
			 "versions: [2]\ndeadline: gmi + 20\nsteps:\n  - wait: gmi\n");
	CHECK(hx_case_load(path, &c) && c.deadline && !strcmp(c.deadline, "gmi + 20"),
	      "deadline expression kept");
	{
		struct hx_profile p = { 0 };
		p.robustness = 2, p.query_interval = 125, p.query_response_interval = 10;
		p.gmi = 260, p.tolerance_ms = 100;
		CHECK(fabs(hx_case_deadline(&c, &p) - 280) < 1e-9, "deadline gmi + 20 = 280 s, got %g",
		      hx_case_deadline(&c, &p));
		p.gmi = 5000;
		CHECK(hx_case_deadline(&c, &p) == 3600, "held to an hour");
	}
	hx_case_free(&c);
	unlink(path);
	path = write_tmp("id: T-6\ntitle: t\nrfc: RFC 2236 §3\nlevel: MUST\nrole: router\n"
			 "versions: [2]\ndeadline: 45\nsteps:\n  - wait: 1\n");
	CHECK(hx_case_load(path, &c) && c.deadline_s == 45 && !c.deadline, "deadline 45 s");
	{
		struct hx_profile p = { 0 };
		CHECK(hx_case_deadline(&c, &p) == 45, "a number is the deadline");
	}
	hx_case_free(&c);
	unlink(path);
	path = write_tmp("id: T-7\ntitle: t\nrfc: RFC 2236 §3\nlevel: MUST\nrole: router\n"
			 "versions: [2]\ndeadline: gmx + 20\nsteps:\n  - wait: 1\n");
	CHECK(!hx_case_load(path, &c), "a deadline with an unknown name refused");
	hx_case_free(&c);
	unlink(path);
	static const char *const bad[] = {
		"  - send: v3query\n    fragment: 12\n",           /* not a multiple of 8 */
		"  - send: v3query\n    rate: 100\n",              /* rate without for or repeat */
		"  - send: v3query\n    rate: 100\n    every: 0.01\n    repeat: 2\n",
		"  - send: v3query\n    rate: 100\n    for: 1\n    repeat: 2\n",
		"  - send: v3query\n    for: 1\n",                 /* for without rate */
		"  - send: v3query\n    groups: 4\n",              /* a query has no groups to vary */
		"  - send: v2report group=239.1.1.1\n    source_lists: 4\n",
		"  - send: v2report group=239.255.255.250\n    groups: 10\n",  /* leaves 224/4 */
		"  - send: v2report group=239.1.1.1 cksum=0\n    groups: 2\n",  /* a wrong checksum */
		"  - send: v2report group=239.1.1.1\n    from: 192.0.2.10+0\n",
		"  - send: v2report group=239.1.1.1\n    repeat: 200001\n",
		"  - expect_state: 239.1.1.1 present\n    within: [0, 1]\n    rule: rtr_table8\n"
		"    groups: zero\n",
		"  - send: v3query\n    every: 1\n",               /* every without repeat */
		"  - join: 239.1.1.1\n    repeat: 2\n",            /* a send key on join */
		"  - expect: v2report\n    within: [0, 1]\n    rule: report_late\n"
		"    cover: 239.1.1.1+2\n",                          /* cover needs v3report */
		"  - join: 239.1.1.1\n    mode: include\n    sources: 198.51.100.1+zero\n",
		"  - expect_forward: 198.51.100.1\n    within: [0, 1]\n    rule: rtr_forward\n",
		"  - expect_forward: 239.1.1.2 239.1.1.1\n    within: [0, 1]\n    rule: rtr_forward\n",
		"  - expect_forward: 198.51.100.1 224.0.0.5\n    within: [0, 1]\n    rule: rtr_forward\n",
		"  - expect_forward: 198.51.100.1 239.1.1.1\n    rule: rtr_forward\n",
		"  - expect_no_forward: 198.51.100.1 239.1.1.1\n    within: [0, 1]\n"
		"    rule: rtr_no_forward\n    need: true\n",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char text[512];
		snprintf(text, sizeof(text),
			 "id: T-3\ntitle: t\nrfc: RFC 9776 §5.2\nlevel: MUST\nrole: host\n"
			 "versions: [3]\nsteps:\n%s  - wait: 1\n", bad[i]);
		path = write_tmp(text);
		CHECK(!hx_case_load(path, &c), "refused: %s", bad[i]);
		hx_case_free(&c);
		unlink(path);
	}
}

/* Frames of a flood made from one: sources, groups and source lists step
 * as struct hx_flood says, and both checksums stay right. */
static void test_flood(void)
{
	struct hx_case c;
	const char *path = write_tmp(
		"id: T-9\ntitle: t\nrfc: RFC 9776 §6.4.1\nlevel: MUST\nrole: router\nversions: [3]\n"
		"steps:\n"
		"  - send: |\n"
		"      v3report\n"
		"        record type=IS_IN group=239.8.0.1 sources=198.51.100.1+3\n"
		"        record type=IS_EX group=239.9.0.1\n"
		"    from: 192.0.2.10\n"
		"  - send: leave group=239.7.0.1\n"
		"    from: 192.0.2.20\n"
		"  - wait: 1\n");
	CHECK(hx_case_load(path, &c) && c.nsteps == 3, "flood frames' case");
	if (c.nsteps != 3) {
		hx_case_free(&c);
		return;
	}
	char err[200];
	const struct hx_step *st = &c.steps[0];
	CHECK(hx_flood_ok(st->frame, st->frame_len, 100, 4, err, sizeof(err)), "v3 report: %s",
	      err);
	CHECK(!hx_flood_ok(st->frame, st->frame_len, 0x1000000, 0, err, sizeof(err)) &&
	      strstr(err, "224.0.0.0/4"), "a group range out of 224/4 refused");
	struct hx_flood fl = { IP4(192, 0, 2, 10), 200, 100, 4 };
	uint8_t out[1600];
	/* Frame i: host 10 + i mod 200, groups + i mod 100, sources + 3 x
	 * ((i / 100) mod 4): frame 1234 from host 44, groups + 34, sources + 0
	 * (12 mod 4); frame 1334 sources + 3 (13 mod 4 = 1). */
	static const struct { unsigned long i; uint32_t host, gadd, sadd; } want[] = {
		{ 0, 10, 0, 0 }, { 1, 11, 1, 0 }, { 199, 209, 99, 3 }, { 200, 10, 0, 6 },
		{ 1234, 44, 34, 0 }, { 1334, 144, 34, 3 }, { 399, 209, 99, 9 },
	};
	for (size_t k = 0; k < sizeof(want) / sizeof(want[0]); k++) {
		struct igmpx_ipv4 h;
		struct igmpx_msg m;
		hx_flood_frame(st->frame, st->frame_len, &fl, want[k].i, out);
		bool ok = igmpx_ipv4_parse(out + 14, st->frame_len - 14, &h);
		CHECK(ok && h.src == IP4(192, 0, 2, 0) + want[k].host && !igmpx_cksum(out + 14, h.payload_off),
		      "frame %lu: source and IP checksum", want[k].i);
		CHECK(out[6] == 2 && out[7] == 0 && out[8] == 192 && out[11] == want[k].host,
		      "frame %lu: MAC 02:00:<source>", want[k].i);
		if (!ok)
			continue;
		igmpx_parse_to(out + 14 + h.payload_off, h.payload_len, h.dst, &m);
		CHECK(m.kind == IGMPX_K_V3_REPORT && m.checksum_ok && m.u.v3r.nrec == 2,
		      "frame %lu: a v3 report, checksum right", want[k].i);
		const uint8_t *r0 = out + 14 + h.payload_off + 8, *r1 = r0 + 8 + 12;
		uint32_t g0 = (uint32_t)r0[4] << 24 | (uint32_t)r0[5] << 16 | r0[6] << 8 | r0[7];
		uint32_t g1 = (uint32_t)r1[4] << 24 | (uint32_t)r1[5] << 16 | r1[6] << 8 | r1[7];
		uint32_t s0 = (uint32_t)r0[8] << 24 | (uint32_t)r0[9] << 16 | r0[10] << 8 | r0[11];
		uint32_t s2 = (uint32_t)r0[16] << 24 | (uint32_t)r0[17] << 16 | r0[18] << 8 | r0[19];
		CHECK(g0 == IP4(239, 8, 0, 1) + want[k].gadd && g1 == IP4(239, 9, 0, 1) + want[k].gadd,
		      "frame %lu: both records' groups + %u", want[k].i, want[k].gadd);
		CHECK(s0 == IP4(198, 51, 100, 1) + want[k].sadd &&
		      s2 == IP4(198, 51, 100, 3) + want[k].sadd,
		      "frame %lu: sources + %u", want[k].i, want[k].sadd);
	}
	/* One host, one group: the frame as built. */
	struct hx_flood same = { IP4(192, 0, 2, 10), 1, 1, 1 };
	hx_flood_frame(st->frame, st->frame_len, &same, 77, out);
	CHECK(!memcmp(out, st->frame, st->frame_len), "no range: the frame unchanged");
	/* A leave: its group field steps. */
	st = &c.steps[1];
	struct hx_flood lv = { IP4(192, 0, 2, 20), 1, 16, 1 };
	CHECK(hx_flood_ok(st->frame, st->frame_len, 16, 0, err, sizeof(err)), "leave: %s", err);
	CHECK(!hx_flood_ok(st->frame, st->frame_len, 0, 2, err, sizeof(err)),
	      "a leave has no source lists");
	hx_flood_frame(st->frame, st->frame_len, &lv, 21, out);
	{
		struct igmpx_ipv4 h;
		struct igmpx_msg m;
		CHECK(igmpx_ipv4_parse(out + 14, st->frame_len - 14, &h), "leave parsed");
		igmpx_parse_to(out + 14 + h.payload_off, h.payload_len, h.dst, &m);
		CHECK(m.kind == IGMPX_K_V2_LEAVE && m.checksum_ok &&
		      m.u.v12.group == IP4(239, 7, 0, 6) && h.src == IP4(192, 0, 2, 20),
		      "leave 21: group 239.7.0.1 + 5, checksum right, source kept");
	}
	hx_case_free(&c);
	unlink(path);
}

int main(void)
{
	test_flood();
	test_expr();
	test_match();
	test_lists();
	test_query_match();
	test_state();
	test_profile();
	test_case();
	printf("%d passed, %d failed\n", passed, failed);
	return failed != 0;
}
