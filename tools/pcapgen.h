/* pcapgen.h: igmpx-pcapgen's own parts over the description language. */
#ifndef PCAPGEN_H
#define PCAPGEN_H

#include "desc.h"

/* ---- pcapgen-verify.c: expect=, the checker and the timing model ---- */
/* Each frame of c breaks exactly its expect= rules, content (core/check)
 * and timing (core/timing over the capture in order) alike. */
bool pg_expect_verify(const struct desc_capture *c);
/* One line per frame: "<capture> <frame> <rule,rule|->". */
void pg_expect_print(const struct desc_capture *c);
/* Real captures: no content finding at Note or above in any frame, but
 * those given as --allow CAPTURE.pcap:FRAME:RULE (each of which must occur).
 * argv: the arguments after --clean. */
int pg_check_clean(int argc, char **argv);

#endif
