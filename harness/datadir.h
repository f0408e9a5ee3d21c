/* datadir.h: where the igmpx command finds its cases, IUT profiles and
 * the captures the cases replay (the data folder), and the profile --iut
 * names. */
#ifndef IGMPX_DATADIR_H
#define IGMPX_DATADIR_H

char *hx_self_dir(void);
const char *hx_data_dir(void);
char *hx_data_path(const char *rel);
char *hx_profile_file(const char *iut);

#endif
