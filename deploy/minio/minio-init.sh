#!/bin/sh
# Run once by compose's minio-init (image minio/mc): the private bucket, and the platform's own
# MinIO user, allowed only that bucket (policy.json). Safe to run again.
set -eu
secret() { cat "/run/secrets/$1"; }

mc alias set local http://minio:9000 "$(secret minio_root_user)" "$(secret minio_root_password)"
mc mb --ignore-existing local/smallworks
mc admin policy create local smallworks /deploy/policy.json
mc admin user add local "$(secret s3_access_key_id)" "$(secret s3_secret_access_key)"
# Attaching a policy already attached is an error to mc: the state wanted is there all the same.
mc admin policy attach local smallworks --user "$(secret s3_access_key_id)" || true
echo "minio-init: bucket smallworks and its user ready"
