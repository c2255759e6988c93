"""What a browser would send for a form of a rendered page: no disabled field, checkboxes
only when checked, a select's selected options (or its first), textareas' text."""

from bs4 import BeautifulSoup


def submitted_data(html, form_id=None, changes=None):
    """{name: value or [values]} for the form (its id, else the page's main form)."""
    soup = BeautifulSoup(html, "html.parser")
    if form_id:
        form = soup.find("form", id=form_id)
    else:
        posting = [f for f in soup.find_all("form") if f.get("method", "").lower() == "post"]
        form = max(posting, key=lambda f: len(f.find_all(["input", "select", "textarea"])))
    data = {}

    def add(name, value):
        data.setdefault(name, []).append(value)

    for field in form.find_all(["input", "select", "textarea"]):
        name = field.get("name")
        if not name or field.has_attr("disabled") or field.find_parent("fieldset", disabled=True):
            continue
        if field.find_parent("template"):
            continue  # Wagtail's templates of empty forms are not submitted
        if field.name == "input":
            kind = field.get("type", "text")
            if kind in ("checkbox", "radio"):
                if field.has_attr("checked"):
                    add(name, field.get("value", "on"))
            elif kind not in ("submit", "button", "file", "image", "reset"):
                add(name, field.get("value", ""))
        elif field.name == "select":
            options = field.find_all("option")
            selected = [o for o in options if o.has_attr("selected")]
            if not selected and options and not field.has_attr("multiple"):
                selected = options[:1]
            for option in selected:
                add(name, option.get("value", option.text))
        else:
            add(name, field.text.removeprefix("\n"))
    data = {name: values[0] if len(values) == 1 else values for name, values in data.items()}
    data.update(changes or {})
    return data
