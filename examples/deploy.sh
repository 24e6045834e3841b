#!/bin/sh
# A deploy job's switch step, as the seed's CI job does it: point the include at the new colour,
# test the configuration, reload. Run by the harness for each switch:
#
#   npm run scenario -- keepalive-60s --switch-cmd examples/deploy.sh
#   npm run scenario -- keepalive-60s --driver docker --switch-cmd examples/deploy.sh
#
# What the harness tells it: DOWNTIME_FROM_COLOUR, DOWNTIME_TO_COLOUR, DOWNTIME_UPSTREAM_FILE
# (the include), DOWNTIME_UPSTREAM_LINE (what the built-in switch would write there),
# DOWNTIME_NGINX and DOWNTIME_NGINX_ARGS (how to run this nginx), DOWNTIME_PROXY_PORT, and with
# the Docker driver DOWNTIME_NGINX_CONTAINER (run nginx there, with docker exec).
set -eu

in_nginx() {
  if [ -n "${DOWNTIME_NGINX_CONTAINER:-}" ]; then docker exec -i "$DOWNTIME_NGINX_CONTAINER" "$@"; else "$@"; fi
}

echo "deploy: $DOWNTIME_FROM_COLOUR -> $DOWNTIME_TO_COLOUR"
echo "$DOWNTIME_UPSTREAM_LINE" | in_nginx sh -c "cat > '$DOWNTIME_UPSTREAM_FILE.new' && mv '$DOWNTIME_UPSTREAM_FILE.new' '$DOWNTIME_UPSTREAM_FILE'"
in_nginx $DOWNTIME_NGINX $DOWNTIME_NGINX_ARGS -t -q
in_nginx $DOWNTIME_NGINX $DOWNTIME_NGINX_ARGS -s reload
