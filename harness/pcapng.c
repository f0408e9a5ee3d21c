/* pcapng.c: the pcapng writer.  See pcapng.h. */
#include "pcapng.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BT_SHB 0x0A0D0D0Au
#define BT_IDB 0x00000001u
#define BT_EPB 0x00000006u
#define BYTE_ORDER_MAGIC 0x1A2B3C4Du
#define LINKTYPE_ETHERNET 1
#define SNAPLEN 262144u
#define OPT_ENDOFOPT 0
#define OPT_COMMENT 1
#define OPT_SHB_USERAPPL 4
#define OPT_IF_NAME 2
#define OPT_IF_TSRESOL 9
#define OPT_EPB_FLAGS 2
#define OPT_MAX 65535u /* an option's length is 16 bits */

struct hx_pcapng {
	FILE *f;
	unsigned nifaces;	/* Interface Description Blocks written */
	int err;	/* first errno of a failed write, 0 if none */
	char iobuf[1 << 16];
};

static size_t pad4(size_t n) { return (4 - n % 4) % 4; }
static size_t opt_size(size_t len) { return 4 + len + pad4(len); }

/* Length of a string option value: at most OPT_MAX octets, cut before a
 * UTF-8 continuation octet so that the value stays valid UTF-8. */
static size_t str_opt_len(const char *s)
{
	size_t n = strnlen(s, OPT_MAX + 1);

	if (n > OPT_MAX) {
		n = OPT_MAX;
		while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
			n--;
	}
	return n;
}

/* Every write goes through here; the first failure is kept and the rest of
 * the file is abandoned, as a block cut in the middle makes it unreadable. */
static void put(struct hx_pcapng *p, const void *data, size_t n)
{
	if (p->err || n == 0)
		return;
	errno = 0;
	if (fwrite(data, 1, n, p->f) != n)
		p->err = errno ? errno : EIO;
}

static void put16(struct hx_pcapng *p, uint16_t v) { put(p, &v, 2); }
static void put32(struct hx_pcapng *p, uint32_t v) { put(p, &v, 4); }

static void put_pad(struct hx_pcapng *p, size_t n)
{
	static const uint8_t zero[4];

	put(p, zero, pad4(n));
}

static void put_opt(struct hx_pcapng *p, uint16_t code, const void *val, size_t len)
{
	put16(p, code);
	put16(p, (uint16_t)len);
	put(p, val, len);
	put_pad(p, len);
}

static int finish(struct hx_pcapng *p, uint32_t total)
{
	put32(p, total);
	if (p->err) {
		errno = p->err;
		return -1;
	}
	return 0;
}

static int write_idb(struct hx_pcapng *p, const char *ifname)
{
	const uint8_t tsresol = 9; /* 10^-9 s */
	size_t namelen = ifname ? str_opt_len(ifname) : 0;
	uint32_t total = (uint32_t)(12 + 8 + (ifname ? opt_size(namelen) : 0) + opt_size(1) + 4);

	put32(p, BT_IDB);
	put32(p, total);
	put16(p, LINKTYPE_ETHERNET);
	put16(p, 0);
	put32(p, SNAPLEN);
	if (ifname)
		put_opt(p, OPT_IF_NAME, ifname, namelen);
	put_opt(p, OPT_IF_TSRESOL, &tsresol, 1);
	put_opt(p, OPT_ENDOFOPT, NULL, 0);
	if (finish(p, total))
		return -1;
	return (int)p->nifaces++;
}

static int write_headers(struct hx_pcapng *p, const char *ifname)
{
	static const char appl[] = "igmpx";
	uint32_t total;
	int64_t section_len = -1; /* not given: we write as we go */

	total = (uint32_t)(12 + 16 + opt_size(sizeof(appl) - 1) + 4);
	put32(p, BT_SHB);
	put32(p, total);
	put32(p, BYTE_ORDER_MAGIC);
	put16(p, 1); /* version 1.0 */
	put16(p, 0);
	put(p, &section_len, 8);
	put_opt(p, OPT_SHB_USERAPPL, appl, sizeof(appl) - 1);
	put_opt(p, OPT_ENDOFOPT, NULL, 0);
	if (finish(p, total))
		return -1;
	return write_idb(p, ifname) < 0 ? -1 : 0;
}

int hx_pcapng_add_interface(struct hx_pcapng *p, const char *ifname)
{
	if (!p) {
		errno = EINVAL;
		return -1;
	}
	if (p->err) {
		errno = p->err;
		return -1;
	}
	return write_idb(p, ifname);
}

struct hx_pcapng *hx_pcapng_open(const char *path, const char *ifname, char *err, size_t errlen)
{
	struct hx_pcapng *p = calloc(1, sizeof(*p));
	int e;

	if (!p) {
		e = errno;
		goto fail;
	}
	p->f = fopen(path, "wb");
	if (!p->f) {
		e = errno;
		free(p);
		goto fail;
	}
	setvbuf(p->f, p->iobuf, _IOFBF, sizeof(p->iobuf));
	/* Flushed at once so that a full disk or a bad device shows here. */
	if (write_headers(p, ifname) == 0 && fflush(p->f) == 0)
		return p;
	e = p->err ? p->err : errno;
	fclose(p->f);
	free(p);
fail:
	if (err && errlen)
		snprintf(err, errlen, "%s: %s", path, strerror(e));
	errno = e;
	return NULL;
}

int hx_pcapng_write(struct hx_pcapng *p, uint64_t t_ns, const uint8_t *frame, size_t len, int dir,
		    const char *const *comments, size_t ncomments)
{
	return hx_pcapng_write_on(p, 0, t_ns, frame, len, dir, comments, ncomments);
}

int hx_pcapng_write_on(struct hx_pcapng *p, unsigned iface, uint64_t t_ns, const uint8_t *frame,
		       size_t len, int dir, const char *const *comments, size_t ncomments)
{
	if (!p || (!frame && len) || (!comments && ncomments) || dir < 0 || dir > 2 ||
	    iface >= p->nifaces) {
		errno = EINVAL;
		return -1;
	}
	if (p->err) {
		errno = p->err;
		return -1;
	}
	size_t caplen = len < SNAPLEN ? len : SNAPLEN;
	uint64_t total = 28 + caplen + pad4(caplen) + 4;

	for (size_t i = 0; i < ncomments && total <= UINT32_MAX; i++) {
		if (!comments[i]) {
			errno = EINVAL;
			return -1;
		}
		total += opt_size(str_opt_len(comments[i]));
	}
	if (dir)
		total += opt_size(4);
	if (ncomments || dir)
		total += 4; /* opt_endofopt */
	if (total > UINT32_MAX || len > UINT32_MAX) {
		errno = EMSGSIZE;
		return -1;
	}

	put32(p, BT_EPB);
	put32(p, (uint32_t)total);
	put32(p, iface);
	put32(p, (uint32_t)(t_ns >> 32));
	put32(p, (uint32_t)t_ns);
	put32(p, (uint32_t)caplen);
	put32(p, (uint32_t)len);
	put(p, frame, caplen);
	put_pad(p, caplen);
	for (size_t i = 0; i < ncomments; i++)
		put_opt(p, OPT_COMMENT, comments[i], str_opt_len(comments[i]));
	if (dir) {
		uint32_t flags = (uint32_t)dir; /* bits 0-1: 01 inbound, 10 outbound */

		put_opt(p, OPT_EPB_FLAGS, &flags, 4);
	}
	if (ncomments || dir)
		put_opt(p, OPT_ENDOFOPT, NULL, 0);
	return finish(p, (uint32_t)total);
}

int hx_pcapng_close(struct hx_pcapng *p)
{
	if (!p)
		return 0;
	int e = p->err;

	if (fclose(p->f) != 0 && !e)
		e = errno ? errno : EIO;
	free(p);
	if (e) {
		errno = e;
		return -1;
	}
	return 0;
}
