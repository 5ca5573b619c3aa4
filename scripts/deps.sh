# Sourced by the other scripts: installs the Debian packages a step needs when they are missing.
# usage: need_packages PKG...
need_packages() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" ||
      missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "Installing missing Debian packages: ${missing[*]}"
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "error: need root or sudo to install ${missing[*]}" >&2; return 1; }
    sudo="sudo"
  fi
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

# What building and testing gategrad needs.
BUILD_PACKAGES=(cmake make g++ python3 xtensor-dev libxsimd-dev xtl-dev catch2
                libbenchmark-dev libopenblas-dev zlib1g-dev nlohmann-json3-dev dataset-fashion-mnist
                python3-torch python3-numpy libcli11-dev libpng-dev gnuplot-nox graphviz
                clang-14 libclang-rt-14-dev llvm-14)  # clang 14: its sanitizers, libFuzzer, llvm-symbolizer
