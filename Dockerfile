# One image for every layout: the monolith and each split-out service run the
# same build, chosen by configuration alone (SERVICES, <SERVICE>_URL).
#
#   docker build -t tskit .
#   docker run -p 8081:8081 -p 8080:8080 tskit                   # monolith
#   docker run -e SERVICES=addsvc -p 8081:8081 tskit             # addsvc alone

# --- build: compile TypeScript with the dev dependencies ---------------------
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY migrations ./migrations
COPY scripts/bundle.ts ./scripts/
RUN npm run build

# --- runtime: production dependencies and the compiled output only -----------
FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8081 \
    ADMIN_PORT=8080 \
    DATA_DIR=/app/data
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
# The embedded database (PGlite, when DATABASE_URL is unset) writes under DATA_DIR.
RUN mkdir -p /app/data && chown -R node:node /app/data
# The official image's unprivileged user; nothing in the image is writable by it but DATA_DIR.
USER node
EXPOSE 8081 8080 8082 8084
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.ADMIN_PORT||8080)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# Exec form: node is PID 1 and gets SIGTERM itself; main drains in-flight requests on it.
# The telemetry preload (as npm start has it) imports nothing unless an OTEL_* exporter is set.
CMD ["node", "--import", "./dist/src/telemetry.js", "dist/main.js"]
