# The load agent (harness/agents/agent.ts): the harness's load generator and recorder alone,
# bundled into agent.mjs + worker.mjs (no node_modules), on Debian trixie's Node 20. Built by
# `npm run images` as downtime-agent:trixie, with the bundle's directory as the build context.
#   docker run --rm --network host downtime-agent:trixie http://<coordinator host>:<port>
ARG BASE=downtime-base:trixie
FROM ${BASE}
RUN apt-get -o Acquire::Check-Valid-Until=false update \
 && apt-get install -y --no-install-recommends nodejs \
 && rm -rf /var/lib/apt/lists/* \
 && node --version
COPY agent.mjs worker.mjs /agent/
ENTRYPOINT ["node", "/agent/agent.mjs"]
