// SPDX-License-Identifier: GPL-2.0
/*
 * aorta PCIe driver: buffers the device may reach, and their mappings into user space.
 *
 *   coherent  host memory from dma_alloc_coherent (AORTA_IOC_ALLOC), mmap'ed by the process
 *   pinned    the process's own memory (AORTA_IOC_PIN): pin_user_pages_fast(FOLL_LONGTERM),
 *             an sg_table, dma_map_sgtable; the device needs one contiguous device address
 *             range per slot, so the mapping must come out as one IOVA range (an IOMMU
 *             merges the pages; without one only physically contiguous memory qualifies)
 *   DRAM      a range of board DRAM (AORTA_IOC_ALLOC with AORTA_ALLOC_DRAM) from a gen_pool
 *             over BAR2, zeroed on allocation, mmap'ed write-combined
 */
#include <linux/dma-mapping.h>
#include <linux/genalloc.h>
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/sched/mm.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>

#include "aorta_drv.h"

/* The page index inside a buffer's mmap offset (AORTA_MMAP_OFFSET): the low 32 bits. */
#define AORTA_MMAP_PGOFF_BITS (32 - PAGE_SHIFT)

static void aorta_buf_release(struct kref *ref)
{
	struct aorta_buf *buf = container_of(ref, struct aorta_buf, ref);
	struct aorta_dev *adev = buf->adev;
	struct device *dev = &adev->pdev->dev;

	switch (buf->kind) {
	case AORTA_BUF_COHERENT:
		dma_free_coherent(dev, buf->size, buf->cpu, buf->dma);
		break;
	case AORTA_BUF_PINNED:
		dma_unmap_sgtable(dev, &buf->sgt, DMA_BIDIRECTIONAL, 0);
		sg_free_table(&buf->sgt);
		unpin_user_pages_dirty_lock(buf->pages, buf->npages, true);
		kvfree(buf->pages);
		/* The owner's mm is gone when its process exits first: nothing to give back. */
		if (mmget_not_zero(buf->mm)) {
			account_locked_vm(buf->mm, buf->npages, false);
			mmput(buf->mm);
		}
		mmdrop(buf->mm);
		break;
	case AORTA_BUF_DRAM:
		gen_pool_free(adev->dram_pool, buf->pool_addr, buf->size);
		break;
	}
	kfree(buf);
	aorta_dev_put(adev);
}

void aorta_buf_put(struct aorta_buf *buf)
{
	kref_put(&buf->ref, aorta_buf_release);
}

/* The buffer behind `handle` in this file, with a reference; NULL if there is none. */
struct aorta_buf *aorta_buf_get_handle(struct aorta_file *f, u32 handle)
{
	struct aorta_buf *buf;

	mutex_lock(&f->lock);
	buf = handle ? xa_load(&f->bufs, handle) : NULL;
	if (buf)
		kref_get(&buf->ref);
	mutex_unlock(&f->lock);
	return buf;
}

static struct aorta_buf *aorta_buf_new(struct aorta_file *f, enum aorta_buf_kind kind)
{
	struct aorta_buf *buf = kzalloc(sizeof(*buf), GFP_KERNEL);

	if (!buf)
		return NULL;
	kref_init(&buf->ref);
	buf->kind = kind;
	buf->adev = f->adev;
	kref_get(&f->adev->ref);
	return buf;
}

/* Frees a buffer that never got its memory. */
static void aorta_buf_discard(struct aorta_buf *buf)
{
	struct aorta_dev *adev = buf->adev;

	kfree(buf);
	aorta_dev_put(adev);
}

/* Gives the buffer a handle in this file (the handle owns the caller's reference). */
static int aorta_buf_install(struct aorta_file *f, struct aorta_buf *buf, u32 *handle)
{
	int ret;

	mutex_lock(&f->lock);
	ret = xa_alloc(&f->bufs, handle, buf, XA_LIMIT(1, AORTA_MAX_HANDLES), GFP_KERNEL);
	mutex_unlock(&f->lock);
	/* xa_alloc says EBUSY when the handle space is full. */
	return ret == -EBUSY ? -ENOSPC : ret;
}

static int aorta_alloc_host(struct aorta_buf *buf)
{
	struct device *dev = &buf->adev->pdev->dev;

	buf->cpu = dma_alloc_coherent(dev, buf->size, &buf->dma, GFP_KERNEL);
	if (!buf->cpu)
		return -ENOMEM;
	buf->dev_addr = AORTA_HOST_WINDOW_BASE + buf->dma;
	return 0;
}

static int aorta_alloc_dram(struct aorta_buf *buf)
{
	struct aorta_dev *adev = buf->adev;
	u64 offset, done, chunk;

	if (!adev->dram_pool)
		return -ENXIO;
	buf->pool_addr = gen_pool_alloc(adev->dram_pool, buf->size);
	if (!buf->pool_addr)
		return -ENOSPC;
	offset = buf->pool_addr - AORTA_DRAM_POOL_BIAS;
	/* Another process's data must not show through. Writes over PCIe can be slow: in
	 * chunks, letting others run in between. */
	for (done = 0; done < buf->size; done += chunk) {
		chunk = min_t(u64, buf->size - done, SZ_1M);
		memset_io(adev->dram + offset + done, 0, chunk);
		cond_resched();
	}
	buf->dev_addr = offset;
	return 0;
}

long aorta_ioc_alloc(struct aorta_file *f, void __user *arg)
{
	struct aorta_alloc req;
	struct aorta_buf *buf;
	bool dram;
	u32 handle;
	int ret;

	if (copy_from_user(&req, arg, sizeof(req)))
		return -EFAULT;
	if ((req.flags & ~AORTA_ALLOC_DRAM) || req.reserved[0] || req.reserved[1])
		return -EINVAL;
	if (!req.size || req.size > AORTA_MAX_BUFFER_BYTES)
		return -EINVAL;
	dram = req.flags & AORTA_ALLOC_DRAM;
	buf = aorta_buf_new(f, dram ? AORTA_BUF_DRAM : AORTA_BUF_COHERENT);
	if (!buf)
		return -ENOMEM;
	buf->size = PAGE_ALIGN(req.size);
	ret = dram ? aorta_alloc_dram(buf) : aorta_alloc_host(buf);
	if (ret) {
		aorta_buf_discard(buf);
		return ret;
	}
	ret = aorta_buf_install(f, buf, &handle);
	if (ret) {
		aorta_buf_put(buf);
		return ret;
	}
	req.size = buf->size;
	req.handle = handle;
	req.mmap_offset = AORTA_MMAP_OFFSET(handle);
	req.dev_addr = buf->dev_addr;
	if (copy_to_user(arg, &req, sizeof(req)))
		return -EFAULT; /* the buffer stays; the file's close frees it */
	return 0;
}

/* Checks that the mapped list is one contiguous device address range. */
static bool aorta_sgt_contiguous(struct sg_table *sgt)
{
	struct scatterlist *sg;
	dma_addr_t next = 0;
	unsigned int i;

	for_each_sgtable_dma_sg(sgt, sg, i) {
		if (i && sg_dma_address(sg) != next)
			return false;
		next = sg_dma_address(sg) + sg_dma_len(sg);
	}
	return true;
}

/* Pins buf->npages pages from user_addr and maps them for the device. */
static int aorta_pin_pages(struct aorta_buf *buf, u64 user_addr)
{
	struct device *dev = &buf->adev->pdev->dev;
	unsigned long first = user_addr & PAGE_MASK;
	unsigned int page_off = offset_in_page(user_addr);
	long pinned;
	int ret;

	buf->pages = kvmalloc_array(buf->npages, sizeof(*buf->pages), GFP_KERNEL);
	if (!buf->pages)
		return -ENOMEM;
	/* Longterm and writable: the device may write any slot at any time of a run. */
	pinned = pin_user_pages_fast(first, buf->npages, FOLL_WRITE | FOLL_LONGTERM, buf->pages);
	if (pinned != buf->npages) {
		if (pinned > 0)
			unpin_user_pages(buf->pages, pinned);
		ret = pinned < 0 ? pinned : -EFAULT;
		goto err_pages;
	}
	ret = sg_alloc_table_from_pages(&buf->sgt, buf->pages, buf->npages, page_off, buf->size,
					GFP_KERNEL);
	if (ret)
		goto err_unpin;
	ret = dma_map_sgtable(dev, &buf->sgt, DMA_BIDIRECTIONAL, 0);
	if (ret)
		goto err_sgt;
	if (!aorta_sgt_contiguous(&buf->sgt)) {
		dev_dbg(dev, "pinned buffer of %llu bytes maps to %u device ranges, not one\n",
			buf->size, buf->sgt.nents);
		ret = -EOPNOTSUPP;
		goto err_unmap;
	}
	buf->dev_addr = AORTA_HOST_WINDOW_BASE + sg_dma_address(buf->sgt.sgl);
	return 0;

err_unmap:
	dma_unmap_sgtable(dev, &buf->sgt, DMA_BIDIRECTIONAL, 0);
err_sgt:
	sg_free_table(&buf->sgt);
err_unpin:
	unpin_user_pages(buf->pages, buf->npages);
err_pages:
	kvfree(buf->pages);
	buf->pages = NULL;
	return ret;
}

long aorta_ioc_pin(struct aorta_file *f, void __user *arg)
{
	struct aorta_pin req;
	struct aorta_buf *buf;
	u64 end;
	u32 handle;
	int ret;

	if (copy_from_user(&req, arg, sizeof(req)))
		return -EFAULT;
	if (req.flags || req.reserved[0] || req.reserved[1])
		return -EINVAL;
	if (!req.size || req.size > AORTA_MAX_BUFFER_BYTES ||
	    check_add_overflow(req.user_addr, req.size, &end) || end > TASK_SIZE)
		return -EINVAL;
	buf = aorta_buf_new(f, AORTA_BUF_PINNED);
	if (!buf)
		return -ENOMEM;
	buf->size = req.size;
	buf->mm = current->mm;
	mmgrab(buf->mm);
	buf->npages = DIV_ROUND_UP(offset_in_page(req.user_addr) + req.size, PAGE_SIZE);
	ret = account_locked_vm(buf->mm, buf->npages, true);
	if (ret)
		goto err_mm;
	ret = aorta_pin_pages(buf, req.user_addr);
	if (ret)
		goto err_account;
	ret = aorta_buf_install(f, buf, &handle);
	if (ret) {
		aorta_buf_put(buf);
		return ret;
	}
	req.handle = handle;
	req.dev_addr = buf->dev_addr;
	if (copy_to_user(arg, &req, sizeof(req)))
		return -EFAULT; /* the buffer stays; the file's close releases it */
	return 0;

err_account:
	account_locked_vm(buf->mm, buf->npages, false);
err_mm:
	mmdrop(buf->mm);
	aorta_buf_discard(buf);
	return ret;
}

/* AORTA_IOC_FREE (kind coherent or DRAM) and AORTA_IOC_UNPIN (kind pinned). The memory goes
 * when the last mapping and the last run naming it are gone too. */
long aorta_ioc_free(struct aorta_file *f, void __user *arg, enum aorta_buf_kind kind)
{
	struct aorta_free req;
	struct aorta_buf *buf;
	bool pinned;

	if (copy_from_user(&req, arg, sizeof(req)))
		return -EFAULT;
	if (req.pad || !req.handle)
		return -EINVAL;
	mutex_lock(&f->lock);
	buf = xa_load(&f->bufs, req.handle);
	if (!buf) {
		mutex_unlock(&f->lock);
		return -ENOENT;
	}
	pinned = buf->kind == AORTA_BUF_PINNED;
	if (pinned != (kind == AORTA_BUF_PINNED)) {
		/* FREE of a pinned buffer or UNPIN of an allocated one: a caller's mix-up. */
		mutex_unlock(&f->lock);
		return -EINVAL;
	}
	xa_erase(&f->bufs, req.handle);
	mutex_unlock(&f->lock);
	aorta_buf_put(buf);
	return 0;
}

void aorta_buf_sync_for_device(struct aorta_buf *buf)
{
	if (buf->kind == AORTA_BUF_PINNED)
		dma_sync_sgtable_for_device(&buf->adev->pdev->dev, &buf->sgt, DMA_BIDIRECTIONAL);
}

void aorta_buf_sync_for_cpu(struct aorta_buf *buf)
{
	if (buf->kind == AORTA_BUF_PINNED)
		dma_sync_sgtable_for_cpu(&buf->adev->pdev->dev, &buf->sgt, DMA_BIDIRECTIONAL);
}

/* A mapping holds a reference on its buffer; a fork or a split takes another. */
static void aorta_vm_open(struct vm_area_struct *vma)
{
	struct aorta_buf *buf = vma->vm_private_data;

	kref_get(&buf->ref);
}

static void aorta_vm_close(struct vm_area_struct *vma)
{
	aorta_buf_put(vma->vm_private_data);
}

/* Mappings are populated at mmap time; a fault means they were zapped (device removed). */
static vm_fault_t aorta_vm_fault(struct vm_fault *vmf)
{
	return VM_FAULT_SIGBUS;
}

static const struct vm_operations_struct aorta_vm_ops = {
	.open = aorta_vm_open,
	.close = aorta_vm_close,
	.fault = aorta_vm_fault,
};

int aorta_mmap(struct file *filp, struct vm_area_struct *vma)
{
	struct aorta_file *f = filp->private_data;
	struct aorta_dev *adev = f->adev;
	unsigned long handle = vma->vm_pgoff >> AORTA_MMAP_PGOFF_BITS;
	unsigned long pgoff = vma->vm_pgoff & ((1UL << AORTA_MMAP_PGOFF_BITS) - 1);
	unsigned long len = vma->vm_end - vma->vm_start;
	struct aorta_buf *buf;
	bool pinned;
	int ret;

	if (!(vma->vm_flags & VM_SHARED))
		return -EINVAL; /* device memory is never copied on write */
	if (!handle || handle > AORTA_MAX_HANDLES)
		return -EINVAL;
	/*
	 * Pinned buffers are refused before a reference is taken: dropping the last reference
	 * of one takes mmap_lock, which the caller of ->mmap holds.
	 */
	mutex_lock(&f->lock);
	buf = xa_load(&f->bufs, handle);
	pinned = buf && buf->kind == AORTA_BUF_PINNED;
	if (buf && !pinned)
		kref_get(&buf->ref);
	mutex_unlock(&f->lock);
	if (pinned)
		return -EINVAL; /* the process has this memory mapped already */
	if (!buf)
		return -ENOENT;
	if (pgoff > (buf->size >> PAGE_SHIFT) || len > buf->size - (pgoff << PAGE_SHIFT)) {
		ret = -EINVAL;
		goto err_put;
	}

	/* Under hw_lock, so that remove() either sees this mapping or we see `gone`. */
	mutex_lock(&adev->hw_lock);
	if (adev->gone) {
		ret = -ENODEV;
		goto err_unlock;
	}
	vma->vm_pgoff = pgoff;
	if (buf->kind == AORTA_BUF_COHERENT) {
		ret = dma_mmap_coherent(&adev->pdev->dev, vma, buf->cpu, buf->dma, buf->size);
	} else {
		vma->vm_page_prot = pgprot_writecombine(vma->vm_page_prot);
		ret = vm_iomap_memory(vma, adev->dram_phys + buf->dev_addr, buf->size);
	}
	if (ret)
		goto err_unlock;
	vma->vm_private_data = buf; /* the reference taken above */
	vma->vm_ops = &aorta_vm_ops;
	mutex_unlock(&adev->hw_lock);
	return 0;

err_unlock:
	mutex_unlock(&adev->hw_lock);
err_put:
	aorta_buf_put(buf);
	return ret;
}
