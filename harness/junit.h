/* junit.h: write conformance verdicts as JUnit XML, the report format CI
 * systems (Jenkins, GitLab, GitHub actions) read. */
#ifndef IGMPX_HARNESS_JUNIT_H
#define IGMPX_HARNESS_JUNIT_H

#include <stddef.h>

struct hx_junit_case {
	const char *id;		/* testcase name, e.g. "H3-GQ-RESPONSE" */
	const char *classname;	/* e.g. "conformance.host" */
	const char *verdict;	/* "PASS" "FAIL" "WARN" "INCONCLUSIVE" "SKIP" "ERROR" */
	const char *rfc;	/* "RFC 9776 §5.2" */
	const char *level;	/* "MUST" "SHOULD" "MAY" "NEG" */
	double seconds;
	const char *message;	/* one line: why (for FAIL/ERROR/SKIP/WARN), may be NULL */
	const char *detail;	/* multi-line text (the full explanation), may be NULL */
};

/* Writes path (truncating): one <testsuite name=suite tests= failures=
 * errors= skipped= time=> inside <testsuites>, one <testcase> per case with
 * properties verdict, rfc and level; <failure> for FAIL, <error> for ERROR
 * (message attribute, detail as text), <skipped message=/> for SKIP; WARN
 * and INCONCLUSIVE write message and detail to <system-out>; PASS and any
 * other verdict have no child but the properties.  Text is escaped for XML:
 * control characters other than tab, newline and return are dropped, and
 * octets that are not UTF-8 become U+FFFD.  NULL strings are written as
 * empty.  Returns 0, or -1 with err filled ("PATH: strerror"). */
int hx_junit_write(const char *path, const char *suite, const struct hx_junit_case *cases, size_t n,
		   char *err, size_t errlen);

#endif
