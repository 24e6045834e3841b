#!/bin/sh
# A stand-in for your staging and its deploy step, for the example pipelines beside this file:
# nginx in front of a blue and a green app process, switched the way the seed's deploy job does
# it: start the idle colour, wait until healthy, point the include at it, nginx -t, nginx -s
# reload, let the old colour drain, stop it. In your pipeline your own deploy takes its place.
#
#   examples/ci/staging.sh up       nginx on 127.0.0.1:$STAGING_PORT (default 8080) in front of blue
#   examples/ci/staging.sh deploy   switch to the other colour (the gate runs it at each switch)
#   examples/ci/staging.sh down     stop nginx and the apps
#
# The apps are the harness's fixture (node_modules/downtime-harness/dist/fixture/app.mjs, or
# $STAGING_APP). nginx sends `Connection: close` on every response, the usual fix, so a switch
# loses no request and the gate passes; set STAGING_FIX=none for plain keep-alive, which loses
# requests at each reload (the seed's problem), and watch the gate fail the build.
set -eu

DIR=${STAGING_DIR:-${TMPDIR:-/tmp}/downtime-staging}
PORT=${STAGING_PORT:-8080}
APP=${STAGING_APP:-node_modules/downtime-harness/dist/fixture/app.mjs}
NGINX=${NGINX_BIN:-$(command -v nginx || echo /usr/sbin/nginx)}
# -e: its own error log from the start, so nginx run by a user who cannot write /var/log works too
nginx_() { "$NGINX" -e "$DIR/error.log" -c "$DIR/nginx.conf" -p "$DIR" "$@"; }
port_of() { if [ "$1" = blue ]; then echo $((PORT + 1)); else echo $((PORT + 2)); fi; }

start_app() { # colour
  # The fixture stops when its parent goes, so its parent is a shell that outlives this script;
  # stopping that shell stops the app, gracefully.
  nohup sh -c "node '$APP' --colour $1 --port $(port_of "$1"); :" >"$DIR/$1.log" 2>&1 &
  echo $! >"$DIR/$1.pid"
  i=0
  until curl -sf -o /dev/null "http://127.0.0.1:$(port_of "$1")/__health"; do
    i=$((i + 1)); [ $i -lt 100 ] || { echo "staging: $1 did not become healthy" >&2; cat "$DIR/$1.log" >&2; exit 1; }
    sleep 0.1
  done
}
stop_app() { # colour: SIGTERM to the app (graceful), and wait until it is gone and its port free
  [ -f "$DIR/$1.pid" ] || return 0
  shell=$(cat "$DIR/$1.pid")
  app=$(sed -n 's/.*"pid":\([0-9]*\).*/\1/p' "$DIR/$1.log" | head -n 1)
  kill "${app:-$shell}" 2>/dev/null || true
  i=0
  while kill -0 "${app:-$shell}" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
  kill "$shell" 2>/dev/null || true
  rm -f "$DIR/$1.pid"
}
point_at() { # colour
  echo "set \$service_url http://127.0.0.1:$(port_of "$1");" >"$DIR/service-url.inc.new"
  mv "$DIR/service-url.inc.new" "$DIR/service-url.inc"
  echo "$1" >"$DIR/live"
}

case "${1:-}" in
  up)
    mkdir -p "$DIR/temp"
    if [ "${STAGING_FIX:-close}" = close ]; then fix='add_header Connection "close" always;'; else fix=''; fi
    if [ "$(id -u)" = 0 ]; then user='user root;'; else user=''; fi
    cat >"$DIR/nginx.conf" <<CONF
$user
worker_processes 2;
pid $DIR/nginx.pid;
error_log $DIR/error.log notice;
events { worker_connections 1024; }
http {
    access_log off;
    client_body_temp_path $DIR/temp/client_body;
    proxy_temp_path $DIR/temp/proxy;
    fastcgi_temp_path $DIR/temp/fastcgi;
    uwsgi_temp_path $DIR/temp/uwsgi;
    scgi_temp_path $DIR/temp/scgi;
    keepalive_timeout 60s;
    server {
        listen 127.0.0.1:$PORT;
        include $DIR/service-url.inc;
        location / {
            proxy_pass \$service_url;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            $fix
        }
    }
}
CONF
    start_app blue
    point_at blue
    nginx_ -t -q
    nginx_
    echo "staging: http://127.0.0.1:$PORT/ in front of blue"
    ;;
  deploy)
    from=$(cat "$DIR/live")
    if [ "$from" = blue ]; then to=green; else to=blue; fi
    start_app "$to"
    point_at "$to"
    nginx_ -t -q
    nginx_ -s reload
    sleep "${STAGING_DRAIN:-1}"
    stop_app "$from"
    echo "staging: $from -> $to"
    ;;
  down)
    if [ -f "$DIR/nginx.pid" ]; then nginx_ -s quit 2>/dev/null || true; fi
    stop_app blue
    stop_app green
    ;;
  *)
    echo "usage: $0 up|deploy|down" >&2
    exit 2
    ;;
esac
