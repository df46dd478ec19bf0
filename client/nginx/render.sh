#!/bin/sh
# Renders the nginx config for one place: the image (Dockerfile) and the
# browser test (client/e2e) both call this, so they run the same config.
#   render.sh OUT_DIR ROOT PORT RUNTIME_DIR STATUS_PORT
# writes OUT_DIR/nginx.conf, OUT_DIR/conf.d/default.conf (the public server
# on PORT), OUT_DIR/conf.d/status.conf (stub_status on 127.0.0.1:STATUS_PORT,
# for the metrics sidecar), OUT_DIR/security-headers.conf and
# OUT_DIR/spa-routes.conf (the client's routes, from scripts/nginx-routes.mjs). OUT_DIR also
# needs a mime.types (the image and Debian's nginx ship
# /etc/nginx/mime.types).
set -eu
if [ $# -ne 5 ]; then
  echo "usage: $0 OUT_DIR ROOT PORT RUNTIME_DIR STATUS_PORT" >&2
  exit 2
fi
out=$1 root=$2 port=$3 runtime=$4 status_port=$5
here=$(cd "$(dirname "$0")" && pwd)
case $port in ''|*[!0-9]*) echo "render.sh: PORT must be a number, got '$port'" >&2; exit 2 ;; esac
case $status_port in ''|*[!0-9]*) echo "render.sh: STATUS_PORT must be a number, got '$status_port'" >&2; exit 2 ;; esac
if [ "$status_port" = "$port" ]; then
  echo "render.sh: STATUS_PORT must differ from PORT ($port)" >&2
  exit 2
fi
mkdir -p "$out/conf.d"
subst() {
  sed -e "s|\${NGINX_ROOT}|$root|g" -e "s|\${NGINX_PORT}|$port|g" -e "s|\${NGINX_RUNTIME_DIR}|$runtime|g" \
    -e "s|\${NGINX_STATUS_PORT}|$status_port|g" "$1"
}
subst "$here/nginx.conf.template" > "$out/nginx.conf"
subst "$here/default.conf.template" > "$out/conf.d/default.conf"
subst "$here/status.conf.template" > "$out/conf.d/status.conf"
cp "$here/security-headers.conf" "$out/security-headers.conf"
cp "$here/spa-routes.conf" "$out/spa-routes.conf"
if grep -n '\${NGINX_' "$out/nginx.conf" "$out/conf.d/default.conf" "$out/conf.d/status.conf"; then
  echo "render.sh: unrendered variables left" >&2
  exit 1
fi
