#!/usr/bin/env bash
# Copy pinned front-end packages (package.json / package-lock.json) into web/static/vendor.
set -euo pipefail
cd "$(dirname "$0")/.."
npm ci --no-audit --no-fund >/dev/null
mkdir -p web/static/vendor
cp node_modules/htmx.org/dist/htmx.min.js web/static/vendor/htmx-2.0.4.min.js
cp node_modules/chart.js/dist/chart.umd.js web/static/vendor/chart-4.4.7.umd.js
echo "vendored: htmx 2.0.4, chart.js 4.4.7"
