"""The My data page: what is stored and where, downloads on request, erase with a confirm step."""

from __future__ import annotations

import base64
import io
import json
import re

import pytest

from peerkit.course.data import load_course
from peerkit.errors import StoreError
from peerkit.pages.my_data import DOWNLOADS, PREPARE_FAILED, UNDERSTAND, my_data_page
from peerkit.portfolio.formats import FORMATS

from .html_elements import parse_html

LEARNER = "sam"
LINK = re.compile(
    r'<a class="peerkit-download" download="([^"]+)" href="data:([^;]+);[^"]*?base64,([^"]+)">'
)


@pytest.fixture(scope="module")
def course():
    return load_course()


@pytest.fixture
def page(store, course):
    store.save(LEARNER, "m2s1", "chime-now", "My private <b>thoughts</b>")
    store.save(LEARNER, "m2s1", "chime-now", "My private <b>thoughts</b>, revised")
    store.save("other", "m2s1", "chime-now", "Someone else's")
    return my_data_page(store=store, learner=LEARNER, course=course)


def _decoded(page, fmt: str) -> tuple[str, str, bytes]:
    match = LINK.search(page.links[fmt].value)
    assert match, fmt
    filename, mime, data = match.groups()
    return filename, mime, base64.b64decode(data, validate=True)


def test_page_says_what_is_stored_where_and_who_can_see_it(store, course):
    page = my_data_page(store=store, learner="<b>sam</b>", course=course)
    assert "peerkit-my-data" in page._dom_classes
    about = page.children[0].value
    assert "What is stored" in about and "Where it is kept" in about
    assert "Who can see it" in about and "Facilitators" in about
    assert "&lt;b&gt;sam&lt;/b&gt;" in about and "<b>sam</b>" not in about
    assert "in-memory" in about


def test_page_names_the_sqlite_file(tmp_path, course):
    from peerkit.store.answer_store import AnswerStore

    path = tmp_path / "answers.sqlite3"
    with AnswerStore(f"sqlite:///{path}") as file_store:
        page = my_data_page(store=file_store, learner=LEARNER, course=course)
        about = page.children[0].value
    # The path is behind "Where is my data stored?", not in the text every learner reads.
    main, _sep, details = about.partition('<details class="peerkit-details">')
    assert str(path) not in main
    assert "<summary>Where is my data stored?</summary>" in details
    assert f'<code class="peerkit-path">{path}</code>' in details.partition("</details>")[0]


def test_nothing_is_exported_until_asked(page):
    assert all(link.value == "" for link in page.links.values())


def test_prepared_downloads_hold_valid_base64_of_each_format(page):
    import docx

    page.prepare_button.click()

    assert "ready" in page.download_status.value
    assert [fmt for fmt, _text in DOWNLOADS] == ["docx", "html", "json"]
    for fmt, text in DOWNLOADS:
        assert text in page.links[fmt].value
        filename, mime, _data = _decoded(page, fmt)
        assert filename.startswith("peerkit-portfolio-") and filename.endswith(f".{fmt}")
        assert mime == FORMATS[fmt].mime.split(";")[0]
    _f, _m, data = _decoded(page, "docx")
    document = docx.Document(io.BytesIO(data))
    assert any("revised" in p.text for p in document.paragraphs)
    _f, _m, data = _decoded(page, "html")
    html = data.decode("utf-8")
    assert html.startswith("<!DOCTYPE html>")
    assert "My private &lt;b&gt;thoughts&lt;/b&gt;, revised" in html
    _f, _m, data = _decoded(page, "json")
    record = json.loads(data)
    assert record["learner"] == LEARNER
    assert len(record["answers"][0]["revisions"]) == 2
    assert "Someone else's" not in data.decode("utf-8")


def test_a_failed_download_shows_a_calm_message_without_learner_text(page, monkeypatch):
    import peerkit.portfolio as portfolio
    from peerkit.errors import StoreError

    def broken(*_args, **_kwargs):
        raise StoreError("My private <b>thoughts</b>")

    monkeypatch.setattr(portfolio, "export_portfolio", broken)
    page.prepare_button.click()
    assert PREPARE_FAILED in page.download_status.value
    assert "thoughts" not in page.download_status.value
    assert all(link.value == "" for link in page.links.values())


def test_erase_needs_the_warning_and_the_checkbox(page, store):
    assert page.confirm.layout.display == "none"
    page.understand.value = True
    page.final_button.click()  # not revealed yet: nothing happens
    assert store.count_revisions(LEARNER) == 2

    page.erase_button.click()
    assert page.confirm.layout.display == "flex"
    assert "cannot be undone" in page.warning.value
    assert "2 saved versions" in page.warning.value
    assert page.understand.value is False
    assert page.understand.description == UNDERSTAND
    assert page.final_button.disabled

    page.final_button.click()  # the checkbox is not ticked: nothing happens
    assert store.count_revisions(LEARNER) == 2

    page.understand.value = True
    assert not page.final_button.disabled
    page.final_button.click()

    assert store.count_revisions(LEARNER) == 0
    assert store.count_revisions("other") == 1
    assert "2 saved versions removed" in page.erase_status.value
    assert page.confirm.layout.display == "none"


def test_erase_clears_prepared_downloads(page, store):
    page.prepare_button.click()
    page.erase_button.click()
    page.understand.value = True
    page.final_button.click()
    assert all(link.value == "" for link in page.links.values())


def test_keep_my_answers_cancels(page, store):
    page.erase_button.click()
    page.understand.value = True
    page.cancel_button.click()
    assert page.confirm.layout.display == "none"
    assert page.understand.value is False
    page.final_button.click()
    assert store.count_revisions(LEARNER) == 2
    assert "Nothing was erased" in page.erase_status.value


def test_notebook_is_clean_and_shows_the_page():
    from peerkit import paths
    from peerkit.course.checks import check_notebook
    from peerkit.course.notebooks import read_notebook

    path = paths.notebooks_dir() / "my-data.ipynb"
    nb = read_notebook(path)
    assert check_notebook(path, "my-data", session=False) == []
    assert nb["metadata"]["kernelspec"]["name"] == "python3"
    assert "widgets" not in nb["metadata"]
    assert nb["cells"][0]["cell_type"] == "markdown"
    assert "".join(nb["cells"][0]["source"]).startswith("# My data")
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert ["".join(c["source"]) for c in code] == ["import peerkit\n\npeerkit.my_data_page()"]
    assert all(c["metadata"]["jupyter"]["source_hidden"] for c in code)


# --- failures are logged by type and place, never with their message -------------------

SECRET = "My private <b>thoughts</b>"


def _peerkit_records(caplog) -> list:
    return [r for r in caplog.records if r.name == "peerkit"]


def _assert_no_secret(caplog) -> None:
    assert "thoughts" not in caplog.text
    for record in _peerkit_records(caplog):
        assert record.exc_info is None  # a traceback would print the message
        assert "thoughts" not in record.getMessage()


@pytest.mark.parametrize("error", [StoreError, OSError, ValueError])
def test_an_expected_download_failure_is_logged_by_type(page, monkeypatch, caplog, error):
    import peerkit.portfolio as portfolio

    def broken(*_args, **_kwargs):
        raise error(SECRET)

    monkeypatch.setattr(portfolio, "export_portfolio", broken)
    caplog.set_level("WARNING", logger="peerkit")
    page.prepare_button.click()
    assert PREPARE_FAILED in page.download_status.value
    (record,) = _peerkit_records(caplog)
    assert record.levelname == "WARNING"
    assert error.__name__ in record.getMessage() and "download" in record.getMessage()
    _assert_no_secret(caplog)


def test_an_unexpected_download_failure_is_logged_with_where_it_happened(page, monkeypatch, caplog):
    import peerkit.portfolio as portfolio

    def broken_renderer(*_args, **_kwargs):
        raise KeyError(SECRET)

    monkeypatch.setattr(portfolio, "export_portfolio", broken_renderer)
    caplog.set_level("WARNING", logger="peerkit")
    page.prepare_button.click()
    assert PREPARE_FAILED in page.download_status.value
    assert "thoughts" not in page.download_status.value
    (record,) = _peerkit_records(caplog)
    assert record.levelname == "ERROR"
    message = record.getMessage()
    assert "KeyError" in message and "download" in message
    assert "broken_renderer" in message and "test_mydata.py" in message
    _assert_no_secret(caplog)


def test_a_failure_to_count_before_erasing_is_logged(page, store, monkeypatch, caplog):
    from peerkit.pages.my_data import ERASE_FAILED

    def broken(_learner):
        raise OSError(SECRET)

    monkeypatch.setattr(store, "count_revisions", broken)
    caplog.set_level("WARNING", logger="peerkit")
    page.erase_button.click()
    assert ERASE_FAILED in page.erase_status.value
    assert page.confirm.layout.display == "none"
    (record,) = _peerkit_records(caplog)
    assert "OSError" in record.getMessage() and "eras" in record.getMessage()
    _assert_no_secret(caplog)


@pytest.mark.parametrize("error", [ValueError, RuntimeError])
def test_a_failed_erase_is_logged_and_keeps_the_confirm_step(
    page, store, monkeypatch, caplog, error
):
    from peerkit.pages.my_data import ERASE_FAILED

    def broken(_learner):
        raise error(SECRET)

    page.erase_button.click()
    page.understand.value = True
    monkeypatch.setattr(store, "erase_learner", broken)
    caplog.set_level("WARNING", logger="peerkit")
    assert page.erase() is None
    assert ERASE_FAILED in page.erase_status.value
    assert "thoughts" not in page.erase_status.value
    (record,) = _peerkit_records(caplog)
    assert error.__name__ in record.getMessage()
    assert record.levelname == ("WARNING" if error is ValueError else "ERROR")
    assert page.confirm.layout.display == "flex"  # the learner can try again
    assert store.count_revisions(LEARNER) == 2
    _assert_no_secret(caplog)


def test_a_successful_page_logs_nothing(page, caplog):
    caplog.set_level("DEBUG", logger="peerkit")
    page.prepare_button.click()
    page.erase_button.click()
    page.understand.value = True
    page.final_button.click()
    assert _peerkit_records(caplog) == []


# --- learner text arrives escaped -------------------------------------------------------

HOSTILE = ("<script>alert(1)</script>", '" onmouseover="x', "' onfocus='x")


@pytest.mark.parametrize("name", HOSTILE)
def test_a_hostile_learner_name_is_shown_as_text(store, course, name):
    learner = f"sam {name} end"
    store.save(learner, "m2s1", "chime-now", f"answer {name}")
    page = my_data_page(store=store, learner=learner, course=course)
    page.prepare_button.click()
    page.erase_button.click()
    html = "".join(getattr(child, "value", "") for child in page.children)
    html += "".join(link.value for link in page.links.values()) + page.warning.value
    parsed = parse_html(html)
    assert "script" not in {tag for tag, _attrs in parsed.tags}
    for tag, attrs in parsed.tags:
        assert all(not attr.startswith("on") for attr, _value in attrs), tag
    assert learner in "".join(parsed.text)  # the name, whole, as text
    assert name not in html
    # The HTML download names the learner too, escaped the same way.
    _f, _m, data = _decoded(page, "html")
    exported = parse_html(data.decode("utf-8"))
    assert "script" not in {tag for tag, _attrs in exported.tags}
    assert all(not a.startswith("on") for _t, attrs in exported.tags for a, _v in attrs)
    assert f"Learner: {learner}" in "".join(exported.text)
