"""deploy/: the compose file, the Dockerfile and the instance config agree with each other.

No Docker engine here, so the compose file is interpolated the way Compose does it (from
deploy/.env.example) and validated against the Compose Specification schema; `docker compose config`
runs too where the compose plugin exists.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from crfgen_dagster.db_check import DATA_SUBDIRS

REPO_ROOT = Path(__file__).resolve().parents[2]
DEPLOY = REPO_ROOT / "deploy"
COMPOSE_SCHEMA = Path(__file__).parent / "data" / "compose_spec.json"
APP_SERVICES = ("user_code", "webserver", "daemon", "api")
# ${VAR}, ${VAR:-default}, ${VAR-default}, ${VAR:?error}, ${VAR?error}; $$ is a literal $.
INTERPOLATION = re.compile(r"\$\$|\$\{(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?:(?P<op>:?[-?])(?P<arg>[^}]*))?\}")


def env_example() -> dict[str, str]:
    values = {}
    for line in (DEPLOY / ".env.example").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            key, _, value = line.partition("=")
            values[key.strip()] = value.strip()
    return values


def interpolate(text: str, env: dict[str, str]) -> str:
    def substitute(match: re.Match[str]) -> str:
        if match.group(0) == "$$":
            return "$"
        name, op, arg = match.group("name"), match.group("op"), match.group("arg")
        value = env.get(name)
        if op in (":-", "-"):
            return value if value or (op == "-" and value is not None) else arg
        if op in (":?", "?") and not value:
            raise KeyError(f"{name}: {arg}")
        if value is None:
            raise KeyError(f"{name} is used without a default and is not in .env.example")
        return value

    return INTERPOLATION.sub(substitute, text)


def compose(env: dict[str, str] | None = None) -> dict[str, Any]:
    text = (DEPLOY / "docker-compose.yml").read_text(encoding="utf-8")
    loaded: dict[str, Any] = yaml.safe_load(interpolate(text, env_example() if env is None else env))
    return loaded


def test_compose_file_matches_the_compose_specification() -> None:
    schema = json.loads(COMPOSE_SCHEMA.read_text(encoding="utf-8"))
    errors = sorted(jsonschema.Draft201909Validator(schema).iter_errors(compose()), key=str)
    assert errors == [], "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors)


def test_schema_check_rejects_a_misspelt_key() -> None:
    spec = compose()
    spec["services"]["webserver"]["healthcheck"]["intervall"] = "30s"
    schema = json.loads(COMPOSE_SCHEMA.read_text(encoding="utf-8"))
    assert not jsonschema.Draft201909Validator(schema).is_valid(spec)


def test_required_settings_fail_fast_when_missing() -> None:
    without_password = {k: v for k, v in env_example().items() if k != "DAGSTER_PG_PASSWORD"}
    with pytest.raises(KeyError, match="DAGSTER_PG_PASSWORD"):
        compose(without_password)
    without_version = {k: v for k, v in env_example().items() if k != "VERSION"}
    with pytest.raises(KeyError, match="VERSION"):
        compose(without_version)


def test_services_image_healthchecks_and_volumes() -> None:
    spec = compose()
    services = spec["services"]
    assert set(services) == {"postgres", *APP_SERVICES, "rabbitmq", "worker"}
    env = env_example()
    image = f"ghcr.io/{env['GHCR_ORG']}/protocol-to-crf-generator:{env['VERSION']}"
    assert {services[name]["image"] for name in APP_SERVICES} == {image}

    health = {name: " ".join(service["healthcheck"]["test"]) for name, service in services.items()}
    assert "pg_isready" in health["postgres"]
    assert "/server_info" in health["webserver"]
    assert "grpc-health-check -p 4000" in health["user_code"]
    assert "dagster-daemon liveness-check" in health["daemon"]
    assert "/health/ready" in health["api"]
    assert services["api"]["command"][:3] == ["uvicorn", "--factory", "crfgen_api.server:app_from_env"]
    for name in APP_SERVICES:
        assert services[name]["depends_on"]["postgres"]["condition"] == "service_healthy"

    data_mounts = {volume.split(":")[1] for volume in services["user_code"]["volumes"]}
    # every folder the pipeline writes under /data outlives the container
    assert {f"/data/{sub}" for sub in DATA_SUBDIRS} <= data_mounts
    assert services["postgres"]["volumes"] == ["postgres_data:/var/lib/postgresql/data"]
    # The UI is published on loopback only (docs/security.md).
    assert services["webserver"]["ports"] == ["127.0.0.1:3000:3000"]
    assert services["api"]["ports"] == ["127.0.0.1:8080:8080"]
    # uploads land where the sensor looks; tokens outlive the container
    api_mounts = {volume.split(":")[1] for volume in services["api"]["volumes"]}
    assert {mount for mount in data_mounts if mount.startswith("/data/")} <= api_mounts
    assert "api_tokens:/data/api" in services["api"]["volumes"]


def test_celery_workers_share_the_image_data_and_instance_of_the_run_process() -> None:
    """profile celery: RabbitMQ plus workers that see what user_code sees (docs/scale-out.md)."""
    services = compose()["services"]
    worker, user_code = services["worker"], services["user_code"]
    assert services["rabbitmq"]["profiles"] == worker["profiles"] == ["celery"]
    assert "profiles" not in user_code  # the default stack is unchanged
    assert worker["image"] == user_code["image"]
    assert worker["volumes"] == user_code["volumes"] and worker["environment"] == user_code["environment"]
    assert worker["command"][:3] == ["dagster-celery", "worker", "start"]
    config = worker["command"][worker["command"].index("-y") + 1]
    assert f"COPY deploy/celery.yaml {config}" in (DEPLOY / "Dockerfile").read_text(encoding="utf-8")
    queue = worker["command"][worker["command"].index("-q") + 1]
    assert queue == user_code["environment"]["CRFGEN_CELERY_QUEUE"]
    assert "@rabbitmq:5672/" in user_code["environment"]["CRFGEN_CELERY_BROKER"]
    assert worker["depends_on"]["rabbitmq"]["condition"] == "service_healthy"
    assert services["rabbitmq"]["volumes"] == ["rabbitmq_data:/var/lib/rabbitmq"]


def test_every_instance_setting_reaches_every_dagster_service() -> None:
    """Each `{env: X}` in deploy/dagster.yaml is set by compose or by the image, in all three services."""
    needed = set(
        re.findall(r"\{env:\s*([A-Z0-9_]+)\}", (DEPLOY / "dagster.yaml").read_text(encoding="utf-8"))
    )
    dockerfile = (DEPLOY / "Dockerfile").read_text(encoding="utf-8")
    image_env = set(re.findall(r"^\s*(?:ENV\s+)?([A-Z][A-Z0-9_]+)=", dockerfile, flags=re.MULTILINE))
    services = compose()["services"]
    for name in APP_SERVICES:
        missing = needed - set(services[name]["environment"]) - image_env
        assert not missing, f"{name} lacks {sorted(missing)}"


def test_workspace_points_at_the_code_server_service() -> None:
    workspace = yaml.safe_load((DEPLOY / "workspace.yaml").read_text(encoding="utf-8"))
    [entry] = workspace["load_from"]
    command = compose()["services"]["user_code"]["command"]
    assert entry["grpc_server"]["host"] == "user_code"
    assert str(entry["grpc_server"]["port"]) == command[command.index("-p") + 1]
    assert command[command.index("-m") + 1] == "crfgen_dagster.definitions"


def test_dockerfile_is_multi_stage_locked_and_runs_as_non_root() -> None:
    text = (DEPLOY / "Dockerfile").read_text(encoding="utf-8")
    stages = re.split(r"^FROM\s", text, flags=re.MULTILINE)[1:]
    assert len(stages) == 2
    builder, final = stages
    assert "--require-hashes" in builder and "/requirements.lock" in builder
    # Locked dependencies are installed before the project source is copied (cheap rebuilds).
    assert builder.index("--require-hashes") < builder.index("COPY crfgen_core")
    # every import package of the distribution is in the image (and not excluded from the context)
    ignored = (DEPLOY / "Dockerfile.dockerignore").read_text(encoding="utf-8")
    for package in ("crfgen_core", "crfgen_dagster", "crfgen_api"):
        assert f"COPY {package} /src/{package}" in builder and f"!{package}/" in ignored, package
    # No compilers in the final stage; the only system package is the OCR engine.
    assert "build-essential" not in final and "gcc" not in final
    installed = re.findall(r"apt-get install[^\n]*(?:\\\n[^\n]*)*", final)
    assert all("tesseract-ocr" in line for line in installed), installed
    assert "COPY --from=builder /opt/venv /opt/venv" in final
    user = re.findall(r"^USER\s+(\S+)", final, flags=re.MULTILINE)
    assert user and user[-1] not in ("root", "0")


@pytest.mark.skipif(
    shutil.which("docker") is None
    or subprocess.run(["docker", "compose", "version"], capture_output=True).returncode != 0,
    reason="the docker compose plugin is not installed here",
)
def test_docker_compose_config_accepts_the_file(tmp_path: Path) -> None:
    shutil.copyfile(DEPLOY / ".env.example", tmp_path / ".env")
    done = subprocess.run(
        [
            "docker",
            "compose",
            "--env-file",
            str(tmp_path / ".env"),
            "-f",
            str(DEPLOY / "docker-compose.yml"),
            "config",
            "--quiet",
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr


def test_every_service_has_memory_and_cpu_limits() -> None:
    for name, service in compose()["services"].items():
        limits = service["deploy"]["resources"]["limits"]
        assert float(limits["cpus"]) > 0 and re.fullmatch(r"\d+[kmg]", limits["memory"]), name


ENTRYPOINT = DEPLOY / "entrypoint.sh"


@pytest.mark.parametrize("password", ["change-me", ""])
def test_entrypoint_refuses_the_example_or_an_empty_password(password: str) -> None:
    done = subprocess.run(
        ["sh", str(ENTRYPOINT), "echo", "started"],
        env={"PATH": "/usr/bin:/bin", "DAGSTER_PG_PASSWORD": password},
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 64 and "started" not in done.stdout
    assert "DAGSTER_PG_PASSWORD" in done.stderr


def test_entrypoint_runs_the_command_with_a_real_password() -> None:
    done = subprocess.run(
        ["sh", str(ENTRYPOINT), "echo", "started"],
        env={"PATH": "/usr/bin:/bin", "DAGSTER_PG_PASSWORD": "x7Qw-long-random"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0 and done.stdout == "started\n"


def _entrypoint(**env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["sh", str(ENTRYPOINT), "echo", "started"],
        env={"PATH": "/usr/bin:/bin", "DAGSTER_PG_PASSWORD": "x7Qw-long-random", **env},
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.parametrize("bind", ["0.0.0.0", "::", "192.168.10.5", "crf.example.org"])
def test_entrypoint_refuses_a_public_ui_bind_without_an_auth_proxy(bind: str) -> None:
    for declared in ({}, {"CRFGEN_UI_BEHIND_AUTH_PROXY": "0"}, {"CRFGEN_UI_BEHIND_AUTH_PROXY": "yes"}):
        done = _entrypoint(CRFGEN_WEB_BIND=bind, **declared)
        assert done.returncode == 64 and "started" not in done.stdout, declared
        assert f"refusing to publish the Dagster UI on {bind}" in done.stderr
        assert "CRFGEN_UI_BEHIND_AUTH_PROXY=1" in done.stderr


@pytest.mark.parametrize("bind", ["127.0.0.1", "127.0.1.1", "localhost", "::1", ""])
def test_entrypoint_starts_a_loopback_ui_without_a_proxy(bind: str) -> None:
    done = _entrypoint(CRFGEN_WEB_BIND=bind)
    assert done.returncode == 0 and done.stdout == "started\n", done.stderr


def test_entrypoint_starts_a_public_ui_bind_once_an_auth_proxy_is_declared() -> None:
    done = _entrypoint(CRFGEN_WEB_BIND="0.0.0.0", CRFGEN_UI_BEHIND_AUTH_PROXY="1")
    assert done.returncode == 0 and done.stdout == "started\n", done.stderr


def test_the_webserver_service_passes_its_bind_to_the_entrypoint() -> None:
    environment = compose()["services"]["webserver"]["environment"]
    assert environment["CRFGEN_WEB_BIND"] == "127.0.0.1"
    assert environment["CRFGEN_UI_BEHIND_AUTH_PROXY"] == "0"
    published = compose()["services"]["webserver"]["ports"][0]
    assert published.startswith(environment["CRFGEN_WEB_BIND"] + ":")  # the same variable decides both


def test_make_ui_refuses_a_public_host_before_starting_anything(tmp_path: Path) -> None:
    done = subprocess.run(
        ["make", "-s", "ui", "UI_HOST=0.0.0.0", f"DAGSTER_HOME={tmp_path / 'home'}"],
        cwd=REPO_ROOT,
        env={"PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert done.returncode != 0 and "refusing to publish the Dagster UI on 0.0.0.0" in done.stderr
    assert "Dagster UI on http" not in done.stdout


def test_the_image_starts_every_service_through_the_entrypoint() -> None:
    text = (DEPLOY / "Dockerfile").read_text(encoding="utf-8")
    assert 'ENTRYPOINT ["/opt/dagster/entrypoint.sh"]' in text
    assert "deploy/entrypoint.sh deploy/ui_bind.sh /opt/dagster/" in text
    ignore = (DEPLOY / "Dockerfile.dockerignore").read_text(encoding="utf-8")
    assert "!deploy/entrypoint.sh" in ignore and "!deploy/ui_bind.sh" in ignore
    # compose overrides `command` only, never `entrypoint`, so the check runs in every app service
    assert all("entrypoint" not in compose()["services"][name] for name in APP_SERVICES)


def test_the_api_container_runs_the_review_store_migrations() -> None:
    """The runbook's `docker compose exec api alembic upgrade head` (and `downgrade -1`) work as written:
    alembic.ini is in the image's WORKDIR and the api service's environment names the instance database."""
    dockerfile = (DEPLOY / "Dockerfile").read_text(encoding="utf-8")
    workdir = re.findall(r"^WORKDIR\s+(\S+)", dockerfile, flags=re.MULTILINE)[-1]
    assert f"COPY alembic.ini {workdir}/alembic.ini" in dockerfile
    runbook = (DEPLOY / "RUNBOOK.md").read_text(encoding="utf-8")
    assert "docker compose exec api alembic upgrade head" in runbook
    assert "docker compose exec api alembic downgrade -1" in runbook
    from crfgen_core.review.store.database import review_db_url

    env = {k: str(v) for k, v in compose()["services"]["api"]["environment"].items()}
    url = review_db_url(env=env)
    assert url.startswith("postgresql+psycopg2://") and url.endswith(f"/{env['DAGSTER_PG_DB']}")
