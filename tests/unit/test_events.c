/* Event encoding: names to perf_event_attr through libpfm4 and tracefs. */
#include <linux/perf_event.h>
#include <perfmon/pfmlib.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "events.h"
#include "tests.h"
#include "util.h"

static void test_generic_names(void **state)
{
	(void)state;
	static const struct { const char *name; uint32_t type; uint64_t config; bool exclude_user, exclude_kernel; } cases[] = {
		{ "cycles", PERF_TYPE_HARDWARE, PERF_COUNT_HW_CPU_CYCLES, false, false },
		{ "instructions", PERF_TYPE_HARDWARE, PERF_COUNT_HW_INSTRUCTIONS, false, false },
		{ "cycles:k", PERF_TYPE_HARDWARE, PERF_COUNT_HW_CPU_CYCLES, true, false },
		{ "cycles:u", PERF_TYPE_HARDWARE, PERF_COUNT_HW_CPU_CYCLES, false, true },
		{ "page-faults", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_PAGE_FAULTS, false, false },
		{ "minor-faults", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_PAGE_FAULTS_MIN, false, false },
		{ "major-faults", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_PAGE_FAULTS_MAJ, false, false },
		{ "context-switches", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CONTEXT_SWITCHES, false, false },
		{ "cpu-migrations", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CPU_MIGRATIONS, false, false },
		/* cache events: id | op << 8 | result << 16 */
		{ "dTLB-load-misses", PERF_TYPE_HW_CACHE, PERF_COUNT_HW_CACHE_DTLB | 1 << 16, false, false },
		{ "dTLB-store-misses", PERF_TYPE_HW_CACHE, PERF_COUNT_HW_CACHE_DTLB | 1 << 8 | 1 << 16, false, false },
		{ "iTLB-load-misses", PERF_TYPE_HW_CACHE, PERF_COUNT_HW_CACHE_ITLB | 1 << 16, false, false },
		/* libpfm's raw PMU: PMU-specific syntax available on every machine */
		{ "perf_raw::r01c2", PERF_TYPE_RAW, 0x1c2, false, false },
	};
	struct event_encoding encoding;
	char why[256];
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		if (event_encode(cases[i].name, &encoding, why, sizeof why) != ENCODE_OK)
			fail_msg("%s: %s", cases[i].name, why);
		assert_int_equal(encoding.type, cases[i].type);
		assert_true(encoding.config == cases[i].config);
		assert_int_equal(encoding.exclude_user, cases[i].exclude_user);
		assert_int_equal(encoding.exclude_kernel, cases[i].exclude_kernel);
		assert_true(strlen(encoding.qualified) > 0);
	}
}

static void test_pmu_specific_name(void **state)
{
	(void)state;
	/* a unit mask and a modifier on a core PMU event; only where libpfm4 detects that PMU */
	static const struct { const char *pmu_event, *name; uint64_t config; } cases[] = {
		{ "amd64_fam19h_zen4::L1_DTLB_MISS", "L1_DTLB_MISS:TLB_RELOAD_4K_L2_MISS:k", 0x1045 },
		{ "amd64_fam17h_zen2::L1_DTLB_MISS", "L1_DTLB_MISS:TLB_RELOAD_4K_L2_MISS:k", 0x1045 },
		{ "skl::DTLB_LOAD_MISSES", "DTLB_LOAD_MISSES:WALK_COMPLETED:k", 0x0e08 },
		{ "icl::DTLB_LOAD_MISSES", "DTLB_LOAD_MISSES:WALK_COMPLETED:k", 0x0e08 },
	};
	struct event_encoding encoding;
	char why[256];
	assert_int_equal(event_encode("cycles", &encoding, why, sizeof why), ENCODE_OK); /* initialises libpfm */
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		if (pfm_find_event(cases[i].pmu_event) < 0)
			continue;
		if (event_encode(cases[i].name, &encoding, why, sizeof why) != ENCODE_OK)
			fail_msg("%s: %s", cases[i].name, why);
		assert_int_equal(encoding.type, PERF_TYPE_RAW);
		assert_true((encoding.config & 0xffff) == cases[i].config);
		assert_true(encoding.exclude_user && !encoding.exclude_kernel);
		return;
	}
	skip(); /* no core PMU libpfm4 4.13 knows on this CPU */
}

static void test_tracepoints(void **state)
{
	(void)state;
	struct event_encoding encoding;
	char why[256];
	/* as root, asking for a tracepoint mounts tracefs where nothing has */
	enum encode_result result = event_encode("tlb:tlb_flush", &encoding, why, sizeof why);
	const char *events = tracefs_events_dir();
	if (!events) {
		assert_int_equal(result, ENCODE_NO_TRACEFS);
		assert_non_null(strstr(why, "tracefs"));
		skip();
	}
	char *path = xasprintf("%s/tlb/tlb_flush/id", events);
	char *id = read_text_file(path);
	free(path);
	assert_non_null(id);
	assert_int_equal(result, ENCODE_OK);
	assert_int_equal(encoding.type, PERF_TYPE_TRACEPOINT);
	assert_true(encoding.config == strtoull(id, NULL, 10));
	free(id);
	assert_int_equal(event_encode("nosuchgroup:nosuchevent", &encoding, why, sizeof why), ENCODE_UNKNOWN);
	assert_non_null(strstr(why, "nosuchgroup:nosuchevent"));
}

static void test_bad_names(void **state)
{
	(void)state;
	static const struct { const char *name; enum encode_result result; } cases[] = {
		{ "dTLB-lod-misses", ENCODE_UNKNOWN }, { "cycles:zz", ENCODE_BAD_SYNTAX },
		{ "", ENCODE_BAD_SYNTAX },            { "minor faults", ENCODE_BAD_SYNTAX },
	};
	struct event_encoding encoding;
	char why[256];
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		why[0] = '\0';
		assert_int_equal(event_encode(cases[i].name, &encoding, why, sizeof why), cases[i].result);
		assert_true(why[0] != '\0');
	}
}

static void test_resolve_strict_and_lenient(void **state)
{
	(void)state;
	struct event_set set;
	char why[256];
	char *typo[] = { "minor-faults", "dTLB-lod-misses" };
	assert_int_equal(events_resolve(&set, typo, 2, true, why, sizeof why), -1);
	assert_non_null(strstr(why, "dTLB-lod-misses"));
	events_free(&set);
	assert_int_equal(events_resolve(&set, typo, 2, false, why, sizeof why), 0);
	assert_int_equal(set.count, 2);
	assert_null(set.events[1].encoded);
	assert_non_null(set.events[1].not_counted);
	assert_string_equal(set.events[1].column, "dTLB_lod_misses");
	events_free(&set);
}

static void test_tlb_flush_splits_by_reason(void **state)
{
	(void)state;
	struct event_set set;
	char why[256];
	char *names[] = { "tlb:tlb_flush" };
	if (!tracefs_events_dir())
		skip();
	assert_int_equal(events_resolve(&set, names, 1, true, why, sizeof why), 0);
	/* the total, then a column per reason the running kernel declares (six on 6.18) */
	char *path = xasprintf("%s/tlb/tlb_flush/format", tracefs_events_dir());
	char *format = read_text_file(path);
	struct symbolic_value reasons[MAX_FLUSH_REASONS];
	size_t declared = format ? symbolic_values_parse(format, "reason", reasons, MAX_FLUSH_REASONS) : 5;
	free(path);
	free(format);
	assert_int_equal(set.count, 1 + declared);
	char *last = xasprintf("tlb_flush_%s", reasons[declared - 1].column);
	assert_string_equal(set.events[declared].column, last);
	free(last);
	assert_non_null(strstr(set.events[declared].meaning, reasons[declared - 1].text));
	assert_string_equal(set.events[0].column, "tlb_flush");
	assert_string_equal(set.events[4].column, "tlb_flush_local_mm_shootdown");
	if (set.events[4].encoded) /* counted here: the filter travels to the worker */
		assert_non_null(strstr(set.events[4].encoded, ":reason==3"));
	events_free(&set);
}

static void test_flush_reasons_from_the_format(void **state)
{
	(void)state;
	/* 6.18's print fmt, as read on this machine, and a 5.x one with five reasons */
	static const char six[] = "print fmt: \"pages:%ld reason:%s (%d)\", REC->pages, __print_symbolic(REC->reason, "
				  "{ 0, \"flush on task switch\" }, { 1, \"remote shootdown\" }, { 2, \"local shootdown\" }, "
				  "{ 3, \"local MM shootdown\" }, { 4, \"remote IPI send\" }, { 5, \"remote wrong CPU\" }), REC->reason\n";
	static const char five[] = "print fmt: \"pages:%ld reason:%s (%d)\", REC->pages, __print_symbolic(REC->reason, "
				   "{ 0, \"flush on task switch\" }, { 1, \"remote shootdown\" }, { 2, \"local shootdown\" }, "
				   "{ 3, \"local MM shootdown\" }, { 4, \"remote IPI send\" }), REC->reason\n";
	struct symbolic_value values[MAX_FLUSH_REASONS];
	assert_int_equal(symbolic_values_parse(six, "reason", values, MAX_FLUSH_REASONS), 6);
	assert_string_equal(values[0].column, "task_switch");
	assert_string_equal(values[3].column, "local_mm_shootdown");
	assert_int_equal(values[5].value, 5);
	assert_string_equal(values[5].text, "remote wrong CPU");
	assert_string_equal(values[5].column, "remote_wrong_cpu");
	assert_int_equal(symbolic_values_parse(five, "reason", values, MAX_FLUSH_REASONS), 5);
	assert_string_equal(values[4].column, "remote_ipi_send");
	assert_int_equal(symbolic_values_parse(five, "reason", values, 3), 3);
	assert_int_equal(symbolic_values_parse("print fmt: \"pages:%ld\", REC->pages", "reason", values, 6), 0);
}

const struct CMUnitTest event_tests[] = {
	cmocka_unit_test(test_flush_reasons_from_the_format),
	cmocka_unit_test(test_generic_names),
	cmocka_unit_test(test_pmu_specific_name),
	cmocka_unit_test(test_tracepoints),
	cmocka_unit_test(test_bad_names),
	cmocka_unit_test(test_resolve_strict_and_lenient),
	cmocka_unit_test(test_tlb_flush_splits_by_reason),
};
const size_t event_test_count = sizeof event_tests / sizeof event_tests[0];
