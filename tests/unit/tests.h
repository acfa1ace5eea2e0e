/* The unit test groups, one per file, run by test_main.c. */
#ifndef SPAWNBENCH_TESTS_H
#define SPAWNBENCH_TESTS_H

#include <stddef.h>

struct CMUnitTest;
extern const struct CMUnitTest event_tests[];
extern const size_t event_test_count;
extern const struct CMUnitTest report_tests[];
extern const size_t report_test_count;
extern const struct CMUnitTest compare_tests[];
extern const size_t compare_test_count;
extern const struct CMUnitTest reproduce_tests[];
extern const size_t reproduce_test_count;
extern const struct CMUnitTest input_tests[];
extern const size_t input_test_count;
extern const struct CMUnitTest export_tests[];
extern const size_t export_test_count;
extern const struct CMUnitTest dimension_tests[];
extern const size_t dimension_test_count;
extern const struct CMUnitTest schedule_tests[];
extern const size_t schedule_test_count;
extern const struct CMUnitTest concurrency_tests[];
extern const size_t concurrency_test_count;
extern const struct CMUnitTest guest_tests[];
extern const size_t guest_test_count;

#endif
