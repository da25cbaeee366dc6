"""Several `dvcbot serve` workers on one throwaway PostgreSQL, behind one Caddy, all on 127.0.0.1.

The multi-worker layout of docker-compose.yml without Docker, for the load and crash benches: the database is
a fresh cluster from `bench/pg_test_server.sh` (Debian's `postgresql` package), each worker is the harness's
real server (its own log and data folder, the shared `DVCBOT_DATABASE_URL` and `DVCBOT_SECRET`,
`DVCBOT_BEHIND_PROXY=1`), and Caddy runs with the timeouts and load balancing of `deploy/Caddyfile`, its
upstreams the workers' loopback ports instead of the compose service's replicas.
"""
from __future__ import annotations

import asyncio
import itertools
import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

import aiohttp
from harness import REPO, Fakes, Platforms, Server, free_port, wait_healthy

PG_SERVER = REPO / "bench" / "pg_test_server.sh"
INSTALL_CADDY = "apt-get install -y caddy   (Debian/Ubuntu; or https://caddyserver.com/docs/install)"
INSTALL_POSTGRES = "apt-get install -y postgresql   (the bench starts its own throwaway server)"


def caddyfile(port: int, upstreams: list[str]) -> str:
    """deploy/Caddyfile's server timeouts and reverse_proxy settings, on loopback, with fixed upstreams."""
    return f"""{{
	admin off
	auto_https off
	servers {{
		timeouts {{
			read_header 10s
			read_body 30s
			write 60s
			idle 2m
		}}
	}}
}}

http://127.0.0.1:{port} {{
	request_body {{
		max_size 4MB
	}}
	reverse_proxy {' '.join(upstreams)} {{
		lb_policy round_robin
		lb_try_duration 5s
		fail_duration 10s
		transport http {{
			dial_timeout 2s
			response_header_timeout 60s
			keepalive 20s
		}}
		header_up X-Request-ID {{http.request.uuid}}
	}}
}}
"""


def caddy_binary() -> str:
    found = shutil.which("caddy")
    if not found:
        raise SystemExit(f"Caddy is needed in front of the workers and was not found: {INSTALL_CADDY}")
    return found


class Postgres:
    """A throwaway PostgreSQL cluster in a folder of its own (bench/pg_test_server.sh)."""

    def __init__(self) -> None:
        # a folder of its own, not inside the bench's private one: as root, the script runs PostgreSQL as the
        # `postgres` user, who must be able to reach it
        self.folder, self.url = Path(tempfile.mkdtemp(prefix="dvcbot-pg-")), ""

    def start(self) -> str:
        done = subprocess.run(["bash", str(PG_SERVER), "start", str(self.folder)], check=False, capture_output=True,
                              text=True)
        if done.returncode != 0:
            raise SystemExit(f"PostgreSQL did not start ({done.stderr.strip()[-500:]}); {INSTALL_POSTGRES}")
        self.url = done.stdout.strip().splitlines()[-1]
        return self.url

    def stop(self) -> None:
        subprocess.run(["bash", str(PG_SERVER), "stop", str(self.folder)], check=False, capture_output=True)

    def rows(self, sql: str) -> list[tuple]:
        import psycopg  # the `postgres` extra: only the PostgreSQL mode needs it
        with psycopg.connect(self.url, autocommit=True) as conn:
            return conn.execute(sql).fetchall()


class Proxy:
    """Caddy on a free loopback port in front of the given upstreams."""

    def __init__(self, folder: Path, upstreams: list[str]) -> None:
        self.folder, self.port = folder, free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        folder.mkdir(parents=True, exist_ok=True)
        self.config = folder / "Caddyfile"
        self.config.write_text(caddyfile(self.port, upstreams), encoding="utf-8")
        self.proc: subprocess.Popen | None = None

    async def start(self, timeout: float = 30) -> None:
        env = {**os.environ, "XDG_DATA_HOME": str(self.folder), "XDG_CONFIG_HOME": str(self.folder)}
        self._log = open(self.folder / "caddy.log", "ab")
        self.proc = subprocess.Popen([caddy_binary(), "run", "--config", str(self.config), "--adapter", "caddyfile"],
                                     env=env, stdout=self._log, stderr=subprocess.STDOUT)
        await wait_healthy(self.proc, self.url, timeout, lambda: f"caddy (see {self.folder / 'caddy.log'})")

    def cpu_seconds(self) -> float:
        fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.proc:
            self._log.close()


class Cluster:
    """PostgreSQL, `workers` servers sharing it and Caddy in front; `url` is the proxy's, as a citizen sees it.

    It answers what the benches ask of a single Server (url, cpu, memory, logs, stop, the stored rows), summed
    over the workers, so a bench runs unchanged on one SQLite server or on the cluster."""

    def __init__(self, workdir: Path, fakes: Fakes, index_dir: Path, workers: int, env: dict[str, str] | None = None,
                 **settings: str) -> None:
        self.workdir = workdir
        self.postgres = Postgres()
        self.servers = [Server(workdir / f"worker-{i}", fakes, index_dir, behind_proxy="1", **settings)
                        for i in range(workers)]
        for server in self.servers:
            server.env.update(env or {})
        self.proxy: Proxy | None = None
        self.url = ""

    async def start(self) -> None:
        url = self.postgres.start()
        try:
            for server in self.servers:
                server.workdir.mkdir(parents=True, exist_ok=True)
                server.env["DVCBOT_DATABASE_URL"] = url
            # together, as a deployment's workers start: the schema is created once, under an advisory lock
            await asyncio.gather(*(server.start() for server in self.servers))
            self.proxy = Proxy(self.workdir / "proxy", [s.url.removeprefix("http://") for s in self.servers])
            await self.proxy.start()
        except BaseException:
            self.stop()
            self.close()
            raise
        self.url = self.proxy.url

    def memory_mib(self) -> tuple[float, float]:
        """(resident now, sum of peaks) over the workers that are running."""
        got = [s.memory_mib() for s in self.servers if s.proc and s.proc.poll() is None]
        return sum(now for now, _ in got), sum(peak for _, peak in got)

    def cpu_seconds(self) -> float:
        return sum(s.cpu_seconds() for s in self.servers if s.proc and s.proc.poll() is None)

    def stop(self, timeout: float = 30) -> tuple[int | None, float]:
        """Caddy stopped, SIGTERM to every worker; (the worst exit code, the longest stop). PostgreSQL stays
        up for the checks until close()."""
        if self.proxy:
            self.proxy.stop()
        stops = [s.stop(timeout) for s in self.servers if s.proc and s.proc.poll() is None]
        codes = [code for code, _ in stops]
        worst = None if None in codes else max(codes, key=abs, default=0)
        return worst, max((seconds for _, seconds in stops), default=0.0)

    def close(self) -> None:
        """Stop and remove the throwaway PostgreSQL (after stop(), once its rows have been read)."""
        self.postgres.stop()

    def logs(self) -> list[str]:
        return [s.log() for s in self.servers]

    def log_problems(self) -> list[str]:
        return [line for s in self.servers for line in s.log_problems()]

    def rows(self, sql: str) -> list[tuple]:
        return self.postgres.rows(sql)

    def integrity(self) -> str:
        return "n/a (PostgreSQL)"



class TwinDeliveries(Platforms):
    """The web chat through the proxy; every Telegram update and Zalo event delivered twice at once, straight to
    two different workers, as a platform retrying while the first delivery is still running could. Each must
    be answered once (issue 21: a duplicate delivery sent to two workers is answered once)."""

    def __init__(self, cluster: Cluster, session: aiohttp.ClientSession) -> None:
        super().__init__(cluster, session)
        self.workers = [Platforms(server, session) for server in cluster.servers]
        self._turn = itertools.count()

    async def _twice(self, send) -> int:
        k = next(self._turn)
        first, second = self.workers[k % len(self.workers)], self.workers[(k + 1) % len(self.workers)]
        statuses = await asyncio.gather(send(first), send(second))
        return next((status for status in statuses if status != 200), 200)

    async def telegram(self, update: dict) -> int:
        return await self._twice(lambda platform: platform.telegram(update))

    async def zalo(self, event: dict) -> int:
        return await self._twice(lambda platform: platform.zalo(event))
