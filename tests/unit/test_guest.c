/* A guest's initramfs: the kernel image's release, and the modules the channel needs in the order they load. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "initramfs.h"
#include "tests.h"

static void write_file(const char *path, const void *data, size_t size)
{
	FILE *file = fopen(path, "wb");
	assert_non_null(file);
	assert_int_equal(fwrite(data, 1, size, file), size);
	fclose(file);
}

/* A file with a bzImage's header: "HdrS" at 0x202, and at 0x20e the offset (less 0x200) of the version string. */
static void test_release_from_the_image_header(void **state)
{
	(void)state;
	char dir[] = "/tmp/spawnbench-unit.XXXXXX", path[64], release[128], why[300];
	assert_non_null(mkdtemp(dir));
	unsigned char image[0x400] = { 0 };
	memcpy(image + 0x202, "HdrS", 4);
	image[0x20e] = 0x00;
	image[0x20f] = 0x01; /* the string at 0x100 + 0x200 */
	strcpy((char *)image + 0x300, "6.1.0-99-test (builder@example) #1 SMP");
	snprintf(path, sizeof path, "%s/vmlinuz", dir);
	write_file(path, image, sizeof image);
	assert_int_equal(bzimage_release(path, release, sizeof release, why, sizeof why), 0);
	assert_string_equal(release, "6.1.0-99-test");
	/* anything else is refused, naming the file */
	memcpy(image + 0x202, "Hdr!", 4);
	write_file(path, image, sizeof image);
	assert_int_equal(bzimage_release(path, release, sizeof release, why, sizeof why), -1);
	assert_non_null(strstr(why, "is not a Linux kernel image"));
	unlink(path);
	rmdir(dir);
}

/* The text of an archive member (newc), or NULL. */
static char *member(const char *archive, size_t size, const char *name)
{
	for (size_t at = 0; at + 110 <= size;) {
		unsigned long file_size, name_size;
		if (memcmp(archive + at, "070701", 6) != 0 || sscanf(archive + at + 54, "%8lx", &file_size) != 1 ||
		    sscanf(archive + at + 94, "%8lx", &name_size) != 1)
			return NULL;
		size_t data = (at + 110 + name_size + 3) & ~(size_t)3;
		if (strcmp(archive + at + 110, name) == 0)
			return strndup(archive + data, file_size);
		at = (data + file_size + 3) & ~(size_t)3;
	}
	return NULL;
}

static void fake_module(const char *dir, const char *sub, const char *name, const char *depends)
{
	char path[512], text[256];
	snprintf(path, sizeof path, "%s/kernel/%s", dir, sub);
	mkdir(path, 0755);
	snprintf(path, sizeof path, "%s/kernel/%s/%s.ko", dir, sub, name);
	int length = snprintf(text, sizeof text, "\x7f" "ELF junk%cname=%s%cdepends=%s%c", 0, name, 0, depends, 0);
	write_file(path, text, (size_t)length);
}

/* virtio_pci and virtio_console with what they depend on, dependencies first, the built-in ones left out. */
static void test_modules_in_load_order(void **state)
{
	(void)state;
	char dir[] = "/tmp/spawnbench-unit.XXXXXX", path[600], why[600];
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/kernel", dir);
	mkdir(path, 0755);
	snprintf(path, sizeof path, "%s/kernel/drivers", dir);
	mkdir(path, 0755);
	fake_module(dir, "drivers/virtio", "virtio", "");
	fake_module(dir, "drivers/virtio", "virtio_pci_modern_dev", "virtio");
	fake_module(dir, "drivers/virtio", "virtio_pci", "virtio_ring,virtio_pci_modern_dev,virtio");
	fake_module(dir, "drivers/char", "virtio_console", "virtio,virtio_ring");
	snprintf(path, sizeof path, "%s/modules.builtin", dir);
	write_file(path, "kernel/drivers/virtio/virtio_ring.ko\n", 37);
	char program[600];
	snprintf(program, sizeof program, "%s/program", dir);
	write_file(program, "#!", 2);
	struct initramfs_files files = { program, program, program, program, dir };
	char archive_path[600];
	snprintf(archive_path, sizeof archive_path, "%s/initramfs.cpio", dir);
	assert_int_equal(initramfs_write(archive_path, &files, why, sizeof why), 0);
	FILE *file = fopen(archive_path, "rb");
	char archive[1 << 14];
	size_t size = fread(archive, 1, sizeof archive, file);
	fclose(file);
	char *order = member(archive, size, "modules/order");
	assert_non_null(order);
	assert_string_equal(order, "virtio.ko\nvirtio_pci_modern_dev.ko\nvirtio_pci.ko\nvirtio_console.ko\n");
	free(order);
	char *init = member(archive, size, "init");
	assert_non_null(init);
	free(init);
	/* a kernel without the console driver is refused, naming it */
	snprintf(path, sizeof path, "%s/kernel/drivers/char/virtio_console.ko", dir);
	unlink(path);
	assert_int_equal(initramfs_write(archive_path, &files, why, sizeof why), -1);
	if (!strstr(why, "has no virtio_console"))
		fail_msg("%s", why);
	char command[700];
	snprintf(command, sizeof command, "rm -rf '%s'", dir); /* a directory this test made, no input in it */
	assert_int_equal(system(command), 0);
}

const struct CMUnitTest guest_tests[] = {
	cmocka_unit_test(test_release_from_the_image_header),
	cmocka_unit_test(test_modules_in_load_order),
};
const size_t guest_test_count = sizeof guest_tests / sizeof guest_tests[0];
