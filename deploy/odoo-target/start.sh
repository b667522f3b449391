#!/bin/sh
# Host keys are made on first start and kept in a volume, so the fingerprint the platform pins stays valid.
set -e
[ -f /etc/ssh/keys/ssh_host_ed25519_key ] || { mkdir -p /etc/ssh/keys; ssh-keygen -q -t ed25519 -N '' -f /etc/ssh/keys/ssh_host_ed25519_key; }
echo "host key: $(ssh-keygen -l -E sha256 -f /etc/ssh/keys/ssh_host_ed25519_key.pub)"
/usr/sbin/sshd -h /etc/ssh/keys/ssh_host_ed25519_key
exec /entrypoint.sh odoo
