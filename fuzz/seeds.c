/* seeds.c: the seed corpora of the fuzz targets, from the project's own
 * captures.
 *
 *   fuzz-seeds OUTDIR CAPTURE...
 *
 * For each capture (pcap, any link type the harness reads), each IPv4
 * packet carrying IP protocol 2 becomes a file of OUTDIR/packet/ (the
 * inputs of fuzz-parse and fuzz-check), and the whole capture one file of
 * OUTDIR/sequence/ in the record format of fuzz-timing and fuzz-dissector
 * (2-octet length, 2-octet time step in 10 ms units, the packet), the
 * first 64 packets of it; each Ethernet frame with IGMP becomes a file of
 * OUTDIR/frames/ (fuzz-frames: a match line, then the frame).  The text
 * inputs (descriptions, cases, profiles) are files of the project already;
 * fuzz/run.sh gives them to their targets as they are. */
#include "hx.h"

#include <errno.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char *const matches[] = {
	"v3report group=239.1.1.1 record=IS_EX",
	"v2report group=239.1.1.1",
	"v3report group=239.1.1.1 record=IS_IN sources=192.0.2.10,192.0.2.11",
	"leave",
	"v3report nsources=2",
};

static int write_file(const char *path, const void *a, size_t na, const void *b, size_t nb)
{
	FILE *f = fopen(path, "wb");

	if (!f || fwrite(a, 1, na, f) != na || (nb && fwrite(b, 1, nb, f) != nb)) {
		fprintf(stderr, "fuzz-seeds: cannot write %s: %s\n", path, strerror(errno));
		if (f)
			fclose(f);
		return -1;
	}
	return fclose(f) == 0 ? 0 : -1;
}

static const char *base(const char *path)
{
	const char *s = strrchr(path, '/');
	return s ? s + 1 : path;
}

static int one_capture(const char *out, const char *path, unsigned *packets)
{
	char err[PCAP_ERRBUF_SIZE], name[4096];
	pcap_t *p = pcap_open_offline(path, err);
	struct pcap_pkthdr *h;
	const u_char *data;
	uint8_t *seq = NULL;
	size_t seqlen = 0;
	double prev = -1;
	unsigned n = 0, inseq = 0;
	int dlt, rc;

	if (!p) {
		fprintf(stderr, "fuzz-seeds: %s: %s\n", path, err);
		return -1;
	}
	dlt = pcap_datalink(p);
	while ((rc = pcap_next_ex(p, &h, &data)) == 1) {
		size_t iplen;
		const uint8_t *ip = hx_ip_of(dlt, data, h->caplen, &iplen);
		double t = (double)h->ts.tv_sec + h->ts.tv_usec / 1e6;

		n++;
		if (!ip || iplen < 20 || (ip[0] >> 4) != 4 || ip[9] != 2)
			continue;
		snprintf(name, sizeof(name), "%s/packet/%s-%u", out, base(path), n);
		if (write_file(name, ip, iplen, NULL, 0) < 0)
			break;
		(*packets)++;
		if (dlt == 1) {
			const char *m = matches[n % (sizeof(matches) / sizeof(matches[0]))];
			snprintf(name, sizeof(name), "%s/frames/%s-%u", out, base(path), n);
			char line[128];
			int k = snprintf(line, sizeof(line), "%s\n", m);
			write_file(name, line, (size_t)k, data, h->caplen);
		}
		if (inseq < 64 && iplen <= 0xffff) {
			unsigned step = prev < 0 || t < prev ? 0 : (unsigned)((t - prev) * 100 + 0.5);
			uint8_t *s = realloc(seq, seqlen + 4 + iplen);
			if (!s)
				break;
			seq = s;
			if (step > 0xffff)
				step = 0xffff;
			seq[seqlen] = (uint8_t)(iplen >> 8);
			seq[seqlen + 1] = (uint8_t)iplen;
			seq[seqlen + 2] = (uint8_t)(step >> 8);
			seq[seqlen + 3] = (uint8_t)step;
			memcpy(seq + seqlen + 4, ip, iplen);
			seqlen += 4 + iplen;
			prev = t;
			inseq++;
		}
	}
	if (seqlen) {
		snprintf(name, sizeof(name), "%s/sequence/%s", out, base(path));
		write_file(name, seq, seqlen, NULL, 0);
	}
	free(seq);
	pcap_close(p);
	return 0;
}

int main(int argc, char **argv)
{
	static const char *const dirs[] = { "packet", "sequence", "frames" };
	unsigned packets = 0;
	char d[4096];

	if (argc < 3) {
		fprintf(stderr, "usage: fuzz-seeds OUTDIR CAPTURE...\n");
		return 2;
	}
	mkdir(argv[1], 0755);
	for (size_t i = 0; i < 3; i++) {
		snprintf(d, sizeof(d), "%s/%s", argv[1], dirs[i]);
		if (mkdir(d, 0755) < 0 && errno != EEXIST) {
			fprintf(stderr, "fuzz-seeds: cannot make %s: %s\n", d, strerror(errno));
			return 1;
		}
	}
	for (int i = 2; i < argc; i++)
		one_capture(argv[1], argv[i], &packets);
	printf("fuzz-seeds: %u packets from %d captures into %s\n", packets, argc - 2, argv[1]);
	return packets ? 0 : 1;
}
