// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of drivers/xen/proto/xenbus_keys.c: the queue directories and
 * ring-reference node names the ring endpoints (drivers/xen/xenbus_ring.c)
 * write and read for blkif and netif.
 */
#include <stdio.h>
#include "xenbus_keys.h"
#include "kselftest_harness.h"

TEST(queue_dir_single_queue_is_top_level)
{
	char buf[24] = "junk";

	EXPECT_EQ(0, xpv_xb_queue_dir(buf, sizeof(buf), 1, 0));
	EXPECT_STREQ("", buf);
	strcpy(buf, "junk");
	EXPECT_EQ(0, xpv_xb_queue_dir(buf, sizeof(buf), 0, 0));
	EXPECT_STREQ("", buf);
	EXPECT_EQ(0, xpv_xb_queue_dir(buf, 1, 1, 0));
	EXPECT_STREQ("", buf);
}

TEST(queue_dir_multi_queue)
{
	char buf[24];

	EXPECT_EQ(0, xpv_xb_queue_dir(buf, sizeof(buf), 2, 0));
	EXPECT_STREQ("queue-0/", buf);
	EXPECT_EQ(0, xpv_xb_queue_dir(buf, sizeof(buf), 16, 15));
	EXPECT_STREQ("queue-15/", buf);
	EXPECT_EQ(0, xpv_xb_queue_dir(buf, sizeof(buf), 0xffffffffu,
				      0xfffffffeu));
	EXPECT_STREQ("queue-4294967294/", buf);
}

TEST(queue_dir_rejects_index_out_of_range)
{
	char buf[24];

	EXPECT_EQ(-EINVAL, xpv_xb_queue_dir(buf, sizeof(buf), 4, 4));
	EXPECT_EQ(-EINVAL, xpv_xb_queue_dir(buf, sizeof(buf), 1, 1));
	EXPECT_EQ(-EINVAL, xpv_xb_queue_dir(buf, sizeof(buf), 0, 1));
}

TEST(queue_dir_too_small)
{
	char buf[9];

	/* "queue-10/" needs 10 bytes with the NUL */
	EXPECT_EQ(-ENOSPC, xpv_xb_queue_dir(buf, sizeof(buf), 11, 10));
	EXPECT_STREQ("", buf);
	EXPECT_EQ(0, xpv_xb_queue_dir(buf, sizeof(buf), 10, 9));
	EXPECT_STREQ("queue-9/", buf);
	EXPECT_EQ(-ENOSPC, xpv_xb_queue_dir(buf, 0, 1, 0));
}

TEST(node_joins_dir_and_key)
{
	char buf[32];

	EXPECT_EQ(0, xpv_xb_node(buf, sizeof(buf), "", "event-channel"));
	EXPECT_STREQ("event-channel", buf);
	EXPECT_EQ(0, xpv_xb_node(buf, sizeof(buf), NULL, "event-channel"));
	EXPECT_STREQ("event-channel", buf);
	EXPECT_EQ(0, xpv_xb_node(buf, sizeof(buf), "queue-3/",
				 "event-channel-tx"));
	EXPECT_STREQ("queue-3/event-channel-tx", buf);
	EXPECT_EQ(-ENOSPC, xpv_xb_node(buf, 24, "queue-3/",
				       "event-channel-tx"));
	EXPECT_EQ(0, xpv_xb_node(buf, 25, "queue-3/", "event-channel-tx"));
}

TEST(ring_ref_single_page_without_order_key)
{
	char buf[32];

	EXPECT_EQ(0, xpv_xb_ring_ref_node(buf, sizeof(buf), "", "ring-ref", 0,
					  false, 0));
	EXPECT_STREQ("ring-ref", buf);
	EXPECT_EQ(0, xpv_xb_ring_ref_node(buf, sizeof(buf), "queue-1/",
					  "tx-ring-ref", 0, false, 0));
	EXPECT_STREQ("queue-1/tx-ring-ref", buf);
	/* several pages need numbered keys */
	EXPECT_EQ(-EINVAL, xpv_xb_ring_ref_node(buf, sizeof(buf), "",
						"ring-ref", 1, false, 0));
	EXPECT_EQ(-EINVAL, xpv_xb_ring_ref_node(buf, sizeof(buf), "",
						"ring-ref", 0, false, 1));
}

TEST(ring_ref_numbered_keys)
{
	char buf[32];

	/* ring-page-order 0 written: the one key is numbered too */
	EXPECT_EQ(0, xpv_xb_ring_ref_node(buf, sizeof(buf), "", "ring-ref", 0,
					  true, 0));
	EXPECT_STREQ("ring-ref0", buf);
	EXPECT_EQ(0, xpv_xb_ring_ref_node(buf, sizeof(buf), "queue-0/",
					  "ring-ref", 4, true, 15));
	EXPECT_STREQ("queue-0/ring-ref15", buf);
	EXPECT_EQ(0, xpv_xb_ring_ref_node(buf, sizeof(buf), "", "rx-ring-ref",
					  2, true, 3));
	EXPECT_STREQ("rx-ring-ref3", buf);
	EXPECT_EQ(-EINVAL, xpv_xb_ring_ref_node(buf, sizeof(buf), "",
						"ring-ref", 4, true, 16));
	EXPECT_EQ(-EINVAL, xpv_xb_ring_ref_node(buf, sizeof(buf), "",
						"ring-ref", 5, true, 0));
	/* "ring-ref15" needs 11 bytes */
	EXPECT_EQ(-ENOSPC, xpv_xb_ring_ref_node(buf, 10, "", "ring-ref", 4,
						true, 15));
	EXPECT_EQ(0, xpv_xb_ring_ref_node(buf, 11, "", "ring-ref", 4, true,
					  15));
	EXPECT_STREQ("ring-ref15", buf);
}

/* Every name the endpoint builds for a 16-queue, order-4 device fits. */
TEST(longest_blkif_netif_names_fit)
{
	static const char *const keys[] = {
		"ring-ref", "tx-ring-ref", "rx-ring-ref", "event-channel",
		"event-channel-tx", "event-channel-rx",
	};
	char dir[24], buf[XPV_XB_NODE_MAX];
	unsigned int k;

	ASSERT_EQ(0, xpv_xb_queue_dir(dir, sizeof(dir), 16, 15));
	for (k = 0; k < ARRAY_SIZE(keys); k++) {
		EXPECT_EQ(0, xpv_xb_ring_ref_node(buf, sizeof(buf), dir,
						  keys[k], 4, true, 15));
		EXPECT_EQ(0, xpv_xb_node(buf, sizeof(buf), dir, keys[k]));
	}
}

TEST_HARNESS_MAIN
