"""deploy/: the Zero to JupyterHub values and the images, checked offline (no cluster, no registry).

- Every key in deploy/values.yaml is one the pinned chart accepts: walked through the
  chart's own schema (deploy/chart-schema/, copied from the chart's release tag), then
  the chart's defaults merged under them as Helm does and validated with jsonschema.
- The images install the project itself (pyproject.toml, with its declared extras),
  from the pinned chart images, with a Python that pyproject's requires-python allows.
- The values wire the peerkit service as it expects, and keep the database URL in the
  hub pod only.
"""

from __future__ import annotations

import copy
import hashlib
import re
import shlex
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.version import Version

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
CHART = DEPLOY / "chart-schema"
SERVICE = "peerkit"
SERVICE_PORT = 10101
SERVICE_SCOPE = f"access:services!service={SERVICE}"
DATABASE_ENV = "PEERKIT_DATABASE_URL"


def load_yaml(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def values() -> dict[str, Any]:
    return load_yaml(DEPLOY / "values.yaml")


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    return load_yaml(CHART / "values.schema.yaml")


@pytest.fixture(scope="module")
def source() -> dict[str, Any]:
    return load_yaml(CHART / "SOURCE.yaml")


@pytest.fixture(scope="module")
def pyproject() -> dict[str, Any]:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


# --- (a) the keys are the chart's ------------------------------------------------------


def unknown_keys(value: Any, schema: dict[str, Any], path: tuple[str, ...] = ()) -> list[str]:
    """Key paths in ``value`` that ``schema`` does not accept, as dotted strings.

    Follows JSON Schema's rules for object keys: ``properties``, then
    ``patternProperties``, then ``additionalProperties`` (false: refused; a schema:
    checked against it; true or absent: anything goes below), and ``items`` for lists.
    """
    found: list[str] = []
    if isinstance(value, dict):
        properties = schema.get("properties", {})
        patterns = schema.get("patternProperties", {})
        additional = schema.get("additionalProperties", True)
        for key, item in value.items():
            where = (*path, str(key))
            if key in properties:
                found += unknown_keys(item, properties[key], where)
            elif matching := [s for p, s in patterns.items() if re.search(p, str(key))]:
                for sub in matching:
                    found += unknown_keys(item, sub, where)
            elif additional is False:
                found.append(".".join(where))
            elif isinstance(additional, dict):
                found += unknown_keys(item, additional, where)
    elif isinstance(value, list) and isinstance(schema.get("items"), dict):
        for index, item in enumerate(value):
            found += unknown_keys(item, schema["items"], (*path, f"[{index}]"))
    return found


def helm_merge(defaults: Any, override: Any) -> Any:
    """Helm's merge of a values file over the chart's defaults: maps merge, null deletes."""
    if not (isinstance(defaults, dict) and isinstance(override, dict)):
        return copy.deepcopy(override)
    merged = copy.deepcopy(defaults)
    for key, item in override.items():
        if item is None:
            merged.pop(key, None)
        else:
            merged[key] = helm_merge(merged.get(key), item)
    return merged


def schema_errors(values: dict[str, Any], schema: dict[str, Any]) -> list[str]:
    jsonschema = pytest.importorskip("jsonschema")
    merged = helm_merge(load_yaml(CHART / "values.yaml"), values)
    validator = jsonschema.Draft7Validator(schema)
    return sorted(
        f"{'.'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(merged)
    )


def set_path(tree: dict[str, Any], path: str, value: Any) -> None:
    *parents, last = path.split(".")
    for key in parents:
        tree = tree.setdefault(key, {})
    tree[last] = value


def test_the_vendored_chart_files_are_the_recorded_ones(source: dict[str, Any]) -> None:
    for name, sha256 in (
        ("values.schema.yaml", source["source"]["sha256"]),
        ("values.yaml", source["source"]["defaults"]["sha256"]),
    ):
        assert hashlib.sha256((CHART / name).read_bytes()).hexdigest() == sha256, name


def test_every_key_in_the_values_is_one_the_chart_accepts(values, schema) -> None:
    assert unknown_keys(values, schema) == []


MISSPELT = [
    "hub.servces",
    "hub.config.jupyterHub",
    "hub.db.typ",
    "singleuser.defaultURL",
    "singleuser.networkPolicy.egressAllowRules.privateIP",
    "proxy.https.host",
    "cull.timout",
]


@pytest.mark.parametrize("misspelt", MISSPELT)
def test_a_misspelt_key_is_caught(values, schema, misspelt: str) -> None:
    broken = copy.deepcopy(values)
    set_path(broken, misspelt, {} if misspelt == "hub.config.jupyterHub" else True)
    assert unknown_keys(broken, schema) == [misspelt]
    assert any(misspelt.rsplit(".", 1)[-1] in e for e in schema_errors(broken, schema))


def test_the_values_validate_against_the_chart_schema(values, schema) -> None:
    assert schema_errors(values, schema) == []


def test_full_validation_catches_a_wrong_type(values, schema) -> None:
    broken = copy.deepcopy(values)
    broken["cull"]["timeout"] = "an hour"
    assert [e for e in schema_errors(broken, schema) if e.startswith("cull.timeout:")]


# --- (b) the images are the project's --------------------------------------------------


def instructions(dockerfile: Path) -> list[tuple[str, str]]:
    """A Dockerfile's instructions as (INSTRUCTION, arguments), continuations joined."""
    result: list[tuple[str, str]] = []
    pending = ""
    for line in dockerfile.read_text(encoding="utf-8").splitlines():
        stripped = line.strip()
        if stripped.startswith("#") or (not stripped and not pending):
            continue
        if stripped.endswith("\\"):
            pending += stripped[:-1] + " "
            continue
        whole = pending + stripped
        pending = ""
        word, _, rest = whole.partition(" ")
        result.append((word.upper(), rest.strip()))
    return result


def args_of(dockerfile: Path, instruction: str) -> list[str]:
    return [rest for word, rest in instructions(dockerfile) if word == instruction]


def shell_commands(command: str) -> list[list[str]]:
    """The simple commands in a shell command line (split at ``&&``, ``||``, ``;``, ``|``)."""
    lexer = shlex.shlex(command, posix=True, punctuation_chars=True)
    lexer.whitespace_split = True
    commands: list[list[str]] = [[]]
    for token in lexer:
        if token in ("&&", "||", ";", "|", "&"):
            commands.append([])
        else:
            commands[-1].append(token)
    return [words for words in commands if words]


def pip_installs(dockerfile: Path) -> list[list[str]]:
    """The arguments of every ``pip install`` the Dockerfile runs, options removed."""
    found = []
    for command in args_of(dockerfile, "RUN"):
        for words in shell_commands(command):
            if words[:1] in (["pip"], ["pip3"]) and words[1:2] == ["install"]:
                targets, skip = [], False
                for word in words[2:]:
                    if skip:
                        skip = False
                    elif word in ("--constraint", "-c"):
                        skip = True  # a constraints file pins versions; it installs nothing
                    elif not word.startswith("-") or word in ("-e", "--editable", "-r"):
                        targets.append(word)  # what it installs, or how (editable, a list)
                found.append(targets)
    return found


def copied_package_dir(dockerfile: Path) -> str:
    """Where the Dockerfile copies pyproject.toml (with the package beside it)."""
    copies = [shlex.split(rest) for rest in args_of(dockerfile, "COPY")]
    places = [c[-1].rstrip("/") for c in copies if "pyproject.toml" in c[:-1]]
    assert len(places) == 1, "pyproject.toml is copied once"
    for source_dir in ("peerkit", "share"):
        assert [source_dir, f"{places[0]}/{source_dir}"] in copies, source_dir
    return places[0]


DOCKERFILES = ["Dockerfile.hub", "Dockerfile.singleuser"]


@pytest.mark.parametrize("name", DOCKERFILES)
def test_images_install_the_repository_itself_not_a_list_of_packages(name: str) -> None:
    dockerfile = DEPLOY / name
    package_dir = copied_package_dir(dockerfile)
    installs = pip_installs(dockerfile)
    assert installs, "the image installs peerkit"
    for targets in installs:
        assert "-e" not in targets and "--editable" not in targets, (
            "not editable: only a real install installs the Voilà template"
        )
        assert "-r" not in targets, "no second, hand-kept list of packages"
        assert targets, "pip install of the repository"
        for target in targets:
            assert re.fullmatch(re.escape(package_dir) + r"(\[[a-z0-9_,-]+\])?", target), target


def extras_installed(dockerfile: Path) -> set[str]:
    extras = set()
    for targets in pip_installs(dockerfile):
        for target in targets:
            if match := re.search(r"\[(.+)\]$", target):
                extras |= set(match.group(1).split(","))
    return extras


def test_the_hub_image_has_the_class_extra_as_pyproject_declares_it(pyproject) -> None:
    declared = pyproject["project"]["optional-dependencies"]
    assert extras_installed(DEPLOY / "Dockerfile.hub") == {"class"}
    assert "class" in declared, "pyproject.toml declares the class extra"
    names = {Requirement(r).name for r in declared["class"]}
    assert {"psycopg", "jupyterhub", "jupyterhub-idle-culler"} <= names


def test_the_singleuser_image_has_no_database_driver(pyproject) -> None:
    declared = pyproject["project"]["optional-dependencies"]
    for extra in extras_installed(DEPLOY / "Dockerfile.singleuser"):
        assert "psycopg" not in {Requirement(r).name for r in declared[extra]}, extra
    assert extras_installed(DEPLOY / "Dockerfile.singleuser") <= set(declared)


def test_the_charts_jupyterhub_satisfies_the_class_extra(pyproject, source) -> None:
    for requirement in map(Requirement, pyproject["project"]["optional-dependencies"]["class"]):
        if requirement.name == "jupyterhub":
            assert requirement.specifier.contains(source["appVersion"])
            break
    else:
        pytest.fail("the class extra names jupyterhub")


@pytest.mark.parametrize(
    ("name", "image"), list(zip(DOCKERFILES, ["hub", "singleuser"], strict=True))
)
def test_images_are_built_from_the_pinned_chart_image(name: str, image: str, source) -> None:
    froms = args_of(DEPLOY / name, "FROM")
    assert froms == [f"{source['images'][image]}:{source['version']}"]
    assert "latest" not in (DEPLOY / name).read_text(encoding="utf-8")


@pytest.mark.parametrize("name", DOCKERFILES)
def test_the_images_python_satisfies_requires_python(name: str, source, pyproject) -> None:
    dockerfile = DEPLOY / name
    assert f"PYTHON_VERSION={source['images']['python']}" in args_of(dockerfile, "ARG")
    python = Version(source["images"]["python"])
    requires = SpecifierSet(pyproject["project"]["requires-python"])
    assert requires.contains(f"{python.major}.{python.minor}.0")
    # ...and the build fails if the base image's Python is another one.
    assert [
        r for r in args_of(dockerfile, "RUN") if "sys.version_info" in r and "$PYTHON_VERSION" in r
    ]


@pytest.mark.parametrize("name", DOCKERFILES)
def test_the_images_run_as_a_non_root_user(name: str) -> None:
    users = args_of(DEPLOY / name, "USER")
    assert users and users[-1] not in ("root", "0")


@pytest.mark.parametrize("name", DOCKERFILES)
def test_the_build_context_keeps_what_the_copies_need(name: str) -> None:
    ignore = (DEPLOY / f"{name}.dockerignore").read_text(encoding="utf-8").splitlines()
    assert "*" in ignore, "the context is an allow-list"
    for rest in args_of(DEPLOY / name, "COPY"):
        for copied in shlex.split(rest)[:-1]:
            assert f"!{copied}" in ignore, copied
            assert (ROOT / copied).exists(), copied


def test_the_singleuser_image_holds_the_course_under_peerkit_home() -> None:
    dockerfile = DEPLOY / "Dockerfile.singleuser"
    envs = dict(e.split("=", 1) for e in args_of(dockerfile, "ENV"))
    home = envs["PEERKIT_HOME"]
    copies = [shlex.split(rest) for rest in args_of(dockerfile, "COPY")]
    assert ["content", f"{home}/content"] in copies
    assert ["notebooks", f"{home}/notebooks"] in copies
    config = ["deploy/singleuser/jupyter_server_config.py"]
    assert [*config, "/usr/local/etc/jupyter/jupyter_server_config.py"] in copies


def test_the_hub_image_holds_the_course_the_service_reads() -> None:
    """The service checks each answer id against the notebooks (peerkit/course/answer_ids.py)."""
    dockerfile = DEPLOY / "Dockerfile.hub"
    envs = dict(e.split("=", 1) for e in args_of(dockerfile, "ENV"))
    home = envs["PEERKIT_HOME"]
    copies = [shlex.split(rest) for rest in args_of(dockerfile, "COPY")]
    assert ["content", f"{home}/content"] in copies
    assert ["notebooks", f"{home}/notebooks"] in copies
    ignore = (DEPLOY / "Dockerfile.hub.dockerignore").read_text(encoding="utf-8").splitlines()
    assert "!content" in ignore and "!notebooks" in ignore
    values = yaml.safe_load((DEPLOY / "values.yaml").read_text(encoding="utf-8"))
    # A managed service inherits nothing from the image's ENV: it is given the course.
    assert values["hub"]["services"]["peerkit"]["environment"]["PEERKIT_HOME"] == home


def test_the_singleuser_server_serves_the_course_with_its_template(monkeypatch) -> None:
    from traitlets.config.loader import PyFileConfigLoader

    monkeypatch.setenv("PEERKIT_HOME", str(ROOT))
    config = PyFileConfigLoader(
        "jupyter_server_config.py", path=str(DEPLOY / "singleuser")
    ).load_config()
    assert Path(config.ServerApp.root_dir) == ROOT / "notebooks"
    assert config.VoilaConfiguration.template == "peerkit"
    assert config.VoilaConfiguration.show_tracebacks is False
    assert config.VoilaConfiguration.resources["peerkit"]["sessions"]
    # Only what a jupyter_server with Voilà's extension reads: not Voilà's own app.
    assert "Voila" not in config and "NotebookNotary" not in config


# --- (c) the values wire the peerkit service -------------------------------------------


def test_the_service_is_managed_in_the_hub_pod_on_its_port(values) -> None:
    service = values["hub"]["services"][SERVICE]
    assert service["command"] == ["python3", "-m", "peerkit.hub.service"]
    assert service["url"] == f"http://hub:{SERVICE_PORT}"
    assert service["environment"]["PEERKIT_SERVICE_PORT"] == str(SERVICE_PORT)
    assert service["environment"]["PEERKIT_SERVICE_BIND"] == "0.0.0.0"
    assert {"name": SERVICE, "port": SERVICE_PORT, "targetPort": SERVICE_PORT} in values["hub"][
        "service"
    ]["extraPorts"]


def rule_ports(rules: list[dict[str, Any]]) -> set[Any]:
    return {port["port"] for rule in rules for port in rule.get("ports", [])}


def test_user_pods_and_the_proxy_may_reach_the_service(values) -> None:
    assert SERVICE_PORT in rule_ports(values["hub"]["networkPolicy"]["ingress"])
    assert SERVICE_PORT in rule_ports(values["singleuser"]["networkPolicy"]["egress"])
    assert SERVICE_PORT in rule_ports(values["proxy"]["chp"]["networkPolicy"]["egress"])
    url = values["hub"]["services"][SERVICE]["url"]
    assert values["singleuser"]["extraEnv"]["PEERKIT_SERVICE_URL"] == url


def test_a_kernels_token_may_call_the_service(values) -> None:
    scopes = values["hub"]["config"]["KubeSpawner"]["server_token_scopes"]
    assert {"users:activity!user", "access:servers!server", SERVICE_SCOPE} <= set(scopes)
    assert {"self", SERVICE_SCOPE} <= set(values["hub"]["loadRoles"]["user"]["scopes"])


def test_the_service_may_read_the_groups_and_no_more(values) -> None:
    from peerkit.hub.groups import GROUP_SCOPES

    role = values["hub"]["loadRoles"]["peerkit-service"]
    assert role["services"] == [SERVICE]
    assert sorted(role["scopes"]) == sorted(GROUP_SCOPES)


def test_facilitators_are_a_group(values) -> None:
    assert "facilitators" in values["hub"]["config"]["JupyterHub"]["load_groups"]


def test_learners_land_on_the_course_home(values) -> None:
    url = values["singleuser"]["defaultUrl"]
    assert url == "/voila/render/index.ipynb"
    assert (ROOT / "notebooks" / url.removeprefix("/voila/render/")).is_file()


def test_logins_fail_closed_and_admins_cannot_open_learners_servers(values) -> None:
    config = values["hub"]["config"]["JupyterHub"]
    assert "authenticator_class" in config and config["authenticator_class"] != "dummy"
    assert config["admin_access"] is False


def test_the_culler_stops_idle_servers(values) -> None:
    assert values["cull"] == {"enabled": True, "timeout": 3600, "every": 300}


def paths_mentioning(tree: Any, needles: tuple[str, ...], path: str = "") -> list[str]:
    """Dotted paths of every key or value in ``tree`` containing one of ``needles``."""
    if isinstance(tree, dict):
        found = []
        for key, item in tree.items():
            where = f"{path}.{key}" if path else str(key)
            if any(n in str(key) for n in needles):
                found.append(where)
            found += paths_mentioning(item, needles, where)
        return found
    if isinstance(tree, list):
        return [p for i, item in enumerate(tree) for p in paths_mentioning(item, needles, path)]
    return [path] if any(n in str(tree) for n in needles) else []


def test_the_database_url_comes_from_the_secret_in_the_hub_pod_only(values) -> None:
    env = values["hub"]["extraEnv"][DATABASE_ENV]
    assert set(env) == {"valueFrom"}, "from the Secret, never written in the values"
    secret = load_yaml(DEPLOY / "secret.example.yaml")
    assert env["valueFrom"]["secretKeyRef"] == {
        "name": secret["metadata"]["name"],
        "key": next(iter(secret["stringData"])),
    }
    needles = (DATABASE_ENV, "postgresql", "secretKeyRef", "5432")
    assert paths_mentioning(values, needles) == [
        f"hub.extraEnv.{DATABASE_ENV}",
        f"hub.extraEnv.{DATABASE_ENV}.valueFrom.secretKeyRef",
        "hub.extraConfig.peerkit-database-url",
    ]
    assert paths_mentioning(values["singleuser"], needles) == []


def run_extra_config(values: dict[str, Any], monkeypatch) -> Any:
    """Run hub.extraConfig as the chart's jupyterhub_config.py does, after its services
    and the servers' environment (singleuser.extraEnv); the resulting config."""
    from traitlets.config import Config

    c = Config()
    c.KubeSpawner.environment = copy.deepcopy(values["singleuser"]["extraEnv"])
    culler = {"name": "jupyterhub-idle-culler", "command": ["python3", "-m", "culler"]}
    c.JupyterHub.services = [
        culler,
        *({"name": key, **copy.deepcopy(item)} for key, item in values["hub"]["services"].items()),
    ]
    monkeypatch.setenv(DATABASE_ENV, "postgresql+psycopg://peerkit:pw@postgres:5432/peerkit")
    for _key, code in sorted(values["hub"]["extraConfig"].items()):
        exec(code, {"c": c})
    return c


def test_the_database_url_reaches_the_peerkit_service_and_no_other(values, monkeypatch) -> None:
    services = {s["name"]: s for s in run_extra_config(values, monkeypatch).JupyterHub.services}
    peerkit = services[SERVICE]["environment"]
    assert peerkit[DATABASE_ENV] == "postgresql+psycopg://peerkit:pw@postgres:5432/peerkit"
    assert peerkit["PEERKIT_SERVICE_PORT"] == str(SERVICE_PORT), "its own environment is kept"
    assert DATABASE_ENV not in services["jupyterhub-idle-culler"].get("environment", {})


def test_jupyterlab_is_loaded_in_facilitators_servers_only(values, monkeypatch) -> None:
    """The hub marks a facilitator's server; the image's server config reads the mark."""
    from types import SimpleNamespace

    from traitlets.config.loader import PyFileConfigLoader

    from peerkit.hub.authoring import AUTHORING_ENV

    environment = run_extra_config(values, monkeypatch).KubeSpawner.environment
    assert (
        environment["PEERKIT_SERVICE_URL"]
        == values["singleuser"]["extraEnv"]["PEERKIT_SERVICE_URL"]
    ), "singleuser.extraEnv is kept"
    flag = environment[AUTHORING_ENV]

    def spawner(*groups: str) -> Any:
        return SimpleNamespace(
            user=SimpleNamespace(groups=[SimpleNamespace(name=g) for g in groups])
        )

    assert flag(spawner("facilitators", "monday")) == "1"
    assert flag(spawner("monday")) == "0" and flag(spawner()) == "0"
    assert values["hub"]["config"]["KubeSpawner"]["disable_user_config"] is True

    monkeypatch.setenv("PEERKIT_HOME", str(ROOT))
    for mark, loaded in (("1", True), ("0", False), ("", False), ("yes", False)):
        monkeypatch.setenv(AUTHORING_ENV, mark)
        config = PyFileConfigLoader(
            "jupyter_server_config.py", path=str(DEPLOY / "singleuser")
        ).load_config()
        extensions = config.ServerApp.jpserver_extensions.get_value({"voila": True})
        assert extensions["voila"] is True, "the others are kept"
        assert extensions.get("jupyterlab", True) is loaded, mark
        assert extensions.get("notebook", True) is loaded, mark


def test_user_pods_cannot_reach_private_addresses(values) -> None:
    rules = values["singleuser"]["networkPolicy"]
    assert rules["egressAllowRules"]["privateIPs"] is False
    # The one exception is the service's port on the hub pod.
    for rule in rules.get("egress", []):
        assert rule_ports([rule]) == {SERVICE_PORT}
        for peer in rule["to"]:
            assert set(peer) == {"podSelector"}, "no ipBlock or namespace opened"
            assert peer["podSelector"]["matchLabels"]["app.kubernetes.io/component"] == "hub"
    assert values["singleuser"]["storage"]["type"] == "none"


def test_postgresql_admits_the_hub_pod_only() -> None:
    policy = load_yaml(DEPLOY / "postgres-networkpolicy.yaml")
    assert policy["kind"] == "NetworkPolicy"
    assert policy["spec"]["policyTypes"] == ["Ingress"]
    [rule] = policy["spec"]["ingress"]
    assert rule["ports"] == [{"protocol": "TCP", "port": 5432}]
    [peer] = rule["from"]
    assert set(peer) == {"podSelector"}
    assert peer["podSelector"]["matchLabels"]["app.kubernetes.io/component"] == "hub"


def test_the_readme_installs_the_pinned_chart_version(source) -> None:
    readme = (DEPLOY / "README.md").read_text(encoding="utf-8")
    versions = set(re.findall(r"--version[ =](\S+)", readme))
    assert versions == {source["version"]}
