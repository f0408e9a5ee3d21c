/* expr.c: the window expressions of case files: numbers (seconds), the
 * names below, + - * / and parentheses.  "mrt + tol", "2 * uri".
 *
 *   mrt  Max Resp Time of the last query the harness sent (s)
 *   qqi  its Querier's Query Interval (QQIC decoded; profile QI if none)
 *   qrv  its Querier's Robustness Variable (profile robustness if none)
 *   robustness qi qri lmqi lmqc uri   the profile's [timers]
 *   tol  the profile's timer tolerance (s)
 *   max_memberships max_sources       the profile's [limits] (0 if not stated) */
#include "hx.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
	V(max_memberships), V(max_sources),
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
		       "max_memberships max_sources)");
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
