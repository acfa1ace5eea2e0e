# spawnbench: `make` builds everything into build/, `make test` runs the tests
# (plain, then under AddressSanitizer and UndefinedBehaviorSanitizer).

CC      ?= cc
CFLAGS  ?= -O2 -g
WARN     = -std=gnu11 -Wall -Wextra -Werror
PKGS     = hwloc libpfm gsl jansson inih
LIBPFM_LIBS = -lpfm
DEPS_CFLAGS := $(shell pkg-config --cflags hwloc gsl jansson inih 2>/dev/null)
DEPS_LIBS   := $(shell pkg-config --libs hwloc gsl jansson inih 2>/dev/null) $(LIBPFM_LIBS) -lm

BUILD   ?= build
SAN      = -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all

# the measured code: the primitives (one file each, found here), shared by the worker and
# (for their descriptors) the orchestrator
PRIMITIVES = $(sort $(wildcard benchmarks/primitives/*.c))
CORE_SRC   = benchmarks/cell.c benchmarks/dimension.c benchmarks/values.c benchmarks/primitive_table.c \
             benchmarks/child.c benchmarks/heap.c $(PRIMITIVES)
WORKER_SRC = benchmarks/worker.c benchmarks/creation.c benchmarks/creators.c benchmarks/extra_threads.c benchmarks/counters.c $(CORE_SRC)

# the orchestrator is a pipeline: measure writes a bundle; bundle reads it back; analyze and
# render work from what bundle reads. Each folder sees its own headers and those below it
# only, so an include against the flow (render from measure, bundle from analyze) fails to build.
HARNESS_LAYERS = common bundle analyze render measure
INCLUDE_common  = -Ibenchmarks -Iharness/common
INCLUDE_bundle  = $(INCLUDE_common) -Iharness/bundle
INCLUDE_analyze = $(INCLUDE_bundle) -Iharness/analyze
INCLUDE_render  = $(INCLUDE_analyze) -Iharness/render
INCLUDE_measure = $(INCLUDE_bundle) -Iharness/measure
INCLUDE_main    = $(INCLUDE_render) -Iharness/measure
HARNESS_LIB_SRC = $(foreach layer,$(HARNESS_LAYERS),$(wildcard harness/$(layer)/*.c))
HARNESS_HEADERS = $(wildcard benchmarks/*.h $(foreach layer,$(HARNESS_LAYERS),harness/$(layer)/*.h))
HARNESS_OBJ = $(patsubst %.c,$(BUILD)/obj/%.o,harness/main.c $(HARNESS_LIB_SRC) $(CORE_SRC))
TEST_SRC   = $(wildcard tests/unit/*.c)
VERSION_FLAG = -DSPAWNBENCH_VERSION='"$(shell cat VERSION)"'

.PHONY: all clean test unit-tests integration-tests sanitize fuzz
all: $(BUILD)/spawnbench $(BUILD)/spawnbench-worker $(BUILD)/spawnbench-helper $(BUILD)/spawnbench-helper-glibc \
     $(BUILD)/spawnbench-agent

$(BUILD):
	mkdir -p $@

# the worker and the helper are static and link nothing but libc
$(BUILD)/spawnbench-worker: $(WORKER_SRC) $(wildcard benchmarks/*.h) | $(BUILD)
	$(CC) $(WARN) $(CFLAGS) -static -Ibenchmarks -o $@ $(WORKER_SRC)

# the helper is freestanding on x86_64 (no libc: its entry point closes the start window);
# the glibc one is an ordinary static program, kept as the exec choice helper-glibc
HELPER_FLAGS = $(shell [ "$$(uname -m)" = x86_64 ] && echo -nostdlib -ffreestanding -fno-stack-protector -fno-pie -no-pie)
$(BUILD)/spawnbench-helper: benchmarks/helper.c | $(BUILD)
	$(CC) $(WARN) -O2 -static $(HELPER_FLAGS) -o $@ $<

$(BUILD)/spawnbench-helper-glibc: benchmarks/helper_glibc.c | $(BUILD)
	$(CC) $(WARN) -O2 -static -o $@ $<

# /init of a guest's initramfs (the kernel matrix): static, libc only, like the worker
$(BUILD)/spawnbench-agent: benchmarks/agent.c benchmarks/protocol.h | $(BUILD)
	$(CC) $(WARN) $(CFLAGS) -static -Ibenchmarks -o $@ $<

# an object of the harness sees the include path of its layer (harness/LAYER/...; main.c sees all)
$(BUILD)/obj/harness/%.o: harness/%.c $(HARNESS_HEADERS)
	@mkdir -p $(dir $@)
	$(CC) $(WARN) $(CFLAGS) $(HARNESS_CFLAGS) $(INCLUDE_$(firstword $(subst /, ,$*))) $(DEPS_CFLAGS) \
	    $(VERSION_FLAG) -c -o $@ $<

$(BUILD)/obj/benchmarks/%.o: benchmarks/%.c $(wildcard benchmarks/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(WARN) $(CFLAGS) $(HARNESS_CFLAGS) -Ibenchmarks -c -o $@ $<

$(BUILD)/spawnbench: $(HARNESS_OBJ) | $(BUILD)
	$(CC) $(CFLAGS) $(HARNESS_CFLAGS) -o $@ $(HARNESS_OBJ) $(DEPS_LIBS)

# the tests reach into every layer
$(BUILD)/unit-tests: $(TEST_SRC) $(filter-out %/main.o,$(HARNESS_OBJ)) $(wildcard tests/unit/*.h) | $(BUILD)
	$(CC) $(WARN) $(CFLAGS) $(HARNESS_CFLAGS) $(INCLUDE_main) $(DEPS_CFLAGS) $(VERSION_FLAG) -o $@ $(TEST_SRC) \
	    $(filter-out %/main.o,$(HARNESS_OBJ)) $(DEPS_LIBS) $$(pkg-config --libs cmocka)

unit-tests: $(BUILD)/unit-tests
	$(BUILD)/unit-tests

integration-tests: all
	SPAWNBENCH_BIN=$(BUILD)/spawnbench tests/integration.sh

# `make test`: unit and integration tests on the plain build, then the unit
# tests and a smoke run of the orchestrator under ASan+UBSan, then the fuzzers
test: unit-tests integration-tests sanitize fuzz

sanitize:
	$(MAKE) BUILD=build-san HARNESS_CFLAGS='$(SAN)' CFLAGS='-O1 -g' build-san/unit-tests build-san/spawnbench \
	    build-san/spawnbench-worker build-san/spawnbench-helper build-san/spawnbench-helper-glibc
	ASAN_OPTIONS=detect_leaks=1 build-san/unit-tests
	SPAWNBENCH_BIN=build-san/spawnbench tests/integration.sh smoke

# libFuzzer targets (clang, ASan+UBSan): the suite parser, the CSV reader and a whole bundle.
# `make fuzz` runs each FUZZ_SECONDS from its seed corpus of real files; new inputs go to a
# scratch corpus, a crash to build-fuzz/ and a failed test.
FUZZ_TARGETS = config csv bundle
FUZZ_SECONDS ?= 60
FUZZ_CFLAGS  = -std=gnu11 -Wall -Wextra -Werror -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all

build-fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(HARNESS_LIB_SRC) $(CORE_SRC) $(HARNESS_HEADERS)
	mkdir -p build-fuzz
	clang $(FUZZ_CFLAGS) $(INCLUDE_main) $(DEPS_CFLAGS) $(VERSION_FLAG) \
	    -o $@ $< $(HARNESS_LIB_SRC) $(CORE_SRC) $(DEPS_LIBS)

fuzz: $(addprefix build-fuzz/fuzz_,$(FUZZ_TARGETS))
	tests/fuzz/run.sh $(FUZZ_SECONDS) $(FUZZ_TARGETS)

clean:
	rm -rf build build-san build-fuzz
