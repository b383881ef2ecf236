# syntax=docker/dockerfile:1
# discord-auto-content: the API server and its worker bundle. Untested here (these machines run
# no Docker engine); see docs/operations.md.

FROM node:20-bookworm AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY . .
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
ENV NODE_ENV=production HOST=0.0.0.0 PORT=3000 DATA_DIR=/data CONTENT_DIR=/app/assets
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
# Writable by the server's user: the first worker writes the bundle's V8 code cache beside it.
COPY --from=build --chown=node:node /app/dist ./dist
COPY --from=build /app/assets ./assets
RUN mkdir -p /data && chown node:node /data
USER node
EXPOSE 3000
# Node handles SIGTERM itself (graceful shutdown of every worker); no shell in between.
CMD ["node", "dist/server.js"]
