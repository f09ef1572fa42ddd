#!/usr/bin/env bash
# Re-download the pinned third-party ESM files of the PWA from the npm registry.
#
# The PWA has no build step: browsers load these files as they are. Two edits
# are made here, once, instead of at run time:
#   - bare imports ("preact", "preact/hooks", "@preact/signals-core") are
#     rewritten to relative paths, so index.html needs no inline import map and
#     the CSP can forbid every inline script;
#   - Leaflet and uPlot ship no minified ESM build, so esbuild (pinned, from
#     npm) minifies uPlot's ESM build and bundles Leaflet from its own ES modules
#     (src/), keeping only the parts views/tour-map.js uses (LEAFLET_PARTS below);
#     nothing else is bundled or transformed.
#
# Usage: pwa/vendor/refresh.sh   (needs node + npm; writes into pwa/vendor/)
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
ESBUILD=esbuild@0.28.2
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

# name version
PACKAGES="
preact 11.2.0
htm 3.1.1
@preact/signals 2.11.4
@preact/signals-core 1.14.5
dexie 4.4.7
leaflet 1.9.4
uplot 1.6.32
"

unpack() { # name version -> directory of the unpacked package
  local name="$1" version="$2" dir="$WORK/${1//\//_}"
  mkdir -p "$dir"
  (cd "$dir" && npm pack --silent "$name@$version" >/dev/null 2>&1 && tar xzf ./*.tgz)
  echo "$dir/package"
}

# What views/tour-map.js uses of Leaflet: a map (its gesture handlers, zoom and attribution
# controls), a tile layer, a polyline, circle markers with tooltips (vector renderers).
LEAFLET_PARTS="export {version} from '../package.json';
export {map} from './map/index';
import './control/Control.Zoom';
import './control/Control.Attribution';
export {tileLayer} from './layer/tile/TileLayer';
export {polyline} from './layer/vector/Polyline';
export {circleMarker} from './layer/vector/CircleMarker';
import './layer/vector/Renderer.getRenderer';
import './layer/Tooltip';"

rewrite_imports() { # file: bare specifiers -> relative vendored files
  sed -i \
    -e 's#from *"preact/hooks"#from"./preact-hooks.mjs"#g' \
    -e 's#from *"preact"#from"./preact.mjs"#g' \
    -e 's#from *"@preact/signals-core"#from"./signals-core.mjs"#g' \
    "$1"
  if grep -Eq 'from *"[^./][^"]*"' "$1"; then
    echo "refresh.sh: bare import left in $1" >&2; exit 1
  fi
}

rm -rf "$HERE/licenses" "$HERE/leaflet"
mkdir -p "$HERE/licenses" "$HERE/leaflet/images"
{
  echo "# Vendored third-party files of the PWA (written by refresh.sh; do not edit by hand)"
  echo "# name	version	file(s)	licence"
} > "$HERE/VERSIONS"

while read -r name version; do
  [ -z "$name" ] && continue
  src="$(unpack "$name" "$version")"
  licence="$(node -p "require('$src/package.json').license")"
  safe="${name//\//-}"; safe="${safe#@}"
  cp "$src/LICENSE" "$HERE/licenses/$safe.LICENSE"
  [ -f "$src/NOTICE" ] && cp "$src/NOTICE" "$HERE/licenses/$safe.NOTICE"
  case "$name" in
    preact)
      cp "$src/dist/preact.mjs" "$HERE/preact.mjs"
      cp "$src/hooks/dist/hooks.mjs" "$HERE/preact-hooks.mjs"
      rewrite_imports "$HERE/preact-hooks.mjs"
      files="preact.mjs preact-hooks.mjs" ;;
    htm)
      cp "$src/dist/htm.mjs" "$HERE/htm.mjs"; files="htm.mjs" ;;
    @preact/signals)
      cp "$src/dist/signals.mjs" "$HERE/signals.mjs"
      rewrite_imports "$HERE/signals.mjs"; files="signals.mjs" ;;
    @preact/signals-core)
      cp "$src/dist/signals-core.mjs" "$HERE/signals-core.mjs"; files="signals-core.mjs" ;;
    dexie)
      cp "$src/dist/modern/dexie.min.mjs" "$HERE/dexie.mjs"; files="dexie.mjs (dist/modern/dexie.min.mjs)" ;;
    leaflet)
      # Markers, popups, GeoJSON, image/video overlays, polygons and the layers and scale
      # controls are never used: bundling only the parts the tour map uses from Leaflet's own
      # modules spares the rep's tablet a quarter of the library (~11 KB gzipped). A new use
      # in views/tour-map.js needs its part exported here first.
      printf '%s\n' "$LEAFLET_PARTS" > "$src/src/tournee.js"
      npx --yes "$ESBUILD" "$src/src/tournee.js" --bundle --minify --format=esm \
        --banner:js="$(sed -n '1,/\*\//p' "$src/dist/leaflet-src.esm.js")" \
        --log-level=warning --outfile="$HERE/leaflet/leaflet.mjs"
      cp "$src/dist/leaflet.css" "$HERE/leaflet/leaflet.css"
      cp "$src/dist/images/"*.png "$HERE/leaflet/images/"
      files="leaflet/leaflet.mjs (src/ modules of LEAFLET_PARTS, bundled and minified) leaflet/leaflet.css leaflet/images/*" ;;
    uplot)
      npx --yes "$ESBUILD" "$src/dist/uPlot.esm.js" --minify --format=esm \
        --log-level=warning --outfile="$HERE/uplot.mjs"
      cp "$src/dist/uPlot.min.css" "$HERE/uplot.css"
      files="uplot.mjs (dist/uPlot.esm.js minified) uplot.css" ;;
  esac
  printf '%s\t%s\t%s\t%s\n' "$name" "$version" "$files" "$licence" >> "$HERE/VERSIONS"
done <<< "$PACKAGES"

# The source maps are not vendored: drop the comments that point at them.
sed -i '/^\/\/# sourceMappingURL=/d; s#//\# sourceMappingURL=[^ ]*$##' "$HERE"/*.mjs "$HERE"/leaflet/*.mjs

echo "vendored into $HERE"
