# One colour of the blue/green app: the harness's fixture (harness/stack/fixture/app.mjs) on
# Debian's Node. Built by `npm run images` as downtime-app:<suite>, with the fixture directory as
# the build context:  docker build -f docker/app.Dockerfile harness/stack/fixture
ARG BASE=downtime-base:bookworm
FROM ${BASE}
# Valid-Until is not checked: a frozen mirror snapshot (as on the machines this is built on) serves
# a sid Release file that expired after the snapshot was taken.
RUN apt-get -o Acquire::Check-Valid-Until=false update \
 && apt-get install -y --no-install-recommends nodejs \
 && rm -rf /var/lib/apt/lists/* \
 && node --version
COPY app.mjs /app/app.mjs
EXPOSE 8080
ENTRYPOINT ["node", "/app/app.mjs"]
CMD ["--colour", "blue", "--port", "8080", "--host", "0.0.0.0"]
