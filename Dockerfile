# saga-sim with a nats-server binary, for docker-compose.yml's saga-sim service.
FROM node:20-bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends nats-server && rm -rf /var/lib/apt/lists/*
ENV PATH="/usr/sbin:${PATH}"
WORKDIR /app
COPY package.json package-lock.json tsconfig.json tsconfig.build.json ./
COPY bin ./bin
COPY src ./src
COPY scenarios ./scenarios
RUN npm ci --no-audit --no-fund && npm prune --omit=dev
ENTRYPOINT ["node", "bin/saga-sim"]
CMD ["up", "--host", "0.0.0.0"]
