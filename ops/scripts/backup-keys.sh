#!/usr/bin/env bash
# Archives the keys of a Tabib Link data directory (keys/: the access-token signing key and the records
# keystore) into a private, encrypted archive (a tar.gz inside OpenPGP symmetric encryption: AES-256, integrity
# protected, passphrase stretched with iterated-salted SHA-512) with a SHA-256 checksum. Copy the archive to offline
# storage kept apart from the Redis backups. The archive passphrase (>= 20 characters) is its own secret: keep it
# apart from the archive, and apart from the keystore passphrase (which is never put in the archive, and must not
# be the archive passphrase): without the keystore AND its passphrase no note can ever be decrypted.
#
# usage: backup-keys.sh [--data-dir DIR] [--out DIR] [--passphrase-file FILE]
#   --data-dir         default: $TABIB_DATA_DIR, else /var/lib/tabib-link
#   --out              default: /var/backups/tabib-link/keys
#   --passphrase-file  the archive passphrase; default: $TABIB_KEYS_BACKUP_PASSPHRASE_FILE (required)
# Prints the path of the archive (tabib-keys-<UTC time>.tar.gz.gpg). Decrypt with restore-keys.sh, or by hand with
#   gpg --decrypt tabib-keys-….tar.gz.gpg | tar -tzv
# Exit status: 0 done, 2 bad usage or no usable passphrase, 4 nothing to back up.
set -euo pipefail
data="${TABIB_DATA_DIR:-/var/lib/tabib-link}"
out=/var/backups/tabib-link/keys
passphrase_file="${TABIB_KEYS_BACKUP_PASSPHRASE_FILE:-}"
while (($#)); do
  case "$1" in
    --data-dir) data="${2:?--data-dir needs a value}"; shift 2 ;;
    --out) out="${2:?--out needs a value}"; shift 2 ;;
    --passphrase-file) passphrase_file="${2:?--passphrase-file needs a value}"; shift 2 ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    *) echo "error: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=keys-archive-crypto.sh
. "$here/keys-archive-crypto.sh"
require_archive_passphrase "$passphrase_file" || exit 2
if [[ -n "${TABIB_RECORDS_KEYSTORE_PASSPHRASE_FILE:-}" && -r "$TABIB_RECORDS_KEYSTORE_PASSPHRASE_FILE" ]] \
   && [[ "$(tr -d '\r\n' <"$TABIB_RECORDS_KEYSTORE_PASSPHRASE_FILE")" == "$(tr -d '\r\n' <"$passphrase_file")" ]]; then
  echo "error: the archive passphrase is the keystore passphrase; whoever held it would open both. Use another one." >&2
  exit 2
fi
keys="$data/keys"
if [[ ! -d "$keys" ]] || [[ -z "$(ls -A "$keys")" ]]; then
  echo "error: no keys in $keys (is --data-dir right?)" >&2
  exit 4
fi

real_keys="$(realpath "$keys")"
excludes=()
# The passphrase never travels with the keystore: the configured passphrase file, and the one demo mode
# generates beside the keystore, stay out of the archive.
for passphrase in "${TABIB_RECORDS_KEYSTORE_PASSPHRASE_FILE:-}" "$keys/records-keystore.pass"; do
  if [[ -n "$passphrase" && -e "$passphrase" ]]; then
    real_pass="$(realpath "$passphrase")"
    if [[ "$real_pass" == "$real_keys"/* ]]; then
      excludes+=(--exclude "./${real_pass#"$real_keys"/}")
      echo "note: $passphrase (the keystore passphrase) is left out of the archive; keep it separately" >&2
    fi
  fi
done
# Key files moved out of keys/ by TABIB_RECORDS_KEYSTORE_FILE, TABIB_TOKEN_KEY_FILE or
# TABIB_SIGNALING_STATE_KEY_FILE are archived too, by name.
extras=()
for file in "${TABIB_RECORDS_KEYSTORE_FILE:-}" "${TABIB_TOKEN_KEY_FILE:-}" "${TABIB_SIGNALING_STATE_KEY_FILE:-}"; do
  if [[ -n "$file" && -f "$file" && "$(realpath "$file")" != "$real_keys"/* ]]; then
    extras+=(-C "$(dirname "$(realpath "$file")")" "./$(basename "$file")")
    echo "note: $file lies outside keys/; it is archived as $(basename "$file") and restored into keys/" >&2
  fi
done

umask 077
mkdir -p "$out"
name="tabib-keys-$(date -u +%Y%m%dT%H%M%SZ).tar.gz.gpg"
# The plain tar.gz only ever exists in a pipe.
tar "${excludes[@]}" -czf - -C "$keys" . "${extras[@]}" | encrypt_archive "$passphrase_file" >"$out/$name.partial"
mv "$out/$name.partial" "$out/$name"
(cd "$out" && sha256sum "$name" >"$name.sha256")
echo "$out/$name"
