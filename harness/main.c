/* igmpx: the conformance harness.
 *
 *   igmpx run [CASE|DIR ...] [--iut PROFILE.ini] [--junit FILE] [--out DIR] [-j N]
 *             [--filter GLOB] [--shuffle SEED]
 *   igmpx list [CASE|DIR ...]
 *   igmpx replay CAPTURE [--iut PROFILE.ini] [--out DIR] [--speed X]
 *   igmpx analyze CAPTURE
 *
 * Each case runs in a child process of its own, on a link of its own, so
 * that -j N runs N at once and a case that hangs or crashes takes nothing
 * else with it: the parent enforces the case's deadline and, whatever the
 * child left, removes its namespace. */
#define _GNU_SOURCE
#include "hx.h"
#include "datadir.h"
#include "junit.h"

#include <errno.h>
#include <fnmatch.h>
#include <getopt.h>
#include <glib.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile int stop_flag;

static void on_signal(int sig)
{
	stop_flag = sig;
}

static void usage_of(const char *cmd, FILE *f)
{
	if (!cmd || !strcmp(cmd, "run"))
		fputs("igmpx run [CASE|DIR ...] [--iut PROFILE.ini] [--junit FILE] [--out DIR] [-j N]\n"
		      "          [--filter GLOB] [--shuffle SEED]\n"
		      "  Runs conformance cases (default: every *.yaml of the data folder's suite for\n"
		      "  the profile's role) against the IUT of the profile (a file, or a profile\n"
		      "  of the data folder by name: linux-bridge; default linux-host), one progress\n"
		      "  line per case, then a summary.  --out DIR: per case ID.pcapng (the whole\n"
		      "  exchange, each frame an expectation matched or missed commented) and\n"
		      "  summary.txt.  -j N: N cases at once, each on its own link.  --filter GLOB:\n"
		      "  only cases whose ID matches.  --shuffle SEED: in an order drawn from SEED\n"
		      "  (a number), to show that no verdict depends on the order.  An IUT the\n"
		      "  profile attaches to (tap:, iface:) runs as many cases at once as the\n"
		      "  profile names links; without a reset, the cases that leave lasting state\n"
		      "  in it run last.  Exit status 0 only when no case is FAIL or ERROR; 2 for\n"
		      "  bad arguments, case or profile files.  The data folder: $IGMPX_DATADIR, else\n"
		      "  BIN/../share/igmpx of an installed igmpx, else the source tree of a built one.\n", f);
	if (!cmd || !strcmp(cmd, "list"))
		fputs("igmpx list [CASE|DIR ...]\n"
		      "  One line per case: ID, role, RFC section, level, title.\n", f);
	if (!cmd || !strcmp(cmd, "replay"))
		fputs("igmpx replay CAPTURE [--iut PROFILE.ini] [--out DIR] [--speed X]\n"
		      "  Plays the IGMP frames of CAPTURE into the IUT (source rewritten to the\n"
		      "  harness's address, unicast destinations to the IUT's), records the exchange\n"
		      "  as DIR/replay-NAME.pcapng (DIR default: .) and reports every content and\n"
		      "  timing finding on what the IUT sent.  --speed X: X times as fast.\n"
		      "  Exit status 1 if the IUT broke a MUST.\n", f);
	if (!cmd || !strcmp(cmd, "analyze"))
		fputs("igmpx analyze CAPTURE\n"
		      "  The same checks over a capture taken elsewhere: rule IDs, frame numbers,\n"
		      "  RFC sections.  Exit status 1 if a MUST is broken, 2 if it cannot be read.\n",
		      f);
}

/* The folder where igmpx-member is: beside this binary, installed or in
 * the build tree. */
static char *bindir(void)
{
	return hx_self_dir();
}

/* The profile of --iut, else the Linux host's; false (said) on an error. */
static bool load_profile(const char *iut, char **path, struct hx_profile *p)
{
	char err[512];

	*path = hx_profile_file(iut);
	if (!*path)
		return false;
	if (hx_profile_load(*path, p, err, sizeof(err))) {
		hx_profile_check_requires(p);
		if (p->unmet)
			fprintf(stderr, "igmpx: %s: every case SKIPs: %s\n", *path, p->unmet);
		return true;
	}
	fprintf(stderr, "igmpx: %s\n", err);
	g_free(*path);
	return false;
}

/* ---- Cases ---------------------------------------------------------------------- */

static gint by_name(gconstpointer a, gconstpointer b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void collect(const char *path, GPtrArray *files)
{
	struct stat st;

	if (stat(path, &st) < 0) {
		fprintf(stderr, "igmpx: %s: %s\n", path, strerror(errno));
		g_ptr_array_add(files, NULL);   /* an error: counted by the caller */
		return;
	}
	if (!S_ISDIR(st.st_mode)) {
		g_ptr_array_add(files, g_strdup(path));
		return;
	}
	GDir *d = g_dir_open(path, 0, NULL);
	GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
	const char *n;
	while (d && (n = g_dir_read_name(d)))
		g_ptr_array_add(names, g_strdup(n));
	if (d)
		g_dir_close(d);
	g_ptr_array_sort(names, by_name);
	for (guint i = 0; i < names->len; i++) {
		const char *name = g_ptr_array_index(names, i);
		char *full = g_build_filename(path, name, NULL);
		if (g_file_test(full, G_FILE_TEST_IS_DIR))
			collect(full, files);
		else if (g_str_has_suffix(name, ".yaml"))
			g_ptr_array_add(files, g_strdup(full));
		g_free(full);
	}
	g_ptr_array_free(names, TRUE);
}

/* Loads the cases of paths (default conformance/, or the suite of role:
 * conformance/host or conformance/router); false if any has an error (each
 * printed as FILE:LINE). */
static bool load_cases(char **paths, int n, const char *filter, const char *role, GArray *cases)
{
	GPtrArray *files = g_ptr_array_new_with_free_func(g_free);
	bool ok = true;

	if (n == 0) {
		char *sub = g_strdup_printf("conformance/%s", role ? role : "");
		char *d = hx_data_path(sub);
		g_free(sub);
		if (d)
			collect(d, files);
		else
			g_ptr_array_add(files, NULL);   /* said by hx_data_dir() */
		g_free(d);
	}
	for (int i = 0; i < n; i++)
		collect(paths[i], files);
	GHashTable *ids = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	for (guint i = 0; i < files->len; i++) {
		const char *f = g_ptr_array_index(files, i);
		struct hx_case c;
		if (!f) {
			ok = false;
			continue;
		}
		if (!hx_case_load(f, &c)) {
			ok = false;
			hx_case_free(&c);
			continue;
		}
		const char *prev = g_hash_table_lookup(ids, c.id);
		if (prev) {
			fprintf(stderr, "%s: id %s is also the id of %s\n", f, c.id, prev);
			ok = false;
			hx_case_free(&c);
			continue;
		}
		g_hash_table_insert(ids, g_strdup(c.id), g_strdup(f));
		if (filter && fnmatch(filter, c.id, 0) != 0) {
			hx_case_free(&c);
			continue;
		}
		g_array_append_val(cases, c);
	}
	g_hash_table_destroy(ids);
	g_ptr_array_free(files, TRUE);
	return ok;
}

static int cmd_list(int argc, char **argv)
{
	GArray *cases = g_array_new(FALSE, FALSE, sizeof(struct hx_case));
	bool ok = load_cases(argv, argc, NULL, NULL, cases);

	for (guint i = 0; i < cases->len; i++) {
		struct hx_case *c = &g_array_index(cases, struct hx_case, i);
		printf("%-24s %-6s %-16s %-6s %s\n", c->id, c->role, c->rfc, c->level, c->title);
		hx_case_free(c);
	}
	g_array_free(cases, TRUE);
	return ok ? 0 : 2;
}

/* ---- Running: one child per case ------------------------------------------------ */

struct slot {
	pid_t pid;
	guint index;                /* the case */
	char tag[8];
	int last_lasting;           /* the last case with lasting: on its link, -1 */
	char result[PATH_MAX];
	uint64_t deadline;          /* monotonic ns */
	bool term_sent, timed_out;
	double deadline_s;
};

struct outcome {
	struct hx_result r;
	bool done;
	int after;                  /* ran after this lasting case, no reset between; -1 */
};

/* In the child: runs the case, writes the result file, exits. */
static void child(const struct hx_case *c, const struct hx_profile *p, const struct hx_run_opts *o,
		  const char *result_path)
{
	struct hx_result r;
	struct sigaction sa = { .sa_handler = on_signal };

	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	hx_run_case(c, p, o, &stop_flag, &r);
	FILE *f = fopen(result_path, "w");
	if (f) {
		fprintf(f, "%d %.3f\n%s\n%s", (int)r.verdict, r.seconds, r.message,
			r.detail ? r.detail : "");
		fclose(f);
	}
	_exit(f ? 0 : 1);
}

static void read_result(const struct slot *s, int status, double seconds, struct outcome *out)
{
	gchar *text = NULL;

	memset(&out->r, 0, sizeof(out->r));
	out->done = true;
	if (!s->timed_out && g_file_get_contents(s->result, &text, NULL, NULL)) {
		int v;
		char *nl = strchr(text, '\n'), *nl2 = nl ? strchr(nl + 1, '\n') : NULL;
		if (sscanf(text, "%d %lf", &v, &out->r.seconds) == 2 && v >= 0 && v < HX_VERDICTS &&
		    nl && nl2) {
			out->r.verdict = (enum hx_verdict)v;
			snprintf(out->r.message, sizeof(out->r.message), "%.*s", (int)(nl2 - nl - 1),
				 nl + 1);
			out->r.detail = g_strdup(nl2 + 1);
			g_free(text);
			return;
		}
	}
	g_free(text);
	out->r.verdict = HX_ERROR;
	out->r.seconds = seconds;
	if (s->timed_out)
		snprintf(out->r.message, sizeof(out->r.message),
			 "the case ran past its deadline of %.0f s and was stopped", s->deadline_s);
	else if (WIFSIGNALED(status))
		snprintf(out->r.message, sizeof(out->r.message), "the harness's worker died (signal %d)",
			 WTERMSIG(status));
	else
		snprintf(out->r.message, sizeof(out->r.message), "the harness's worker gave no result");
	out->r.detail = g_strdup_printf("ERROR: %s\n", out->r.message);
}

static void progress(guint done, guint total, const struct hx_case *c, const struct hx_result *r)
{
	int w = snprintf(NULL, 0, "%u", total);

	printf("[%*u/%u] %-12s %-24s %-16s %6.2f s\n", w, done, total, hx_verdict_name(r->verdict),
	       c->id, c->rfc, r->seconds);
	if (r->verdict != HX_PASS && *r->message)
		printf("        %s\n", r->message);
	fflush(stdout);
}

static int cmd_run(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "iut", required_argument, NULL, 'i' }, { "junit", required_argument, NULL, 'u' },
		{ "out", required_argument, NULL, 'o' }, { "filter", required_argument, NULL, 'f' },
		{ "shuffle", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },      { NULL, 0, NULL, 0 },
	};
	char *iut = NULL, *junit = NULL, *out = NULL, *filter = NULL;
	long jobs = 1;
	bool shuffle = false;
	guint32 seed = 0;
	int o;

	optind = 1;
	while ((o = getopt_long(argc, argv, "j:h", opts, NULL)) != -1) {
		switch (o) {
		case 'i': iut = optarg; break;
		case 'u': junit = optarg; break;
		case 'o': out = optarg; break;
		case 'f': filter = optarg; break;
		case 's': {
			char *end;
			unsigned long v = strtoul(optarg, &end, 10);
			if (!*optarg || *end || v > 0xffffffffu) {
				fprintf(stderr, "igmpx run: --shuffle %s: a number from 0 to 4294967295\n",
					optarg);
				return 2;
			}
			shuffle = true;
			seed = (guint32)v;
			break;
		}
		case 'j': {
			char *end;
			jobs = strtol(optarg, &end, 10);
			if (*end || jobs < 1 || jobs > 64) {
				fprintf(stderr, "igmpx run: -j %s: a number from 1 to 64\n", optarg);
				return 2;
			}
			break;
		}
		case 'h': usage_of("run", stdout); return 0;
		default: usage_of("run", stderr); return 2;
		}
	}
	char *profile_path = NULL;
	struct hx_profile p;
	char err[512];
	if (!load_profile(iut, &profile_path, &p))
		return 2;
	GArray *cases = g_array_new(FALSE, FALSE, sizeof(struct hx_case));
	if (!load_cases(argv + optind, argc - optind, filter, p.role, cases))
		return 2;
	if (!cases->len) {
		fprintf(stderr, "igmpx run: no case%s%s\n", filter ? " matches " : "", filter ? filter : "");
		return 2;
	}
	/* An IUT the profile attaches to is one device: a case at once per
	 * link it names. */
	if (p.nlinks && jobs > (long)p.nlinks) {
		GString *names = g_string_new(NULL);
		for (unsigned i = 0; i < p.nlinks; i++)
			g_string_append_printf(names, "%s%s:%s", i ? " " : "",
					       p.attach == HX_ATTACH_TAP ? "tap" : "iface", p.attach_names[i]);
		fprintf(stderr, "igmpx run: -j %ld: the IUT of %s is reached through %u link%s "
			"(attach = %s), and two cases at once on one link would see each other's "
			"frames: name %ld links in attach, or run -j %u\n", jobs, profile_path, p.nlinks,
			p.nlinks == 1 ? "" : "s", names->str, jobs, p.nlinks);
		g_string_free(names, TRUE);
		return 2;
	}
	/* The order: as listed, or drawn from the seed; then, for an IUT that
	 * outlives its cases and has no reset, the cases that leave lasting
	 * state last, so that each other case finds the IUT as it should. */
	guint *order = g_new(guint, cases->len);
	for (guint i = 0; i < cases->len; i++)
		order[i] = i;
	if (shuffle) {
		GRand *rng = g_rand_new_with_seed(seed);
		for (guint i = cases->len; i > 1; i--) {
			guint j = (guint)g_rand_int_range(rng, 0, (gint32)i), t = order[i - 1];
			order[i - 1] = order[j];
			order[j] = t;
		}
		g_rand_free(rng);
	}
	bool outlives = p.attach != HX_ATTACH_NETNS && !*p.reset;
	guint nlasting = 0;
	if (outlives) {
		guint *o2 = g_new(guint, cases->len), k = 0;
		for (int pass = 0; pass < 2; pass++)
			for (guint i = 0; i < cases->len; i++) {
				const struct hx_case *c = &g_array_index(cases, struct hx_case, order[i]);
				if ((c->lasting != NULL) == pass)
					o2[k++] = order[i];
			}
		g_free(order);
		order = o2;
		for (guint i = 0; i < cases->len; i++)
			nlasting += g_array_index(cases, struct hx_case, i).lasting != NULL;
	}
	if (out && g_mkdir_with_parents(out, 0755) < 0) {
		fprintf(stderr, "igmpx: %s: %s\n", out, strerror(errno));
		return 2;
	}
	char tmp[PATH_MAX - 64];
	snprintf(tmp, sizeof(tmp), "%s/igmpx-run-XXXXXX", g_get_tmp_dir());
	if (!mkdtemp(tmp)) {
		fprintf(stderr, "igmpx: mkdtemp: %s\n", strerror(errno));
		return 2;
	}
	char *bins = bindir();
	struct sigaction sa = { .sa_handler = on_signal };
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	printf("igmpx: %u case%s against %s (%s), %ld at a time", cases->len,
	       cases->len == 1 ? "" : "s", p.name, profile_path, jobs);
	if (shuffle)
		printf(", shuffled with seed %u", (unsigned)seed);
	printf("\n");
	if (outlives && nlasting)
		printf("igmpx: the profile has no reset, so the %u case%s that leave%s lasting state "
		       "in the IUT run%s last\n", nlasting, nlasting == 1 ? "" : "s",
		       nlasting == 1 ? "s" : "", nlasting == 1 ? "s" : "");
	if (outlives && !strcmp(p.role, "router"))
		printf("igmpx: the profile has no reset: a router holds what a case made it learn for "
		       "its Group Membership Interval, and later cases may find it\n");
	fflush(stdout);
	struct slot *slots = g_new0(struct slot, jobs);
	for (long s = 0; s < jobs; s++)
		slots[s].last_lasting = -1;
	struct outcome *res = g_new0(struct outcome, cases->len);
	guint next = 0, finished = 0, shown = 0;
	uint64_t begin = hx_now_ns();
	while (finished < cases->len) {
		/* Start cases in free slots. */
		for (long s = 0; s < jobs && next < cases->len && !stop_flag; s++) {
			if (slots[s].pid)
				continue;
			struct slot *sl = &slots[s];
			guint ci = order[next++];
			const struct hx_case *c = &g_array_index(cases, struct hx_case, ci);
			snprintf(sl->tag, sizeof(sl->tag), "w%ld", s);
			snprintf(sl->result, sizeof(sl->result), "%s/%u.result", tmp, ci);
			sl->index = ci;
			if (outlives && sl->last_lasting >= 0)
				res[ci].after = sl->last_lasting;
			else
				res[ci].after = -1;
			if (c->lasting)
				sl->last_lasting = (int)ci;
			sl->term_sent = sl->timed_out = false;
			/* A case's deadline allows for an IUT ready within the
			 * default 10 s; a profile that allows more, or boots,
			 * adds it. */
			sl->deadline_s = hx_case_deadline(c, &p) +
					 (p.ready_timeout > 10 ? p.ready_timeout - 10 : 0) +
					 (*p.boot ? p.ready_timeout : 0);
			sl->deadline = hx_now_ns() + (uint64_t)(sl->deadline_s * 1e9);
			struct hx_run_opts ro = { out, sl->tag, bins, 1.0, false, (unsigned)s };
			fflush(NULL);
			pid_t pid = fork();
			if (pid == 0)
				child(c, &p, &ro, sl->result);
			if (pid < 0) {
				fprintf(stderr, "igmpx: fork: %s\n", strerror(errno));
				stop_flag = SIGTERM;
				break;
			}
			sl->pid = pid;
		}
		/* Reap, enforce deadlines, pass signals on. */
		int st;
		pid_t pid = waitpid(-1, &st, WNOHANG);
		if (pid > 0) {
			for (long s = 0; s < jobs; s++) {
				struct slot *sl = &slots[s];
				if (sl->pid != pid)
					continue;
				char ns[64];
				snprintf(ns, sizeof(ns), "igmpx-%d-%s", (int)pid, sl->tag);
				hx_link_cleanup_by_name(ns);    /* whatever the child left */
				int after = res[sl->index].after;
				read_result(sl, st, (double)(hx_now_ns() - begin) / 1e9, &res[sl->index]);
				if (after >= 0) {
					/* Said with its verdict: it may be the one before's. */
					const struct hx_case *a = &g_array_index(cases, struct hx_case, after);
					char *d = g_strdup_printf("note: ran after %s, which leaves %s, with no "
								  "reset between (the profile has none)\n%s",
								  a->id, a->lasting,
								  res[sl->index].r.detail ? res[sl->index].r.detail : "");
					g_free(res[sl->index].r.detail);
					res[sl->index].r.detail = d;
				}
				remove(sl->result);
				finished++;
				progress(++shown, cases->len,
					 &g_array_index(cases, struct hx_case, sl->index), &res[sl->index].r);
				sl->pid = 0;
			}
			continue;
		}
		if (stop_flag && next < cases->len) {
			/* Cases never started are not run. */
			finished += cases->len - next;
			next = cases->len;
		}
		uint64_t now = hx_now_ns();
		for (long s = 0; s < jobs; s++) {
			struct slot *sl = &slots[s];
			if (!sl->pid)
				continue;
			if (!sl->term_sent && (now > sl->deadline || stop_flag)) {
				kill(sl->pid, SIGTERM);
				sl->term_sent = true;
				sl->timed_out = !stop_flag;
				sl->deadline = now + 5000000000u;
			} else if (sl->term_sent && now > sl->deadline) {
				kill(sl->pid, SIGKILL);
			}
		}
		if (pid == 0 || (pid < 0 && errno == EINTR))
			usleep(20000);
		else if (pid < 0 && errno == ECHILD && next >= cases->len)
			break;
	}
	double total_s = (double)(hx_now_ns() - begin) / 1e9;

	/* Summary, JUnit, summary.txt. */
	unsigned count[HX_VERDICTS] = { 0 };
	GString *sum = g_string_new(NULL);
	struct hx_junit_case *jc = g_new0(struct hx_junit_case, cases->len);
	guint nj = 0;
	for (guint i = 0; i < cases->len; i++) {
		const struct hx_case *c = &g_array_index(cases, struct hx_case, i);
		if (!res[i].done)
			continue;
		count[res[i].r.verdict]++;
		g_string_append_printf(sum, "%-12s %-24s %-16s %-6s %7.2f s  %s\n",
				       hx_verdict_name(res[i].r.verdict), c->id, c->rfc, c->level,
				       res[i].r.seconds, c->path);
		/* The reasons, and what a PASS case says of itself (a flood's
		 * figures). */
		if (res[i].r.detail && *res[i].r.detail) {
			gchar **lines = g_strsplit(res[i].r.detail, "\n", -1);
			for (gchar **l = lines; *l; l++)
				if (**l)
					g_string_append_printf(sum, "    %s\n", *l);
			g_strfreev(lines);
		}
		jc[nj++] = (struct hx_junit_case){ c->id, g_strdup_printf("conformance.%s", c->role),
						   hx_verdict_name(res[i].r.verdict), c->rfc, c->level,
						   res[i].r.seconds, res[i].r.message, res[i].r.detail };
	}
	GString *line = g_string_new(NULL);
	g_string_printf(line, "%u case%s in %.1f s:", nj, nj == 1 ? "" : "s", total_s);
	for (int v = 0; v < HX_VERDICTS; v++)
		if (count[v])
			g_string_append_printf(line, " %u %s", count[v], hx_verdict_name((enum hx_verdict)v));
	if (stop_flag)
		g_string_append_printf(line, " (interrupted: %u not run)", cases->len - nj);
	printf("%s\n", line->str);
	int rc = count[HX_FAIL] || count[HX_ERROR] || stop_flag ? 1 : 0;
	if (out) {
		char *path = g_build_filename(out, "summary.txt", NULL);
		GString *txt = g_string_new(NULL);
		g_string_printf(txt, "igmpx run against %s (%s)\n%s\n", p.name, profile_path,
				line->str);
		/* The order the cases ran in, when it is not the list's. */
		if (shuffle || nlasting) {
			g_string_append(txt, "order");
			if (shuffle)
				g_string_append_printf(txt, " (--shuffle %u)", (unsigned)seed);
			if (nlasting)
				g_string_append(txt, " (no reset: lasting cases last)");
			g_string_append(txt, ":");
			for (guint i = 0; i < cases->len; i++)
				g_string_append_printf(txt, " %s",
						       g_array_index(cases, struct hx_case, order[i]).id);
			g_string_append(txt, "\n");
		}
		g_string_append_printf(txt, "\n%s", sum->str);
		if (!g_file_set_contents(path, txt->str, -1, NULL)) {
			fprintf(stderr, "igmpx: cannot write %s\n", path);
			rc = 1;
		} else {
			printf("report: %s (captures: %s/<ID>.pcapng)\n", path, out);
		}
		g_string_free(txt, TRUE);
		g_free(path);
	}
	if (junit) {
		if (hx_junit_write(junit, "igmpx", jc, nj, err, sizeof(err)) < 0) {
			fprintf(stderr, "igmpx: %s\n", err);
			rc = 1;
		} else {
			printf("junit: %s\n", junit);
		}
	}
	for (guint i = 0; i < nj; i++)
		g_free((char *)jc[i].classname);
	g_free(jc);
	for (guint i = 0; i < cases->len; i++) {
		g_free(res[i].r.detail);
		hx_case_free(&g_array_index(cases, struct hx_case, i));
	}
	g_string_free(sum, TRUE);
	g_string_free(line, TRUE);
	g_free(res);
	g_free(slots);
	g_free(order);
	g_free(bins);
	rmdir(tmp);
	hx_profile_free(&p);
	g_free(profile_path);
	g_array_free(cases, TRUE);
	return stop_flag ? 130 : rc;
}

/* ---- replay, analyze ------------------------------------------------------------- */

static int cmd_replay(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "iut", required_argument, NULL, 'i' }, { "out", required_argument, NULL, 'o' },
		{ "speed", required_argument, NULL, 's' }, { "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char *iut = NULL, *out = ".";
	double speed = 1;
	int o;

	optind = 1;
	while ((o = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (o) {
		case 'i': iut = optarg; break;
		case 'o': out = optarg; break;
		case 's': {
			char *end;
			speed = strtod(optarg, &end);
			if (*end || speed <= 0 || speed > 1000) {
				fprintf(stderr, "igmpx replay: --speed %s: a number above 0, up to 1000\n",
					optarg);
				return 2;
			}
			break;
		}
		case 'h': usage_of("replay", stdout); return 0;
		default: usage_of("replay", stderr); return 2;
		}
	}
	if (argc - optind != 1) {
		usage_of("replay", stderr);
		return 2;
	}
	const char *capture = argv[optind];
	if (access(capture, R_OK) < 0) {
		fprintf(stderr, "igmpx replay: %s: %s\n", capture, strerror(errno));
		return 2;
	}
	char *profile_path = NULL;
	struct hx_profile p;
	if (!load_profile(iut, &profile_path, &p))
		return 2;
	if (g_mkdir_with_parents(out, 0755) < 0) {
		fprintf(stderr, "igmpx: %s: %s\n", out, strerror(errno));
		return 2;
	}
	/* A case of two steps: the capture, then the last query's Max Resp
	 * Time and a second for the answers. */
	char *base = g_path_get_basename(capture), *dot = strrchr(base, '.');
	if (dot)
		*dot = '\0';
	struct hx_step steps[2] = {
		{ .kind = HX_STEP_REPLAY, .line = 0, .text = (char *)capture },
		{ .kind = HX_STEP_WAIT, .line = 0, .lo = (char *)"mrt + 1" },
	};
	struct hx_case c = { .path = (char *)capture, .id = g_strdup_printf("replay-%s", base),
			     .title = "replay", .rfc = "-", .level = "MUST", .role = p.role,
			     .versions = p.versions, .deadline_s = 3600, .steps = steps, .nsteps = 2 };
	struct hx_run_opts ro = { out, "r", NULL, speed, false };
	char *bins = bindir();
	ro.bindir = bins;
	struct sigaction sa = { .sa_handler = on_signal };
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	struct hx_result r;
	hx_run_case(&c, &p, &ro, &stop_flag, &r);
	int rc = 0;
	char *pcapng = g_strdup_printf("%s/%s.pcapng", out, c.id);
	if (r.verdict == HX_ERROR || r.verdict == HX_SKIP) {
		fprintf(stderr, "igmpx replay: %s: %s\n", hx_verdict_name(r.verdict), r.message);
		rc = 2;
	} else {
		printf("exchange: %s\n", pcapng);
		int must = hx_analyze(pcapng, HX_IUT_ADDR, stdout);
		rc = must < 0 ? 2 : must > 0 ? 1 : 0;
	}
	g_free(pcapng);
	g_free(r.detail);
	g_free(c.id);
	g_free(base);
	g_free(bins);
	g_free(profile_path);
	hx_profile_free(&p);
	return rc;
}

static int cmd_analyze(int argc, char **argv)
{
	if (argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		usage_of("analyze", stdout);
		return 0;
	}
	if (argc != 2 || argv[1][0] == '-') {
		usage_of("analyze", stderr);
		return 2;
	}
	int must = hx_analyze(argv[1], 0, stdout);
	return must < 0 ? 2 : must > 0 ? 1 : 0;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		usage_of(NULL, argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	const char *cmd = argv[1];
	argc--, argv++;
	if (!strcmp(cmd, "run"))
		return cmd_run(argc, argv);
	if (!strcmp(cmd, "list")) {
		if (argc > 1 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
			usage_of("list", stdout);
			return 0;
		}
		return cmd_list(argc - 1, argv + 1);
	}
	if (!strcmp(cmd, "replay"))
		return cmd_replay(argc, argv);
	if (!strcmp(cmd, "analyze"))
		return cmd_analyze(argc, argv);
	fprintf(stderr, "igmpx: unknown command \"%s\" (run, list, replay, analyze)\n", cmd);
	return 2;
}
