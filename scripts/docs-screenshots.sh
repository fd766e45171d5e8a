#!/usr/bin/env bash
# Refreshes the screenshots docs/console.md shows from the ones `npm run test:e2e`
# saved in test-results/screenshots/: the top of each page, scaled to 65 % and
# quantised, so that the committed PNGs stay small. Needs ImageMagick and pngquant
# (apt-get install -y imagemagick pngquant); not part of CI.
set -euo pipefail
cd "$(dirname "$0")/.."
SHOTS=(
  sign-in-with-provider-desktop:sign-in
  devices-desktop:devices
  devices-block-refused-phone:block-refused-phone
  access-drift-desktop:access-drift
  usage-desktop:usage
  activity-desktop:activity
  wifi-member-desktop:wifi-member
  account-2fa-qr-desktop:two-factor
)
mkdir -p docs/console
for pair in "${SHOTS[@]}"; do
  src="test-results/screenshots/${pair%%:*}.png"
  dst="docs/console/${pair##*:}.png"
  convert "$src" -crop x1400+0+0 +repage -resize 65% "$dst.tmp.png"
  pngquant --quality 60-85 --force --output "$dst" "$dst.tmp.png"
  rm -f "$dst.tmp.png"
done
du -sh docs/console
