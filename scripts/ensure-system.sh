#!/usr/bin/env bash
# Installs and starts what the tests need that npm does not provide. Idempotent: quick when all is there.
#   - Debian's chromium (Karma and Playwright drive it; no browser download)
#   - podman + runc + python3 (container functions; the project runs its own podman service, see podman/)
#   - openssl (the mock vCD's self-signed certificate) and iproute2 (network namespaces for the sandbox tests)
#   - PostgreSQL on 127.0.0.1:5432 and RabbitMQ on 127.0.0.1:5672 (started if installed but down)
set -euo pipefail

need_apt=()
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
# Podman runs container functions (server/functions/drivers/container); its base images copy Debian's python3.
command -v podman >/dev/null 2>&1 || need_apt+=(podman)
command -v runc >/dev/null 2>&1 || need_apt+=(runc)
[ -x /usr/bin/python3 ] || need_apt+=(python3)
# The mock vCD's HTTPS (MOCK_VCD_TLS=1) makes its certificate with openssl; the sandbox network tests build a
# network namespace with ip (iproute2).
command -v openssl >/dev/null 2>&1 || need_apt+=(openssl)
command -v ip >/dev/null 2>&1 || need_apt+=(iproute2)

if [ ${#need_apt[@]} -gt 0 ]; then
  echo "ensure-system: installing ${need_apt[*]} from Debian's packages"
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

wait_port() {
  for _ in $(seq 1 60); do port_open "$1" && return 0; sleep 1; done
  return 1
}

if ! port_open 5432; then
  echo "ensure-system: starting PostgreSQL"
  if command -v pg_ctlcluster >/dev/null 2>&1; then
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start || true
  fi
  wait_port 5432 || { echo "ensure-system: PostgreSQL is not reachable on 127.0.0.1:5432" >&2; exit 1; }
fi

if ! port_open 5672; then
  echo "ensure-system: starting RabbitMQ"
  command -v rabbitmq-server >/dev/null 2>&1 && (rabbitmq-server -detached || true)
  wait_port 5672 || echo "ensure-system: RabbitMQ is not reachable on 127.0.0.1:5672 (only later suites need it)" >&2
fi
exit 0
