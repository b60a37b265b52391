# One image for both roles of the scaled deployment: `blokhub serve` (API) and `blokhub worker`.

# The API docs' Swagger UI, from the npm package pinned in package-lock.json (as `make install` does).
FROM node:20-slim AS web-assets
WORKDIR /assets
COPY package.json package-lock.json ./
RUN SCARF_ANALYTICS=false npm ci --ignore-scripts --no-audit --no-fund

FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 HF_HUB_OFFLINE=1
WORKDIR /app

COPY pyproject.toml README.md ./
COPY blokhub ./blokhub
COPY --from=web-assets /assets/node_modules/swagger-ui-dist/swagger-ui-bundle.js \
     /assets/node_modules/swagger-ui-dist/swagger-ui-standalone-preset.js \
     /assets/node_modules/swagger-ui-dist/swagger-ui.css \
     /assets/node_modules/swagger-ui-dist/LICENSE ./blokhub/web/static/vendor/swagger-ui/
RUN pip install --upgrade pip && pip install .

RUN useradd --create-home --uid 10001 blokhub && mkdir -p /data && chown blokhub /data
USER blokhub
ENV BLOKHUB_DATA_DIR=/data BLOKHUB_HOST=0.0.0.0 BLOKHUB_PORT=8000
EXPOSE 8000
HEALTHCHECK CMD python -c "import urllib.request,sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/health').status != 200)"
CMD ["blokhub", "serve"]
