"""Drive a roadmap's page in a browser: add phases, milestones and dependencies, find warnings."""

from playwright.sync_api import expect


def warning(page, code):
    return page.locator(f'#check .warning[data-code="{code}"]')


def add_milestone(page, kind, title, start, fields, *, selects=None):
    """Open the editor from the timeline, pick the kind, fill its fields, save."""
    page.locator("#timeline-add-milestone").click()
    dialog = page.locator("#roadmap-dialog")
    expect(dialog).to_be_visible()
    dialog.get_by_label("Kind").select_option(kind)
    # Only the chosen kind's details are shown.
    fieldset = dialog.locator(f'fieldset[data-kind="{kind}"]')
    expect(fieldset).to_be_visible()
    expect(dialog.locator("fieldset.kind-fields:visible")).to_have_count(1)
    dialog.get_by_label("Title").fill(title)
    dialog.get_by_label("Date (or start)").fill(start)
    for label, value in (selects or {}).items():
        fieldset.get_by_label(label, exact=True).select_option(value)
    for label, value in fields.items():
        fieldset.get_by_label(label, exact=True).fill(value)
    dialog.get_by_role("button", name="Add milestone").click()
    expect(dialog).to_be_hidden()
    expect(page.locator("#messages")).to_contain_text(f"Added the milestone “{title}”")


def add_phase(page, name: str, start: str, end: str) -> None:
    """Add a phase through the dialog and see its heading on the page."""
    page.locator("#add-phase").click()
    dialog = page.locator("#roadmap-dialog")
    expect(dialog.get_by_role("heading", name="Add a phase")).to_be_visible()
    dialog.get_by_label("Name").fill(name)
    dialog.get_by_label("Start", exact=True).fill(start)
    dialog.get_by_label("End", exact=True).fill(end)
    dialog.get_by_role("button", name="Add phase").click()
    expect(dialog).to_be_hidden()
    expect(page.get_by_role("heading", name=name, level=3)).to_be_visible()


def add_dependency(page, first: str, then: str) -> None:
    """Say in the dependency dialog that ``first`` must finish before ``then`` (option labels)."""
    page.locator("#add-dependency").click()
    dialog = page.locator("#roadmap-dialog")
    dialog.get_by_label("This milestone must finish first").select_option(label=first)
    dialog.get_by_label("before this one can happen").select_option(label=then)
    dialog.get_by_role("button", name="Add dependency").click()
    expect(dialog).to_be_hidden()
    expect(page.locator("#dependencies .dependency")).to_have_count(1)
