# Starting and stopping the four services against the local stack (sourced by scripts/demo and the benchmark).
# Needs: $here, the stack's variables (source .stack/env), and $bin (swift build --show-bin-path).

services=(policy-service session-injector audit-writer notifier)
declare -A service_ports=([policy-service]=18081 [session-injector]=18082 [audit-writer]=18083 [notifier]=18084)
service_pids=()

# service_environment: what every service of the demo gets, on top of the stack's variables.
prepare_services() {
    service_dir=$CONNECTAS_STACK_DIR/services
    mkdir -p "$service_dir"
    # The injector's key store: the key that encrypts Odoo session ids at rest, and the SSH key to the servers.
    [ -f "$service_dir/injector-secret.key" ] || head -c 32 /dev/urandom | base64 >"$service_dir/injector-secret.key"
    chmod 600 "$service_dir/injector-secret.key"
    export CONNECTAS_INJECTOR_SECRET_KEY_FILE=$service_dir/injector-secret.key
    # audit-writer's Ed25519 key that signs the audit's checkpoints (`connectas audit verify` checks them).
    [ -f "$service_dir/audit-checkpoint.key" ] || head -c 32 /dev/urandom | base64 >"$service_dir/audit-checkpoint.key"
    chmod 600 "$service_dir/audit-checkpoint.key"
    export CONNECTAS_AUDIT_CHECKPOINT_KEY_FILE=$service_dir/audit-checkpoint.key
    # The audit API's bearer tokens: the platform back end's, and the operators' (the CLI's).
    local t
    for t in platform operator; do
        [ -f "$service_dir/audit-$t.token" ] || head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$service_dir/audit-$t.token"
        chmod 600 "$service_dir/audit-$t.token"
    done
    export CONNECTAS_AUDIT_PLATFORM_TOKEN_FILE=$service_dir/audit-platform.token
    export CONNECTAS_AUDIT_OPERATOR_TOKEN_FILE=$service_dir/audit-operator.token
    export CONNECTAS_INJECTOR_SSH_KEY_FILE=$CONNECTAS_SSH_KEY_ED25519
    export CONNECTAS_NOTIFIER_SSH_KEY_FILE=$CONNECTAS_SSH_KEY_ED25519   # the bell goes through the Odoo script too
    # Locally the redeem endpoint is reached directly, not through the environment's reverse proxy, and the
    # stand-in's HTTP check plays Odoo's /web on another port of the same host (cookies ignore ports).
    export CONNECTAS_INJECTOR_LINK_BASE_URL="http://127.0.0.1:${service_ports[session-injector]}"
    export CONNECTAS_INJECTOR_REDIRECT_URL="$CONNECTAS_ODOO_URL/web"
    export CONNECTAS_NOTIFIER_SMTP_HOST=$CONNECTAS_SMTP_HOST
    export CONNECTAS_NOTIFIER_SMTP_PORT=$CONNECTAS_SMTP_PORT
    export CONNECTAS_NOTIFIER_SMTP_FROM=connect-as@platform.example
    export CONNECTAS_NOTIFIER_SMTP_TLS=none   # the local SMTP server has no TLS; the default requires STARTTLS
    export CONNECTAS_KAFKA_SESSION_TIMEOUT_SECONDS=6
    # Tansu holds a fetch to its end even when data arrives: a short wait keeps every hop short.
    export CONNECTAS_KAFKA_FETCH_WAIT_MS=50
    export CONNECTAS_AUDIT_URL="http://127.0.0.1:${service_ports[audit-writer]}"
}

# service_pg_url NAME: the service's own database role (CONNECTAS_PG_<NAME>_URL of .stack/env).
service_pg_url() {
    local variable="CONNECTAS_PG_$(printf %s "$1" | tr 'a-z-' 'A-Z_')_URL"
    [ -n "${!variable:-}" ] || die "$variable is not set: source .stack/env (scripts/stack start writes it)"
    printf %s "${!variable}"
}

# start_services: brings each schema up to date as the owner role (`NAME migrate`), starts the four as their own
# roles (the owner's URL is not in their environment), logs in $service_dir/NAME.log, and waits until each /health
# says ready.
start_services() {
    for s in "${services[@]}"; do
        CONNECTAS_PG_URL=$(service_pg_url "$s") "$bin/$s" migrate >"$service_dir/$s-migrate.log" 2>&1 \
            || { cat "$service_dir/$s-migrate.log"; die "$s migrate failed"; }
    done
    for s in "${services[@]}"; do
        env -u CONNECTAS_PG_OWNER_URL -u CONNECTAS_PG_ADMIN_URL -u CONNECTAS_PG_AUDITOR_URL \
            -u CONNECTAS_PG_POLICY_SERVICE_URL -u CONNECTAS_PG_SESSION_INJECTOR_URL -u CONNECTAS_PG_AUDIT_WRITER_URL \
            -u CONNECTAS_PG_NOTIFIER_URL CONNECTAS_PG_URL="$(service_pg_url "$s")" \
            CONNECTAS_HTTP_PORT=${service_ports[$s]} "$bin/$s" >"$service_dir/$s.log" 2>&1 &
        service_pids+=($!)
    done
    for s in "${services[@]}"; do
        local url="http://127.0.0.1:${service_ports[$s]}/health"
        for _ in $(seq 1 300); do
            curl -sf "$url" >/dev/null 2>&1 && break
            sleep 0.1
        done
        curl -sf "$url" >/dev/null 2>&1 || { tail -20 "$service_dir/$s.log"; die "$s did not become ready ($url)"; }
    done
}

# stop_services: SIGTERM, then wait for each to finish its work and leave its group.
stop_services() {
    for pid in "${service_pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    for pid in "${service_pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    service_pids=()
}
