#!/bin/sh
# Make the secrets compose.yaml mounts (deploy/secrets/), once, on the host, as root: random
# keys and passwords, each file readable only by the container that needs it (the app runs as
# uid 10001, PostgreSQL as 999). An existing file is never overwritten: run it again to add
# what is missing.
# Keep a copy of draw_seed_key and secret_key in the office's password safe, never with the
# backups (docs/deploy.md, "Secrets and keys").
set -eu
cd "$(dirname "$0")"
# The ACME challenge folder is read by nginx's workers (docs/deploy.md, "TLS"); the rest by no one.
mkdir -p -m 755 acme
umask 077
mkdir -p secrets
APP_UID=10001
# The postgres image reads POSTGRES_PASSWORD_FILE after dropping to its user postgres (uid 999 in
# the Debian-based images); MinIO and mc run as root.
POSTGRES_UID=999

random() { python3 -c "import secrets; print(secrets.token_urlsafe($1))"; }

put() {  # put NAME OWNER VALUE
    [ -e "secrets/$1" ] && return 0
    printf '%s\n' "$3" > "secrets/$1"
    chown "$2" "secrets/$1"
    chmod 400 "secrets/$1"
    echo "made deploy/secrets/$1"
}

put secret_key "$APP_UID" "$(random 48)"
put secret_key_fallbacks "$APP_UID" ""     # filled only during a rotation
put draw_seed_key "$APP_UID" "$(python3 -c 'import base64, secrets; print(base64.urlsafe_b64encode(secrets.token_bytes(32)).decode())')"
put draw_seed_old_keys "$APP_UID" ""       # filled only during a rotation
put postgres_password "$POSTGRES_UID" "$(random 24)"
put database_url "$APP_UID" "postgresql://smallworks:$(cat secrets/postgres_password)@postgres:5432/smallworks"
put minio_root_user 0 "minio-admin"
put minio_root_password 0 "$(random 24)"
put s3_access_key_id 0 "smallworks"
put s3_secret_access_key 0 "$(random 30)"
# Read by the app too (and by minio-init, which runs as root).
chown "$APP_UID" secrets/s3_access_key_id secrets/s3_secret_access_key
# Empty until the office has an SMS contract (SMS_BACKEND=console); then the Twilio token.
put twilio_auth_token "$APP_UID" ""
