/* timing.c: the timing rules of rules.def over a link.  See timing.h. */
#include "timing.h"

#include <stdlib.h>
#include <string.h>

struct igmpx_link {
	struct igmpx_link_config cfg;
};

void igmpx_link_config_defaults(struct igmpx_link_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->robustness = 2;
	cfg->query_interval_s = 125;
	cfg->query_response_ds = 100;
	cfg->lmqi_ds = 10;
}

struct igmpx_link *igmpx_link_new(const struct igmpx_link_config *cfg)
{
	struct igmpx_link *l = calloc(1, sizeof(*l));
	if (l)
		l->cfg = *cfg;
	return l;
}

void igmpx_link_free(struct igmpx_link *link)
{
	free(link);
}

size_t igmpx_link_feed(struct igmpx_link *link, uint32_t frame, uint64_t t_us,
		       const uint8_t *ip, size_t len, struct igmpx_link_event *ev,
		       struct igmpx_tfinding *out, size_t max)
{
	(void)link; (void)frame; (void)t_us; (void)ip; (void)len; (void)out; (void)max;
	memset(ev, 0, sizeof(*ev));
	return 0;       /* TODO(helper): every TIMING rule */
}

size_t igmpx_link_finish(struct igmpx_link *link, uint64_t t_us,
			 struct igmpx_tfinding *out, size_t max)
{
	(void)link; (void)t_us; (void)out; (void)max;
	return 0;
}
