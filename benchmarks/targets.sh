#!/usr/bin/env bash
# Measures spawnbench's own targets and prints the figures (not a test); run it on an idle machine:
#   - wall time of the quick suite (target: at most 60 s) and of the fork suite (at most 15 min);
#   - the share of measured cells whose 95% CI is within 2% of the median (at least 90%);
#   - the worker's RSS and mappings before its heap;
#   - fork and vfork roundtrip at 0 and 256 MiB beside the published small-parent figures;
#   - the counters' cost per creation (plain and counted iterations of the same cells);
#   - TLB flushes and faults per creation for each primitive at 0 and 256 MiB;
#   - the time to draw the fork suite's charts, and the harness/hyperfine agreement (exec suite);
#   - false alarms of --compare between two quick runs (target: none), and the smallest slowdown
#     the default settings detect reliably (found by scaling one run's samples);
#   - the verdict table of the reproduce suite.
# usage: benchmarks/targets.sh [--fork-bundle DIR]   (DIR: an existing fork-suite bundle to read
#        instead of running the fork suite again; its wall time is then taken from meta.json)
#        benchmarks/targets.sh --suite-times [SUITE[:SCALES]...]   (default: quick:0.5,1,2 reproduce:0.5,1,2
#        fork:0.5,1,2) runs each suite with --time at SCALES times its own time and prints, per run: the
#        wall time against the time, the cells within their CI target, the share of the wall time outside
#        the timed windows, and the error of the estimated end shown at 10% of the run.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
scratch=$(mktemp -d /tmp/spawnbench-targets.XXXXXX)
trap 'rm -rf "$scratch"' EXIT
fork_bundle=
[ "${1:-}" = --fork-bundle ] && fork_bundle=$2

timed_suite() { # timed_suite NAME OUTPUT: prints the wall time in seconds
	local start end
	start=$(date +%s.%N)
	"$here/run.sh" --suite "$1" --output "$2" >"$2.stdout" 2>"$2.stderr"
	end=$(date +%s.%N)
	awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }'
}

# column SUMMARY NAME KEY=VALUE...: like tests/integration.sh's value()
column() {
	local file=$1 name=$2 filters
	shift 2
	filters=$(IFS='|'; echo "$*")
	awk -F, -v column="$name" -v filters="$filters" '
		NR == 1 { for (i = 1; i <= NF; i++) at[$i] = i; n = split(filters, f, "|"); next }
		{ for (k = 1; k <= n; k++) { split(f[k], kv, "="); if ($(at[kv[1]]) != kv[2]) next }
		  print $(at[column]); exit }' "$file"
}

ci_share() {
	awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) at[$i] = i; next }
		$(at["phase"]) == "roundtrip" && $NF == "ok" {
			cells++; half = ($(at["ci_high_us"]) - $(at["ci_low_us"])) / 2
			if ($(at["ci_low_us"]) != "" && half <= 0.02 * $(at["median_us"])) within++ }
		END { printf "%d of %d cells (%.1f%%)", within, cells, 100 * within / cells }' "$1/summary.csv"
}

# median of roundtrip_us over samples of one cell, counted (1) or plain (0)
counted_median() {
	local bundle=$1 primitive=$2 action=$3 heap=$4 counted=$5
	awk -F, -v p="$primitive" -v a="$action" -v h="$heap" -v c="$counted" '
		NR == 1 { for (i = 1; i <= NF; i++) at[$i] = i; next }
		$1 == p && $2 == a && $3 == h && $4 == 0 && $(at["counted"]) == c { print $(at["roundtrip_us"]) }' \
		"$bundle/samples.csv" | sort -n | awk '{ v[NR] = $1 } END { if (NR) printf "%.1f", (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; else printf "-" }'
}

# pooled BUNDLE: per cell "KEY<tab>median<tab>low<tab>high" of the plain roundtrips, rounds ignored
# (the order-statistic interval spawnbench reported before rounds were clusters)
pooled() {
	awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) at[$i] = i; next }
		$(at["counted"]) == 0 && $(at["roundtrip_us"]) != "" {
			k = $1; for (i = 2; i <= at["command"]; i++) k = k "," $i; print k "\t" $(at["roundtrip_us"]) }' "$1/samples.csv" |
		sort -t$'\t' -k1,1 -k2,2g |
		awk -F'\t' 'function flush(   lo, hi) {
				if (n >= 6) { lo = int(n / 2 - 0.98 * sqrt(n)); hi = int(n / 2 + 0.98 * sqrt(n) + 1) + 1
					if (lo < 1) lo = 1; if (hi > n) hi = n
					print key "\t" ((n % 2) ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2) "\t" v[lo] "\t" v[hi] }
				n = 0 }
			$1 != key { flush(); key = $1 } { v[++n] = $2 } END { flush() }'
}

# coverage FIRST SECOND: for the roundtrip of every ok cell, whether FIRST's interval holds SECOND's
# median: the cluster interval and median of summary.csv, and the pooled ones
coverage() {
	pooled "$1" >"$scratch/pooled1"
	pooled "$2" >"$scratch/pooled2"
	awk -F'\t' -v cluster1="$1/summary.csv" -v cluster2="$2/summary.csv" '
		function read_cluster(file, what,   line, f, at, i, k) {
			while ((getline line < file) > 0) {
				split(line, f, ",")
				if (!("phase" in at)) { for (i = 1; i in f; i++) at[f[i]] = i; continue }
				if (f[at["phase"]] != "roundtrip" || f[at["status"]] != "ok" || f[at["ci_low_us"]] == "") continue
				k = f[1]; for (i = 2; i <= 10; i++) k = k "," f[i]
				if (what == 1) { low[k] = f[at["ci_low_us"]]; high[k] = f[at["ci_high_us"]] } else median[k] = f[at["median_us"]]
			}
		}
		BEGIN { read_cluster(cluster1, 1); read_cluster(cluster2, 2) }
		FILENAME ~ /pooled1$/ { plow[$1] = $3; phigh[$1] = $4; next }
		{ pmedian[$1] = $2 }
		END {
			for (k in median) if (k in low && k in plow && k in pmedian) {
				cells++
				if (median[k] >= low[k] && median[k] <= high[k]) cluster_in++
				if (pmedian[k] >= plow[k] && pmedian[k] <= phigh[k]) pooled_in++
			}
			printf "cluster interval (rounds as clusters): %d of %d cells (%.0f%%); pooled interval (rounds ignored): %d of %d (%.0f%%)\n",
				cluster_in, cells, 100 * cluster_in / cells, pooled_in, cells, 100 * pooled_in / cells
		}' "$scratch/pooled1" "$scratch/pooled2"
}

# seconds SPEC: "60s", "15m", "1h" in seconds
seconds_of() {
	awk -v t="$1" 'BEGIN { n = t + 0; u = substr(t, length(n "") + 1)
		print (u == "m" || u == "min") ? n * 60 : u == "h" ? n * 3600 : n }'
}

# window_share BUNDLE: the share of the run's wall time inside the timed windows (the kept plain iterations'
# roundtrips), from samples.csv and meta.json's start and end, so bundles of any version compare
window_share() {
	local wall
	wall=$(( $(date -d "$(grep -o '"end_time": "[^"]*' "$1/meta.json" | cut -d'"' -f4)" +%s) -
		 $(date -d "$(grep -o '"start_time": "[^"]*' "$1/meta.json" | cut -d'"' -f4)" +%s) ))
	awk -F, -v wall="$wall" 'NR == 1 { for (i = 1; i <= NF; i++) at[$i] = i; next }
		$(at["counted"]) == 0 && $(at["roundtrip_us"]) != "" { s += $(at["roundtrip_us"]) }
		END { printf "%.0f%% inside the timed windows, %.0f%% outside", 100 * s / 1e6 / wall, 100 - 100 * s / 1e6 / wall }' \
		"$1/samples.csv"
}

# estimate_error LOG WALL: the plan's estimate of the end shown by the first progress line past 10% of
# the run (stamped lines "SECONDS cell k/n ... (X s; 1m05s left)"), against the real end
estimate_error() {
	awk -v wall="$2" '
		function seconds(text,   n, total) { total = 0
			while (match(text, /^[0-9]+[hms]/)) { n = substr(text, 1, RLENGTH - 1) + 0
				u = substr(text, RLENGTH, 1); total += u == "h" ? n * 3600 : u == "m" ? n * 60 : n
				text = substr(text, RLENGTH + 1) }
			return total }
		$2 == "cell" && $1 >= 0.1 * wall && match($0, /; [0-9hms]+ left\)/) {
			left = seconds(substr($0, RSTART + 2, RLENGTH - 8))
			printf "at %.0f s: %.0f s left, the end estimated at %.0f s, %+.1f%% off", $1, left, $1 + left,
				100 * ($1 + left - wall) / wall; exit }' "$1"
}

suite_times() {
	local spec suite scales scale time seconds start wall out
	[ $# -gt 0 ] || set -- quick:0.5,1,2 reproduce:0.5,1,2 fork:0.5,1,2
	echo "# suite times on $(hostname), kernel $(uname -r), $(date -u +%Y-%m-%dT%H:%MZ)"
	for spec in "$@"; do
		suite=${spec%%:*}
		scales=${spec#*:}
		[ "$scales" = "$spec" ] && scales=1
		time=$(awk -F' *= *' '$1 == "time" { print $2 }' "$here/configs/$suite.conf")
		for scale in ${scales//,/ }; do
			seconds=$(awk -v t="$(seconds_of "$time")" -v s="$scale" 'BEGIN { printf "%.0f", t * s }')
			out=$scratch/$suite-$scale
			start=$(date +%s.%N)
			"$here/run.sh" --suite "$suite" --time "${seconds}s" --output "$out" 2>&1 >"$out.stdout" |
				while IFS= read -r line; do
					printf '%s %s\n' "$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')" "$line"
				done >"$out.stderr"
			wall=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
			echo "$suite --time ${seconds}s: ${wall} s wall ($(awk -v w="$wall" -v t="$seconds" 'BEGIN { printf "%+.1f%%", 100 * (w - t) / t }')); $(ci_share "$out") within the CI target; $(window_share "$out"); estimate $(estimate_error "$out.stderr" "$wall")"
			grep -h 'skipped, use --time\|rounds per cell instead' "$out.stderr" | cut -d' ' -f2- | sed 's/^/    /' || true
		done
	done
}

if [ "${1:-}" = --suite-times ]; then
	shift
	suite_times "$@"
	exit 0
fi

echo "# spawnbench targets on $(hostname), kernel $(uname -r), $(date -u +%Y-%m-%dT%H:%MZ)"
quick_seconds=$(timed_suite quick "$scratch/quick")
echo "quick suite wall time: ${quick_seconds} s (target: at most 60 s)"
if [ -z "$fork_bundle" ]; then
	fork_bundle=$scratch/fork
	fork_seconds=$(timed_suite fork "$fork_bundle")
else
	field() { date -d "$(grep -o "\"$1\": \"[^\"]*" "$fork_bundle/meta.json" | head -1 | cut -d'"' -f4)" +%s; }
	fork_seconds=$(( $(field end_time) - $(field start_time) ))
fi
echo "fork suite wall time: ${fork_seconds} s (target: at most 900 s)"
echo "cells with the roundtrip CI within 2% of the median: quick $(ci_share "$scratch/quick"), fork $(ci_share "$fork_bundle") (target: at least 90%)"
# measured cells only: n/a cells have no worker
echo "worker footprint before its heap: $(grep -o '"worker_rss_kib": [1-9][0-9]*' "$fork_bundle/meta.json" | awk '{ print $2 }' | sort -n | uniq | sed -n '1p;$p' | paste -sd- ) KiB RSS, $(grep -o '"worker_mappings": [1-9][0-9]*' "$fork_bundle/meta.json" | awk '{ print $2 }' | sort -n | uniq | paste -sd/) mappings"

s=$fork_bundle/summary.csv
echo
echo "# roundtrip medians (us), ratio 0, beside published small-parent figures"
printf "%-12s %-6s %10s %10s %8s\n" primitive action "0" "256M" "256M/0"
for pa in "fork exit" "fork exec" "vfork exit" "vfork exec" "posix_spawn exec"; do
	set -- $pa
	zero=$(column "$s" median_us primitive=$1 action=$2 heap_bytes=0 write_ratio=0 phase=roundtrip)
	big=$(column "$s" median_us primitive=$1 action=$2 heap_bytes=268435456 write_ratio=0 phase=roundtrip)
	printf "%-12s %-6s %10s %10s %8s\n" "$1" "$2" "$zero" "$big" "$(awk -v a="$zero" -v b="$big" 'BEGIN { if (a > 0) printf "%.1fx", b / a }')"
done
fe=$(column "$s" median_us primitive=fork action=exit heap_bytes=0 write_ratio=0 phase=roundtrip)
fx=$(column "$s" median_us primitive=fork action=exec heap_bytes=0 write_ratio=0 phase=roundtrip)
vx=$(column "$s" median_us primitive=vfork action=exec heap_bytes=0 write_ratio=0 phase=roundtrip)
echo "fork+exec / fork+exit at heap 0: $(awk -v a="$fe" -v b="$fx" 'BEGIN { printf "%.2f", b / a }') (LMbench lat_proc, published: 1.1 to 2.6)"
echo "fork+exec / vfork+exec at heap 0: $(awk -v a="$vx" -v b="$fx" 'BEGIN { printf "%.2f", b / a }') (TLPI Table 28-3: 1.26 at 1.7 MB)"

echo
echo "# counters' cost per creation: roundtrip median of plain and counted iterations (us)"
printf "%-12s %-6s %8s %10s %10s %8s\n" primitive action heap plain counted cost
for pa in "fork exit" "vfork exit" "posix_spawn exec" "clone exit" "clone-vm exit"; do
	set -- $pa
	for heap in 0 268435456; do
		plain=$(counted_median "$fork_bundle" $1 $2 $heap 0)
		counted=$(counted_median "$fork_bundle" $1 $2 $heap 1)
		printf "%-12s %-6s %8s %10s %10s %8s\n" "$1" "$2" "$((heap >> 20))M" "$plain" "$counted" \
			"$(awk -v a="$plain" -v b="$counted" 'BEGIN { if (a > 0 && b > 0) printf "+%.0f", b - a; else printf "-" }')"
	done
done

echo
echo "# per creation, ratio 0 (medians of the counted iterations)"
printf "%-12s %-6s %8s %10s %12s %12s\n" primitive action heap tlb_flush minor_faults child_minflt
for pa in "fork exit" "fork exec" "vfork exit" "vfork exec" "posix_spawn exec" "clone exit" "clone exec" "clone-vm exit" "clone-vm exec"; do
	set -- $pa
	for heap in 0 268435456; do
		printf "%-12s %-6s %8s %10s %12s %12s\n" "$1" "$2" "$((heap >> 20))M" \
			"$(column "$s" tlb_flush primitive=$1 action=$2 heap_bytes=$heap write_ratio=0 phase=roundtrip)" \
			"$(column "$s" minor_faults primitive=$1 action=$2 heap_bytes=$heap write_ratio=0 phase=roundtrip)" \
			"$(column "$s" child_minflt primitive=$1 action=$2 heap_bytes=$heap write_ratio=0 phase=roundtrip)"
	done
done

echo
spawnbench=$here/build/spawnbench
start=$(date +%s.%N)
"$spawnbench" --plot "$fork_bundle" >/dev/null
echo "time to draw the fork suite's charts: $(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }') s"
"$here/run.sh" --suite exec --output "$scratch/exec" >/dev/null 2>&1
echo "harness/hyperfine: $(grep -o 'Cross-check: .*ratio [0-9.]*' "$scratch/exec/report.md")"

echo
echo "# --compare, default settings (threshold 5%)"
"$here/run.sh" --suite quick --output "$scratch/quick2" >/dev/null 2>&1
"$spawnbench" --compare "$scratch/quick" "$scratch/quick2" --output "$scratch/false" >"$scratch/false.txt" 2>&1 || true # 3: regressions
echo "two quick runs of the same code: $(grep -E '^# (regressions|improvements)|unchanged' "$scratch/false.txt" | paste -sd';')"
echo
echo "# coverage: roundtrip intervals of the first quick run that hold the second run's median"
coverage "$scratch/quick" "$scratch/quick2"
echo "(two runs' medians each carry their own error: with equal, unbiased intervals about 83% is expected, not 95%)"
grep -E '%  \[' "$scratch/false.txt" | cut -c1-200 # the cell phases flagged, if any
# the smallest slowdown flagged in at least 95% of the roundtrip rows, scaling every sample of one run
for factor in 1.05 1.075 1.10 1.15 1.20 1.30 1.50; do
	rm -rf "$scratch/scaled" "$scratch/cmp"
	cp -r "$scratch/quick" "$scratch/scaled"
	awk -F, -v OFS=, -v f="$factor" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i ~ /_us$/) p[i] = 1; print; next }
		{ for (i in p) if ($i != "") $i = sprintf("%.3f", $i * f); print }' "$scratch/quick/samples.csv" >"$scratch/scaled/samples.csv"
	"$spawnbench" --compare "$scratch/quick" "$scratch/scaled" --output "$scratch/cmp" >/dev/null 2>&1 || true
	share=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) at[$i] = i; next }
		$(at["phase"]) == "roundtrip" { n++; if ($(at["verdict"]) == "regression") r++ }
		END { printf "%.0f", 100 * r / n }' "$scratch/cmp/compare.csv")
	echo "samples x$factor: $share% of the roundtrip cells flagged as regressions"
done

echo
echo "# reproduce suite"
start=$(date +%s)
"$here/run.sh" --suite reproduce --output "$scratch/reproduce" >/dev/null 2>&1
echo "wall time: $(( $(date +%s) - start )) s"
grep -E '^\| [0-9]+ \|' "$scratch/reproduce/reproduce.md" | cut -d'|' -f2-5
