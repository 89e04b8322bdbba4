# One image for `nestor bot` and `nestor worker` (and every other nestor command), on the current
# Node.js LTS (26, Active LTS since October 2026):
#   docker run --rm -p 3000:3000 -e SLACK_SIGNING_SECRET=... -e SLACK_BOT_TOKEN=xoxb-... -e REDIS_URL=redis://redis:6379 \
#     -e NESTOR_CONFIG=git@github.com:acme/nestor-config.git -e NESTOR_HISTORY=git@github.com:acme/nestor-history.git \
#     -v $HOME/.nestor-ssh:/home/nestor/.ssh:ro nestor bot
#   docker run --rm -e SLACK_BOT_TOKEN=xoxb-... -e REDIS_URL=redis://redis:6379 \
#     -e NESTOR_CONFIG=git@github.com:acme/nestor-config.git -e NESTOR_HISTORY=git@github.com:acme/nestor-history.git \
#     -v $HOME/.nestor-ssh:/home/nestor/.ssh:ro -v $HOME/.kube:/home/nestor/.kube:ro -v nestor-state:/home/nestor/state nestor worker
# The bot never reads a kubeconfig; the worker reads $KUBECONFIG, else ~/.kube/config. The .ssh
# folder holds a key that may read and push both repositories, and known_hosts (ssh never prompts
# here). Every setting, and which are required: README.md, "Slack: nestor bot and nestor worker".
# `nestor api` (CI's HTTP API) runs from it too, with the bot's settings but the signing secret and
# NESTOR_API_TOKENS: README.md, "The HTTP API: nestor api".
FROM node:26-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.app.json ./
COPY src ./src
# The application only: benches and their test helpers stay out of the image.
# The test and demo kit (fakes, the Kubernetes API simulator, the demo world) stays out too.
RUN npx tsc -p tsconfig.app.json && rm -rf dist/src/testkit dist/src/main/shell.js dist/src/main/kube-sim.js && npm prune --omit=dev

FROM node:26-slim
# postgresql-client: pg_dump, pg_restore and psql of the postgresql datastores.
RUN apt-get update && apt-get install -y --no-install-recommends git openssh-client ca-certificates postgresql-client \
  && rm -rf /var/lib/apt/lists/* \
  && useradd --create-home --uid 10001 nestor
WORKDIR /app
ENV NODE_ENV=production NESTOR_STATE=/home/nestor/state
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY bin ./bin
COPY templates ./templates
COPY nestor-config ./nestor-config
USER nestor
# 3000: the bot's /slack/events and `nestor api` (PORT); 9095: every process's /healthz, /readyz and
# /metrics (NESTOR_HEALTH_PORT).
EXPOSE 3000 9095
ENTRYPOINT ["node", "/app/bin/nestor.js"]
CMD ["help"]
