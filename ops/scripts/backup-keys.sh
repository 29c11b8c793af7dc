#!/usr/bin/env bash
# Archives the keys of a Tabib Link data directory (keys/: the access-token signing key and the records
# keystore) into a private tar.gz with a SHA-256 checksum. Copy the archive to offline storage kept apart from
# the Redis backups; keep the keystore passphrase separately again (sealed, in another place): without the
# keystore AND its passphrase no note can ever be decrypted. The passphrase file is never put in the archive.
#
# usage: backup-keys.sh [--data-dir DIR] [--out DIR]
#   --data-dir  default: $TABIB_DATA_DIR, else /var/lib/tabib-link
#   --out       default: /var/backups/tabib-link/keys
# Prints the path of the archive. Exit status: 0 done, 2 bad usage, 4 nothing to back up.
set -euo pipefail
data="${TABIB_DATA_DIR:-/var/lib/tabib-link}"
out=/var/backups/tabib-link/keys
while (($#)); do
  case "$1" in
    --data-dir) data="${2:?--data-dir needs a value}"; shift 2 ;;
    --out) out="${2:?--out needs a value}"; shift 2 ;;
    -h|--help) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "error: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
keys="$data/keys"
if [[ ! -d "$keys" ]] || [[ -z "$(ls -A "$keys")" ]]; then
  echo "error: no keys in $keys (is --data-dir right?)" >&2
  exit 4
fi

excludes=()
passphrase="${TABIB_RECORDS_KEYSTORE_PASSPHRASE_FILE:-}"
if [[ -n "$passphrase" && -e "$passphrase" ]]; then
  real_pass="$(realpath "$passphrase")"; real_keys="$(realpath "$keys")"
  if [[ "$real_pass" == "$real_keys"/* ]]; then
    excludes+=(--exclude "./${real_pass#"$real_keys"/}")
    echo "note: the keystore passphrase file lies inside keys/ and is left out of the archive; back it up separately" >&2
  fi
fi

umask 077
mkdir -p "$out"
name="tabib-keys-$(date -u +%Y%m%dT%H%M%SZ).tar.gz"
tar -C "$keys" "${excludes[@]}" -czf "$out/$name" .
(cd "$out" && sha256sum "$name" >"$name.sha256")
echo "$out/$name"
