"""The multi-worker deployment files agree with the settings the code reads (Docker itself cannot run here).

docker-compose.yml is loaded as YAML and its workers' environment is parsed by the real Settings; the Caddyfile
is checked by Caddy's own parser when the `caddy` binary is installed, and a real Caddy in front of a real
aiohttp server shows that a forged X-Forwarded-For does not reach the worker as the citizen's address.
"""
from __future__ import annotations

import asyncio
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from aiohttp import ClientSession, web

from handlers.runtime.security import client_address
from handlers.runtime.settings import Settings, variable, variables
from tests.conftest import REPO

sys.path.insert(0, str(REPO / "bench"))
from cluster import caddyfile

COMPOSE = yaml.safe_load((REPO / "docker-compose.yml").read_text(encoding="utf-8"))
CADDY = shutil.which("caddy")
needs_caddy = pytest.mark.skipif(CADDY is None, reason="caddy is not installed (apt-get install -y caddy)")
DOT_ENV = {"POSTGRES_PASSWORD": "matkhau123", "DVCBOT_SECRET": "s" * 40, "WORKERS": "3",
           "PUBLIC_DOMAIN": "dvc.tinh.gov.vn"}


def interpolate(value: str, env: dict[str, str]) -> str:
    """Compose's ${NAME}, ${NAME:-default} and ${NAME:?error}, as `docker compose config` would resolve them."""
    def one(m: re.Match) -> str:
        name, op, rest = m.group(1), m.group(2), m.group(3) or ""
        if env.get(name):
            return env[name]
        if op == ":?":
            raise KeyError(f"{name}: {rest}")
        return rest if op == ":-" else ""
    return re.sub(r"\$\{(\w+)(?:(:-|:\?)([^}]*))?\}", one, value)


def worker_env(env: dict[str, str] = DOT_ENV) -> dict[str, str]:
    return {k: interpolate(str(v), env) for k, v in COMPOSE["services"]["dvcbot"]["environment"].items()}


def test_the_layout_is_postgres_workers_and_caddy():
    services = COMPOSE["services"]
    assert set(services) == {"postgres", "dvcbot", "proxy"}
    assert services["postgres"]["image"].startswith("postgres:")
    assert services["proxy"]["image"].startswith("caddy:")
    assert services["dvcbot"]["build"] == "." and (REPO / "Dockerfile").exists()
    assert interpolate(str(services["dvcbot"]["deploy"]["replicas"]), DOT_ENV) == "3"
    assert interpolate(str(services["dvcbot"]["deploy"]["replicas"]), {}) == "2"
    assert services["dvcbot"]["depends_on"]["postgres"]["condition"] == "service_healthy"
    # only Caddy faces the network: a worker with a published port would take X-Forwarded-For from anyone
    assert "ports" not in services["dvcbot"] and "ports" not in services["postgres"]


def test_every_worker_variable_is_a_setting_and_the_settings_parse():
    env = worker_env()
    known = {variable(name) for name in variables()}
    assert [k for k in env if k not in known] == []
    settings = Settings.from_env(env)
    assert settings.behind_proxy is True
    assert settings.secret == DOT_ENV["DVCBOT_SECRET"]
    assert settings.port == 8080 and settings.host == "0.0.0.0"
    # the shared database is the compose service, with its user, password and database
    pg = COMPOSE["services"]["postgres"]["environment"]
    assert settings.database_url == (f"postgresql://{pg['POSTGRES_USER']}:{DOT_ENV['POSTGRES_PASSWORD']}"
                                     f"@postgres:5432/{pg['POSTGRES_DB']}")


def test_compose_refuses_to_start_without_the_password_or_the_shared_secret():
    for missing in ("POSTGRES_PASSWORD", "DVCBOT_SECRET"):
        with pytest.raises(KeyError, match=missing):
            worker_env({k: v for k, v in DOT_ENV.items() if k != missing})


def test_knowledge_and_index_are_on_volumes_every_worker_shares():
    worker = COMPOSE["services"]["dvcbot"]
    env = worker_env()
    mounts = {target: source for source, target in (v.split(":")[:2] for v in worker["volumes"])}
    assert mounts[env["DVCBOT_KNOWLEDGE_DIR"]] in COMPOSE["volumes"]
    assert mounts[env["DVCBOT_INDEX_DIR"]] in COMPOSE["volumes"]
    named = {v.split(":")[0] for s in COMPOSE["services"].values() for v in s.get("volumes", [])
             if not v.startswith(".")}
    assert named <= set(COMPOSE["volumes"])
    # the image fills those volumes the first time, owned by the service user so approvals can write
    docker = (REPO / "Dockerfile").read_text(encoding="utf-8")
    assert f"DVCBOT_KNOWLEDGE_DIR={env['DVCBOT_KNOWLEDGE_DIR']}" in docker
    assert f"DVCBOT_INDEX_DIR={env['DVCBOT_INDEX_DIR']}" in docker
    assert "chown -R dvcbot:dvcbot /app/knowledge /app/index" in docker


def test_the_proxy_reaches_the_workers_by_service_name_and_port():
    caddy = (REPO / "deploy" / "Caddyfile").read_text(encoding="utf-8")
    assert f"dynamic a dvcbot {worker_env()['DVCBOT_PORT']}" in caddy
    proxy = COMPOSE["services"]["proxy"]
    assert "./deploy/Caddyfile:/etc/caddy/Caddyfile:ro" in proxy["volumes"]
    # no trusted_proxies directive: Caddy then replaces any X-Forwarded-For a client sends
    assert not re.search(r"^\s*trusted_proxies\b", caddy, re.MULTILINE)


def adapt(text: str, tmp_path: Path) -> dict:
    path = tmp_path / "Caddyfile"
    path.write_text(text, encoding="utf-8")
    done = subprocess.run([CADDY, "adapt", "--config", str(path), "--adapter", "caddyfile"], check=False,
                          capture_output=True, text=True, env={**os.environ, "PUBLIC_DOMAIN": "dvc.tinh.gov.vn"})
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def timeouts(config: dict) -> set[tuple]:
    keys = ("read_timeout", "read_header_timeout", "write_timeout", "idle_timeout")
    return {tuple(server.get(k) for k in keys) for server in config["apps"]["http"]["servers"].values()}


def proxy_settings(config: dict) -> list[dict]:
    found = []

    def walk(node):
        if isinstance(node, dict):
            if node.get("handler") == "reverse_proxy":
                found.append({k: node.get(k) for k in ("transport", "load_balancing", "headers")})
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)
    walk(config)
    return found


@needs_caddy
def test_caddy_accepts_the_deployment_and_the_bench_runs_the_same_settings(tmp_path):
    deployed = adapt((REPO / "deploy" / "Caddyfile").read_text(encoding="utf-8"), tmp_path)
    bench = adapt(caddyfile(8081, ["127.0.0.1:9001", "127.0.0.1:9002"]), tmp_path)
    (read, header, _write, _idle), = timeouts(deployed)
    assert header and header <= 10 * 10**9 and read and read <= 60 * 10**9  # slow clients are cut off
    assert timeouts(bench) == timeouts(deployed)
    assert {json.dumps(p, sort_keys=True) for p in proxy_settings(bench)} == \
           {json.dumps(p, sort_keys=True) for p in proxy_settings(deployed)}


@needs_caddy
async def test_a_forged_forwarded_for_does_not_reach_the_worker(tmp_path, unused_tcp_port_factory):
    """Behind Caddy, the worker takes the last X-Forwarded-For address: Caddy's, not what the client wrote."""
    seen: list[str] = []

    async def echo(request: web.Request) -> web.Response:
        seen.append(client_address(request, behind_proxy=True))
        return web.json_response({"status": "ok"})

    app = web.Application()
    app.router.add_get("/healthz", echo)
    runner = web.AppRunner(app)
    await runner.setup()
    worker_port, proxy_port = unused_tcp_port_factory(), unused_tcp_port_factory()
    await web.TCPSite(runner, "127.0.0.1", worker_port).start()
    config = tmp_path / "Caddyfile"
    config.write_text(caddyfile(proxy_port, [f"127.0.0.1:{worker_port}"]), encoding="utf-8")
    caddy = subprocess.Popen([CADDY, "run", "--config", str(config), "--adapter", "caddyfile"],
                             env={**os.environ, "XDG_DATA_HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path)},
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        async with ClientSession() as http:
            for _ in range(100):
                try:
                    async with http.get(f"http://127.0.0.1:{proxy_port}/healthz",
                                        headers={"X-Forwarded-For": "203.0.113.9, 198.51.100.7"}) as r:
                        if r.status == 200:
                            break
                except OSError:
                    pass
                await asyncio.sleep(0.1)
        assert seen and set(seen) == {"127.0.0.1"}
    finally:
        caddy.terminate()
        caddy.wait(10)
        await runner.cleanup()
