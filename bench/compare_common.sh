# Sourced by bench/compare_*.sh, the part they share:
#
#   compare_main SCRIPT COMMAND_ENV "TARGET ..." "$0" "$@"
#
# takes an optional BUILD_DIR first argument (default build/release, Release), installs
# libtorch-dev if missing, configures BUILD_DIR and builds the targets (a target written
# NAME? only when CMake defines it: the LibTorch baselines exist only where CMake found
# LibTorch), then execs bench/SCRIPT on BUILD_DIR with the remaining arguments, the command
# line that ran (the table names it) in the environment variable COMMAND_ENV.
compare_main() {
  local script=$1 command_env=$2 wanted=$3 command=$4
  shift 4
  local here root build
  here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
  root=$(dirname "$here")
  if [[ $# -gt 0 ]]; then command+=" $(printf '%q ' "$@")"; fi
  build=$root/build/release
  if [[ $# -gt 0 && $1 != -* ]]; then
    build=$1
    shift
  fi
  source "$root/scripts/deps.sh"
  need_packages libtorch-dev
  cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
  local targets=() target help
  help=$(cmake --build "$build" --target help)
  for target in $wanted; do
    if [[ $target == *\? ]]; then
      target=${target%\?}
      [[ $help == *"$target"* ]] || continue
    fi
    targets+=("$target")
  done
  cmake --build "$build" -j"$(nproc)" --target "${targets[@]}" >/dev/null
  export "$command_env=$command"
  exec python3 "$here/$script" "$build" "$@"
}
