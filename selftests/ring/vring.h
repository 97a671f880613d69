/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Reference for the ring benchmark: a virtio split ring written here from
 * the layout in the virtio 1.x specification (descriptor table, available
 * ring, used ring; 16-bit free-running indices; VIRTIO_F_EVENT_IDX with
 * used_event at the tail of the available ring and avail_event at the tail
 * of the used ring).
 *
 * One request is one descriptor pointing at a buffer of the message size
 * (max(request, response)); the device copies the request out of it once,
 * writes the response back into the same buffer and returns the head in the
 * used ring.  (The specification would split that buffer into a
 * device-readable and a device-writable descriptor; one descriptor keeps
 * the capacity equal to the Xen ring's: one slot per request.)  Both ends
 * validate what the peer wrote just as the Xen ring code does: index
 * overflow, descriptor id range, buffer length, copy once.
 */
#ifndef XPV_SELFTEST_VRING_H
#define XPV_SELFTEST_VRING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <xpv/proto/ring.h>	/* compat.h, xpv_ring_relax() */

struct vring_desc {
	u64 addr;
	u32 len;
	u16 flags;
	u16 next;
};

struct vring_avail {
	u16 flags;
	u16 idx;
	u16 ring[];		/* [num], then u16 used_event */
};

struct vring_used_elem {
	u32 id;
	u32 len;
};

struct vring_used {
	u16 flags;
	u16 idx;
	struct vring_used_elem ring[];	/* [num], then u16 avail_event */
};

struct vring {
	unsigned int num;
	struct vring_desc *desc;
	struct vring_avail *avail;
	struct vring_used *used;
	u8 *bufs;		/* num buffers of bufsz bytes */
	size_t bufsz;
};

static inline size_t vring_align(size_t x, size_t a)
{
	return (x + a - 1) & ~(a - 1);
}

static inline size_t vring_bytes(unsigned int num, size_t bufsz)
{
	size_t s = 16u * num;

	s = vring_align(s + 4 + 2u * num + 2, 64);
	s = vring_align(s + 4 + 8u * num + 2, 64);
	return s + (size_t)num * bufsz;
}

static inline void vring_layout(struct vring *vr, void *mem, unsigned int num,
				size_t bufsz)
{
	u8 *p = mem;
	size_t off = 16u * num;

	vr->num = num;
	vr->bufsz = bufsz;
	vr->desc = (struct vring_desc *)p;
	vr->avail = (struct vring_avail *)(p + off);
	off = vring_align(off + 4 + 2u * num + 2, 64);
	vr->used = (struct vring_used *)(p + off);
	off = vring_align(off + 4 + 8u * num + 2, 64);
	vr->bufs = p + off;
}

static inline u16 *vring_used_event(struct vring *vr)
{
	return &vr->avail->ring[vr->num];
}

static inline u16 *vring_avail_event(struct vring *vr)
{
	return (u16 *)&vr->used->ring[vr->num];
}

/* EVENT_IDX rule: notify when event_idx lies in [old, new). */
static inline bool vring_need_event(u16 event_idx, u16 new_idx, u16 old)
{
	return (u16)(new_idx - event_idx - 1) < (u16)(new_idx - old);
}

/* Driver (front) side. */
struct vring_driver {
	struct vring vr;
	u16 avail_idx;		/* private shadow of avail->idx */
	u16 avail_pushed;
	u16 last_used;
	u16 used_end;		/* validated used->idx */
	unsigned int nfree;
	u16 free_head, free_tail;
	u16 *free_ids;		/* private ring of free descriptor ids */
	u16 *inflight;		/* expected head per outstanding request */
	bool broken;
};

/* Device (back) side. */
struct vring_device {
	struct vring vr;
	u16 last_avail;
	u16 avail_end;		/* validated avail->idx */
	u16 used_idx;		/* private shadow of used->idx */
	u16 used_pushed;
	u16 *heads;		/* heads consumed, answered in order */
	u16 heads_cons, heads_prod;
	bool broken;
};

static inline void vring_init_shared(struct vring *vr)
{
	memset(vr->desc, 0, 16u * vr->num);
	vr->avail->flags = 0;
	vr->avail->idx = 0;
	*vring_used_event(vr) = 0;
	vr->used->flags = 0;
	vr->used->idx = 0;
	*vring_avail_event(vr) = 0;
}

static inline void vring_driver_init(struct vring_driver *d, u16 *ids,
				     u16 *inflight)
{
	unsigned int i;

	d->avail_idx = d->avail_pushed = d->last_used = d->used_end = 0;
	d->free_ids = ids;
	d->inflight = inflight;
	for (i = 0; i < d->vr.num; i++)
		ids[i] = i;
	d->nfree = d->vr.num;
	d->free_head = 0;
	d->free_tail = 0;
	d->broken = false;
}

static inline void vring_device_init(struct vring_device *v, u16 *heads)
{
	v->last_avail = v->avail_end = v->used_idx = v->used_pushed = 0;
	v->heads = heads;
	v->heads_cons = v->heads_prod = 0;
	v->broken = false;
}

static inline bool vring_drv_add(struct vring_driver *d, const void *msg,
				 size_t len)
{
	struct vring *vr = &d->vr;
	u16 id, mask = vr->num - 1;

	if (d->broken || !d->nfree)
		return false;
	id = d->free_ids[d->free_head++ & mask];
	d->nfree--;
	memcpy(vr->bufs + (size_t)id * vr->bufsz, msg, len);
	vr->desc[id].addr = (u64)(uintptr_t)(vr->bufs + (size_t)id * vr->bufsz);
	vr->desc[id].len = len;
	vr->desc[id].flags = 0;
	vr->desc[id].next = 0;
	vr->avail->ring[d->avail_idx & mask] = id;
	d->inflight[d->avail_idx & mask] = id;
	d->avail_idx++;
	return true;
}

static inline bool vring_drv_kick(struct vring_driver *d)
{
	u16 old = d->avail_pushed, new = d->avail_idx;

	virt_wmb();
	WRITE_ONCE(d->vr.avail->idx, new);
	d->avail_pushed = new;
	virt_mb();
	return vring_need_event(READ_ONCE(*vring_avail_event(&d->vr)), new, old);
}

static inline int vring_drv_used_avail(struct vring_driver *d)
{
	u16 idx;

	if (d->broken)
		return -1;
	idx = READ_ONCE(d->vr.used->idx);
	virt_rmb();
	if ((u16)(idx - d->last_used) > (u16)(d->avail_pushed - d->last_used)) {
		d->broken = true;
		return -1;
	}
	d->used_end = idx;
	return (u16)(idx - d->last_used);
}

static inline bool vring_drv_get(struct vring_driver *d, void *dst, size_t len)
{
	struct vring *vr = &d->vr;
	u16 mask = vr->num - 1;
	struct vring_used_elem e;

	if (d->broken)
		return false;
	if (d->last_used == d->used_end && vring_drv_used_avail(d) <= 0)
		return false;
	e.id = READ_ONCE(vr->used->ring[d->last_used & mask].id);
	e.len = READ_ONCE(vr->used->ring[d->last_used & mask].len);
	if (e.id >= vr->num || e.id != d->inflight[d->last_used & mask] ||
	    e.len > vr->bufsz || e.len < len) {
		d->broken = true;
		return false;
	}
	memcpy(dst, vr->bufs + (size_t)e.id * vr->bufsz, len);
	barrier();
	d->free_ids[d->free_tail++ & mask] = e.id;
	d->nfree++;
	d->last_used++;
	return true;
}

static inline bool vring_drv_final_check(struct vring_driver *d)
{
	int n = vring_drv_used_avail(d);

	if (n)
		return n > 0;
	WRITE_ONCE(*vring_used_event(&d->vr), d->last_used);
	virt_mb();
	return vring_drv_used_avail(d) > 0;
}

/* Poll-before-arm, as xpv_front_final_check_grace() of ring.h. */
static inline bool vring_drv_final_check_grace(struct vring_driver *d,
					       u32 grace, u32 *polls)
{
	u32 i = 0;
	int n = 0;

	while (i < grace) {
		n = vring_drv_used_avail(d);
		i++;
		if (n)
			break;
		xpv_ring_relax();
	}
	*polls = i;
	if (n)
		return n > 0;
	return vring_drv_final_check(d);
}

static inline int vring_dev_avail(struct vring_device *v)
{
	u16 idx, room;

	if (v->broken)
		return -1;
	idx = READ_ONCE(v->vr.avail->idx);
	virt_rmb();
	room = v->vr.num - (u16)(v->last_avail - v->used_idx);
	if ((u16)(idx - v->last_avail) > room) {
		v->broken = true;
		return -1;
	}
	v->avail_end = idx;
	return (u16)(idx - v->last_avail);
}

static inline bool vring_dev_get(struct vring_device *v, void *dst, size_t len)
{
	struct vring *vr = &v->vr;
	u16 mask = vr->num - 1, head;
	struct vring_desc desc;

	if (v->broken)
		return false;
	if (v->last_avail == v->avail_end && vring_dev_avail(v) <= 0)
		return false;
	head = READ_ONCE(vr->avail->ring[v->last_avail & mask]);
	if (head >= vr->num)
		goto broken;
	memcpy(&desc, &vr->desc[head], sizeof(desc));
	barrier();
	if (desc.len < len || desc.len > vr->bufsz ||
	    desc.addr != (u64)(uintptr_t)(vr->bufs + (size_t)head * vr->bufsz))
		goto broken;
	memcpy(dst, (void *)(uintptr_t)desc.addr, len);
	barrier();
	v->heads[v->heads_prod++ & mask] = head;
	v->last_avail++;
	return true;
broken:
	v->broken = true;
	return false;
}

static inline bool vring_dev_put(struct vring_device *v, const void *msg,
				 size_t len)
{
	struct vring *vr = &v->vr;
	u16 mask = vr->num - 1, head;

	if (v->broken || v->heads_cons == v->heads_prod)
		return false;
	head = v->heads[v->heads_cons++ & mask];
	memcpy(vr->bufs + (size_t)head * vr->bufsz, msg, len);
	vr->used->ring[v->used_idx & mask].id = head;
	vr->used->ring[v->used_idx & mask].len = len;
	v->used_idx++;
	return true;
}

static inline bool vring_dev_push(struct vring_device *v)
{
	u16 old = v->used_pushed, new = v->used_idx;

	virt_wmb();
	WRITE_ONCE(v->vr.used->idx, new);
	v->used_pushed = new;
	virt_mb();
	return vring_need_event(READ_ONCE(*vring_used_event(&v->vr)), new, old);
}

static inline bool vring_dev_final_check(struct vring_device *v)
{
	int n = vring_dev_avail(v);

	if (n)
		return n > 0;
	WRITE_ONCE(*vring_avail_event(&v->vr), v->last_avail);
	virt_mb();
	return vring_dev_avail(v) > 0;
}

/* Poll-before-arm, as xpv_back_final_check_grace() of ring.h. */
static inline bool vring_dev_final_check_grace(struct vring_device *v,
					       u32 grace, u32 *polls)
{
	u32 i = 0;
	int n = 0;

	while (i < grace) {
		n = vring_dev_avail(v);
		i++;
		if (n)
			break;
		xpv_ring_relax();
	}
	*polls = i;
	if (n)
		return n > 0;
	return vring_dev_final_check(v);
}

#endif
