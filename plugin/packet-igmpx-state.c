/* packet-igmpx-state.c: the stateful analysis (core/timing) across the
 * packets of a capture: first pass only, state in wmem_file_scope. */
#include "packet-igmpx.h"

void igmpx_register_state(int proto, module_t *prefs)
{
	(void)proto; (void)prefs;   /* TODO(helper): fields, preferences */
}

void igmpx_state_apply(struct igmpx_ctx *c)
{
	(void)c;        /* TODO(helper): feed core/timing, show links and findings */
}
