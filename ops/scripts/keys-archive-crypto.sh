# shellcheck shell=bash
# Encryption of the key archives, shared by backup-keys.sh and restore-keys.sh: OpenPGP symmetric encryption by
# GnuPG (AES-256 with its integrity check, passphrase stretched by iterated-salted SHA-512), in a throwaway GnuPG
# home so that nothing is read from or left in the operator's keyrings, and no passphrase is cached.

MIN_ARCHIVE_PASSPHRASE_LENGTH=20

# require_archive_passphrase FILE: fails with a message unless FILE holds a passphrase of at least 20 characters.
require_archive_passphrase() {
  local file="$1" length
  if [[ -z "$file" ]]; then
    echo "error: no archive passphrase: set TABIB_KEYS_BACKUP_PASSPHRASE_FILE or pass --passphrase-file" \
         "(a file holding at least $MIN_ARCHIVE_PASSPHRASE_LENGTH characters, e.g. openssl rand -base64 33)" >&2
    return 1
  fi
  if [[ ! -r "$file" ]]; then
    echo "error: cannot read the archive passphrase file $file" >&2
    return 1
  fi
  length="$(head -n 1 "$file" | tr -d '\r\n' | wc -m)"
  if ((length < MIN_ARCHIVE_PASSPHRASE_LENGTH)); then
    echo "error: the archive passphrase in $file is too short ($length characters; at least $MIN_ARCHIVE_PASSPHRASE_LENGTH)" >&2
    return 1
  fi
  command -v gpg >/dev/null 2>&1 || { echo "error: gpg is required (apt-get install gnupg)" >&2; return 1; }
}

# gpg_isolated ARGS...: gpg in a private, temporary home, non-interactive, its agent stopped afterwards.
gpg_isolated() {
  local home status=0
  home="$(mktemp -d -t tabib-gpg.XXXXXX)"
  chmod 700 "$home"
  gpg --homedir "$home" --batch --quiet --no-tty --pinentry-mode loopback --no-symkey-cache "$@" || status=$?
  gpgconf --homedir "$home" --kill gpg-agent >/dev/null 2>&1 || true
  rm -rf "$home"
  return "$status"
}

# encrypt_archive PASSPHRASE_FILE: stdin to stdout.
encrypt_archive() {
  gpg_isolated --passphrase-file "$1" --symmetric --cipher-algo AES256 --s2k-mode 3 --s2k-digest-algo SHA512 \
    --s2k-count 65011712 --compress-algo none --force-mdc --output - -
}

# decrypt_archive PASSPHRASE_FILE ARCHIVE: to stdout; fails on a wrong passphrase or a modified archive.
decrypt_archive() {
  gpg_isolated --passphrase-file "$1" --decrypt --output - "$2"
}
