/* expr.c: the window expressions of case files: numbers (seconds), the
 * names below, + - * / and parentheses.  "mrt + tol", "2 * uri".
 *
 *   mrt  Max Resp Time of the last query the harness sent (s)
 *   qqi  its Querier's Query Interval (QQIC decoded; profile QI if none)
 *   qrv  its Querier's Robustness Variable (profile robustness if none)
 *   robustness qi qri lmqi lmqc uri   the profile's [timers]
 *   tol  the profile's timer tolerance (s)
 *   max_memberships max_sources       the profile's [limits] (0 if not stated)
 *   gmi oqpi   Group Membership and Other Querier Present Intervals
 *   lmqt       Last Member Query Time (lmqc * lmqi)
 *   sqi sqc    Startup Query Interval and Count */
#include "hx.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const struct hx_vars hx_vars_ones = {
	.mrt = 1, .qqi = 1, .qrv = 1, .robustness = 1, .qi = 1, .qri = 1, .lmqi = 1, .lmqc = 1,
	.uri = 1, .tol = 1, .max_memberships = 1, .max_sources = 1, .gmi = 1, .oqpi = 1,
	.lmqt = 1, .sqi = 1, .sqc = 1,
};

struct px {
	const char *text, *p;
	const struct hx_vars *v;
	char *err;
	size_t errlen;
	bool bad;
};

static void bad(struct px *x, const char *what)
{
	if (!x->bad)
		snprintf(x->err, x->errlen, "%s at column %d of \"%s\"", what,
			 (int)(x->p - x->text) + 1, x->text);
	x->bad = true;
}

static void skip(struct px *x)
{
	while (*x->p == ' ' || *x->p == '\t')
		x->p++;
}

static double sum(struct px *x);

static const struct {
	const char *name;
	size_t off;
} names[] = {
#define V(n) { #n, offsetof(struct hx_vars, n) }
	V(mrt), V(qqi), V(qrv), V(robustness), V(qi), V(qri), V(lmqi), V(lmqc), V(uri), V(tol),
	V(max_memberships), V(max_sources), V(gmi), V(oqpi), V(lmqt), V(sqi), V(sqc),
#undef V
};

static double atom(struct px *x)
{
	skip(x);
	if (*x->p == '(') {
		x->p++;
		double d = sum(x);
		skip(x);
		if (*x->p != ')')
			bad(x, "\")\" expected");
		else
			x->p++;
		return d;
	}
	if (*x->p == '-') {
		x->p++;
		return -atom(x);
	}
	if (isdigit((unsigned char)*x->p) || *x->p == '.') {
		char *end;
		double d = strtod(x->p, &end);
		x->p = end;
		return d;
	}
	if (isalpha((unsigned char)*x->p)) {
		const char *s = x->p;
		while (isalnum((unsigned char)*x->p) || *x->p == '_')
			x->p++;
		for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
			if (strlen(names[i].name) == (size_t)(x->p - s) &&
			    strncmp(names[i].name, s, (size_t)(x->p - s)) == 0)
				return *(const double *)((const char *)x->v + names[i].off);
		x->p = s;
		bad(x, "unknown name (known: mrt qqi qrv robustness qi qri lmqi lmqc uri tol "
		       "max_memberships max_sources gmi oqpi lmqt sqi sqc)");
		return 0;
	}
	bad(x, *x->p ? "number, name or \"(\" expected" : "expression ends early");
	return 0;
}

static double product(struct px *x)
{
	double d = atom(x);
	for (;;) {
		skip(x);
		char op = *x->p;
		if (op != '*' && op != '/')
			return d;
		x->p++;
		double r = atom(x);
		if (op == '/' && r == 0) {
			bad(x, "division by zero");
			return 0;
		}
		d = op == '*' ? d * r : d / r;
	}
}

static double sum(struct px *x)
{
	double d = product(x);
	for (;;) {
		skip(x);
		char op = *x->p;
		if (op != '+' && op != '-')
			return d;
		x->p++;
		double r = product(x);
		d = op == '+' ? d + r : d - r;
	}
}

bool hx_expr_eval(const char *text, const struct hx_vars *v, double *out, char *err,
		  size_t errlen)
{
	struct px x = { text, text, v, err, errlen, false };
	double d = sum(&x);

	skip(&x);
	if (*x.p)
		bad(&x, "operator expected");
	if (!x.bad && d < 0) {
		snprintf(err, errlen, "\"%s\" is %g s, below 0", text, d);
		x.bad = true;
	}
	*out = d;
	return !x.bad;
}
