"""The survey's own widget (the 0–10 and 1–5 scales) writes each attribute once."""

import re

import pytest
from django import forms

from surveys.forms import question_field
from surveys.models import Question


def scale_inputs(kind, required):
    class Form(forms.Form):
        mark = question_field(Question(kind=kind, label="Votre note", required=required))

    return re.findall(r"<input[^>]*>", str(Form()["mark"]))


@pytest.mark.parametrize("kind", sorted(Question.NUMERIC_KINDS))
def test_a_required_scale_says_required_once_on_each_choice(kind):
    inputs = scale_inputs(kind, required=True)
    low, high = Question.RANGES[kind]
    assert len(inputs) == high - low + 1
    assert all(re.findall(r"\srequired\b", tag) == [" required"] for tag in inputs), inputs


@pytest.mark.parametrize("kind", sorted(Question.NUMERIC_KINDS))
def test_an_optional_scale_is_not_required(kind):
    assert not any("required" in tag for tag in scale_inputs(kind, required=False))
