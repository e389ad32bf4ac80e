// SPDX-License-Identifier: GPL-2.0
/*
 * aorta PCIe driver: the file operations of /dev/aortaN. Each open file is one client of the
 * chip with its own buffer handles; docs/driver.md describes the ioctls.
 */
#include <linux/compat.h>
#include <linux/fs.h>
#include <linux/poll.h>
#include <linux/slab.h>

#include "aorta_drv.h"

static int aorta_open(struct inode *inode, struct file *filp)
{
	/* misc_open() put our miscdevice here and holds misc_mtx, so remove() cannot race. */
	struct aorta_dev *adev = container_of(filp->private_data, struct aorta_dev, misc);
	struct aorta_file *f;

	f = kzalloc(sizeof(*f), GFP_KERNEL);
	if (!f)
		return -ENOMEM;
	kref_get(&adev->ref);
	f->adev = adev;
	f->filp = filp;
	mutex_init(&f->lock);
	xa_init_flags(&f->bufs, XA_FLAGS_ALLOC1);
	mutex_lock(&adev->files_lock);
	f->id = ++adev->next_file_id;
	list_add_tail(&f->node, &adev->files);
	mutex_unlock(&adev->files_lock);
	filp->private_data = f;
	return nonseekable_open(inode, filp);
}

static int aorta_release(struct inode *inode, struct file *filp)
{
	struct aorta_file *f = filp->private_data;
	struct aorta_dev *adev = f->adev;
	struct aorta_buf *buf;
	unsigned long handle;

	aorta_abort_file_run(f);
	mutex_lock(&adev->files_lock);
	list_del(&f->node);
	mutex_unlock(&adev->files_lock);
	/* Buffers still mapped somewhere live on until their last mapping goes. */
	xa_for_each(&f->bufs, handle, buf) {
		xa_erase(&f->bufs, handle);
		aorta_buf_put(buf);
	}
	xa_destroy(&f->bufs);
	if (f->last)
		aorta_run_put(f->last);
	if (f->snap)
		aorta_run_put(f->snap);
	kfree(f);
	aorta_dev_put(adev);
	return 0;
}

static long aorta_ioctl(struct file *filp, unsigned int cmd, unsigned long arg)
{
	struct aorta_file *f = filp->private_data;
	void __user *uarg = (void __user *)arg;

	if (READ_ONCE(f->adev->gone))
		return -ENODEV;
	switch (cmd) {
	case AORTA_IOC_INFO:
		return aorta_ioc_info(f, uarg);
	case AORTA_IOC_ALLOC:
		return aorta_ioc_alloc(f, uarg);
	case AORTA_IOC_FREE:
		return aorta_ioc_free(f, uarg, AORTA_BUF_COHERENT);
	case AORTA_IOC_PIN:
		return aorta_ioc_pin(f, uarg);
	case AORTA_IOC_UNPIN:
		return aorta_ioc_free(f, uarg, AORTA_BUF_PINNED);
	case AORTA_IOC_SUBMIT:
		return aorta_ioc_submit(f, uarg);
	case AORTA_IOC_WAIT:
		return aorta_ioc_wait(f, uarg);
	case AORTA_IOC_READ_COUNTERS:
		return aorta_ioc_read_counters(f, uarg);
	case AORTA_IOC_RESET:
		return aorta_ioc_reset(f, uarg);
	default:
		return -ENOTTY;
	}
}

/* Readable once this file's latest run has ended. */
static __poll_t aorta_poll(struct file *filp, struct poll_table_struct *pt)
{
	struct aorta_file *f = filp->private_data;
	__poll_t mask = 0;

	poll_wait(filp, &f->adev->wq, pt);
	mutex_lock(&f->lock);
	if (f->last && aorta_run_finished(f->last))
		mask |= EPOLLIN | EPOLLRDNORM;
	mutex_unlock(&f->lock);
	if (READ_ONCE(f->adev->gone))
		mask |= EPOLLHUP | EPOLLERR;
	return mask;
}

const struct file_operations aorta_fops = {
	.owner = THIS_MODULE,
	.open = aorta_open,
	.release = aorta_release,
	.unlocked_ioctl = aorta_ioctl,
	/* Every struct has the same layout for 32- and 64-bit callers. */
	.compat_ioctl = compat_ptr_ioctl,
	.mmap = aorta_mmap,
	.poll = aorta_poll,
};
