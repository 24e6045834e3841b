# nginx from a Debian suite: the suite decides the version (bookworm 1.22, trixie 1.26, sid 1.30).
# Built by `npm run images` (or `npm run setup -- --with-docker`) as downtime-nginx:<suite>, on a
# base image that is either pulled (debian:<suite>-slim) or made locally with debootstrap.
ARG BASE=downtime-base:bookworm
FROM ${BASE}
# Valid-Until is not checked: a frozen mirror snapshot (as on the machines this is built on) serves
# a sid Release file that expired after the snapshot was taken.
RUN apt-get -o Acquire::Check-Valid-Until=false update \
 && apt-get install -y --no-install-recommends nginx \
 && rm -rf /var/lib/apt/lists/* \
 && nginx -v
# The harness copies its own nginx.conf in before the container starts; this is for by-hand use.
CMD ["nginx", "-g", "daemon off;"]
