// SPDX-License-Identifier: GPL-2.0
/*
 * aorta PCIe driver: runs.
 *
 * One run at a time per device. AORTA_IOC_SUBMIT resolves the slot table and the stream(s)
 * against the buffers of the submitting file (a range outside its buffer, or a handle the file
 * does not own, is refused before anything touches the device), waits until the device is
 * free, then under hw_lock: soft reset (clean queues, STATUS and IRQ_STATUS), counters, every
 * slot register (unused slots size 0, so nothing of the previous process's stays reachable),
 * IQ_BASE / IQ_LEN, DOORBELL. The completion interrupt (hard handler: acknowledge
 * IRQ_STATUS; thread: read STATUS) either starts the main stream after a restore stream or
 * ends the run. A per-device watchdog ends a run that outlives its timeout with a soft reset,
 * so a hung device never blocks the other users for longer than one run's timeout.
 *
 * Ending a run is two steps: aorta_finish() under hw_lock takes it off the device and records
 * the result; aorta_retire() after hw_lock gives its buffers back (a buffer's release may
 * take mmap_lock, which ranks above hw_lock) and publishes the state to waiters.
 */
#include <linux/interrupt.h>
#include <linux/io.h>
#include <linux/iopoll.h>
#include <linux/jiffies.h>
#include <linux/ktime.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "aorta_check.h"
#include "aorta_drv.h"

#define AORTA_IRQ_BITS (AORTA_REG_IRQ_STATUS_DONE_MASK | AORTA_REG_IRQ_STATUS_ERROR_MASK)

static u32 aorta_rd(struct aorta_dev *adev, u32 off)
{
	return readl(adev->regs + off);
}

static void aorta_wr(struct aorta_dev *adev, u32 off, u32 val)
{
	writel(val, adev->regs + off);
}

/* 64-bit registers are LO / HI pairs; LO first (reading a counter's LO latches its HI). */
static u64 aorta_rd64(struct aorta_dev *adev, u32 lo, u32 hi)
{
	u64 val = aorta_rd(adev, lo);

	return val | (u64)aorta_rd(adev, hi) << 32;
}

static void aorta_wr64(struct aorta_dev *adev, u32 lo, u32 hi, u64 val)
{
	aorta_wr(adev, lo, lower_32_bits(val));
	aorta_wr(adev, hi, upper_32_bits(val));
}

static void aorta_rd_counters(struct aorta_dev *adev, u64 *values)
{
	unsigned int i;

	for (i = 0; i < AORTA_NUM_COUNTERS; i++)
		values[i] = aorta_rd64(adev, AORTA_REG_COUNTER_LO(i), AORTA_REG_COUNTER_HI(i));
}

static void aorta_run_release(struct kref *ref)
{
	struct aorta_run *run = container_of(ref, struct aorta_run, ref);
	unsigned int i;

	/* Only a submit that failed before the device saw it still holds buffers here. */
	for (i = 0; i < run->nbufs; i++)
		aorta_buf_put(run->bufs[i]);
	kfree(run);
}

void aorta_run_put(struct aorta_run *run)
{
	kref_put(&run->ref, aorta_run_release);
}

bool aorta_run_finished(struct aorta_run *run)
{
	return smp_load_acquire(&run->state) != 0;
}

/*
 * CTRL.soft_reset, then wait for STATUS.busy to fall. A device that stays busy is cut off the
 * bus (bus mastering off: it can no longer DMA into buffers about to be freed) and marked
 * broken until a later reset succeeds. hw_lock held.
 */
static bool aorta_soft_reset(struct aorta_dev *adev)
{
	u32 status;
	int ret;

	aorta_wr(adev, AORTA_REG_CTRL, AORTA_REG_CTRL_SOFT_RESET_MASK);
	ret = readl_poll_timeout(adev->regs + AORTA_REG_STATUS, status,
				 !(status & AORTA_REG_STATUS_BUSY_MASK), 10, AORTA_RESET_TIMEOUT_US);
	if (ret) {
		if (!adev->broken)
			dev_err(&adev->pdev->dev,
				"soft reset did not stop the device (STATUS %#x): bus mastering off until a reset succeeds\n",
				status);
		pci_clear_master(adev->pdev);
		adev->broken = true;
		return false;
	}
	if (adev->broken) {
		pci_set_master(adev->pdev);
		adev->broken = false;
		dev_info(&adev->pdev->dev, "device answers soft reset again\n");
	}
	aorta_wr(adev, AORTA_REG_IRQ_MASK, AORTA_IRQ_BITS);
	return true;
}

/* System sleep: refused while a run is in flight (processes are frozen by then, so no new run
 * can start before resume). */
int aorta_hw_suspend(struct aorta_dev *adev)
{
	int ret = 0;

	mutex_lock(&adev->hw_lock);
	if (adev->cur) {
		dev_info(&adev->pdev->dev, "run %llu in flight: refusing to suspend\n",
			 adev->cur->seq);
		ret = -EBUSY;
	}
	mutex_unlock(&adev->hw_lock);
	return ret;
}

/* Probe and resume: a clean, idle chip with its interrupts enabled. After a power loss the
 * on-chip memories (pinned weights) are gone, so nobody owns them. */
void aorta_hw_init(struct aorta_dev *adev)
{
	mutex_lock(&adev->hw_lock);
	if (!adev->gone) {
		aorta_soft_reset(adev);
		aorta_wr(adev, AORTA_REG_IRQ_STATUS, AORTA_IRQ_BITS);
	}
	adev->ctx_owner = 0;
	mutex_unlock(&adev->hw_lock);
}

static void aorta_start(struct aorta_dev *adev, const struct aorta_hw_stream *s)
{
	aorta_wr(adev, AORTA_REG_IRQ_STATUS, AORTA_IRQ_BITS);
	aorta_wr64(adev, AORTA_REG_IQ_BASE_LO, AORTA_REG_IQ_BASE_HI, s->addr);
	aorta_wr(adev, AORTA_REG_IQ_LEN, s->len);
	aorta_wr(adev, AORTA_REG_DOORBELL, 1);
}

/* Takes the run in flight off the device and records its result; hw_lock held. The caller
 * passes the run to aorta_retire() once it has dropped hw_lock. */
static struct aorta_run *aorta_finish(struct aorta_dev *adev, u32 state, u32 status)
{
	struct aorta_run *run = adev->cur;

	run->status = status;
	run->elapsed_ns = ktime_to_ns(ktime_sub(ktime_get(), run->start));
	if (state == AORTA_RUN_ERROR) {
		run->err_code = aorta_rd(adev, AORTA_REG_ERR_CODE);
		run->err_pc = aorta_rd(adev, AORTA_REG_ERR_PC);
		run->err_addr = aorta_rd64(adev, AORTA_REG_ERR_ADDR_LO, AORTA_REG_ERR_ADDR_HI);
	}
	if (run->in_restore && state != AORTA_RUN_DONE)
		run->flags |= AORTA_RUN_FAILED_RESTORE;
	if (run->submit_flags & AORTA_SUBMIT_SNAPSHOT_COUNTERS)
		aorta_rd_counters(adev, run->counters);
	/* On-chip state (pinned weights) is this file's only after its stream reached HALT. */
	adev->ctx_owner = state == AORTA_RUN_DONE ? run->file_id : 0;
	run->result = state;
	adev->cur = NULL;
	cancel_delayed_work(&adev->watchdog);
	return run;
}

/* Second half of ending a run, without hw_lock: buffers back, result visible, waiters up. */
static void aorta_retire(struct aorta_dev *adev, struct aorta_run *run)
{
	unsigned int i;

	if (!run)
		return;
	for (i = 0; i < run->nbufs; i++) {
		aorta_buf_sync_for_cpu(run->bufs[i]);
		aorta_buf_put(run->bufs[i]);
	}
	run->nbufs = 0;
	smp_store_release(&run->state, run->result);
	wake_up_all(&adev->wq);
	aorta_run_put(run); /* the device's reference */
}

/* Stops the run in flight (if any) with a soft reset; hw_lock held. Returns the run for
 * aorta_retire(). */
static struct aorta_run *aorta_abort(struct aorta_dev *adev, u32 state)
{
	if (!adev->cur)
		return NULL;
	aorta_soft_reset(adev);
	return aorta_finish(adev, state, aorta_rd(adev, AORTA_REG_STATUS));
}

/* remove(): abort the run in flight, mask the interrupt and stop all MMIO, in one step. */
void aorta_shutdown(struct aorta_dev *adev)
{
	struct aorta_run *run;

	mutex_lock(&adev->hw_lock);
	run = aorta_abort(adev, AORTA_RUN_ABORTED);
	aorta_wr(adev, AORTA_REG_IRQ_MASK, 0);
	adev->gone = true;
	mutex_unlock(&adev->hw_lock);
	aorta_retire(adev, run);
	wake_up_all(&adev->wq);
}

/* release(): a closing file's run in flight is aborted (its buffers are about to go). */
void aorta_abort_file_run(struct aorta_file *f)
{
	struct aorta_dev *adev = f->adev;
	struct aorta_run *run = NULL;

	mutex_lock(&adev->hw_lock);
	if (!adev->gone && adev->cur && adev->cur->file_id == f->id)
		run = aorta_abort(adev, AORTA_RUN_ABORTED);
	mutex_unlock(&adev->hw_lock);
	aorta_retire(adev, run);
}

void aorta_watchdog(struct work_struct *work)
{
	struct aorta_dev *adev = container_of(to_delayed_work(work), struct aorta_dev, watchdog);
	struct aorta_run *run = NULL;

	mutex_lock(&adev->hw_lock);
	if (adev->cur && !adev->gone) {
		if (time_before(jiffies, adev->cur->deadline)) {
			mod_delayed_work(system_wq, &adev->watchdog, adev->cur->deadline - jiffies);
		} else {
			dev_warn(&adev->pdev->dev, "run %llu did not finish in time: soft reset\n",
				 adev->cur->seq);
			run = aorta_abort(adev, AORTA_RUN_TIMEOUT);
		}
	}
	mutex_unlock(&adev->hw_lock);
	aorta_retire(adev, run);
}

irqreturn_t aorta_irq(int irq, void *data)
{
	struct aorta_dev *adev = data;
	u32 pending = readl(adev->regs + AORTA_REG_IRQ_STATUS);

	/* All ones: the device has fallen off the bus. */
	if (pending == U32_MAX)
		return IRQ_NONE;
	pending &= AORTA_IRQ_BITS;
	if (!pending)
		return IRQ_NONE; /* a shared INTx line, someone else's */
	writel(pending, adev->regs + AORTA_REG_IRQ_STATUS);
	return IRQ_WAKE_THREAD;
}

irqreturn_t aorta_irq_thread(int irq, void *data)
{
	struct aorta_dev *adev = data;
	struct aorta_run *run = NULL;
	u32 status;

	mutex_lock(&adev->hw_lock);
	if (!adev->cur || adev->gone)
		goto out;
	status = aorta_rd(adev, AORTA_REG_STATUS);
	/* Busy or neither bit: a late interrupt of a run that was already ended. */
	if ((status & AORTA_REG_STATUS_BUSY_MASK) ||
	    !(status & (AORTA_REG_STATUS_DONE_MASK | AORTA_REG_STATUS_ERROR_MASK)))
		goto out;
	if (status & AORTA_REG_STATUS_ERROR_MASK) {
		run = aorta_finish(adev, AORTA_RUN_ERROR, status);
	} else if (adev->cur->in_restore) {
		adev->cur->in_restore = false;
		adev->cur->flags |= AORTA_RUN_RESTORED;
		aorta_start(adev, &adev->cur->main);
	} else {
		run = aorta_finish(adev, AORTA_RUN_DONE, status);
	}
out:
	mutex_unlock(&adev->hw_lock);
	aorta_retire(adev, run);
	return IRQ_HANDLED;
}

/* Bytes [offset, offset + size) of this file's buffer `handle` as a device address. The run
 * keeps a reference on the buffer until it ends. */
static int aorta_resolve(struct aorta_file *f, struct aorta_run *run, u32 handle, u64 offset,
			 u64 size, u64 *addr)
{
	struct aorta_buf *buf;
	int ret;

	if (WARN_ON(run->nbufs == ARRAY_SIZE(run->bufs)))
		return -EINVAL;
	buf = aorta_buf_get_handle(f, handle);
	if (!buf)
		return -EINVAL; /* not a buffer of this file */
	run->bufs[run->nbufs++] = buf;
	ret = aorta_check_range(offset, size, buf->size);
	if (ret)
		return ret;
	*addr = buf->dev_addr + offset;
	return 0;
}

static int aorta_resolve_stream(struct aorta_file *f, struct aorta_run *run,
				const struct aorta_stream *s, struct aorta_hw_stream *hw)
{
	int ret;

	hw->len = 0;
	if (!s->len)
		return 0;
	ret = aorta_resolve(f, run, s->handle, s->offset, aorta_stream_bytes(s), &hw->addr);
	if (ret)
		return ret;
	hw->len = s->len;
	return aorta_check_stream_addr(hw->addr);
}

/* The checks of aorta_check.h, then every handle looked up among this file's buffers. */
static int aorta_resolve_submit(struct aorta_file *f, struct aorta_run *run,
				const struct aorta_submit *req)
{
	unsigned int i;
	int ret;

	ret = aorta_check_submit(req);
	if (ret)
		return ret;
	for (i = 0; i < AORTA_SLOT_COUNT; i++) {
		const struct aorta_slot *s = &req->slots[i];

		if (!s->handle)
			continue;
		ret = aorta_resolve(f, run, s->handle, s->offset, s->size, &run->slot_base[i]);
		if (ret)
			return ret;
		run->slot_size[i] = s->size;
	}
	ret = aorta_resolve_stream(f, run, &req->iq, &run->main);
	if (ret)
		return ret;
	return aorta_resolve_stream(f, run, &req->restore, &run->restore);
}

/* Waits until no run is in flight and returns with hw_lock held, or fails without it. */
static int aorta_lock_idle(struct aorta_file *f)
{
	struct aorta_dev *adev = f->adev;
	int ret;

	for (;;) {
		ret = mutex_lock_interruptible(&adev->hw_lock);
		if (ret)
			return ret;
		if (adev->gone)
			ret = -ENODEV;
		else if (adev->broken)
			ret = -EIO;
		else if (!adev->cur)
			return 0;
		else if (f->filp->f_flags & O_NONBLOCK)
			ret = -EAGAIN;
		mutex_unlock(&adev->hw_lock);
		if (ret)
			return ret;
		/* Bounded: the run in flight ends by its own timeout at the latest. */
		ret = wait_event_interruptible(adev->wq,
					       !READ_ONCE(adev->cur) || READ_ONCE(adev->gone));
		if (ret)
			return ret;
	}
}

long aorta_ioc_submit(struct aorta_file *f, void __user *arg)
{
	struct aorta_dev *adev = f->adev;
	struct aorta_submit *req;
	struct aorta_run *run, *old;
	unsigned int timeout_ms, i;
	long ret;

	req = memdup_user(arg, sizeof(*req));
	if (IS_ERR(req))
		return PTR_ERR(req);
	run = kzalloc(sizeof(*run), GFP_KERNEL);
	if (!run) {
		ret = -ENOMEM;
		goto out_req;
	}
	kref_init(&run->ref);
	run->submit_flags = req->flags;
	run->file_id = f->id;
	ret = aorta_resolve_submit(f, run, req);
	if (ret)
		goto out_run;

	ret = aorta_lock_idle(f);
	if (ret)
		goto out_run;
	for (i = 0; i < run->nbufs; i++)
		aorta_buf_sync_for_device(run->bufs[i]);
	if (!aorta_soft_reset(adev)) {
		mutex_unlock(&adev->hw_lock);
		ret = -EIO;
		goto out_run;
	}
	if (req->flags & AORTA_SUBMIT_CLEAR_COUNTERS)
		aorta_wr(adev, AORTA_REG_CTRL, AORTA_REG_CTRL_CLEAR_COUNTERS_MASK);
	aorta_wr(adev, AORTA_REG_CHIP_INDEX, req->chip_index);
	for (i = 0; i < AORTA_SLOT_COUNT; i++) {
		aorta_wr64(adev, AORTA_REG_SLOT_BASE_LO(i), AORTA_REG_SLOT_BASE_HI(i),
			   run->slot_base[i]);
		aorta_wr64(adev, AORTA_REG_SLOT_SIZE_LO(i), AORTA_REG_SLOT_SIZE_HI(i),
			   run->slot_size[i]);
	}
	run->in_restore = run->restore.len && adev->ctx_owner != f->id;
	req->out_flags = run->in_restore ? AORTA_SUBMIT_OUT_RESTORE : 0;
	run->seq = ++adev->next_seq;
	req->seq = run->seq;
	timeout_ms = req->timeout_ms ? req->timeout_ms : READ_ONCE(aorta_default_timeout_ms);
	run->deadline = jiffies + msecs_to_jiffies(timeout_ms);
	kref_get(&run->ref); /* the device's reference, dropped by aorta_retire() */
	adev->cur = run;
	run->start = ktime_get();
	aorta_start(adev, run->in_restore ? &run->restore : &run->main);
	mod_delayed_work(system_wq, &adev->watchdog, msecs_to_jiffies(timeout_ms));
	mutex_unlock(&adev->hw_lock);

	mutex_lock(&f->lock);
	old = f->last;
	f->last = run; /* our reference */
	if (run->submit_flags & AORTA_SUBMIT_SNAPSHOT_COUNTERS) {
		if (f->snap)
			aorta_run_put(f->snap);
		kref_get(&run->ref);
		f->snap = run;
	}
	mutex_unlock(&f->lock);
	if (old)
		aorta_run_put(old);
	ret = copy_to_user(arg, req, sizeof(*req)) ? -EFAULT : 0;
	goto out_req;

out_run:
	aorta_run_put(run);
out_req:
	kfree(req);
	return ret;
}

long aorta_ioc_wait(struct aorta_file *f, void __user *arg)
{
	struct aorta_dev *adev = f->adev;
	struct aorta_run *run, *ended = NULL;
	struct aorta_wait req;
	long left, ret = 0;

	if (copy_from_user(&req, arg, sizeof(req)))
		return -EFAULT;
	if (req.reserved[0] || req.reserved[1])
		return -EINVAL;
	mutex_lock(&f->lock);
	run = f->last;
	if (run && run->seq == req.seq)
		kref_get(&run->ref);
	else
		run = NULL;
	mutex_unlock(&f->lock);
	if (!run)
		return -ESRCH; /* not this file's latest run */

	if (!aorta_run_finished(run)) {
		if (!req.timeout_ms) {
			ret = -EAGAIN;
			goto out;
		}
		left = wait_event_interruptible_timeout(adev->wq, aorta_run_finished(run),
							msecs_to_jiffies(req.timeout_ms));
		if (left < 0) {
			ret = left;
			goto out;
		}
		if (!left) {
			mutex_lock(&adev->hw_lock);
			if (adev->cur == run) {
				dev_warn(&adev->pdev->dev,
					 "run %llu did not finish within the %u ms wait: soft reset\n",
					 run->seq, req.timeout_ms);
				ended = aorta_abort(adev, AORTA_RUN_TIMEOUT);
			}
			mutex_unlock(&adev->hw_lock);
			aorta_retire(adev, ended);
		}
		/* Ended elsewhere an instant ago: its state is about to be published. */
		wait_event(adev->wq, aorta_run_finished(run));
	}
	req.state = run->state;
	req.err_code = run->err_code;
	req.err_pc = run->err_pc;
	req.err_addr = run->err_addr;
	req.status = run->status;
	req.flags = run->flags;
	req.elapsed_ns = run->elapsed_ns;
	if (copy_to_user(arg, &req, sizeof(req)))
		ret = -EFAULT;
	else if (req.state == AORTA_RUN_TIMEOUT)
		ret = -ETIMEDOUT;
out:
	aorta_run_put(run);
	return ret;
}

long aorta_ioc_read_counters(struct aorta_file *f, void __user *arg)
{
	struct aorta_dev *adev = f->adev;
	struct aorta_counters *req;
	struct aorta_run *run;
	long ret = 0;

	req = memdup_user(arg, sizeof(*req));
	if (IS_ERR(req))
		return PTR_ERR(req);
	if (req->flags & ~AORTA_COUNTERS_LAST_RUN) {
		ret = -EINVAL;
		goto out;
	}
	memset(req->values, 0, sizeof(req->values));
	req->count = AORTA_NUM_COUNTERS;
	req->seq = 0;
	if (req->flags & AORTA_COUNTERS_LAST_RUN) {
		mutex_lock(&f->lock);
		run = f->snap;
		if (run)
			kref_get(&run->ref);
		mutex_unlock(&f->lock);
		if (!run) {
			ret = -ENOENT; /* no run of this file asked for a snapshot */
			goto out;
		}
		/* A run with SNAPSHOT_COUNTERS has its counters once it has ended. */
		if (!aorta_run_finished(run))
			ret = -EAGAIN;
		else
			memcpy(req->values, run->counters, sizeof(run->counters));
		req->seq = run->seq;
		aorta_run_put(run);
	} else {
		mutex_lock(&adev->hw_lock);
		if (adev->gone)
			ret = -ENODEV;
		else
			aorta_rd_counters(adev, req->values);
		mutex_unlock(&adev->hw_lock);
	}
	if (!ret && copy_to_user(arg, req, sizeof(*req)))
		ret = -EFAULT;
out:
	kfree(req);
	return ret;
}

long aorta_ioc_reset(struct aorta_file *f, void __user *arg)
{
	struct aorta_dev *adev = f->adev;
	struct aorta_run *run = NULL;
	struct aorta_reset req;
	long ret = 0;

	if (copy_from_user(&req, arg, sizeof(req)))
		return -EFAULT;
	if ((req.flags & ~AORTA_RESET_CLEAR_COUNTERS) || req.pad)
		return -EINVAL;
	mutex_lock(&adev->hw_lock);
	if (adev->gone) {
		ret = -ENODEV;
	} else if (adev->cur && adev->cur->file_id != f->id) {
		ret = -EBUSY; /* another process's run */
	} else {
		if (adev->cur)
			run = aorta_abort(adev, AORTA_RUN_ABORTED);
		else
			aorta_soft_reset(adev);
		if (adev->broken)
			ret = -EIO;
		else if (req.flags & AORTA_RESET_CLEAR_COUNTERS)
			aorta_wr(adev, AORTA_REG_CTRL, AORTA_REG_CTRL_CLEAR_COUNTERS_MASK);
	}
	mutex_unlock(&adev->hw_lock);
	aorta_retire(adev, run);
	return ret;
}
