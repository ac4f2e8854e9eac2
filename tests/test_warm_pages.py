"""Which pages keep a pre-heated kernel (peerkit/serve/warm_pages.py)."""

from __future__ import annotations

from peerkit.serve.warm_pages import SECTION, PreheatPlan, preheat_plan

PLAN = PreheatPlan("index.ipynb", ("a.ipynb", "b.ipynb", "c.ipynb"))


def test_the_home_the_session_and_the_one_after_it():
    assert PLAN.warm("a.ipynb") == {"index.ipynb", "a.ipynb", "b.ipynb"}
    assert PLAN.warm("c.ipynb") == {"index.ipynb", "c.ipynb"}  # the last has no next
    assert PLAN.warm(None) == {"index.ipynb"}  # nowhere to continue: the home only
    assert PLAN.warm("my-data.ipynb") == {"index.ipynb"}


def test_at_start_up_the_home_and_the_session_to_continue():
    # From the home any session card is as likely as the one after "Continue".
    assert PLAN.warm("a.ipynb", opened=False) == {"index.ipynb", "a.ipynb"}
    assert PLAN.pools("a.ipynb", opened=False)["b.ipynb"] == {"pool_size": 0}


def test_the_pools_name_every_page_and_keep_my_data_cold():
    pools = PLAN.pools("b.ipynb")
    assert pools == {
        "default": {"pool_size": 0},
        "index.ipynb": {"pool_size": 1},
        "a.ipynb": {"pool_size": 0},
        "b.ipynb": {"pool_size": 1},
        "c.ipynb": {"pool_size": 1},
    }


def test_the_plan_is_read_back_from_voilas_config():
    config = {SECTION: {"home": PLAN.home, "sessions": list(PLAN.sessions)}}
    assert preheat_plan(config) == PLAN
    assert preheat_plan({}) == PreheatPlan("", ())
    assert PreheatPlan("", ()).warm("a.ipynb") == set()
