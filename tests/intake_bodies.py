"""Issue bodies as GitHub renders a submitted issue form: `### label`, a blank line, the answer."""

from __future__ import annotations

from generator.contribute.forms import FORMS, FormField


def render_body(form_name: str, answers: dict[str, str | list[str]], tick_all: bool = True) -> str:
    """Answers by label; a missing answer is `_No response_`, as GitHub writes it."""
    parts = []
    for f in FORMS[form_name].fields:
        answer = answers.get(f.label)
        if f.widget == "checkboxes":
            ticked = f.options if (f.label == "確認" and tick_all and answer is None) else (answer or [])
            text = "\n".join(f"- [{'X' if o in ticked else ' '}] {o}" for o in f.options)
        else:
            text = answer if answer else "_No response_"
        parts.append(f"### {f.label}\n\n{text}")
    return "\n\n".join(parts) + "\n"


def field(form_name: str, label: str) -> FormField:
    return next(f for f in FORMS[form_name].fields if f.label == label)
