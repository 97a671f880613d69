// SPDX-License-Identifier: GPL-2.0-only
/*
 * xpv-ethstats: a net device's ethtool statistics, for the test bed.
 *
 *   xpv-ethstats IFNAME
 *
 * Prints "name value" per counter, as "ethtool -S IFNAME" lists them
 * (the dom0 image has no ethtool). Also prints the driver's name as
 * "driver NAME" first (ETHTOOL_GDRVINFO). Exit status 1 on any error.
 * Built statically on the host by scripts/testbed.
 */
#include <errno.h>
#include <linux/ethtool.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

static int ethtool_ioctl(int fd, const char *ifname, void *cmd)
{
	struct ifreq ifr;

	memset(&ifr, 0, sizeof(ifr));
	strncpy(ifr.ifr_name, ifname, IFNAMSIZ - 1);
	ifr.ifr_data = cmd;
	return ioctl(fd, SIOCETHTOOL, &ifr);
}

int main(int argc, char **argv)
{
	struct ethtool_drvinfo info = { .cmd = ETHTOOL_GDRVINFO };
	struct ethtool_gstrings *names;
	struct ethtool_stats *stats;
	unsigned int n, i;
	int fd;

	if (argc != 2) {
		fprintf(stderr, "usage: %s IFNAME\n", argv[0]);
		return 1;
	}
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0 || ethtool_ioctl(fd, argv[1], &info)) {
		fprintf(stderr, "%s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	n = info.n_stats;
	names = calloc(1, sizeof(*names) + (size_t)n * ETH_GSTRING_LEN);
	stats = calloc(1, sizeof(*stats) + (size_t)n * sizeof(__u64));
	if (!names || !stats)
		return 1;
	names->cmd = ETHTOOL_GSTRINGS;
	names->string_set = ETH_SS_STATS;
	names->len = n;
	stats->cmd = ETHTOOL_GSTATS;
	stats->n_stats = n;
	if (ethtool_ioctl(fd, argv[1], names) ||
	    ethtool_ioctl(fd, argv[1], stats)) {
		fprintf(stderr, "%s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	printf("driver %.32s\n", info.driver);
	for (i = 0; i < n && i < stats->n_stats; i++)
		printf("%.*s %llu\n", ETH_GSTRING_LEN,
		       (char *)names->data + (size_t)i * ETH_GSTRING_LEN,
		       (unsigned long long)stats->data[i]);
	close(fd);
	return 0;
}
