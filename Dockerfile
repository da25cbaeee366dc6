# Trợ lý DVC: the web chat (and the channel webhooks as they arrive) on port 8080.
# The same install steps as .ci/run: CPU-only torch first, then the project; the knowledge base is checked
# and indexed while the image is built, so a container starts answering in seconds.
#   docker build -t tro-ly-dvc .        (needs the internet: python:3.11-slim and PyTorch's CPU index)
FROM python:3.11-slim-bookworm

ARG TORCH_VERSION=2.13.0
ARG TORCH_INDEX_URL=https://download.pytorch.org/whl/cpu
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1 \
    HF_HUB_OFFLINE=1 \
    DVCBOT_HOST=0.0.0.0 DVCBOT_PORT=8080 DVCBOT_LOG_FORMAT=json \
    DVCBOT_KNOWLEDGE_DIR=/app/knowledge DVCBOT_INDEX_DIR=/app/index \
    DVCBOT_DATA_DIR=/data DVCBOT_DATABASE=/data/dvcbot.db

RUN groupadd --system --gid 10001 dvcbot \
 && useradd --system --uid 10001 --gid dvcbot --home-dir /app --no-create-home --shell /usr/sbin/nologin dvcbot
WORKDIR /app

# CPU-only torch first, so sentence-transformers does not pull GBs of CUDA packages.
RUN pip install "torch==$TORCH_VERSION" --extra-index-url "$TORCH_INDEX_URL"
COPY pyproject.toml README.md ./
COPY bot bot
COPY indexer indexer
COPY handlers handlers
RUN pip install ".[postgres]"

# Knowledge last: editing an entry rebuilds only these layers. The index lives in the image (docker-compose.yml
# copies both into volumes the workers share, owned by the service user so approved drafts can be written).
COPY knowledge knowledge
RUN dvcbot check \
 && dvcbot index --quiet \
 && mkdir -p /data \
 && chown -R dvcbot:dvcbot /app/knowledge /app/index /data

USER 10001:10001
# The SQLite database (WAL), its backups and secret.key: keep this volume, back it up with `dvcbot backup`.
VOLUME ["/data"]
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:' + os.environ.get('DVCBOT_PORT', '8080') + '/healthz', timeout=4)"]
CMD ["dvcbot", "serve"]
