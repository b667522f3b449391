# Helpers shared by the project's scripts (sourced, not run).
say() { printf '\033[1m==>\033[0m %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# version_at_least HAVE WANT: true when dotted version HAVE >= WANT.
version_at_least() {
    [ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -1)" = "$2" ]
}

# Swift lives outside the default PATH on these machines.
command -v swift >/dev/null 2>&1 || export PATH=/opt/swift/usr/bin:$PATH

# stack_up: start the local stack, remembering whether it was already running so that
# stack_down stops only what this script started.
stack_up() {
    stack_was_running=false
    "$here/scripts/stack" status >/dev/null 2>&1 && stack_was_running=true
    "$here/scripts/stack" start
    # shellcheck disable=SC1091
    source "${CONNECTAS_STACK_DIR:-$here/.stack}/env"
}
stack_down() {
    [ "${stack_was_running:-true}" = true ] || "$here/scripts/stack" stop
}
