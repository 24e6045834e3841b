# The harness itself, its entry point the CLI (docs/INSTALL.md): the npm package installed with
# its runtime dependencies, on Debian trixie's Node 20, with nginx for the scenarios and curl for
# switch commands. Built by `npm run harness-image` as downtime-harness (and :<version>), with a
# context that npm already filled: opt/downtime-harness/node_modules (the packed tarball installed
# without optional dependencies, so no PNG charts: report.html draws the same charts).
#   docker run --rm --network host -v "$PWD/reports:/work/reports" downtime-harness measure --url http://127.0.0.1:8080/
ARG BASE=downtime-base:trixie
FROM ${BASE}
# Valid-Until is not checked: a frozen mirror snapshot (as on the machines this is built on) may
# serve a Release file that expired after the snapshot was taken.
RUN apt-get -o Acquire::Check-Valid-Until=false update \
 && apt-get install -y --no-install-recommends nodejs nginx curl ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && node --version && nginx -v
COPY opt/ /opt/
# Run directories go to /work/reports: mount a folder there to keep them.
WORKDIR /work
ENTRYPOINT ["node", "/opt/downtime-harness/node_modules/downtime-harness/bin/downtime-harness.mjs"]
CMD ["--help"]
