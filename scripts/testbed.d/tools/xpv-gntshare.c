// SPDX-License-Identifier: GPL-2.0-only
/*
 * xpv-gntshare: grant pages of dom0 to a guest, for the test bed.
 *
 *   xpv-gntshare DOMID NPAGES BYTE
 *
 * Allocates NPAGES pages through the stock /dev/xen/gntalloc, granted
 * read-only to DOMID; fills page i with the byte BYTE + i (BYTE in hex);
 * prints the grant references on one line ("ref0 ref1 ...") and keeps the
 * grants until its standard input reaches end of file (or a signal ends
 * it). The kernel's gntalloc revokes them when the pages are released, once
 * the guest no longer maps them. Built statically on the host by
 * scripts/testbed, so the dom0 image needs nothing for it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <xen/gntalloc.h>

#define PAGE 4096u
#define MAX_PAGES 16u

int main(int argc, char **argv)
{
	struct ioctl_gntalloc_alloc_gref *op;
	unsigned long domid, n, byte;
	unsigned char *mem;
	char buf[64];
	unsigned int i;
	int fd;

	if (argc != 4) {
		fprintf(stderr, "usage: %s DOMID NPAGES BYTE(hex)\n", argv[0]);
		return 2;
	}
	domid = strtoul(argv[1], NULL, 0);
	n = strtoul(argv[2], NULL, 0);
	byte = strtoul(argv[3], NULL, 16);
	if (!domid || domid >= 0x7ff0 || !n || n > MAX_PAGES || byte > 0xff) {
		fprintf(stderr, "%s: bad arguments\n", argv[0]);
		return 2;
	}
	fd = open("/dev/xen/gntalloc", O_RDWR);
	if (fd < 0) {
		perror("open /dev/xen/gntalloc");
		return 1;
	}
	op = calloc(1, sizeof(*op) + n * sizeof(op->gref_ids[0]));
	if (!op)
		return 1;
	op->domid = domid;
	op->flags = 0;		/* read-only for the guest */
	op->count = n;
	if (ioctl(fd, IOCTL_GNTALLOC_ALLOC_GREF, op)) {
		perror("IOCTL_GNTALLOC_ALLOC_GREF");
		return 1;
	}
	mem = mmap(NULL, n * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		   op->index);
	if (mem == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	for (i = 0; i < n; i++)
		memset(mem + i * PAGE, (int)((byte + i) & 0xff), PAGE);
	for (i = 0; i < n; i++)
		printf("%s%u", i ? " " : "", op->gref_ids[i]);
	printf("\n");
	fflush(stdout);
	while (read(0, buf, sizeof(buf)) > 0)
		;
	munmap(mem, n * PAGE);
	close(fd);
	return 0;
}
