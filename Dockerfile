# One image recipe for every Lynx app: docker build --build-arg APP=registry -t lynx-registry .
# The build stage bundles apps/$APP (and the @lynx/* libs it uses) into one file with
# tools/build/build-app.js; the runtime stage holds only production dependencies and that bundle.

FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
RUN npm ci
COPY . .
ARG APP
RUN test -n "$APP" || (echo "build with --build-arg APP=<app>" >&2; exit 1)
RUN node tools/build/build-app.js "$APP"
# The console also serves its single-page app, built beside its bundle (dist/apps/console/web).
RUN if [ "$APP" = console ]; then npx vite build --config apps/console/web/vite.config.mjs; fi

FROM node:20-bookworm-slim AS runtime
ARG APP
ENV NODE_ENV=production \
    LYNX_DATA_DIR=/data
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
RUN npm ci --omit=dev && npm cache clean --force
COPY --from=build /app/dist/apps/${APP} ./dist/app
RUN mkdir -p /data && chown node:node /data
VOLUME ["/data"]
USER node
# Exec form: node itself gets SIGTERM from `docker stop`, so the app shuts down gracefully.
CMD ["node", "--enable-source-maps", "dist/app/main.js"]
