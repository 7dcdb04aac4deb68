#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# The one list of Debian packages xlane needs. Idempotent: installs only what is missing.
set -euo pipefail

PKGS=(
	# build
	meson ninja-build pkg-config gcc clang llvm
	# BPF and AF_XDP
	libbpf-dev libxdp-dev xdp-tools bpftool libelf-dev zlib1g-dev linux-libc-dev
	# pool placement
	libnuma-dev numactl
	# tests
	libcriterion-dev valgrind libclang-rt-14-dev
	# testbed
	iproute2 ethtool procps
	# benchmarks, plots and their output
	libdpdk-dev dpdk gnuplot-nox jq libcap-dev python3
)

missing=()
for p in "${PKGS[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
	echo "deps: all ${#PKGS[@]} packages present"
	exit 0
fi
echo "deps: installing ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
	echo "deps: need root to apt-get install (missing: ${missing[*]})" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
