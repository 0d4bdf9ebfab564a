# Sourced by the measuring scripts (instructions.sh, profile.sh, scaling.sh): what they measure
# and where they write, described once. Reads the caller's arguments: $1 the binary (default:
# target/release/corridor, built from the working tree first, never a stale one) and $3 a
# scenario file. Sets `bin`, `scenario` (absolute, or empty for the built-in baseline) and `tmp`
# (a scratch folder removed on exit), and leaves the shell at the repository root.
given=${1:+$(realpath "$1")}  # before the cd below, so a relative path still names it
scenario=${3:+$(realpath "$3")}
cd "$(dirname "${BASH_SOURCE[0]}")/.."
if [ -n "$given" ]; then
  bin=$given
else
  cargo build --release --quiet
  bin=target/release/corridor
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
