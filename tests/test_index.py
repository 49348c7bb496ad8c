"""Stage 4: what each town page offers, computed once."""

import shutil

from conftest import FIXTURES, TODAY
from generator.checks import load_registry
from generator.index import build_index


def fixture_index(tmp_path):
    shutil.copytree(FIXTURES / "valid" / "data", tmp_path / "data")
    return build_index(load_registry(tmp_path, TODAY), TODAY)


def ids(entries):
    return [e.id for e in entries]


def test_town_with_its_own_window(tmp_path):
    view = fixture_index(tmp_path).towns["203840"]  # 飯島町
    assert ids(view.own) == ["test-iijima-soudanshitsu"]
    assert ids(view.wide) == ["test-ken-madoguchi"]
    assert "test-iijima-soudanshitsu" in ids(view.no_phone)  # e-mail


def test_neighbour_sees_a_window_that_accepts_its_region(tmp_path):
    view = fixture_index(tmp_path).towns["202100"]  # 駒ヶ根市: test-iijima accepts the region
    assert ids(view.own) == []
    assert ids(view.elsewhere) == ["test-iijima-soudanshitsu"]
    assert ids(view.family_groups) == ["test-kazokukai"]


def test_no_phone_list_only_offers_places_that_take_the_town(tmp_path):
    index = fixture_index(tmp_path)
    # the ibasho in 伊那市 says nothing of outsiders: shown as nearby, not as a way for 飯島町 to consult
    assert "test-ina-ibasho" in ids(index.towns["203840"].ibasho)
    assert "test-ina-ibasho" not in ids(index.towns["203840"].no_phone)
    assert "test-ina-ibasho" in ids(index.towns["202096"].no_phone)


def test_derived_flags(tmp_path):
    entry = {e.id: e for e in fixture_index(tmp_path).entries["windows"]}["test-iijima-soudanshitsu"]
    assert entry.free and entry.weekend and entry.weekday and not entry.evening and entry.no_phone
    assert not entry.stale
