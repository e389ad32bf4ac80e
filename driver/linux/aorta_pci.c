// SPDX-License-Identifier: GPL-2.0
/*
 * aorta PCIe driver: probe / remove, BARs, interrupts, the char device and AORTA_IOC_INFO.
 * docs/driver.md describes the driver as a whole.
 */
#include <linux/dma-mapping.h>
#include <linux/genalloc.h>
#include <linux/idr.h>
#include <linux/interrupt.h>
#include <linux/io.h>
#include <linux/iommu.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "aorta_drv.h"

unsigned int aorta_default_timeout_ms = 10000;
module_param_named(default_timeout_ms, aorta_default_timeout_ms, uint, 0644);
MODULE_PARM_DESC(default_timeout_ms,
		 "Watchdog of a run whose AORTA_IOC_SUBMIT gives timeout_ms 0 (default 10000)");

static DEFINE_IDA(aorta_ida);

static void aorta_dev_release(struct kref *ref)
{
	struct aorta_dev *adev = container_of(ref, struct aorta_dev, ref);

	if (adev->dram_pool)
		gen_pool_destroy(adev->dram_pool);
	pci_dev_put(adev->pdev);
	kfree(adev);
}

void aorta_dev_put(struct aorta_dev *adev)
{
	kref_put(&adev->ref, aorta_dev_release);
}

long aorta_ioc_info(struct aorta_file *f, void __user *arg)
{
	struct aorta_dev *adev = f->adev;
	struct pci_dev *pdev = adev->pdev;
	struct aorta_info info;

	memset(&info, 0, sizeof(info));
	info.uapi_version = AORTA_UAPI_VERSION;
	info.minor = adev->id;
	info.vendor_id = pdev->vendor;
	info.device_id = pdev->device;
	info.subsystem_vendor_id = pdev->subsystem_vendor;
	info.subsystem_device_id = pdev->subsystem_device;
	info.revision = pdev->revision;
	info.irq_type = adev->irq_type;
	info.irq_vectors = adev->irq_vectors;
	info.id = adev->id_reg;
	info.version = adev->version_reg;
	info.geometry = adev->geometry_reg;
	info.config_fp = adev->config_fp;
	info.bar0_bytes = pci_resource_len(pdev, 0);
	info.dram_bytes = adev->dram_bytes;
	info.dram_free = adev->dram_pool ? gen_pool_avail(adev->dram_pool) : 0;
	info.num_counters = AORTA_NUM_COUNTERS;
	info.slot_count = AORTA_SLOT_COUNT;
	info.flags = adev->iommu ? AORTA_INFO_IOMMU : 0;
	info.dma_bits = AORTA_DMA_BITS;
	if (copy_to_user(arg, &info, sizeof(info)))
		return -EFAULT;
	return 0;
}

/* BAR2 (board DRAM), when the board has one: a write-combined mapping and an allocator. */
static int aorta_probe_dram(struct aorta_dev *adev)
{
	struct pci_dev *pdev = adev->pdev;
	int ret;

	if (!pci_resource_len(pdev, 2))
		return 0;
	if (!(pci_resource_flags(pdev, 2) & IORESOURCE_MEM)) {
		dev_err(&pdev->dev, "BAR2 is not a memory BAR\n");
		return -ENODEV;
	}
	ret = pci_request_region(pdev, 2, AORTA_DRV_NAME);
	if (ret) {
		dev_err(&pdev->dev, "cannot claim BAR2 (board DRAM): %d\n", ret);
		return ret;
	}
	adev->dram_phys = pci_resource_start(pdev, 2);
	adev->dram_bytes = pci_resource_len(pdev, 2);
	adev->dram = devm_ioremap_wc(&pdev->dev, adev->dram_phys, adev->dram_bytes);
	if (!adev->dram) {
		dev_err(&pdev->dev, "cannot map BAR2 (%llu bytes)\n", adev->dram_bytes);
		return -ENOMEM;
	}
	adev->dram_pool = gen_pool_create(PAGE_SHIFT, dev_to_node(&pdev->dev));
	if (!adev->dram_pool)
		return -ENOMEM;
	return gen_pool_add(adev->dram_pool, AORTA_DRAM_POOL_BIAS, adev->dram_bytes,
			    dev_to_node(&pdev->dev));
}

/* One interrupt vector: MSI-X, else MSI, else the legacy INTx line (shared). */
static int aorta_probe_irq(struct aorta_dev *adev)
{
	struct pci_dev *pdev = adev->pdev;
	int nvec, ret;

	nvec = pci_alloc_irq_vectors(pdev, 1, 1, PCI_IRQ_ALL_TYPES);
	if (nvec < 0) {
		dev_err(&pdev->dev, "no interrupt (MSI-X, MSI or INTx): %d\n", nvec);
		return nvec;
	}
	adev->irq_vectors = nvec;
	adev->irq_type = pdev->msix_enabled ? AORTA_IRQ_MSIX :
			 pdev->msi_enabled ? AORTA_IRQ_MSI : AORTA_IRQ_INTX;
	adev->irq = pci_irq_vector(pdev, 0);
	ret = request_threaded_irq(adev->irq, aorta_irq, aorta_irq_thread,
				   adev->irq_type == AORTA_IRQ_INTX ? IRQF_SHARED : 0,
				   adev->name, adev);
	if (ret)
		dev_err(&pdev->dev, "cannot request irq %d: %d\n", adev->irq, ret);
	return ret;
}

static int aorta_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct aorta_dev *adev;
	u32 regmap;
	int ret;

	BUILD_BUG_ON(AORTA_SLOT_COUNT > AORTA_MAX_SLOTS);
	BUILD_BUG_ON(AORTA_NUM_COUNTERS > AORTA_MAX_COUNTERS);

	ret = pcim_enable_device(pdev);
	if (ret)
		return ret;
	if (!(pci_resource_flags(pdev, 0) & IORESOURCE_MEM) ||
	    pci_resource_len(pdev, 0) < AORTA_BAR_BYTES) {
		dev_err(&pdev->dev, "BAR0 must be a memory BAR of at least %u bytes (it has %llu)\n",
			AORTA_BAR_BYTES, (u64)pci_resource_len(pdev, 0));
		return -ENODEV;
	}
	ret = pcim_iomap_regions(pdev, BIT(0), AORTA_DRV_NAME);
	if (ret) {
		dev_err(&pdev->dev, "cannot claim BAR0: %d\n", ret);
		return ret;
	}

	adev = kzalloc(sizeof(*adev), GFP_KERNEL);
	if (!adev)
		return -ENOMEM;
	kref_init(&adev->ref);
	adev->pdev = pci_dev_get(pdev);
	adev->regs = pcim_iomap_table(pdev)[0];
	adev->irq = -1;
	mutex_init(&adev->hw_lock);
	mutex_init(&adev->files_lock);
	INIT_LIST_HEAD(&adev->files);
	init_waitqueue_head(&adev->wq);
	INIT_DELAYED_WORK(&adev->watchdog, aorta_watchdog);
	adev->id = -1;

	adev->id_reg = readl(adev->regs + AORTA_REG_ID);
	adev->version_reg = readl(adev->regs + AORTA_REG_VERSION);
	adev->geometry_reg = readl(adev->regs + AORTA_REG_GEOMETRY);
	adev->config_fp = readl(adev->regs + AORTA_REG_CONFIG_FP_LO) |
			  (u64)readl(adev->regs + AORTA_REG_CONFIG_FP_HI) << 32;
	regmap = (adev->version_reg & AORTA_REG_VERSION_REGMAP_MASK) >>
		 AORTA_REG_VERSION_REGMAP_LSB;
	if (adev->id_reg != AORTA_ID_VALUE) {
		dev_err(&pdev->dev, "BAR0 ID register reads %#010x, an aorta chip has %#010x\n",
			adev->id_reg, AORTA_ID_VALUE);
		ret = -ENODEV;
		goto err_put;
	}
	if (regmap != AORTA_REGMAP_VERSION) {
		dev_err(&pdev->dev, "register map version %u, this driver knows version %u\n",
			regmap, AORTA_REGMAP_VERSION);
		ret = -ENODEV;
		goto err_put;
	}

	ret = dma_set_mask_and_coherent(&pdev->dev, DMA_BIT_MASK(AORTA_DMA_BITS));
	if (ret) {
		dev_err(&pdev->dev, "the platform cannot give %d-bit DMA addresses: %d\n",
			AORTA_DMA_BITS, ret);
		goto err_put;
	}
	/* A pinned buffer must become one contiguous IOVA range: let the IOMMU merge freely. */
	dma_set_max_seg_size(&pdev->dev, UINT_MAX);
	dma_set_seg_boundary(&pdev->dev, ULONG_MAX);
	adev->iommu = device_iommu_mapped(&pdev->dev);

	ret = aorta_probe_dram(adev);
	if (ret)
		goto err_put;

	adev->id = ida_alloc(&aorta_ida, GFP_KERNEL);
	if (adev->id < 0) {
		ret = adev->id;
		goto err_put;
	}
	snprintf(adev->name, sizeof(adev->name), AORTA_DRV_NAME "%d", adev->id);

	/* Bus mastering first: a reset that fails in aorta_hw_init() switches it off again. */
	pci_set_master(pdev);
	aorta_hw_init(adev);
	ret = aorta_probe_irq(adev);
	if (ret)
		goto err_ida;

	adev->misc.minor = MISC_DYNAMIC_MINOR;
	adev->misc.name = adev->name;
	adev->misc.fops = &aorta_fops;
	adev->misc.parent = &pdev->dev;
	adev->misc.mode = 0660;
	pci_set_drvdata(pdev, adev);
	ret = misc_register(&adev->misc);
	if (ret) {
		dev_err(&pdev->dev, "cannot register /dev/%s: %d\n", adev->name, ret);
		goto err_irq;
	}

	dev_info(&pdev->dev,
		 "/dev/%s: regmap v%u, ISA %lu.%lu, %lux%lu array, config %016llx, %llu MiB board DRAM, %s irq%s\n",
		 adev->name, regmap,
		 (unsigned long)(adev->version_reg & AORTA_REG_VERSION_ISA_MAJOR_MASK) >>
			 AORTA_REG_VERSION_ISA_MAJOR_LSB,
		 (unsigned long)(adev->version_reg & AORTA_REG_VERSION_ISA_MINOR_MASK) >>
			 AORTA_REG_VERSION_ISA_MINOR_LSB,
		 (unsigned long)(adev->geometry_reg & AORTA_REG_GEOMETRY_ROWS_MASK) >>
			 AORTA_REG_GEOMETRY_ROWS_LSB,
		 (unsigned long)(adev->geometry_reg & AORTA_REG_GEOMETRY_COLS_MASK) >>
			 AORTA_REG_GEOMETRY_COLS_LSB,
		 adev->config_fp, adev->dram_bytes >> 20,
		 adev->irq_type == AORTA_IRQ_MSIX ? "MSI-X" :
		 adev->irq_type == AORTA_IRQ_MSI ? "MSI" : "INTx",
		 adev->iommu ? ", behind an IOMMU" : "");
	return 0;

err_irq:
	free_irq(adev->irq, adev);
err_ida:
	pci_clear_master(pdev);
	ida_free(&aorta_ida, adev->id);
err_put:
	aorta_dev_put(adev);
	return ret;
}

static void aorta_remove(struct pci_dev *pdev)
{
	struct aorta_dev *adev = pci_get_drvdata(pdev);
	struct aorta_file *f;

	/* No new opens; open files stay valid and now get ENODEV. */
	misc_deregister(&adev->misc);

	aorta_shutdown(adev);

	free_irq(adev->irq, adev);
	cancel_delayed_work_sync(&adev->watchdog);
	pci_clear_master(pdev);

	/*
	 * User mappings of board DRAM point into BAR2, which the PCI core may give to another
	 * device once we let go of it: zap every mapping of our files (any later touch is
	 * SIGBUS). Mappings that are set up concurrently checked `gone` under hw_lock first.
	 */
	mutex_lock(&adev->files_lock);
	list_for_each_entry(f, &adev->files, node)
		unmap_mapping_range(f->filp->f_mapping, 0, 0, 1);
	mutex_unlock(&adev->files_lock);

	ida_free(&aorta_ida, adev->id);
	dev_info(&pdev->dev, "/dev/%s removed\n", adev->name);
	aorta_dev_put(adev);
}

static int aorta_suspend(struct device *dev)
{
	return aorta_hw_suspend(dev_get_drvdata(dev));
}

static int aorta_resume(struct device *dev)
{
	aorta_hw_init(dev_get_drvdata(dev));
	return 0;
}

static DEFINE_SIMPLE_DEV_PM_OPS(aorta_pm_ops, aorta_suspend, aorta_resume);

static const struct pci_device_id aorta_pci_ids[] = {
	{ PCI_DEVICE(AORTA_PCI_VENDOR_ID, AORTA_PCI_DEVICE_ID) },
	{ }
};
MODULE_DEVICE_TABLE(pci, aorta_pci_ids);

static struct pci_driver aorta_pci_driver = {
	.name = AORTA_DRV_NAME,
	.id_table = aorta_pci_ids,
	.probe = aorta_probe,
	.remove = aorta_remove,
	.driver.pm = pm_sleep_ptr(&aorta_pm_ops),
};
module_pci_driver(aorta_pci_driver);

MODULE_DESCRIPTION("aorta int8 inference accelerator (PCIe)");
MODULE_LICENSE("GPL");
