#!/usr/bin/env bash
# spawnbench's entry point. Installs the Debian packages it needs (as root;
# otherwise prints the apt-get line), builds when the build is out of date,
# then runs the orchestrator with the arguments given:
#   ./run.sh --suite fork        the main suite (the default)
#   ./run.sh --test              the tests (make test)
#   ./run.sh --help              every option
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

# to build and run: compiler, libc's static archive (for the worker), the libraries, the tools
run_packages=(gcc make pkg-config libc6-dev libhwloc-dev hwloc libpfm4-dev libgsl-dev libjansson-dev
	libinih-dev gnuplot-nox hyperfine)
test_packages=(libcmocka-dev procps python3 python3-jsonschema clang libclang-rt-dev)
# the kernel matrix (--kernel, and its tests): qemu; kernel packages are fetched by spawnbench (apt-get download)
kernel_packages=(qemu-system-x86)

missing_packages() {
	local package
	for package in "$@"; do
		dpkg-query -W -f='${Status}\n' "$package" 2>/dev/null | grep -q '^install ok installed$' ||
			echo "$package"
	done
}

ensure_packages() {
	local missing
	missing=$(missing_packages "$@" | tr '\n' ' ')
	missing=${missing% }
	[ -z "$missing" ] && return 0
	if [ "$(id -u)" -ne 0 ]; then
		echo "run.sh: missing Debian packages; install them with:" >&2
		echo "  sudo apt-get install -y $missing" >&2
		exit 1
	fi
	echo "run.sh: installing $missing" >&2
	apt-get update -qq >&2
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >&2
}

# apt-get download (a --kernel package name) needs the package lists a fresh machine may lack
ensure_package_lists() {
	[ "$(id -u)" -eq 0 ] || return 0
	compgen -G '/var/lib/apt/lists/*_Packages*' >/dev/null || apt-get update -qq >&2
}

wants_kernels() {
	local argument
	for argument in "$@"; do
		case $argument in --kernel | --kernel=*) return 0 ;; esac
	done
	return 1
}

build() {
	make -C "$here" --no-print-directory -q all 2>/dev/null || make -C "$here" --no-print-directory -s all
}

# tracefs is mounted by spawnbench itself, as root, only for a run that counts a tracepoint
if [ "${1:-}" = --test ]; then
	ensure_packages "${run_packages[@]}" "${test_packages[@]}" "${kernel_packages[@]}"
	ensure_package_lists
	exec make -C "$here" --no-print-directory test
fi
ensure_packages "${run_packages[@]}"
if wants_kernels "$@"; then
	ensure_packages "${kernel_packages[@]}"
	ensure_package_lists
fi
build
exec "$here/build/spawnbench" "$@"
