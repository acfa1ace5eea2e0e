#!/usr/bin/env bash
# Integration tests: run the real orchestrator on small sweeps and check what
# the bundle says. Timing assertions compare ratios with wide margins.
#   tests/integration.sh          all tests
#   tests/integration.sh smoke    one short run (used under the sanitizers)
set -u
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bin=${SPAWNBENCH_BIN:-$here/build/spawnbench}
case $bin in /*) ;; *) bin=$here/$bin ;; esac
scratch=$(mktemp -d /tmp/spawnbench-tests.XXXXXX)
trap 'rm -rf "$scratch"' EXIT
passed=0 failed=0 skipped=0

# every process these tests start carries this tag, so they touch no other spawnbench run
export SPAWNBENCH_TEST_TAG=$$.$RANDOM
tagged_workers() {
	grep -lsz "^SPAWNBENCH_TEST_TAG=$SPAWNBENCH_TEST_TAG\$" /proc/[0-9]*/environ 2>/dev/null |
		cut -d/ -f3 | while read -r pid; do
			grep -qsz spawnbench-worker "/proc/$pid/cmdline" && echo "$pid"
		done
}

pass() { passed=$((passed + 1)); echo "PASS $1"; }
fail() { failed=$((failed + 1)); echo "FAIL $1: $2"; }
skip() { skipped=$((skipped + 1)); echo "SKIP $1: $2"; }

# spawnbench ARGS...: a quiet run into a fresh bundle directory; sets $bundle and $status
spawnbench() {
	bundle=$scratch/bundle.$RANDOM$RANDOM
	"$bin" --output "$bundle" "$@" >"$scratch/stdout" 2>"$scratch/stderr"
	status=$?
}

# value SUMMARY COLUMN KEY=VALUE...: the column of the one summary.csv row matching every KEY=VALUE
value() {
	local file=$1 column=$2 filters
	shift 2
	filters=$(IFS='|'; echo "$*") # a value may hold spaces ("sh -c true")
	awk -F, -v column="$column" -v filters="$filters" '
		NR == 1 { for (i = 1; i <= NF; i++) index_of[$i] = i; n = split(filters, f, "|"); next }
		{
			for (k = 1; k <= n; k++) { split(f[k], kv, "="); if ($(index_of[kv[1]]) != kv[2]) next }
			print $(index_of[column]); exit
		}' "$file"
}

# within A B FRACTION: |A - B| <= FRACTION * B
within() { awk -v a="$1" -v b="$2" -v f="$3" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(a != "" && d <= f * b) }'; }
# at_most A B: A <= B
at_most() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a != "" && b != "" && a + 0 <= b + 0) }'; }

quick_sampling=(--warmup 1 --min-iterations 8 --budget 0.3s)

test_child_faults_equal_pages_written() {
	local name=child_faults_equal_pages_written pages=8192 # 64 MiB x 0.5 / 4 KiB
	spawnbench "${quick_sampling[@]}" --primitives fork,clone,clone-vm --action exit --heap 64M --ratios 0.5 \
		--writer child,parent --backing private,shared
	[ $status = 0 ] || { fail $name "run exited $status: $(tail -1 "$scratch/stderr")"; return; }
	local s=$bundle/summary.csv p faults
	for p in fork clone; do
		faults=$(value "$s" child_minflt primitive=$p backing=private writer=child phase=cow)
		within "$faults" $pages 0.02 || { fail $name "$p child, private: $faults faults for $pages pages"; return; }
		faults=$(value "$s" parent_minflt primitive=$p backing=private writer=parent phase=cow)
		within "$faults" $pages 0.02 || { fail $name "$p parent, private: $faults faults for $pages pages"; return; }
		# shared: the parent's pages are never write-protected, so its writes take no fault
		faults=$(value "$s" parent_minflt primitive=$p backing=shared writer=parent phase=cow)
		at_most "$faults" $((pages / 50)) || { fail $name "$p parent, shared: $faults faults"; return; }
	done
	# clone-vm: the child writes the parent's own pages, nothing to copy
	faults=$(value "$s" child_minflt primitive=clone-vm backing=private writer=child phase=cow)
	at_most "$faults" $((pages / 50)) || { fail $name "clone-vm child: $faults faults"; return; }
	pass $name
}

test_fork_grows_vfork_does_not() {
	local name=fork_grows_with_heap_vfork_does_not
	spawnbench "${quick_sampling[@]}" --primitives fork,vfork --action exit --heap 0,256M --ratios 0
	[ $status = 0 ] || { fail $name "run exited $status"; return; }
	local s=$bundle/summary.csv
	local fork0 fork256 vfork0 vfork256
	fork0=$(value "$s" median_us primitive=fork heap_bytes=0 phase=roundtrip)
	fork256=$(value "$s" median_us primitive=fork heap_bytes=268435456 phase=roundtrip)
	vfork0=$(value "$s" median_us primitive=vfork heap_bytes=0 phase=roundtrip)
	vfork256=$(value "$s" median_us primitive=vfork heap_bytes=268435456 phase=roundtrip)
	at_most "$(awk -v a="$fork0" 'BEGIN { print 5 * a }')" "$fork256" ||
		{ fail $name "fork roundtrip $fork0 us at 0, $fork256 us at 256M: less than 5x"; return; }
	at_most "$vfork256" "$(awk -v a="$vfork0" 'BEGIN { print 2 * a }')" ||
		{ fail $name "vfork roundtrip $vfork0 us at 0, $vfork256 us at 256M: more than 2x"; return; }
	pass "$name (fork ${fork0} -> ${fork256} us, vfork ${vfork0} -> ${vfork256} us)"
}

test_thp_took_or_skipped() {
	local name=thp_backing_took_or_skipped
	spawnbench "${quick_sampling[@]}" --primitives fork --action exit --heap 64M --ratios 0 --backing thp
	[ $status = 0 ] || { fail $name "run exited $status"; return; }
	local cell_status huge
	cell_status=$(value "$bundle/summary.csv" status primitive=fork phase=roundtrip)
	huge=$(grep -o '"heap_thp_bytes": [0-9]*' "$bundle/meta.json" | head -1 | grep -o '[0-9]*$')
	case $cell_status in
	ok) at_most $((64 * 1048576 * 9 / 10)) "$huge" && pass "$name (AnonHugePages $((huge >> 20)) MiB)" ||
		fail $name "cell ok but AnonHugePages only $huge bytes" ;;
	skipped:*THP*) pass "$name (skipped: $cell_status)" ;;
	*) fail $name "status '$cell_status'" ;;
	esac
}

test_interrupted_run_leaves_valid_bundle() {
	local name=interrupted_run_leaves_valid_bundle signal
	for signal in INT TERM; do
		bundle=$scratch/interrupted.$signal
		"$bin" --output "$bundle" --suite quick --budget 0.5s >/dev/null 2>"$scratch/stderr" &
		local pid=$!
		sleep 3
		kill -s $signal $pid
		wait $pid
		status=$?
		[ $status -ge 128 ] || { fail $name "SIGINT run exited $status"; return; }
		[ -d "$bundle" ] && [ ! -e "$bundle.partial" ] || { fail $name "no final bundle, or a .partial left"; return; }
		grep -q '"status": "interrupted"' "$bundle/meta.json" || { fail $name "meta.json not marked interrupted"; return; }
		local rows
		rows=$(awk -F, 'NR > 1 && $NF == "ok"' "$bundle/summary.csv" | wc -l)
		[ "$rows" -gt 0 ] || { fail $name "no finished cell kept after SIG$signal"; return; }
		[ -z "$(tagged_workers)" ] || { fail $name "a worker survived SIG$signal"; return; }
	done
	pass $name
}

test_bad_input_writes_nothing() {
	local name=bad_input_exits_2_and_writes_nothing out=$scratch/never
	printf '[suite]\nheap = 0, 1M\n[sampling]\nbudgett = 2s\n' >"$scratch/bad.conf"
	"$bin" --config "$scratch/bad.conf" --output "$out" >/dev/null 2>"$scratch/stderr"
	[ $? = 2 ] || { fail $name "bad config did not exit 2"; return; }
	grep -q "bad.conf:4: unknown key 'budgett'" "$scratch/stderr" || { fail $name "message: $(cat "$scratch/stderr")"; return; }
	"$bin" --suite quick --heap 0,5X --output "$out" >/dev/null 2>"$scratch/stderr"
	[ $? = 2 ] && grep -q -- "--heap.*5X" "$scratch/stderr" || { fail $name "--heap 5X: $(cat "$scratch/stderr")"; return; }
	"$bin" --suite nosuchsuite --output "$out" >/dev/null 2>"$scratch/stderr"
	[ $? = 2 ] && grep -q "nosuchsuite" "$scratch/stderr" || { fail $name "--suite nosuchsuite"; return; }
	"$bin" --frobnicate >/dev/null 2>"$scratch/stderr"
	[ $? = 2 ] && grep -q -- "--frobnicate" "$scratch/stderr" || { fail $name "--frobnicate"; return; }
	[ ! -e "$out" ] && [ ! -e "$out.partial" ] || { fail $name "a bundle was written"; return; }
	mkdir -p "$scratch/kept" && echo precious >"$scratch/kept/file"
	"$bin" --suite quick --output "$scratch/kept" >/dev/null 2>"$scratch/stderr"
	[ $? = 2 ] && [ "$(cat "$scratch/kept/file")" = precious ] || { fail $name "existing --output not kept"; return; }
	pass $name
}

test_failed_cell_does_not_stop_the_run() {
	local name=failed_cells_are_recorded_and_the_run_goes_on
	spawnbench "${quick_sampling[@]}" --primitives fork --action exec,exit --heap 0 --exec /nonexistent/program
	local exec_status exit_status
	exec_status=$(value "$bundle/summary.csv" status action=exec phase=roundtrip)
	exit_status=$(value "$bundle/summary.csv" status action=exit phase=roundtrip)
	case "$exec_status/$exit_status" in
	"failed: exec of /nonexistent/program failed in the child/ok") ;;
	*) fail $name "exec: '$exec_status', exit: '$exit_status'"; return ;;
	esac
	# a worker killed from outside: its cell fails with the signal named, the next cell runs
	bundle=$scratch/killed
	"$bin" --output "$bundle" --primitives fork,vfork --action exit --heap 0 --ratios 0 --rounds 1 --budget 3s --max-iterations 10000000 \
		--ci-target 0.000001 >/dev/null 2>&1 &
	local pid=$!
	sleep 1.5
	tagged_workers | xargs -r kill -KILL
	wait $pid
	# the cells run in a shuffled order: whichever was running is the one killed
	local fork_status vfork_status
	fork_status=$(value "$bundle/summary.csv" status primitive=fork phase=roundtrip)
	vfork_status=$(value "$bundle/summary.csv" status primitive=vfork phase=roundtrip)
	case "$fork_status/$vfork_status" in
	"failed: worker killed by signal 9"*/ok | "ok/failed: worker killed by signal 9"*) pass $name ;;
	*) fail $name "fork: '$fork_status', vfork: '$vfork_status' (one killed, the other ok expected)" ;;
	esac
}

test_perf_faults_agree_with_rusage() {
	local name=perf_minor_faults_equal_pages_written_and_rusage pages=8192
	spawnbench "${quick_sampling[@]}" --primitives fork --action exit --heap 64M --ratios 0.5 --writer child \
		--events minor-faults
	[ $status = 0 ] || { fail $name "run exited $status"; return; }
	local s=$bundle/summary.csv perf child parent
	perf=$(value "$s" minor_faults primitive=fork phase=cow)
	child=$(value "$s" child_minflt primitive=fork phase=cow)
	parent=$(value "$s" parent_minflt primitive=fork phase=cow)
	within "$perf" $pages 0.02 || { fail $name "perf counted $perf minor faults for $pages pages"; return; }
	# perf counts the worker and its child together (inherit)
	within "$perf" "$(awk -v a="$child" -v b="$parent" 'BEGIN { print a + b }')" 0.01 ||
		{ fail $name "perf $perf, rusage $child + $parent"; return; } # medians of an even count may be x.5
	pass "$name (perf $perf, rusage child $child + parent $parent)"
}

test_fork_flushes_tlb_vfork_does_not() {
	local name=fork_flushes_the_tlb_vfork_does_not
	spawnbench "${quick_sampling[@]}" --primitives fork,vfork --action exit --heap 64M --ratios 0 --events tlb:tlb_flush
	[ $status = 0 ] || { fail $name "run exited $status"; return; }
	if ! grep -q '"column": "tlb_flush",' "$bundle/meta.json" || ! grep -q ',tlb_flush,' "$bundle/summary.csv"; then
		skip $name "tlb:tlb_flush not counted here: $(grep -o '"not_counted_because": "[^"]*' "$bundle/meta.json" | head -1)"
		return
	fi
	local fork_flushes vfork_flushes
	fork_flushes=$(value "$bundle/summary.csv" tlb_flush primitive=fork phase=roundtrip)
	vfork_flushes=$(value "$bundle/summary.csv" tlb_flush primitive=vfork phase=roundtrip)
	at_most 1 "$fork_flushes" && at_most "$vfork_flushes" 0 &&
		pass "$name (fork $fork_flushes, vfork $vfork_flushes per creation)" ||
		fail $name "fork $fork_flushes, vfork $vfork_flushes flushes per creation"
}

test_unknown_event_exits_2() {
	local name=unknown_event_on_the_command_line_exits_2
	"$bin" --primitives vfork --heap 0 --events minor-faults,dTLB-lod-misses --output "$scratch/no-events" \
		>/dev/null 2>"$scratch/stderr"
	[ $? = 2 ] && grep -q "dTLB-lod-misses" "$scratch/stderr" && [ ! -e "$scratch/no-events" ] &&
		pass $name || fail $name "$(cat "$scratch/stderr")"
}

test_unprivileged_run() {
	local name=unprivileged_run_records_what_it_could_not_count
	if [ "$(id -u)" != 0 ] || ! command -v setpriv >/dev/null; then
		skip $name "needs root to switch to nobody with setpriv"
		return
	fi
	# a copy of what the orchestrator needs, where nobody can read it (a clone under /root is not)
	local out=$scratch/nobody tree=$scratch/tree bindir
	bindir=$(dirname "$bin")
	mkdir -p "$out" "$tree/build" "$tree/results/reference"
	cp "$bindir"/spawnbench "$bindir"/spawnbench-worker "$bindir"/spawnbench-helper "$bindir"/spawnbench-helper-glibc "$tree/build/"
	cp -r "$here/configs" "$here/plots" "$tree/"
	cp "$here/results/reference/published.csv" "$tree/results/reference/"
	# nobody may pass through the scratch directory and write only into its own output directory
	chmod -R a+rX "$tree" && chmod 711 "$scratch" && chown nobody:nogroup "$out" && chmod 700 "$out"
	setpriv --reuid=nobody --regid=nogroup --clear-groups "$tree/build/spawnbench" --output "$out/bundle" \
		"${quick_sampling[@]}" --primitives fork,vfork --action exit --heap 0,1M --ratios 0,1 \
		--events minor-faults,context-switches,tlb:tlb_flush,cycles >/dev/null 2>"$scratch/stderr"
	status=$?
	[ $status = 0 ] || { fail $name "exited $status: $(tail -2 "$scratch/stderr")"; return; }
	local meta=$out/bundle/meta.json faults
	grep -q '"user_space_only": true' "$meta" && grep -q 'not permitted (perf_event_paranoid' "$meta" ||
		{ fail $name "meta.json does not say what was not counted"; return; }
	faults=$(value "$out/bundle/summary.csv" minor_faults primitive=fork heap_bytes=1048576 writer=child \
		write_ratio=1 phase=roundtrip)
	at_most 256 "$faults" || { fail $name "user-space minor faults: '$faults' for 256 pages written"; return; }
	pass "$name (paranoid $(cat /proc/sys/kernel/perf_event_paranoid); user-space faults $faults)"
}

# is_png FILE, is_svg FILE: the format's own signature, and not empty
is_png() { [ "$(head -c 8 "$1" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ]; }
is_svg() { grep -q '<svg' "$1" && grep -q '</svg>' "$1"; }

test_charts_and_report() {
	local name=every_chart_drawn_as_png_and_svg_without_warnings chart
	spawnbench "${quick_sampling[@]}" --primitives fork,vfork --action exit,exec --heap 0,1M,16M --ratios 0,0.5,1 \
		--writer child,parent --backing private,shared --placement same-cpu,other-cpu --events minor-faults,tlb:tlb_flush
	[ $status = 0 ] || { fail $name "run exited $status"; return; }
	local expected="roundtrip_vs_heap create_vs_heap fit_ms_per_gib cow_time_by_heap cow_faults_by_heap cow_child_writer
		cow_parent_writer cow_us_per_page faults_vs_heap by_backing by_placement"
	grep -q '"column": "tlb_flush",' "$bundle/meta.json" && grep -q ',tlb_flush,' "$bundle/summary.csv" &&
		expected="$expected tlb_flushes_vs_heap"
	for chart in $expected; do
		is_png "$bundle/plots/$chart.png" && is_svg "$bundle/plots/$chart.svg" ||
			{ fail $name "$chart: no valid PNG and SVG"; return; }
		grep -q "plots/$chart.png" "$bundle/report.md" || { fail $name "$chart not in report.md"; return; }
		[ ! -s "$bundle/plots/data/$chart.log" ] || { fail $name "gnuplot said: $(cat "$bundle/plots/data/$chart.log")"; return; }
	done
	grep -q 'by_layout.*not drawn\|by_layout (.*): the bundle has one layout only' "$bundle/report.md" ||
		{ fail $name "report.md does not say why by_layout was not drawn"; return; }
	grep -q '^- fork+exit of a 16M parent takes' "$bundle/report.md" || { fail $name "no finding about fork"; return; }
	# --plot and --report redraw from the bundle alone
	rm -rf "$bundle/plots" "$bundle/report.md"
	"$bin" --report "$bundle" >/dev/null 2>"$scratch/stderr" && is_png "$bundle/plots/roundtrip_vs_heap.png" &&
		[ -s "$bundle/report.md" ] || { fail $name "--report did not redraw: $(cat "$scratch/stderr")"; return; }
	pass "$name ($(echo $expected | wc -w) charts)"
}

test_missing_columns() {
	local name=bundle_with_missing_columns_draws_what_it_can
	spawnbench "${quick_sampling[@]}" --primitives fork,vfork --action exit --heap 0,1M,16M --ratios 0 --events tlb:tlb_flush
	[ $status = 0 ] || { fail $name "run exited $status"; return; }
	# cut the tlb_flush and child_minflt columns out of summary.csv
	awk -F, -v OFS=, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "tlb_flush" || $i == "child_minflt") cut[i] = 1 }
		{ line = ""; n = 0; for (i = 1; i <= NF; i++) if (!cut[i]) line = line (n++ ? OFS : "") $i; print line }' \
		"$bundle/summary.csv" >"$scratch/cut.csv" && mv "$scratch/cut.csv" "$bundle/summary.csv"
	"$bin" --report "$bundle" >"$scratch/stdout" 2>"$scratch/stderr"
	[ $? = 0 ] || { fail $name "--report exited non-zero: $(cat "$scratch/stderr")"; return; }
	is_png "$bundle/plots/roundtrip_vs_heap.png" || { fail $name "roundtrip chart not drawn"; return; }
	grep -q 'no column for child_minflt' "$bundle/report.md" || { fail $name "report.md does not name child_minflt"; return; }
	if grep -q '"column": "tlb_flush",' "$bundle/meta.json" && grep -q '"counted": true' "$bundle/meta.json"; then
		grep -q 'no column for tlb_flush' "$bundle/report.md" && grep -q 'tlb_flushes_vs_heap (.*): no measured cell' "$bundle/report.md" ||
			{ fail $name "report.md does not say the TLB chart could not be drawn"; return; }
	fi
	pass $name
}

test_exec_suite_with_hyperfine() {
	local name=exec_suite_imports_hyperfine_timings
	if ! command -v hyperfine >/dev/null; then
		skip $name "hyperfine is not installed"
		return
	fi
	spawnbench --suite exec --budget 0.3s --runs 50
	[ $status = 0 ] || { fail $name "run exited $status: $(tail -2 "$scratch/stderr")"; return; }
	local command runs
	for command in helper /bin/true "sh -c true"; do
		runs=$(value "$bundle/summary.csv" n primitive=hyperfine "command=$command" phase=roundtrip)
		[ "$runs" = 50 ] || { fail $name "'$command': $runs runs in summary.csv, 50 expected"; return; }
	done
	[ "$(awk -F, '$1 == "hyperfine" && $NF == "'"sh -c true"'"' "$bundle/samples.csv" | wc -l)" = 0 ] ||
		{ fail $name "samples.csv rows are misaligned"; return; }
	is_png "$bundle/plots/whole_commands.png" && is_svg "$bundle/plots/whole_commands.svg" ||
		{ fail $name "no whole_commands chart"; return; }
	grep -q 'Cross-check: .* ratio [0-9.]*' "$bundle/report.md" || { fail $name "no harness/hyperfine ratio in report.md"; return; }
	pass "$name ($(grep -o 'ratio [0-9.]*' "$bundle/report.md" | head -1))"
}

# scale_samples SRC DST PRIMITIVE FACTOR: a copy of bundle SRC whose PRIMITIVE phases are FACTOR times longer
scale_samples() {
	cp -r "$1" "$2"
	awk -F, -v OFS=, -v p="$3" -v f="$4" '
		NR == 1 { for (i = 1; i <= NF; i++) if ($i ~ /_us$/) phase[i] = 1; print; next }
		{ if ($1 == p) for (i in phase) if ($i != "") $i = sprintf("%.3f", $i * f); print }' \
		"$1/samples.csv" >"$2/samples.csv"
}

# resample_samples SRC DST: a copy whose rows are drawn with replacement within each cell and round
resample_samples() {
	cp -r "$1" "$2"
	awk -F, -v OFS=, '
		FNR == 1 { for (i = 1; i <= NF; i++) { if ($i ~ /_us$/) phase[i] = 1; if ($i == "round") r = i; if ($i == "command") c = i }
			   if (NR == 1) print; next }
		{ key = $r; for (i = 1; i <= c; i++) key = key FS $i } # the cell (its dimensions and command) and round
		NR == FNR { n[key]++; for (i in phase) v[key, n[key], i] = $i; next }
		{ pick = int(rand() * n[key]) + 1; for (i in phase) $i = v[key, pick, i]; print }' \
		"$1/samples.csv" "$1/samples.csv" >"$2/samples.csv"
}

test_compare() {
	local name=compare_flags_a_30_percent_slowdown_and_not_noise
	# one round: the interval then holds no drift between workers, which on this machine reaches 50% in some
	# hours and would rightly make +30% inconclusive; what is tested here is the comparison itself (the
	# drift's part is tested in tests/unit/test_compare.c)
	spawnbench --warmup 1 --min-iterations 12 --budget 0.6s --rounds 1 --primitives fork,vfork --action exit --heap 0,1M \
		--ratios 0 --events none
	[ $status = 0 ] || { fail $name "run exited $status"; return; }
	local base=$bundle out
	"$bin" --compare "$base" "$base" --output "$scratch/cmp-same" >"$scratch/stdout" 2>&1
	[ $? = 0 ] && grep -q '^# regressions (0)' "$scratch/stdout" && grep -q '^# improvements (0)' "$scratch/stdout" ||
		{ fail $name "a bundle against itself: $(grep '^#' "$scratch/stdout" | head -3)"; return; }
	scale_samples "$base" "$scratch/slower" fork 1.3
	"$bin" --compare "$base" "$scratch/slower" --output "$scratch/cmp-slower" >"$scratch/stdout" 2>&1
	status=$?
	[ $status = 3 ] || { fail $name "fork x1.3 exited $status, not 3"; return; }
	grep -q '^fork exit .*roundtrip .* +30.0%' "$scratch/stdout" || { fail $name "no +30% row: $(head -8 "$scratch/stdout")"; return; }
	sed -n '/^# regressions/,/^# improvements/p' "$scratch/stdout" | grep -q '^vfork' &&
		{ fail $name "vfork, unchanged, was called a regression"; return; }
	for out in compare.csv compare.md plots/compare_ratios.png plots/compare_ratios.svg; do
		[ -s "$scratch/cmp-slower/$out" ] || { fail $name "no $out"; return; }
	done
	resample_samples "$base" "$scratch/noise"
	"$bin" --compare "$base" "$scratch/noise" --output "$scratch/cmp-noise" >"$scratch/stdout" 2>&1
	[ $? = 0 ] || { fail $name "resampled noise flagged: $(grep -A3 '^# regressions' "$scratch/stdout")"; return; }
	pass $name
}

test_corrupt_bundles_exit_2() {
	local name=corrupt_bundle_exits_2_naming_the_file
	spawnbench --warmup 1 --min-iterations 6 --budget 0.1s --primitives vfork --action exit --heap 0 --ratios 0 --events none
	local good=$bundle bad
	bad=$scratch/truncated && cp -r "$good" "$bad" && head -c -7 "$good/samples.csv" >"$bad/samples.csv"
	"$bin" --compare "$good" "$bad" >/dev/null 2>"$scratch/stderr"
	[ $? = 2 ] && grep -q "truncated/samples.csv:[0-9]*: the file ends in the middle of a row" "$scratch/stderr" ||
		{ fail $name "truncated samples.csv: $(cat "$scratch/stderr")"; return; }
	bad=$scratch/no-meta && cp -r "$good" "$bad" && rm "$bad/meta.json"
	"$bin" --compare "$bad" "$good" >/dev/null 2>"$scratch/stderr"
	[ $? = 2 ] && grep -q "no-meta/meta.json" "$scratch/stderr" || { fail $name "no meta.json: $(cat "$scratch/stderr")"; return; }
	bad=$scratch/schema && cp -r "$good" "$bad" && sed -i 's/"schema_version": 1/"schema_version": 99/' "$bad/meta.json"
	"$bin" --compare "$good" "$bad" >/dev/null 2>"$scratch/stderr"
	[ $? = 2 ] && grep -q "schema/meta.json: schema version 99" "$scratch/stderr" ||
		{ fail $name "schema 99: $(cat "$scratch/stderr")"; return; }
	"$bin" --compare "$good" "$scratch/nowhere" >/dev/null 2>"$scratch/stderr"
	[ $? = 2 ] && grep -q "nowhere: no such bundle" "$scratch/stderr" || { fail $name "missing bundle"; return; }
	# a dimension's value with backticks, a quote and a newline: one line naming the file and line, nothing run
	bad=$scratch/dimension-text && cp -r "$good" "$bad" &&
		awk -F, -v OFS=, 'NR == 2 { $10 = "\"1`touch /tmp/pwn_dimension`\"\"\n$(id)\"" } { print }' "$good/summary.csv" >"$bad/summary.csv"
	"$bin" report "$bad" >/dev/null 2>"$scratch/stderr"
	[ $? = 2 ] && [ "$(wc -l <"$scratch/stderr")" = 1 ] &&
		grep -q 'dimension-text/summary.csv: line 2: a dimension this spawnbench does not know (threads = 1`touch /tmp/pwn_dimension`"\\x0a$(id))' "$scratch/stderr" &&
		[ ! -e /tmp/pwn_dimension ] || { fail $name "a dimension's text: $(cat -A "$scratch/stderr")"; return; }
	pass $name
}

test_trend_orders_by_kernel_version() {
	local name=trend_orders_bundles_by_kernel_version release
	spawnbench --warmup 1 --min-iterations 6 --budget 0.1s --primitives fork --action exit --heap 0,1M --ratios 0 --events none
	for release in 6.12.117 5.15 6.1.0-57; do
		cp -r "$bundle" "$scratch/kernel-$release"
		sed -i "s/\"kernel_release\": \"[^\"]*\"/\"kernel_release\": \"$release\"/" "$scratch/kernel-$release/meta.json"
	done
	"$bin" --trend "$scratch/kernel-6.12.117" "$scratch/kernel-5.15" "$scratch/kernel-6.1.0-57" --output "$scratch/trend" \
		>"$scratch/stdout" 2>&1 || { fail $name "--trend failed: $(cat "$scratch/stdout")"; return; }
	local order
	order=$(awk -F, 'NR > 1 { print $1 }' "$scratch/trend/trend.csv" | uniq | paste -sd' ')
	[ "$order" = "5.15 6.1.0-57 6.12.117" ] || { fail $name "order: $order"; return; }
	is_png "$scratch/trend/plots/trend_fork_exit.png" && is_svg "$scratch/trend/plots/trend_fork_exit.svg" ||
		{ fail $name "no trend chart"; return; }
	pass $name
}

test_reproduce_quick() {
	local name=reproduce_quick_gives_every_claim_a_verdict_and_its_rule claim verdicts
	spawnbench --suite reproduce-quick
	[ $status = 0 ] || { fail $name "run exited $status: $(tail -2 "$scratch/stderr")"; return; }
	# every claim this suite has the cells for gets a verdict, never "cannot be tested here"; the THP claims
	# only where THP took (the suite's thp cells are skipped otherwise)
	local testable="1 2 3 4 5 6 7 10"
	grep -q '^fork,exit,[0-9]*,[0-9.]*,child,sequential,thp,.*,ok$' "$bundle/summary.csv" && testable="$testable 8 9"
	for claim in $testable; do
		grep -qE "^\| $claim \| \*\*(holds|holds in shape|differs)\*\* \|.*\| [^|]*(linear|flat|faults|ratio|over|cost|band)[^|]* \|$" \
			"$bundle/reproduce.md" || { fail $name "claim $claim: no verdict with its rule: $(grep "^| $claim |" "$bundle/reproduce.md" | cut -c1-200)"; return; }
	done
	grep -q '^- sources: ' "$bundle/reproduce.md" || { fail $name "no sources"; return; }
	# a sweep suite renders every heap and primitive it measured: the bundle's axes are its cells'
	grep -qE '^primitive +action +0 +1744K +11980K +16M +64M +256M' "$bundle/report.md" &&
		grep -qE '^posix_spawn +exec ' "$bundle/report.md" && is_png "$bundle/plots/roundtrip_vs_heap.png" ||
		{ fail $name "report.md's table or the heap chart lacks the sweeps' heaps or primitives"; return; }
	grep -q '"sweeps": \[' "$bundle/meta.json" || { fail $name "meta.json does not record the sweeps"; return; }
	# the shell sweep's fork exec of /bin/sh -c true is a harness cell: never a whole command (hyperfine)
	grep -q '^fork,exec,0,0,child,sequential,private,contiguous,same-cpu,0,busy,1,process,/bin/sh -c true,roundtrip,' "$bundle/summary.csv" ||
		{ fail $name "no harness cell exec'ing /bin/sh -c true"; return; }
	! grep -q '^# whole commands' "$scratch/stdout" && grep -q 'no whole commands in this bundle' "$bundle/report.md" ||
		{ fail $name "a harness exec cell is listed or charted as a hyperfine command"; return; }
	verdicts=$(grep -oE '^\| [0-9]+ \| \*\*[a-z ]+\*\*' "$bundle/reproduce.md" | sed 's/.*\*\*\(.*\)\*\*/\1/' | sort | uniq -c | paste -sd, | tr -s ' ')
	is_png "$bundle/plots/claim1_fork_band.png" || { fail $name "no claim 1 chart"; return; }
	pass "$name ($verdicts)"
}

test_plain_progress_when_not_a_terminal() {
	local name=plain_progress_lines_off_a_terminal
	spawnbench "${quick_sampling[@]}" --primitives vfork --action exit --heap 0,1M --ratios 0
	# the last round of the last cell (cells shuffled each round): "cell 10/10 round 5/5 vfork exit heap=1M ...: ok (0.1 s; 0s left)"
	grep -qE '^cell ([0-9]+)/\1 round ([0-9]+)/\2 vfork exit heap=(0|1M) .*: ok \([0-9.]+ s; [0-9]+s left\)$' "$scratch/stderr" &&
		! grep -q $'\r' "$scratch/stderr" &&
		pass $name || fail $name "$(head -3 "$scratch/stderr")"
}

# a small bundle with every kind of cell a renderer draws, made once for the hostile-input tests
hostile_base() {
	[ -n "${hostile_base_dir:-}" ] && return 0
	# a whole command too, so that the hostile copy's command text reaches the whole_commands chart
	spawnbench --warmup 1 --min-iterations 6 --budget 0.1s --rounds 2 --primitives fork,vfork --action exit,exec \
		--exec /bin/true --heap 0,1M,4M --ratios 0,0.5 --events none --commands /bin/true --runs 5
	[ $status = 0 ] || return 1
	hostile_base_dir=$bundle
}

# no_marks: no payload ran (none of the files a payload would create exists, anywhere near)
no_marks() { [ -z "$(find "$scratch" /tmp -maxdepth 4 -name 'pwn_*' 2>/dev/null | head -1)" ]; }

test_hostile_bundle_runs_nothing() {
	local name=hostile_bundle_runs_nothing_and_shows_its_text mode out
	hostile_base || { fail $name "base run exited $status"; return; }
	# the directory's own name carries payloads too (no '/' in a name: they touch relative to the cwd)
	local evil="$scratch/evil_\`touch pwn_dir_backtick\`_\$(touch pwn_dir_dollar)_'; system('touch pwn_dir_sq'); '"
	python3 "$here/tests/hostile_bundle.py" payload "$hostile_base_dir" "$evil" "$scratch" valid-config &&
		python3 "$here/tests/hostile_bundle.py" payload "$hostile_base_dir" "$scratch/evil-config" "$scratch" ||
		{ fail $name "could not make the hostile copies"; return; }
	for mode in --plot --report; do
		for out in "$evil" "$scratch/evil-config"; do
			(cd "$scratch" && "$bin" $mode "$out") >"$scratch/stdout" 2>&1 ||
				{ fail $name "$mode $out exited $?: $(tail -2 "$scratch/stdout")"; return; }
		done
	done
	(cd "$scratch" && "$bin" --compare "$hostile_base_dir" "$evil" --output "$scratch/cmp-evil") >"$scratch/stdout" 2>&1
	[ $? -le 3 ] || { fail $name "--compare: $(tail -2 "$scratch/stdout")"; return; }
	(cd "$scratch" && "$bin" --trend "$hostile_base_dir" "$evil" --output "$scratch/trend-evil") >"$scratch/stdout" 2>&1 ||
		{ fail $name "--trend: $(tail -2 "$scratch/stdout")"; return; }
	no_marks || { fail $name "a payload ran: $(find "$scratch" /tmp -maxdepth 4 -name 'pwn_*' | head -3)"; return; }
	for out in "$evil/plots/roundtrip_vs_heap.png" "$evil/plots/whole_commands.png" "$evil/plots/claim1_fork_band.png" \
		"$evil/plots/cow_child_writer.png" "$scratch/evil-config/plots/whole_commands.png" "$scratch/cmp-evil/plots/compare_ratios.png" \
		"$scratch/trend-evil/plots/trend_fork_exit.png"; do
		is_png "$out" || { fail $name "no chart $out"; return; }
	done
	# the text is shown literally, on one line, without its control characters
	grep -qF '`touch ' "$evil/report.md" && grep -qF "system('touch " "$evil/report.md" ||
		{ fail $name "report.md does not show the host's text literally"; return; }
	grep -q $'\x1b' "$evil/report.md" "$scratch/stdout" && { fail $name "an escape sequence reached the output"; return; }
	grep -qF '`touch ' "$evil/plots/data/roundtrip_vs_heap.gp" && ! grep -q '^system(' "$evil/plots/data/roundtrip_vs_heap.gp" ||
		{ fail $name "the chart's variables do not hold the text as one literal"; return; }
	pass "$name (--plot, --report, --compare, --trend; $(grep -o "touch" "$scratch/evil-config/meta.json" | wc -l) payloads)"
}

test_links_in_a_bundle_are_refused() {
	local name=links_in_a_bundle_are_refused_and_their_targets_kept file copy
	hostile_base || { fail $name "base run exited $status"; return; }
	for file in report.md plots/roundtrip_vs_heap.png plots/data/roundtrip_vs_heap.dat plots; do
		copy=$scratch/linked.$RANDOM
		cp -r "$hostile_base_dir" "$copy"
		echo "precious" >"$scratch/victim"
		rm -rf "${copy:?}/$file"
		ln -s "$scratch/victim" "$copy/$file"
		"$bin" --plot "$copy" >/dev/null 2>"$scratch/stderr"
		status=$?
		[ $status = 2 ] && grep -qF "$copy/$file: a symbolic link" "$scratch/stderr" &&
			[ "$(cat "$scratch/victim")" = precious ] ||
			{ fail $name "$file: exit $status, $(cat "$scratch/stderr"), victim: $(head -c 40 "$scratch/victim")"; return; }
	done
	pass $name
}

test_resaved_csv_loads_the_same() {
	local name=crlf_and_quoted_copies_compare_equal_to_the_original
	hostile_base || { fail $name "base run exited $status"; return; }
	python3 "$here/tests/hostile_bundle.py" crlf "$hostile_base_dir" "$scratch/crlf" || { fail $name "no copy"; return; }
	grep -q $'\r$' "$scratch/crlf/summary.csv" || { fail $name "the copy has no CRLF"; return; }
	"$bin" --compare "$hostile_base_dir" "$scratch/crlf" --output "$scratch/cmp-crlf" >"$scratch/stdout" 2>&1
	status=$?
	[ $status = 0 ] && grep -q '^# regressions (0)' "$scratch/stdout" && grep -q '^# improvements (0)' "$scratch/stdout" ||
		{ fail $name "exit $status: $(grep -m3 '^#\|spawnbench' "$scratch/stdout")"; return; }
	"$bin" --plot "$scratch/crlf" >"$scratch/stdout" 2>&1 || { fail $name "--plot: $(cat "$scratch/stdout")"; return; }
	pass $name
}

test_programs_that_print_measure_normally() {
	local name=exec_of_programs_that_print_measures_normally program
	for program in "/bin/echo hello" "/bin/sh -c 'echo s 0 1 2 3 >&2; echo end; echo fail oops'"; do
		spawnbench --warmup 1 --min-iterations 6 --budget 0.1s --rounds 1 --primitives fork,vfork --action exec \
			--exec "$program" --heap 0 --ratios 0 --events none
		[ $status = 0 ] && ! grep -q 'failed' "$bundle/summary.csv" ||
			{ fail $name "'$program': exit $status, $(grep -m1 -o 'failed: [^"]*' "$bundle/summary.csv")"; return; }
	done
	# the same through the kernel matrix's agent (on the host: --kernel loopback), whose port the program must not reach
	spawnbench --warmup 1 --min-iterations 6 --budget 0.1s --rounds 1 --primitives fork,vfork --action exec \
		--exec "$program" --heap 0 --ratios 0 --events none --kernel loopback
	[ $status = 0 ] && ! grep -q 'failed' "$bundle"/1_*/summary.csv ||
		{ fail $name "through the agent: exit $status, $(grep -m1 -o 'failed: [^"]*' "$bundle"/1_*/summary.csv)"; return; }
	# the command is split as a shell would, the same way for hyperfine: 'exit 3' is one word
	spawnbench --warmup 1 --min-iterations 6 --budget 0.1s --rounds 1 --primitives fork --action exec \
		--exec "/bin/sh -c 'exit 3'" --heap 0 --ratios 0 --events none
	grep -q 'child exited with status 3' "$bundle/summary.csv" || { fail $name "'exit 3' was not one word"; return; }
	pass $name
}

test_output_dir_kept() {
	local name=output_dir_kept_on_bad_input_and_used_when_good dir
	for dir in "$scratch/out-plain" "$scratch/out-slash/"; do
		mkdir -p "$dir"
		"$bin" --output "$dir" --heap 3K >/dev/null 2>&1
		[ $? = 2 ] && [ -d "$dir" ] || { fail $name "$dir: gone after bad input"; return; }
		"$bin" --output "$dir" --warmup 1 --min-iterations 6 --budget 0.05s --rounds 1 --primitives vfork --action exit \
			--heap 0 --ratios 0 --events none >/dev/null 2>&1
		[ $? = 0 ] && [ -f "$dir/meta.json" ] && [ ! -e "${dir%/}.partial" ] || { fail $name "$dir: no bundle in it"; return; }
		"$bin" --output "$dir" --heap 0 >/dev/null 2>"$scratch/stderr"
		[ $? = 2 ] && grep -q 'not an empty directory; nothing overwritten' "$scratch/stderr" && [ -f "$dir/meta.json" ] ||
			{ fail $name "$dir: a second run did not refuse it"; return; }
	done
	pass $name
}

test_hostile_suite_text() {
	local name=suite_text_and_options_with_control_characters_exit_2
	printf '[hyperfine]\ncommands = /bin/true ; /bin/false\n' >"$scratch/comment.conf"
	"$bin" --config "$scratch/comment.conf" >/dev/null 2>"$scratch/stderr"
	[ $? = 2 ] && grep -q 'comment.conf:2: .;. after a blank' "$scratch/stderr" || { fail $name "' ;': $(cat "$scratch/stderr")"; return; }
	"$bin" --exec $'/bin/true\n' --heap 0 >/dev/null 2>"$scratch/stderr"
	[ $? = 2 ] && grep -q 'option --exec .*control character' "$scratch/stderr" && [ "$(wc -l <"$scratch/stderr")" -le 2 ] ||
		{ fail $name "--exec with a newline: $(cat "$scratch/stderr")"; return; }
	"$bin" --commands "/bin/sh -c 'unclosed" >/dev/null 2>"$scratch/stderr"
	[ $? = 2 ] && grep -q 'a single quote is never closed' "$scratch/stderr" || { fail $name "--commands: $(cat "$scratch/stderr")"; return; }
	pass $name
}

# tagged_processes PATTERN: pids of this test run's processes whose command line matches PATTERN
tagged_processes() {
	grep -lsz "^SPAWNBENCH_TEST_TAG=$SPAWNBENCH_TEST_TAG\$" /proc/[0-9]*/environ 2>/dev/null | cut -d/ -f3 |
		while read -r pid; do { tr "\0" " " <"/proc/$pid/cmdline"; } 2>/dev/null | grep -qE "$1" && echo "$pid"; done
}

test_no_process_outlives_the_run() {
	local name=no_process_outlives_the_run started took pid
	# a program that leaves a process in its group and one in a session of its own, both ignoring SIGTERM
	printf '#!/bin/sh\ntrap "" TERM\nsleep 300 &\nsetsid sleep 301 &\nexit 0\n' >"$scratch/leaver.sh"
	printf '#!/bin/sh\ntrap "" TERM\nexec sleep 302\n' >"$scratch/hanger.sh"
	chmod +x "$scratch/leaver.sh" "$scratch/hanger.sh"
	started=$(date +%s)
	spawnbench --warmup 0 --min-iterations 3 --max-iterations 3 --budget 0.05s --rounds 1 --timeout 2s \
		--primitives fork --action exec --exec "$scratch/leaver.sh" --heap 0 --ratios 0 --events none
	took=$(($(date +%s) - started))
	[ $status = 0 ] && [ $took -lt 20 ] || { fail $name "leaver: exit $status after $took s"; return; }
	[ -z "$(tagged_processes 'sleep 30[01]')" ] || { fail $name "left behind: $(tagged_processes 'sleep 30[01]')"; return; }
	spawnbench --warmup 0 --min-iterations 3 --budget 0.05s --rounds 1 --timeout 2s \
		--primitives fork --action exec --exec "$scratch/hanger.sh" --heap 0 --ratios 0 --events none
	grep -q 'failed: an iteration ran past the 2 s timeout' "$bundle/summary.csv" && [ -z "$(tagged_processes 'sleep 302')" ] ||
		{ fail $name "hanger: exit $status, $(tagged_processes 'sleep 302')"; return; }
	if command -v hyperfine >/dev/null; then
		"$bin" --output "$scratch/hyperfine-term" --suite exec --commands "/bin/sleep 303" --runs 10 --primitives vfork \
			--budget 0.05s >/dev/null 2>&1 &
		pid=$!
		for _ in $(seq 100); do [ -n "$(tagged_processes 'sleep 303')" ] && break; sleep 0.1; done
		kill -TERM $pid
		wait $pid
		status=$?
		sleep 0.2
		[ $status = 143 ] && [ -z "$(tagged_processes 'hyperfine|sleep 303')" ] ||
			{ fail $name "SIGTERM during hyperfine: exit $status, left $(tagged_processes 'hyperfine|sleep 303')"; return; }
	fi
	pass "$name (leaver $took s)"
}

test_exports_and_bisect() {
	local name=exports_read_by_bencher_and_lkp_and_bisect_exit_codes fixture=$here/tests/fixtures/bundle
	"$bin" --export bmf "$fixture" >"$scratch/bmf.json" && "$bin" --export bmf "$fixture" | cmp -s - "$scratch/bmf.json" ||
		{ fail $name "--export bmf failed or is not byte-identical"; return; }
	if python3 -c 'import jsonschema' 2>/dev/null; then
		python3 -c 'import json, sys, jsonschema
jsonschema.validate(json.load(open(sys.argv[1])), json.load(open(sys.argv[2])))' "$scratch/bmf.json" "$here/tests/fixtures/bmf.schema.json" ||
			{ fail $name "bmf.json does not validate against tests/fixtures/bmf.schema.json"; return; }
	fi
	"$bin" --export kv "$fixture" | cmp -s - "$here/tests/fixtures/bundle.kv" || { fail $name "kv differs from the golden file"; return; }
	"$bin" --export csv "$fixture" >/dev/null 2>"$scratch/stderr"
	[ $? = 2 ] && grep -q 'option --export csv: not one of bmf, kv' "$scratch/stderr" || { fail $name "--export csv"; return; }
	"$bin" --plot "$fixture" --compare a b >/dev/null 2>"$scratch/stderr"
	[ $? = 2 ] && grep -q 'give one of --plot and --compare, not both' "$scratch/stderr" || { fail $name "two modes: $(cat "$scratch/stderr")"; return; }
	"$bin" compare a b --trend >/dev/null 2>"$scratch/stderr"
	[ $? = 2 ] && grep -q 'give one of compare and --trend, not both' "$scratch/stderr" || { fail $name "command and mode: $(cat "$scratch/stderr")"; return; }
	# the commands are the options' modes: export as a command gives the golden file too, and a rendered
	# copy of the fixture (a bundle of this release) shows its exec cell as the harness's, never hyperfine's
	"$bin" export kv "$fixture" | cmp -s - "$here/tests/fixtures/bundle.kv" || { fail $name "export kv (command) differs"; return; }
	cp -r "$fixture" "$scratch/fixture-copy" && "$bin" plot "$scratch/fixture-copy" >/dev/null 2>&1 &&
		grep -q "no whole commands in this bundle" "$scratch/fixture-copy/report.md" &&
		grep -q "fork exec heap=0 .* '/nonexistent/program'" "$scratch/fixture-copy/report.md" ||
		{ fail $name "the fixture does not render as the harness cells it holds"; return; }
	# --bisect: 0 good, 1 bad, 125 cannot tell (one round: see test_compare)
	spawnbench --warmup 1 --min-iterations 12 --budget 0.3s --rounds 1 --primitives fork,vfork --action exit --heap 0,1M \
		--ratios 0 --events none
	[ $status = 0 ] || { fail $name "run exited $status"; return; }
	[ -s "$bundle/bmf.json" ] || { fail $name "no bmf.json in the bundle"; return; }
	local base=$bundle code
	"$bin" --compare "$base" "$base" --bisect --output "$scratch/bisect-same" >/dev/null 2>&1
	code=$?; [ $code = 0 ] || { fail $name "a bundle against itself: $code, not 0"; return; }
	scale_samples "$base" "$scratch/bisect-slow" fork 1.3
	"$bin" --compare "$base" "$scratch/bisect-slow" --bisect --output "$scratch/bisect-bad" >/dev/null 2>&1
	code=$?; [ $code = 1 ] || { fail $name "fork x1.3: $code, not 1"; return; }
	"$bin" --compare "$base" "$scratch/bisect-slow" --bisect --cells vfork/ --output "$scratch/bisect-vfork" >/dev/null 2>&1
	code=$?; [ $code = 0 ] || { fail $name "fork x1.3 judged on vfork cells only: $code, not 0"; return; }
	cp -r "$base" "$scratch/bisect-failed" && sed -i 's/"status": "complete"/"status": "failed"/' "$scratch/bisect-failed/meta.json"
	"$bin" --compare "$base" "$scratch/bisect-failed" --bisect --output "$scratch/bisect-skip" >/dev/null 2>&1
	code=$?; [ $code = 125 ] || { fail $name "a failed bundle: $code, not 125"; return; }
	"$bin" --compare "$base" "$scratch/nowhere" --bisect >/dev/null 2>&1
	code=$?; [ $code = 125 ] || { fail $name "a missing bundle: $code, not 125"; return; }
	pass "$name ($(grep -c '' "$here/tests/fixtures/bundle.kv") kv lines)"
}

test_runs_per_side() {
	local name=runs_per_side_tell_a_shifted_run_from_a_change code
	# one round per run (see test_compare): the spread between runs is then the one this test builds
	spawnbench --warmup 1 --min-iterations 12 --budget 0.3s --rounds 1 --primitives fork,vfork --action exit --heap 0,1M \
		--ratios 0 --events none
	[ $status = 0 ] || { fail $name "run exited $status"; return; }
	local base=$bundle
	resample_samples "$base" "$scratch/run2"        # a second run of the same code
	scale_samples "$base" "$scratch/run1-slow" fork 1.3
	scale_samples "$scratch/run2" "$scratch/run2-slow" fork 1.3
	# one of the new side's runs shifted x1.3: a shift of that run, not a change of the code
	"$bin" --compare "$base,$scratch/run2" "$scratch/run1-slow,$scratch/run2" --runs-per-side 2 --output "$scratch/rps-one" \
		>"$scratch/stdout" 2>&1
	code=$?; [ $code = 0 ] || { fail $name "one run of two shifted: exit $code, not 0: $(grep -A2 '^# regressions' "$scratch/stdout")"; return; }
	# both shifted: a regression
	"$bin" --compare "$base,$scratch/run2" "$scratch/run1-slow,$scratch/run2-slow" --output "$scratch/rps-both" >"$scratch/stdout" 2>&1
	code=$?; [ $code = 3 ] && grep -q '^fork exit .*roundtrip' "$scratch/stdout" || { fail $name "both runs shifted: exit $code, not 3"; return; }
	# one run per side is said to be one
	"$bin" --compare "$base" "$scratch/run2" --output "$scratch/rps-single" >"$scratch/stdout" 2>&1
	grep -q 'one run on the old and the new side: a shift of a whole run' "$scratch/stdout" || { fail $name "no one-run warning"; return; }
	"$bin" --compare "$base" "$scratch/run2" --runs-per-side 2 >/dev/null 2>"$scratch/stderr"
	[ $? = 2 ] && grep -q -- '--runs-per-side 2: the old side has 1 bundles' "$scratch/stderr" || { fail $name "--runs-per-side 2 with one each"; return; }
	pass $name
}

# scale_probe SRC DST PROBE FACTOR: a copy of bundle SRC whose machine probe PROBE (before the suite) is FACTOR times
scale_probe() {
	cp -r "$1" "$2"
	python3 -c 'import json, sys
path, probe, factor = sys.argv[1], sys.argv[2], float(sys.argv[3])
meta = json.load(open(path))
for key in ("median", "ci_low", "ci_high"):
    meta["machine_probes"]["before"][probe][key] *= factor
json.dump(meta, open(path, "w"), indent=2)' "$2/meta.json" "$3" "$4"
}

test_machine_probes() {
	local name=machine_probes_tell_the_machine_from_the_kernel code
	spawnbench --warmup 1 --min-iterations 6 --budget 0.05s --rounds 2 --primitives fork,vfork --action exit --heap 0 \
		--ratios 0 --events none
	[ $status = 0 ] || { fail $name "run exited $status"; return; }
	local base=$bundle probe
	for probe in user_loop_ns memcpy_ns_per_mib page_fault_ns syscall_ns; do
		for when in before after; do
			python3 -c 'import json, sys
m = json.load(open(sys.argv[1]))["machine_probes"][sys.argv[2]][sys.argv[3]]
assert m["n"] == 15 and 0 < m["ci_low"] <= m["median"] <= m["ci_high"], m' "$base/meta.json" $when $probe ||
				{ fail $name "$probe $when: no median within its CI in meta.json"; return; }
		done
	done
	scale_probe "$base" "$scratch/faults-x5" page_fault_ns 5
	"$bin" --compare "$base" "$scratch/faults-x5" --output "$scratch/cmp-probe" >"$scratch/stdout" 2>&1
	grep -q 'warning: the page-fault probe is 5x slower in NEW while the user-space loop is unchanged' "$scratch/stdout" &&
		grep -q '^machine probes (median before the suite; old -> new): user_loop_ns' "$scratch/stdout" ||
		{ fail $name "no warning for a page-fault probe x5: $(grep -m3 'warning\|probes' "$scratch/stdout")"; return; }
	scale_probe "$base" "$scratch/loop-x2" user_loop_ns 2
	"$bin" --compare "$base" "$scratch/loop-x2" --bisect --output "$scratch/bisect-probe" >"$scratch/stdout" 2>&1
	code=$?; [ $code = 125 ] && grep -q 'the machine itself moved' "$scratch/stdout" ||
		{ fail $name "a user-space loop x2 under --bisect: exit $code, not 125"; return; }
	"$bin" --trend "$base" "$scratch/loop-x2" --output "$scratch/trend-probe" >"$scratch/stdout" 2>&1 &&
		grep -q 'warning: the user-space loop probe of .* is 2x the first' "$scratch/stdout" ||
		{ fail $name "--trend does not say the machine moved"; return; }
	pass "$name (probes took $(grep -o '"before_seconds": [0-9.]*' "$base/meta.json" | cut -d' ' -f2) s before the suite)"
}

# seconds since START (date +%s.%N)
seconds_since() { awk -v start="$1" -v now="$(date +%s.%N)" 'BEGIN { printf "%.1f", now - start }'; }

test_suites_keep_their_time() {
	local name=a_suite_keeps_its_time_and_says_what_it_reached start wall planned measured t
	local cells=(--primitives fork --action exit,exec --heap 0,1M --ratios 0 --events none)
	# a dry run plans and measures nothing; the cells it plans are those the run measures
	"$bin" "${cells[@]}" --exec '/bin/sleep 0.2' --time 20s --dry-run --output "$scratch/dry" >"$scratch/stdout" 2>"$scratch/stderr"
	[ $? = 0 ] && [ ! -e "$scratch/dry" ] && [ ! -e "$scratch/dry.partial" ] ||
		{ fail $name "--dry-run: exit status, or a bundle written: $(tail -2 "$scratch/stderr")"; return; }
	planned=$(awk '$1 == "fork" { cells += $3 } END { print cells + 0 }' "$scratch/stdout")
	grep -q '^total: .* expected of --time 20s' "$scratch/stdout" || { fail $name "no total in the plan: $(cat "$scratch/stdout")"; return; }
	# an exec'd program that sleeps makes the exec cells slow; the run still ends by its time (10% over at most)
	start=$(date +%s.%N)
	spawnbench "${cells[@]}" --exec '/bin/sleep 0.2' --time 20s
	wall=$(seconds_since "$start")
	[ $status = 0 ] || { fail $name "run exited $status: $(tail -2 "$scratch/stderr")"; return; }
	awk -v w="$wall" 'BEGIN { exit !(w <= 22) }' || { fail $name "--time 20s took $wall s"; return; }
	awk -v w="$wall" 'BEGIN { exit !(w >= 15) }' || { fail $name "--time 20s ended at $wall s, well before its time"; return; }
	measured=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "phase") p = i; next }
		$p == "roundtrip" && $NF == "ok"' "$bundle/summary.csv" | wc -l)
	[ "$planned" = "$measured" ] || { fail $name "the dry run planned $planned cells, the run measured $measured"; return; }
	# the slow cell is measured, and says the CI it reached beside the target
	[ "$(value "$bundle/summary.csv" ci_target action=exec heap_bytes=0 phase=roundtrip)" = 0.02 ] &&
		[ -n "$(value "$bundle/summary.csv" ci_high_us action=exec heap_bytes=0 phase=roundtrip)" ] &&
		grep -qE '^[0-9]+ of [0-9]+ measured cells reached the CI target .* in the suite.s time of 20s' "$bundle/report.md" ||
		{ fail $name "summary.csv or report.md does not show the CI reached against the target"; return; }
	grep -q '"outside_timed_windows_share"' "$bundle/meta.json" || { fail $name "no time accounting in meta.json"; return; }
	# bad durations are refused before anything runs
	for t in 0 -1s 5x; do
		"$bin" --time "$t" --output "$scratch/never" >/dev/null 2>"$scratch/stderr"
		[ $? = 2 ] && grep -q -- "option --time $t: not a duration" "$scratch/stderr" && [ ! -e "$scratch/never" ] ||
			{ fail $name "--time $t: $(cat "$scratch/stderr")"; return; }
	done
	pass "$name (--time 20s took $wall s; $measured cells as planned)"
}

# the worker's /proc facts in meta.json, one "KEY VALUE" line per measured cell
cell_facts() { grep -oE "\"$2\": [0-9]+" "$1/meta.json" | awk '{ print $2 }' | sort | uniq -c | awk '{ print $2 "x" $1 }' | tr '\n' ' '; }

test_busy_thread_slows_parent_writes() {
	local name=a_busy_thread_makes_the_parents_copy_on_write_dearer alone busy column t
	[ "$(nproc)" -ge 2 ] || { skip $name "one CPU: there is no other CPU for the busy thread"; return; }
	spawnbench --primitives fork --action exit --heap 64M --ratios 1 --writer parent --threads 0,1 --thread-mode busy \
		--warmup 1 --min-iterations 6 --budget 1s --rounds 2 --events minor-faults,tlb:tlb_flush
	[ $status = 0 ] || { fail $name "exit $status: $(tail -2 "$scratch/stderr")"; return; }
	alone=$(value "$bundle/summary.csv" median_us threads=0 phase=cow)
	busy=$(value "$bundle/summary.csv" median_us threads=1 thread_mode=busy phase=cow)
	# the parent writes while the child is alive: with a thread running on another CPU, each fault's
	# flush reaches that CPU too (4.6x here on 2026-11-29, 2-CPU VM); a wide margin
	awk -v a="$alone" -v b="$busy" 'BEGIN { exit !(a > 0 && b > 1.3 * a) }' ||
		{ fail $name "write loop alone $alone us, with a busy thread $busy us"; return; }
	if [ "$(id -u)" = 0 ]; then # the tracepoint needs root where perf_event_paranoid is above -1
		for column in tlb_flush_remote_shootdown tlb_flush_remote_ipi_send; do
			for t in 0 1; do
				[ -n "$(value "$bundle/summary.csv" $column threads=$t phase=cow)" ] ||
					{ fail $name "no $column for threads=$t"; return; }
			done
		done
	fi
	pass "$name (64M written: $alone us alone, $busy us with a busy thread)"
}

test_multithreaded_parent_child_has_one_thread() {
	local name=every_primitive_with_extra_threads_and_a_one_thread_child measured
	spawnbench --primitives fork,vfork,posix_spawn,clone,clone-vm --action exit,exec --heap 1M --ratios 0,1 \
		--writer child,parent --threads 3 --thread-mode busy,idle --warmup 1 --min-iterations 3 --budget 0.05s \
		--rounds 1 --events none
	[ $status = 0 ] && ! grep -qE '^ *"status": "(failed|skipped)' "$bundle/meta.json" ||
		{ fail $name "exit $status: $(grep -m1 -oE '"status": "(failed|skipped)[^"]*' "$bundle/meta.json")"; return; }
	measured=$(grep -c '"status": "ok"' "$bundle/meta.json")
	# read from /proc: the worker and its 3 threads; a child forked from it, one thread (POSIX)
	[ "$measured" -gt 20 ] && [ "$(cell_facts "$bundle" worker_threads)" = "4x$measured " ] &&
		[ "$(cell_facts "$bundle" child_threads)" = "1x$measured " ] ||
		{ fail $name "$measured cells; worker threads $(cell_facts "$bundle" worker_threads), child threads $(cell_facts "$bundle" child_threads)"; return; }
	pass "$name ($measured cells)"
}

test_creators_measure_together() {
	local name=creators_measure_at_once_each_with_its_samples over scope rows rate
	over=$(($(nproc) + 1))
	spawnbench --primitives fork,vfork --action exit --heap 1M --ratios 0 --creators 1,2,$over \
		--creator-scope process,thread --warmup 1 --min-iterations 6 --budget 0.2s --rounds 2 --events none
	[ $status = 0 ] && ! grep -qE '^ *"status": "(failed|skipped)' "$bundle/meta.json" ||
		{ fail $name "exit $status: $(tail -2 "$scratch/stderr")"; return; }
	for scope in process thread; do
		# each creator's samples, as many of each: "0:N 1:N"
		rows=$(awk -F, -v scope=$scope 'NR == 1 { for (i = 1; i <= NF; i++) at[$i] = i; next }
			$(at["primitive"]) == "fork" && $(at["creators"]) == 2 && $(at["creator_scope"]) == scope { n[$(at["creator"])]++ }
			END { for (c in n) printf "%s:%d ", c, n[c] }' "$bundle/samples.csv" | tr ' ' '\n' | sort | tr '\n' ' ')
		[[ "$rows" =~ ^0:([0-9]+)\ 1:([0-9]+)\ $ ]] && [ "${BASH_REMATCH[1]}" = "${BASH_REMATCH[2]}" ] ||
			{ fail $name "$scope: creators' samples $rows"; return; }
		rate=$(value "$bundle/summary.csv" creations_per_s primitive=fork creators=2 creator_scope=$scope phase=roundtrip)
		[ -n "$rate" ] && [ -n "$(value "$bundle/summary.csv" scaling_efficiency primitive=fork creators=2 creator_scope=$scope phase=roundtrip)" ] ||
			{ fail $name "$scope: no creations per second or efficiency"; return; }
		[ "$(value "$bundle/summary.csv" oversubscribed primitive=fork creators=$over creator_scope=$scope phase=roundtrip)" = 1 ] &&
			[ "$(value "$bundle/summary.csv" oversubscribed primitive=fork creators=2 creator_scope=$scope phase=roundtrip)" = "$((over <= 2))" ] ||
			{ fail $name "$scope: oversubscribed not flagged as the PUs say"; return; }
	done
	grep -q "oversubscribed: more creators than PUs" "$bundle/report.md" || { fail $name "report.md does not flag oversubscribed"; return; }
	[ -z "$(tagged_processes 'spawnbench-(worker|helper)')" ] || { fail $name "left behind: $(tagged_processes 'spawnbench-(worker|helper)')"; return; }
	pass "$name (2 fork creators as threads: $rate creations/s)"
}

test_bad_concurrency_values() {
	local name=bad_threads_or_creators_exit_2_naming_the_option option
	for option in "--threads -1" "--creators 0" "--thread-mode lazy" "--creator-scope fiber"; do
		"$bin" $option --output "$scratch/never" >/dev/null 2>"$scratch/stderr"
		[ $? = 2 ] && grep -q -- "option $option: " "$scratch/stderr" && [ ! -e "$scratch/never" ] ||
			{ fail $name "$option: $(cat "$scratch/stderr")"; return; }
	done
	pass $name
}

# the newest Debian 6.1 kernel package the package lists know, or nothing
kernel_package() {
	apt-cache search --names-only '^linux-image-6\.1\.0-[0-9]+-amd64-unsigned$' 2>/dev/null | awk '{ print $1 }' | sort -V | tail -1
}

# the kernel_release values of a trend.csv, in its order
trend_kernels() { awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "kernel_release") k = i; next } !seen[$k]++ { print $k }' "$1"; }

test_kernel_matrix_in_guests() {
	local name=kernels_measured_side_by_side_in_guests package matrix guest faults host order interleaved
	command -v qemu-system-x86_64 >/dev/null || { skip $name "no qemu-system-x86_64 (run.sh --test installs it)"; return; }
	package=$(kernel_package)
	[ -n "$package" ] || { skip $name "no linux-image-6.1.0-*-amd64-unsigned in the package lists"; return; }
	local cells=(--suite quick --primitives fork,vfork --heap 0,1M --ratios 0,1 --rounds 2 --budget 0.3s)
	# too little memory for the guests is refused before anything boots, and nothing is written
	"$bin" "${cells[@]}" --heap 0,512G --kernel "$package" --output "$scratch/never" >/dev/null 2>"$scratch/stderr"
	[ $? = 2 ] && grep -q -- '--kernel: 1 guests of .* need more than' "$scratch/stderr" && [ ! -e "$scratch/never" ] ||
		{ fail $name "too little memory: $(cat "$scratch/stderr")"; return; }
	# the same kernel twice: its rounds alternate between the two guests
	matrix=$scratch/kernel-matrix
	"$bin" "${cells[@]}" --kernel "$package" --kernel "$package" --output "$matrix" >"$scratch/stdout" 2>"$scratch/stderr"
	[ $? = 0 ] || { fail $name "matrix exited $?: $(tail -3 "$scratch/stderr")"; return; }
	guest=$(find "$matrix" -maxdepth 1 -name '1_6.1.*' | head -1)
	[ -n "$guest" ] && grep -q '"kernel_release": "6\.1\.' "$guest/meta.json" && grep -q '"status": "complete"' "$guest/meta.json" ||
		{ fail $name "no complete bundle of the 6.1 guest in $matrix: $(ls "$matrix")"; return; }
	# emulated (no KVM here) and said so in the report's first lines; with KVM, not
	if grep -q '"accelerator": "tcg"' "$guest/meta.json"; then
		head -3 "$guest/report.md" | grep -q '^\*\*EMULATED' && grep -q '^EMULATED\|^\*\*EMULATED' "$matrix/compare_2_vs_1/compare.md" ||
			{ fail $name "an emulated bundle or comparison does not say so first: report line 3 '$(sed -n 3p "$guest/report.md" | cut -c1-40)', in $matrix: $(ls "$matrix" | paste -sd' '); $(grep -m2 -E 'kernel matrix|failed|stopped' "$scratch/stderr")"; return; }
	fi
	faults=$(value "$guest/summary.csv" child_minflt primitive=fork action=exit heap_bytes=1048576 write_ratio=1 writer=child phase=roundtrip)
	within "$faults" 256 0.1 || { fail $name "child faults in the guest: $faults for 256 pages written"; return; }
	# round k of a cell on kernel 1, then on kernel 2, then round k+1: the start times alternate
	interleaved=$(python3 - "$matrix" <<'PYTHON'
import glob, json, sys
lanes = [json.load(open(f)) for f in sorted(glob.glob(sys.argv[1] + "/[12]_*/meta.json"))]
ok = 0
for a, b in zip(lanes[0]["cells"], lanes[1]["cells"]):
    s, t = a.get("round_started_s", []), b.get("round_started_s", [])
    if len(s) == len(t) == 2:
        ok += s[0] < t[0] < s[1] < t[1]
        if not s[0] < t[0] < s[1] < t[1]:
            print("not interleaved:", a["primitive"], s, t); sys.exit()
print(ok)
PYTHON
)
	[[ "$interleaved" =~ ^[0-9]+$ ]] && [ "$interleaved" -gt 5 ] || { fail $name "$interleaved"; return; }
	# the trend across the host's bundle and the guest's orders the kernels by version
	spawnbench "${cells[@]}" --events none
	host=$bundle
	[ $status = 0 ] || { fail $name "the host run exited $status: $(tail -2 "$scratch/stderr")"; return; }
	"$bin" trend "$host" "$guest" --output "$scratch/kernel-trend" >/dev/null 2>"$scratch/stderr" ||
		{ fail $name "trend: $(tail -2 "$scratch/stderr")"; return; }
	order=$(trend_kernels "$scratch/kernel-trend/trend.csv" | paste -sd' ')
	[ "$order" = "$(trend_kernels "$scratch/kernel-trend/trend.csv" | sort -V | paste -sd' ')" ] && [[ "$order" == 6.1.* ]] ||
		{ fail $name "trend order: $order"; return; }
	pass "$name ($package; $interleaved cells interleaved; trend $order)"
}

test_kernel_that_does_not_boot() {
	local name=a_kernel_that_panics_fails_and_the_other_is_measured package matrix failed
	command -v qemu-system-x86_64 >/dev/null || { skip $name "no qemu-system-x86_64 (run.sh --test installs it)"; return; }
	package=$(kernel_package)
	[ -n "$package" ] || { skip $name "no linux-image-6.1.0-*-amd64-unsigned in the package lists"; return; }
	matrix=$scratch/kernel-panic
	# no init where the kernel looks: it panics, reboots at once (panic=-1), and qemu exits
	"$bin" --suite quick --primitives vfork --action exit --heap 0 --ratios 0 --rounds 1 --budget 0.2s --events none \
		--kernel "$package" --kernel "$package,append=rdinit=/nonexistent" --output "$matrix" >"$scratch/stdout" 2>"$scratch/stderr"
	failed=$(find "$matrix" -maxdepth 1 -name '2_*' | head -1)
	[ -n "$failed" ] && grep -q '"status": "failed"' "$failed/meta.json" && grep -q 'Kernel panic' "$failed/console.log" &&
		grep -q "did not boot .* last lines: .*" "$scratch/stderr" ||
		{ fail $name "the panicking kernel: $(tail -3 "$scratch/stderr")"; return; }
	grep -q '"status": "complete"' "$matrix"/1_*/meta.json || { fail $name "the other kernel's bundle is not complete"; return; }
	pass $name
}

test_kernel_bad_input() {
	local name=kernel_images_that_are_not_are_refused_before_booting spec
	for spec in /nonexistent/vmlinuz /etc/passwd "linux-image-\$(reboot)"; do
		"$bin" --suite quick --kernel "$spec" --output "$scratch/never" >/dev/null 2>"$scratch/stderr"
		[ $? = 2 ] && grep -q -- "--kernel $spec" "$scratch/stderr" && [ ! -e "$scratch/never" ] ||
			{ fail $name "$spec: $(cat "$scratch/stderr")"; return; }
	done
	# a name with a newline and an escape sequence: one line, the characters shown as \xNN
	"$bin" --suite quick --kernel $'/tmp/x\n\e[31m' --output "$scratch/never" >/dev/null 2>"$scratch/stderr"
	[ $? = 2 ] && [ "$(grep -vc 'not counted\|time plan' "$scratch/stderr")" = 1 ] && grep -q -- '--kernel /tmp/x\\x0a\\x1b\[31m' "$scratch/stderr" ||
		{ fail $name "control characters: $(cat -A "$scratch/stderr")"; return; }
	pass $name
}

smoke() {
	local name=smoke_run_every_primitive
	spawnbench --warmup 1 --min-iterations 6 --budget 0.1s --primitives fork,vfork,posix_spawn,clone,clone-vm \
		--action exit,exec --heap 0,1M --ratios 0,1 --writer child,parent
	# the cells' statuses from meta.json (JSON, however summary.csv quotes them): none failed or skipped
	[ $status = 0 ] && grep -q '"status": "complete"' "$bundle/meta.json" &&
		! grep -qE '^ *"status": "(failed|skipped)' "$bundle/meta.json" ||
		{ fail $name "status $status: $(grep -m1 -oE '"status": "(failed|skipped)[^"]*' "$bundle/meta.json")"; return; }
	# every row as wide as its header: the bundle loads back (validated) and redraws
	"$bin" --plot "$bundle" >"$scratch/plot" 2>&1 || { fail $name "$(cat "$scratch/plot")"; return; }
	# extra threads and several creators (their samples and throughput through the orchestrator)
	spawnbench --warmup 1 --min-iterations 6 --budget 0.1s --primitives fork,vfork --action exit --heap 0 --ratios 0 \
		--threads 0,1 --creators 1,2 --creator-scope process,thread --events none
	[ $status = 0 ] && "$bin" --plot "$bundle" >"$scratch/plot" 2>&1 && pass $name ||
		fail $name "threads and creators: status $status: $(tail -2 "$scratch/stderr") $(cat "$scratch/plot")"
}

# every test reports once (pass, fail or skip); one that aborts the shell's list (an arithmetic
# error, say) would end the run early and silently, so the count of reports is checked
if [ "${1:-}" = smoke ]; then
	tests=(smoke)
else
	tests=(
		smoke
		test_child_faults_equal_pages_written
		test_fork_grows_vfork_does_not
		test_thp_took_or_skipped
		test_bad_input_writes_nothing
		test_failed_cell_does_not_stop_the_run
		test_plain_progress_when_not_a_terminal
		test_perf_faults_agree_with_rusage
		test_fork_flushes_tlb_vfork_does_not
		test_unknown_event_exits_2
		test_unprivileged_run
		test_charts_and_report
		test_missing_columns
		test_exec_suite_with_hyperfine
		test_compare
		test_corrupt_bundles_exit_2
		test_trend_orders_by_kernel_version
		test_reproduce_quick
		test_interrupted_run_leaves_valid_bundle
		test_hostile_bundle_runs_nothing
		test_links_in_a_bundle_are_refused
		test_resaved_csv_loads_the_same
		test_programs_that_print_measure_normally
		test_output_dir_kept
		test_hostile_suite_text
		test_no_process_outlives_the_run
		test_exports_and_bisect
		test_runs_per_side
		test_machine_probes
		test_suites_keep_their_time
		test_busy_thread_slows_parent_writes
		test_multithreaded_parent_child_has_one_thread
		test_creators_measure_together
		test_bad_concurrency_values
		test_kernel_bad_input
		test_kernel_matrix_in_guests
		test_kernel_that_does_not_boot
	)
fi
for test in "${tests[@]}"; do
	"$test"
done
reported=$((passed + failed + skipped))
if [ $reported != ${#tests[@]} ]; then
	echo "FAIL integration: $reported of ${#tests[@]} tests reported; the run stopped early after the last one above"
	failed=$((failed + 1))
fi
echo "integration: $passed passed, $failed failed, $skipped skipped"
[ $failed = 0 ]
