#!/usr/bin/env bash
# Re-download the pinned Swagger UI that /api/docs serves (server/web/docs.py), so that
# the docs page needs nothing but this server (no CDN). Files are copied as published
# on npm; only the comments pointing at source maps (not vendored) are removed.
#
# Usage: server/web/swagger-ui/refresh.sh   (needs npm; writes into this folder)
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
VERSION=5.35.0
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

(cd "$WORK" && npm pack --silent "swagger-ui-dist@$VERSION" >/dev/null 2>&1 && tar xzf ./*.tgz)
SRC="$WORK/package"
rm -rf "$HERE/licenses" && mkdir -p "$HERE/licenses"
cp "$SRC/swagger-ui-bundle.js" "$SRC/swagger-ui-standalone-preset.js" "$SRC/swagger-ui.css" "$HERE/"
cp "$SRC/LICENSE" "$HERE/licenses/swagger-ui-dist.LICENSE"
cp "$SRC/NOTICE" "$HERE/licenses/swagger-ui-dist.NOTICE"
cp "$SRC/swagger-ui-bundle.js.LICENSE.txt" "$SRC/swagger-ui-standalone-preset.js.LICENSE.txt" "$HERE/licenses/"
sed -i 's#/\*\# sourceMappingURL=[^*]*\*/##; /^\/\/# sourceMappingURL=/d' "$HERE"/*.css "$HERE"/*.js
sed -i "s/^swagger-ui-dist\t[^\t]*/swagger-ui-dist\t$VERSION/" "$HERE/VERSIONS"
echo "vendored swagger-ui-dist $VERSION into $HERE"
