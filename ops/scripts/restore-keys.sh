#!/usr/bin/env bash
# Puts an archive made by backup-keys.sh back as the keys/ of a data directory, with private permissions.
# Run it with the Tabib Link services stopped, then check with:
#   java -jar web/target/tabib-link.jar keys verify
#
# usage: restore-keys.sh [--data-dir DIR] [--force] ARCHIVE.tar.gz
#   --data-dir  default: $TABIB_DATA_DIR, else /var/lib/tabib-link
#   --force     keys/ already holds files: move it aside to keys.replaced-<time> instead of refusing
# Exit status: 0 restored, 2 bad usage, 4 archive unusable, 5 keys present and no --force.
set -euo pipefail
data="${TABIB_DATA_DIR:-/var/lib/tabib-link}"
force=0
archive=""
while (($#)); do
  case "$1" in
    --data-dir) data="${2:?--data-dir needs a value}"; shift 2 ;;
    --force) force=1; shift ;;
    -h|--help) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "error: unknown option '$1' (see --help)" >&2; exit 2 ;;
    *) archive="$1"; shift ;;
  esac
done
[[ -n "$archive" ]] || { echo "error: which archive? usage: restore-keys.sh [--data-dir DIR] [--force] ARCHIVE.tar.gz" >&2; exit 2; }
[[ -r "$archive" ]] || { echo "error: cannot read $archive" >&2; exit 4; }
if [[ -f "$archive.sha256" ]]; then
  if [[ "$(awk '{print $1}' "$archive.sha256")" != "$(sha256sum "$archive" | awk '{print $1}')" ]]; then
    echo "error: $archive does not match its checksum file: the archive is damaged" >&2
    exit 4
  fi
else
  echo "warning: no $archive.sha256 beside the archive; integrity not verified" >&2
fi
tar -tzf "$archive" >/dev/null 2>&1 || { echo "error: $archive is not a readable tar.gz" >&2; exit 4; }
if tar -tzf "$archive" | grep -qE '(^/|(^|/)\.\.(/|$))'; then
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
umask 077
mkdir -p "$keys"
tar -C "$keys" --no-same-owner -xzf "$archive"
chmod 700 "$keys"
find "$keys" -type d -exec chmod 700 {} +
find "$keys" -type f -exec chmod 600 {} +
echo "restored $(find "$keys" -type f | wc -l) key files into $keys"
