"""Voilà's page templates compiled once per server (peerkit/serve/template_cache.py)."""

from __future__ import annotations

import jinja2
import jinja2.meta
import pytest
from voila.exporter import VoilaExporter
from voila.paths import collect_template_paths

from peerkit import paths
from peerkit.serve import template_cache


@pytest.fixture
def template_paths(monkeypatch):
    monkeypatch.setenv("JUPYTER_PATH", str(paths.template_share_dir()))
    return collect_template_paths(["voila", "nbconvert"], "peerkit")


def _compiles_to_load_the_page_template(exporter_class, template_paths, monkeypatch) -> int:
    """How many templates a new exporter (one per page view, as Voilà makes them)
    compiles to load the peerkit page template and the chain it extends."""
    compiled: list[str] = []
    original = jinja2.Environment.compile

    def counting(self, source, name=None, filename=None, *args, **kwargs):
        compiled.append(name)
        return original(self, source, name, filename, *args, **kwargs)

    monkeypatch.setattr(jinja2.Environment, "compile", counting)
    exporter = exporter_class(template_paths=template_paths, template_name="peerkit")
    for name in ("highlight_code", "filter_data_type", "trusted"):  # as a page view adds them
        exporter.register_filter(name, lambda value, *args, **kwargs: value)
    _load_with_what_it_uses(exporter.environment, exporter.template.name, set())
    monkeypatch.setattr(jinja2.Environment, "compile", original)
    return len(compiled)


def _load_with_what_it_uses(environment, name: str, seen: set[str]) -> None:
    """Load a template and every one it extends, includes or imports (as rendering does)."""
    if name in seen:
        return
    seen.add(name)
    environment.get_template(name)
    source = environment.loader.get_source(environment, name)[0]
    for used in jinja2.meta.find_referenced_templates(environment.parse(source)):
        if used and used not in seen:
            _load_with_what_it_uses(environment, used, seen)


def test_a_page_view_after_the_first_compiles_no_template(template_paths, monkeypatch):
    class Cached(VoilaExporter):
        pass

    class Plain(VoilaExporter):
        pass

    template_cache.install(Cached)
    template_cache.CACHE.clear()
    first = _compiles_to_load_the_page_template(Cached, template_paths, monkeypatch)
    assert first >= 3 and len(template_cache.CACHE) == first  # peerkit's, Voilà's, nbconvert's
    assert _compiles_to_load_the_page_template(Cached, template_paths, monkeypatch) == 0
    # Voilà's own exporter, as it comes, compiles the chain again for every page.
    assert _compiles_to_load_the_page_template(Plain, template_paths, monkeypatch) >= 3


def test_a_template_edited_while_serving_is_compiled_again(tmp_path):
    page = tmp_path / "page.html.j2"
    page.write_text("first {{ x }}")
    cache = template_cache.SharedBytecodeCache()

    def render() -> str:
        loader = jinja2.FileSystemLoader(str(tmp_path))
        environment = jinja2.Environment(loader=loader, bytecode_cache=cache, autoescape=True)
        return environment.get_template("page.html.j2").render(x="<b>")

    assert render() == "first &lt;b&gt;"
    page.write_text("second {{ x }}")
    assert render() == "second &lt;b&gt;"


def test_installing_twice_wraps_once():
    class Exporter(VoilaExporter):
        pass

    template_cache.install(Exporter)
    wrapped = Exporter._create_environment
    template_cache.install(Exporter)
    assert Exporter._create_environment is wrapped
    assert Exporter(template_name="peerkit").environment.bytecode_cache is template_cache.CACHE


def test_without_the_method_it_relies_on_voila_is_left_as_it_is(caplog):
    class Changed:
        pass

    template_cache.install(Changed)
    assert not hasattr(Changed, "_create_environment")
    assert "compiled for every page view" in caplog.text
