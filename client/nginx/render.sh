#!/bin/sh
# Renders the nginx config for one place: the image (Dockerfile) and the
# browser test (client/e2e) both call this, so they run the same config.
#   render.sh OUT_DIR ROOT PORT RUNTIME_DIR
# writes OUT_DIR/nginx.conf, OUT_DIR/conf.d/default.conf and
# OUT_DIR/security-headers.conf. OUT_DIR also needs a mime.types (the image
# and Debian's nginx ship /etc/nginx/mime.types).
set -eu
if [ $# -ne 4 ]; then
  echo "usage: $0 OUT_DIR ROOT PORT RUNTIME_DIR" >&2
  exit 2
fi
out=$1 root=$2 port=$3 runtime=$4
here=$(cd "$(dirname "$0")" && pwd)
case $port in ''|*[!0-9]*) echo "render.sh: PORT must be a number, got '$port'" >&2; exit 2 ;; esac
mkdir -p "$out/conf.d"
subst() {
  sed -e "s|\${NGINX_ROOT}|$root|g" -e "s|\${NGINX_PORT}|$port|g" -e "s|\${NGINX_RUNTIME_DIR}|$runtime|g" "$1"
}
subst "$here/nginx.conf.template" > "$out/nginx.conf"
subst "$here/default.conf.template" > "$out/conf.d/default.conf"
cp "$here/security-headers.conf" "$out/security-headers.conf"
if grep -n '\${NGINX_' "$out/nginx.conf" "$out/conf.d/default.conf"; then
  echo "render.sh: unrendered variables left" >&2
  exit 1
fi
