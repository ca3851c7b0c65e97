/* acpi.c: find the RSDP in the BIOS area, follow it to the RSDT/XSDT, and read the
 * MADT ("APIC" table): one entry per CPU's local APIC, the I/O APIC, and overrides
 * saying which ISA IRQ goes to which I/O APIC input. */
#include "acpi.h"
#include "lapic.h"
#include "memlayout.h"
#include "percpu.h"
#include "printf.h"
#include "string.h"

struct rsdp {
    char signature[8]; /* "RSD PTR " */
    uint8_t checksum;
    char oem[6];
    uint8_t revision; /* 0: RSDT only; 2: XSDT too */
    uint32_t rsdt;
    uint32_t length;
    uint64_t xsdt;
} __attribute__((packed));

struct sdt_header {
    char signature[4];
    uint32_t length;
    uint8_t revision, checksum;
    char oem[6], oem_table[8];
    uint32_t oem_revision, creator, creator_revision;
} __attribute__((packed));

struct madt {
    struct sdt_header h;
    uint32_t lapic_addr;
    uint32_t flags;
    uint8_t entries[];
} __attribute__((packed));

enum { MADT_LAPIC = 0, MADT_IOAPIC = 1, MADT_OVERRIDE = 2 };

struct override {
    int irq;
    uint32_t gsi;
    uint16_t flags;
};

uint64_t ioapic_phys = 0xfec00000;
uint32_t ioapic_gsi_base;
static struct override overrides[16];
static int noverrides;

static bool checksum_ok(const void *p, size_t n)
{
    uint8_t sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += ((const uint8_t *)p)[i];
    return sum == 0;
}

static struct rsdp *scan(uint64_t start, uint64_t len)
{
    for (uint64_t a = start; a + sizeof(struct rsdp) <= start + len; a += 16) {
        struct rsdp *r = p2v(a);
        if (memcmp(r->signature, "RSD PTR ", 8) == 0 && checksum_ok(r, 20))
            return r;
    }
    return 0;
}

static struct rsdp *find_rsdp(void)
{
    uint64_t ebda = (uint64_t)(*(uint16_t *)p2v(0x40e)) << 4;
    struct rsdp *r = ebda ? scan(ebda, 1024) : 0;
    return r ? r : scan(0xe0000, 0x20000);
}

static struct sdt_header *find_table(struct rsdp *rsdp, const char *sig)
{
    bool x = rsdp->revision >= 2 && rsdp->xsdt;
    struct sdt_header *root = p2v(x ? rsdp->xsdt : rsdp->rsdt);
    int width = x ? 8 : 4;
    int n = (root->length - sizeof *root) / width;
    uint8_t *ptrs = (uint8_t *)(root + 1);
    for (int i = 0; i < n; i++) {
        uint64_t pa = 0;
        memcpy(&pa, ptrs + i * width, width);
        struct sdt_header *h = p2v(pa);
        if (memcmp(h->signature, sig, 4) == 0 && checksum_ok(h, h->length))
            return h;
    }
    return 0;
}

static void add_cpu(uint32_t apic_id)
{
    if (ncpu == NCPU) {
        kprintf("lark: acpi: more than %d CPUs; ignoring APIC ID %u\n", NCPU, apic_id);
        return;
    }
    cpus[ncpu].id = ncpu;
    cpus[ncpu].apic_id = apic_id;
    ncpu++;
}

void acpi_init(void)
{
    struct rsdp *rsdp = find_rsdp();
    struct madt *madt = rsdp ? (struct madt *)find_table(rsdp, "APIC") : 0;
    if (!madt) {
        kprintf("lark: acpi: no MADT; running on the boot CPU only\n");
        add_cpu(lapic_id());
        return;
    }
    lapic_phys = madt->lapic_addr;
    /* The boot CPU is cpus[0], whatever its place in the table. */
    uint32_t boot_id = lapic_id();
    add_cpu(boot_id);
    for (uint8_t *e = madt->entries; e < (uint8_t *)madt + madt->h.length; e += e[1]) {
        if (e[1] < 2)
            break; /* malformed: stop rather than loop forever */
        if (e[0] == MADT_LAPIC) {
            uint32_t flags;
            memcpy(&flags, e + 4, 4);
            if ((flags & 1) && e[3] != boot_id) /* enabled, and not the boot CPU */
                add_cpu(e[3]);
        } else if (e[0] == MADT_IOAPIC) {
            uint32_t addr, base;
            memcpy(&addr, e + 4, 4);
            memcpy(&base, e + 8, 4);
            if (ioapic_gsi_base == 0 || base < ioapic_gsi_base) {
                ioapic_phys = addr;
                ioapic_gsi_base = base;
            }
        } else if (e[0] == MADT_OVERRIDE && noverrides < (int)ARRAY_SIZE(overrides)) {
            struct override *o = &overrides[noverrides++];
            o->irq = e[3];
            memcpy(&o->gsi, e + 4, 4);
            memcpy(&o->flags, e + 8, 2);
        }
    }
}

uint32_t acpi_isa_irq_to_gsi(int irq, bool *active_low, bool *level)
{
    *active_low = false; /* ISA default: active high, edge triggered */
    *level = false;
    for (int i = 0; i < noverrides; i++) {
        if (overrides[i].irq != irq)
            continue;
        *active_low = (overrides[i].flags & 3) == 3;
        *level = ((overrides[i].flags >> 2) & 3) == 3;
        return overrides[i].gsi;
    }
    return irq;
}
