#!/bin/sh
# certbot deploy hook: copies the renewed TURN certificate where the unprivileged turnserver user can read it,
# then restarts coturn so that new TLS connections use it.
# Install: install -m 0755 certbot-deploy-hook.sh /etc/letsencrypt/renewal-hooks/deploy/tabib-coturn.sh
# Settings (environment or defaults): TURN_HOST (certificate name), TURN_CERT_OWNER (user or uid owning the copy).
set -eu
TURN_HOST="${TURN_HOST:-turn.example.org}"
OWNER="${TURN_CERT_OWNER:-turnserver}"
LIVE="/etc/letsencrypt/live/$TURN_HOST"
DEST=/etc/coturn/certs

# certbot sets RENEWED_LINEAGE; skip renewals of other certificates.
if [ -n "${RENEWED_LINEAGE:-}" ] && [ "$RENEWED_LINEAGE" != "$LIVE" ]; then
  exit 0
fi
install -d -m 0750 -o root -g root "$DEST"
install -m 0644 -o root -g root "$LIVE/fullchain.pem" "$DEST/fullchain.pem.new"
install -m 0600 -o "$OWNER" -g root "$LIVE/privkey.pem" "$DEST/privkey.pem.new"
mv -f "$DEST/fullchain.pem.new" "$DEST/fullchain.pem"
mv -f "$DEST/privkey.pem.new" "$DEST/privkey.pem"
chgrp "$(id -g "$OWNER" 2>/dev/null || echo root)" "$DEST" 2>/dev/null || true
chmod 0750 "$DEST"
# Running relays are dropped by a restart; clients recover with an ICE restart. certbot renews ~30 days early,
# so this runs rarely; `systemctl restart` is skipped under Compose (restart the coturn container instead).
if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet coturn; then
  systemctl restart coturn
fi
