/* fuzz_dissector.c: the plugin inside libwireshark, as fuzzshark runs a
 * dissector: the plugin's sources are built into this program and
 * registered before epan_init, each input is dissected with a visible tree
 * (fields, expert items, the stateful analysis) and with the plugin's taps
 * listening (-z igmpx,groups and igmpx,rules started as tshark starts
 * them), and WIRESHARK_ABORT_ON_DISSECTOR_BUG makes a dissector bug abort.
 *
 * Input: records of
 *   length (2 octets, big-endian), time step (2 octets, big-endian, in
 *   10 ms units),
 *   that many octets of IPv4 packet (a last record cut short takes what is
 *   left)
 * each dissected as the next frame of one capture of link type raw IPv4,
 * so the analysis across frames runs inside one input.  Every input is a
 * capture of its own for the plugin (its state restarted, its taps reset),
 * so that an input found to crash crashes alone; the session (epan_new,
 * costly) lives for the whole run, frame numbers growing across inputs as
 * in fuzzshark. */
#include <wireshark.h>
#include <epan/epan.h>
#include <epan/epan_dissect.h>
#include <epan/frame_data.h>
#include <epan/prefs.h>
#include <epan/proto.h>
#include <epan/stat_tap_ui.h>
#include <epan/tap.h>
#include <wiretap/wtap.h>
#include <wsutil/privileges.h>

#include "packet-igmpx.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const nstime_t *frame_ts(struct packet_provider_data *prov _U_, guint32 frame_num _U_)
{
	static nstime_t zero;
	return &zero;
}

static const struct packet_provider_funcs provider = { frame_ts, NULL, NULL, NULL };

#define MAX_FRAMES 64
static frame_data frames[MAX_FRAMES];
static epan_t *session;
static epan_dissect_t *edt;
static guint32 numbered;         /* frames numbered so far, over all inputs */
static struct span {
	size_t off, len;
	nstime_t ts;
} at[MAX_FRAMES];

int LLVMFuzzerInitialize(int *argc _U_, char ***argv _U_)
{
	static const proto_plugin igmpx = {
		.register_protoinfo = proto_register_igmpx,
		.register_handoff = proto_reg_handoff_igmpx,
	};

	/* No home folder, no profile: nothing of the machine's settings. */
	g_setenv("XDG_CONFIG_HOME", "/nonexistent", TRUE);
	g_setenv("HOME", "/nonexistent", TRUE);
	g_setenv("WIRESHARK_ABORT_ON_DISSECTOR_BUG", "1", TRUE);
	init_process_policies();
	wtap_init(FALSE);
	proto_register_plugin(&igmpx);
	if (!epan_init(NULL, NULL, FALSE)) {
		fprintf(stderr, "fuzz-dissector: epan_init failed\n");
		exit(1);
	}
	epan_load_settings();
	prefs_apply_all();
	if (!process_stat_cmd_arg("igmpx,groups") || !process_stat_cmd_arg("igmpx,rules")) {
		fprintf(stderr, "fuzz-dissector: the plugin's -z igmpx,groups / igmpx,rules are missing\n");
		exit(1);
	}
	start_requested_stats();
	session = epan_new(NULL, &provider);
	edt = epan_dissect_new(session, TRUE, TRUE);
	return 0;
}

/* Frame i of the capture dissected, its octets an exact-size copy (a read
 * past them is caught).  The first time as a capture is read (numbered,
 * times relative to the previous frame), then as a frame revisited. */
static void dissect(epan_dissect_t *e, size_t i, const uint8_t *p, size_t len, nstime_t ts)
{
	static const frame_data *ref;
	static nstime_t elapsed;
	static guint32 cum;
	frame_data *fd = &frames[i];
	wtap_rec rec;
	bool first = !fd->num;
#if WIRESHARK_VERSION_MAJOR == 4 && WIRESHARK_VERSION_MINOR < 6
	guint8 *copy = g_memdup2(p, len);
	tvbuff_t *tvb = tvb_new_real_data(copy, (guint)len, (gint)len);

	wtap_rec_init(&rec);
#else
	/* From 4.6 the octets are the record's own (rec.data), and epan makes
	 * the tvb: a read past them within the buffer's spare room is not
	 * caught there, as it is with the exact copy above. */
	wtap_rec_init(&rec, len);
	ws_buffer_append(&rec.data, p, len);
#endif
	rec.rec_type = REC_TYPE_PACKET;
	rec.presence_flags = WTAP_HAS_TS | WTAP_HAS_CAP_LEN;
	rec.ts = ts;
	rec.rec_header.packet_header.caplen = (guint32)len;
	rec.rec_header.packet_header.len = (guint32)len;
	rec.rec_header.packet_header.pkt_encap = WTAP_ENCAP_RAW_IP4;
	if (first) {
		if (i == 0) {
			ref = NULL;
			cum = 0;
		}
		frame_data_init(fd, ++numbered, &rec, 0, cum);
		frame_data_set_before_dissect(fd, &elapsed, &ref, i ? &frames[i - 1] : NULL);
	}
#if WIRESHARK_VERSION_MAJOR == 4 && WIRESHARK_VERSION_MINOR < 6
	epan_dissect_run_with_taps(e, WTAP_FILE_TYPE_SUBTYPE_UNKNOWN, &rec, tvb, fd, NULL);
#else
	epan_dissect_run_with_taps(e, WTAP_FILE_TYPE_SUBTYPE_UNKNOWN, &rec, fd, NULL);
#endif
	if (first) {
		frame_data_set_after_dissect(fd, &cum);
		fd->visited = 1;
	}
	epan_dissect_reset(e);        /* frees the tvb with the tree */
#if WIRESHARK_VERSION_MAJOR == 4 && WIRESHARK_VERSION_MINOR < 6
	g_free(copy);
#endif
	wtap_rec_cleanup(&rec);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	nstime_t t = { 1767225600, 0 };
	size_t off = 0, n = 0;

	igmpx_state_restart();
	reset_tap_listeners();
	memset(frames, 0, sizeof(frames));
	while (off + 4 <= size && n < MAX_FRAMES) {
		size_t len = (size_t)data[off] << 8 | data[off + 1];
		unsigned step_ms = 10u * ((unsigned)data[off + 2] << 8 | data[off + 3]);
		nstime_t step = { step_ms / 1000, (int)(step_ms % 1000) * 1000000 };

		off += 4;
		if (len > size - off)
			len = size - off;
		nstime_add(&t, &step);
		at[n] = (struct span){ off, len, t };
		off += len;
		n++;
	}
	/* The first pass, as tshark makes it, then every frame again as the
	 * GUI does when one is selected: the stored analysis is read back. */
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < n; i++)
			dissect(edt, i, data + at[i].off, at[i].len, at[i].ts);
	for (size_t i = 0; i < n; i++)
		frame_data_destroy(&frames[i]);
	return 0;
}
