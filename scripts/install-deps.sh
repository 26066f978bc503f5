#!/usr/bin/env bash
# Installs every Debian 12 package loket needs to build, test and benchmark.
# Idempotent: packages already present are left alone. Run as root (or with sudo).
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config git
  antlr4 libantlr4-runtime-dev
  libboost-graph-dev libfmt-dev libyaml-cpp-dev catch2 libz3-dev
  nlohmann-json3-dev libcli11-dev libbenchmark-dev libsimdjson-dev
  libssl-dev libcpp-httplib-dev
  graphviz nodejs ccache python3 time
  clang-14 libclang-rt-14-dev
  npm chromium
)

missing=()
for p in "${packages[@]}"; do
  # NodeSource's nodejs brings its own npm and conflicts with Debian's package of it.
  if [ "$p" = npm ] && command -v npm >/dev/null 2>&1; then continue; fi
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages already installed"
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
echo "install-deps: done"
