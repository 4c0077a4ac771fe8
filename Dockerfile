# One image for every Rappit process; the command picks which:
#   web (default)  node --import tsx server/web.ts       GET /healthz, /readyz, /metrics on PORT
#   workers        node --import tsx workers/index.ts    GET /metrics on METRICS_PORT
#   migrations     node --import tsx scripts/migrate.ts  one-shot, before a new version starts
#   doctor         node --import tsx scripts/doctor.ts [--shop <domain>] [--json]
# See docs/deploy.md. No secret is baked in: every setting comes from the environment.

# ---- build: every dependency, the Prisma client, the Remix/Vite build -------------------
FROM node:22-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# Scripts skipped: @prisma/client's postinstall would generate before the schema is here.
RUN npm ci --ignore-scripts
COPY prisma ./prisma
COPY prisma.config.ts ./
# engineType "client" + the JS engine: generates without downloading Prisma engines.
RUN npx prisma generate
COPY . .
RUN npx remix vite:build

# ---- runtime: production dependencies only, the build, and the server-side sources -------
FROM node:22-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts && npm cache clean --force
# The generated Prisma client (no query engine binary: it runs on @prisma/adapter-pg).
COPY --from=build /app/node_modules/.prisma ./node_modules/.prisma
COPY --from=build /app/build ./build
# tsx runs these at start: the web server around the build, the workers, the commands.
COPY tsconfig.json prisma.config.ts ./
COPY prisma ./prisma
COPY app ./app
COPY server ./server
COPY workers ./workers
COPY scripts ./scripts
COPY shopify.app.toml shopify.app.staging.toml shopify.app.production.toml ./
USER node
EXPOSE 3000 9464
# Node itself is PID 1's child of no wrapper: SIGTERM reaches the graceful shutdown directly.
CMD ["node", "--import", "tsx", "server/web.ts"]
