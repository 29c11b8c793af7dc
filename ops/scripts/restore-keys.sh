#!/usr/bin/env bash
# Puts an archive made by backup-keys.sh back as the keys/ of a data directory, with private permissions. The
# archive is decrypted with its passphrase first: a wrong passphrase or an archive changed in any way is refused
# before anything is touched. Run it with the Tabib Link services stopped, then check with:
#   java -jar web/target/tabib-link.jar keys verify
#
# usage: restore-keys.sh [--data-dir DIR] [--passphrase-file FILE] [--force] ARCHIVE.tar.gz.gpg
#   --data-dir         default: $TABIB_DATA_DIR, else /var/lib/tabib-link
#   --passphrase-file  the archive passphrase; default: $TABIB_KEYS_BACKUP_PASSPHRASE_FILE
#   --force            keys/ already holds files: move it aside to keys.replaced-<time> instead of refusing
# An unencrypted ARCHIVE.tar.gz from an older backup-keys.sh is still accepted, with a warning.
# Exit status: 0 restored, 2 bad usage or no usable passphrase, 4 archive unusable (damaged, wrong passphrase),
# 5 keys present and no --force.
set -euo pipefail
data="${TABIB_DATA_DIR:-/var/lib/tabib-link}"
force=0
archive=""
passphrase_file="${TABIB_KEYS_BACKUP_PASSPHRASE_FILE:-}"
while (($#)); do
  case "$1" in
    --data-dir) data="${2:?--data-dir needs a value}"; shift 2 ;;
    --passphrase-file) passphrase_file="${2:?--passphrase-file needs a value}"; shift 2 ;;
    --force) force=1; shift ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    -*) echo "error: unknown option '$1' (see --help)" >&2; exit 2 ;;
    *) archive="$1"; shift ;;
  esac
done
[[ -n "$archive" ]] || { echo "error: which archive? usage: restore-keys.sh [--data-dir DIR] [--passphrase-file FILE] [--force] ARCHIVE.tar.gz.gpg" >&2; exit 2; }
[[ -r "$archive" ]] || { echo "error: cannot read $archive" >&2; exit 4; }
if [[ -f "$archive.sha256" ]]; then
  if [[ "$(awk '{print $1}' "$archive.sha256")" != "$(sha256sum "$archive" | awk '{print $1}')" ]]; then
    echo "error: $archive does not match its checksum file: the archive is damaged" >&2
    exit 4
  fi
else
  echo "warning: no $archive.sha256 beside the archive; integrity not verified" >&2
fi
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=keys-archive-crypto.sh
. "$here/keys-archive-crypto.sh"
umask 077
work="$(mktemp -d -t tabib-restore-keys.XXXXXX)"
trap 'rm -rf "$work"' EXIT
if [[ "$archive" == *.gpg ]]; then
  require_archive_passphrase "$passphrase_file" || exit 2
  if ! decrypt_archive "$passphrase_file" "$archive" >"$work/keys.tar.gz" 2>"$work/gpg.log"; then
    echo "error: $archive cannot be decrypted: wrong passphrase, or the archive was changed or damaged" >&2
    exit 4
  fi
  plain="$work/keys.tar.gz"
else
  echo "warning: $archive is not encrypted (made by an older backup-keys.sh); make a new, encrypted backup" >&2
  plain="$archive"
fi
tar -tzf "$plain" >/dev/null 2>&1 || { echo "error: $archive does not hold a readable tar.gz" >&2; exit 4; }
if tar -tzf "$plain" | grep -qE '(^/|(^|/)\.\.(/|$))'; then
  echo "error: $archive holds paths outside keys/; refusing" >&2
  exit 4
fi

keys="$data/keys"
if [[ -d "$keys" && -n "$(ls -A "$keys")" ]]; then
  if ((force == 0)); then
    echo "error: $keys already holds keys; stop the services and pass --force to move them aside" >&2
    exit 5
  fi
  aside="$keys.replaced-$(date -u +%Y%m%dT%H%M%SZ)"
  mv "$keys" "$aside"
  echo "moved the previous keys to $aside" >&2
fi
mkdir -p "$keys"
tar -C "$keys" --no-same-owner -xzf "$plain"
chmod 700 "$keys"
find "$keys" -type d -exec chmod 700 {} +
find "$keys" -type f -exec chmod 600 {} +
echo "restored $(find "$keys" -type f | wc -l) key files into $keys"
