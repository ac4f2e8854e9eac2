"""Which pages keep a pre-heated kernel (peerkit/serve/warm_pages.py)."""

from __future__ import annotations

from peerkit.serve.warm_pages import SECTION, PreheatPlan, preheat_plan

HOME, MY_DATA = "index.ipynb", "my-data.ipynb"
PLAN = PreheatPlan(HOME, ("a.ipynb", "b.ipynb", "c.ipynb"), MY_DATA, continue_at="b.ipynb")


def test_on_a_session_the_home_the_session_and_the_one_after_it():
    assert PLAN.warm("a.ipynb", "a.ipynb") == {HOME, "a.ipynb", "b.ipynb"}
    assert PLAN.warm("c.ipynb", "c.ipynb") == {HOME, "c.ipynb"}  # the last has no next


def test_at_start_up_the_home_my_data_and_the_session_to_continue():
    # From the home any session card is as likely as the one after "Continue".
    assert PLAN.warm() == {HOME, MY_DATA, "b.ipynb"}
    assert PLAN.pools()["c.ipynb"] == {"pool_size": 0}
    nowhere = PreheatPlan(HOME, PLAN.sessions, MY_DATA)
    assert nowhere.warm() == {HOME, MY_DATA}  # nowhere to continue yet


def test_back_on_the_home_or_my_data_the_session_after_the_last_opened():
    assert PLAN.warm(HOME, "a.ipynb") == {HOME, MY_DATA, "b.ipynb"}
    assert PLAN.warm(MY_DATA, "b.ipynb") == {HOME, MY_DATA, "c.ipynb"}
    assert PLAN.warm(HOME, "c.ipynb") == {HOME, MY_DATA, "c.ipynb"}  # the last: itself


def test_never_more_than_three_pages_and_only_the_courses():
    places = [None, HOME, MY_DATA, *PLAN.sessions, "elsewhere.ipynb"]
    for page in places:
        for last in [None, *PLAN.sessions]:
            warm = PLAN.warm(page, last)
            assert HOME in warm and len(warm) <= 3 and warm <= set(PLAN.pages())


def test_the_pools_name_every_page():
    assert PLAN.pools("b.ipynb", "b.ipynb") == {
        "default": {"pool_size": 0},
        HOME: {"pool_size": 1},
        MY_DATA: {"pool_size": 0},
        "a.ipynb": {"pool_size": 0},
        "b.ipynb": {"pool_size": 1},
        "c.ipynb": {"pool_size": 1},
    }


def test_the_plan_is_read_back_from_voilas_config():
    config = {
        SECTION: {
            "home": PLAN.home,
            "sessions": list(PLAN.sessions),
            "my_data": MY_DATA,
            "continue_at": "b.ipynb",
        }
    }
    assert preheat_plan(config) == PLAN
    assert preheat_plan({SECTION: {**config[SECTION], "continue_at": ""}}).continue_at is None
    assert preheat_plan({}) == PreheatPlan("", ())
    assert PreheatPlan("", ()).warm("a.ipynb") == set()
