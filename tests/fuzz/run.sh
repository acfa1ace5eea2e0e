#!/usr/bin/env bash
# tests/fuzz/run.sh SECONDS TARGET...: each libFuzzer target for SECONDS from its seed
# corpus (tests/fuzz/corpus/TARGET, real files, never written to); what it finds new goes to
# a scratch corpus. A crash, a hang (10 s) or a leak fails the run and leaves the input
# under build-fuzz/. Prints each target's executions per second, total and coverage.
set -u
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
seconds=$1
shift
scratch=$(mktemp -d /tmp/spawnbench-fuzz-corpus.XXXXXX)
trap 'rm -rf "$scratch"' EXIT
export TMPDIR=$scratch # fuzz_bundle writes its bundles there
failed=0 passed=0
for target in "$@"; do
	mkdir -p "$scratch/$target" # new inputs: a directory of their own, not under TMPDIR's bundle
	log=$here/build-fuzz/$target.log
	"$here/build-fuzz/fuzz_$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
		-artifact_prefix="$here/build-fuzz/$target-" "$scratch/$target" "$here/tests/fuzz/corpus/$target" >"$log" 2>&1
	status=$?
	runs=$(grep -m1 -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$')
	speed=$(grep -m1 -o 'stat::average_exec_per_sec: *[0-9]*' "$log" | grep -o '[0-9]*$')
	coverage=$(grep -o 'cov: [0-9]* ft: [0-9]*' "$log" | tail -1)
	if [ $status = 0 ]; then
		passed=$((passed + 1))
		echo "PASS fuzz_$target: ${runs:-?} runs, ${speed:-?}/s, $coverage, corpus $(ls "$scratch/$target" | wc -l) new inputs"
	else
		failed=$((failed + 1))
		echo "FAIL fuzz_$target (exit $status): $(grep -m1 -E 'ERROR|SUMMARY|deadly' "$log"); see $log"
	fi
done
echo "fuzz: $passed passed, $failed failed"
[ $failed = 0 ]
