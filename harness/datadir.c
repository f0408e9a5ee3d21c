/* datadir.c: the igmpx command's data folder (datadir.h).  Built into
 * the command only: IGMPX_SOURCE_DIR, the source tree of a build tree's
 * binary, is the command's compile definition. */
#define _GNU_SOURCE
#include "datadir.h"

#include <glib.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

char *hx_self_dir(void)
{
	char buf[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);

	if (n <= 0)
		return g_strdup("");
	buf[n] = '\0';
	return g_path_get_dirname(buf);
}

/* The data folder: the cases, the IUT profiles and the captures the cases
 * replay.  $IGMPX_DATADIR if set; else the folder installed with this
 * binary (BIN/../share/igmpx, so that a moved or packaged install finds
 * its own); else, for the binary of a build tree, the source tree it was
 * built from.  NULL (said, with where it looked) if none has the cases. */
const char *hx_data_dir(void)
{
	static char *dir;
	static bool looked;

	if (looked)
		return dir;
	looked = true;
	const char *env = getenv("IGMPX_DATADIR");
	if (env && *env) {
		char *c = g_build_filename(env, "conformance", NULL);
		bool ok = g_file_test(c, G_FILE_TEST_IS_DIR);
		g_free(c);
		if (ok)
			return dir = g_strdup(env);
		fprintf(stderr, "igmpx: IGMPX_DATADIR=%s has no conformance/ folder\n", env);
		return NULL;
	}
	char *self = hx_self_dir();
	char *cand[3] = { g_build_filename(self, "..", "share", "igmpx", NULL), NULL, NULL };
#ifdef IGMPX_SOURCE_DIR
	cand[1] = g_strdup(IGMPX_SOURCE_DIR);
#endif
	g_free(self);
	for (int i = 0; i < 2 && !dir; i++) {
		char *c = cand[i] ? g_build_filename(cand[i], "conformance", NULL) : NULL;
		if (c && g_file_test(c, G_FILE_TEST_IS_DIR))
			dir = g_canonicalize_filename(cand[i], NULL);
		g_free(c);
	}
	if (!dir)
		fprintf(stderr, "igmpx: no data folder (cases and profiles): none in %s%s%s; "
			"name the cases and --iut, or set IGMPX_DATADIR\n", cand[0],
			cand[1] ? " or " : "", cand[1] ? cand[1] : "");
	g_free(cand[0]);
	g_free(cand[1]);
	return dir;
}

/* REL under the data folder; NULL if there is none. */
char *hx_data_path(const char *rel)
{
	const char *d = hx_data_dir();
	return d ? g_build_filename(d, rel, NULL) : NULL;
}

/* The profile --iut names: a file, else (a bare name such as linux-bridge
 * or frr.ini) the data folder's conformance/iut/NAME[.ini]. */
char *hx_profile_file(const char *iut)
{
	if (!iut)
		return hx_data_path("conformance/iut/linux-host.ini");
	if (strchr(iut, '/') || g_file_test(iut, G_FILE_TEST_EXISTS) || !hx_data_dir())
		return g_strdup(iut);
	char *name = g_str_has_suffix(iut, ".ini") ? g_strdup(iut) : g_strconcat(iut, ".ini", NULL);
	char *p = g_build_filename(hx_data_dir(), "conformance", "iut", name, NULL);
	g_free(name);
	if (g_file_test(p, G_FILE_TEST_EXISTS))
		return p;
	fprintf(stderr, "igmpx: --iut %s: no such file, nor a profile %s\n", iut, p);
	g_free(p);
	return NULL;
}
