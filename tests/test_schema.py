"""JSON Schemas and contributor templates are derived from the models and never drift."""

import yaml
from conftest import ROOT, run_generator

from generator.registry.schema import TEMPLATES, stale_schemas, template_text


def test_schema_files_are_current():
    assert stale_schemas(ROOT / "schemas") == [], "run: python -m generator schema"


def test_templates_mark_every_required_field():
    for kind, (_folder, model, _word) in TEMPLATES.items():
        text = template_text(kind, "test-new")
        assert yaml.safe_load(text) is not None
        for name, info in model.model_fields.items():
            marker = "必須 (required)" if info.is_required() else "任意 (optional)"
            assert any(line.startswith(f"# {marker}") and True for line in text.splitlines()), name
            if info.is_required():
                assert f"\n{name}:" in text, (kind, name)


def test_new_writes_a_file_that_validation_then_explains(tmp_path):
    for name in ("data/windows", "data/ibasho", "data/family-groups", "data/messages"):
        (tmp_path / name).mkdir(parents=True)
    for name in ("site.yml", "tone.yml", "municipalities.yml", "regions.yml"):
        (tmp_path / "data" / name).write_text((ROOT / "data" / name).read_text(encoding="utf-8"), encoding="utf-8")
    created = run_generator(tmp_path, "new", "window", "test-new-window")
    assert created.returncode == 0
    assert (tmp_path / "data/windows/test-new-window.yml").exists()
    result = run_generator(tmp_path, "validate")
    assert result.returncode == 1
    assert "data/windows/test-new-window.yml:9:1: error[wrong-type] name" in result.stdout
