"""Browser tests in the system Chromium, on the demo organisation.

The page fixture fails a test on any browser console error, so a CSP violation or a
broken script fails here even when the page looks right.
"""

import re

import pytest
from playwright.sync_api import expect

from tandem.conftest import log_in, log_out
from tandem.core.models import Job
from tandem.people.models import User

pytestmark = pytest.mark.browser


def test_marketer_mentions_the_rep_who_sees_the_notification(page, demo):
    log_in(page, "tom.fletcher@brightwell.example", demo.password)
    expect(page.get_by_role("heading", name="Hello, Tom")).to_be_visible()
    expect(page.get_by_text("MQLs this month")).to_be_visible()  # the marketer's figures
    page.get_by_role("link", name="Teams", exact=True).click()
    page.get_by_role("link", name="Sales", exact=True).click()
    expect(page.get_by_role("heading", name="Sales", exact=True)).to_be_visible()
    box = page.get_by_label("Add a comment")
    box.fill("@sam.patel the Leeds webinar leads are in; can you call them today?")
    page.get_by_role("button", name="Post comment").click()
    expect(page.get_by_text("Notified Sam Patel.")).to_be_visible()
    expect(page.locator(".comment").first).to_contain_text("can you call them today?")
    expect(page.locator(".comment a.mention").first).to_have_text("@sam.patel")
    log_out(page)

    log_in(page, "sam.patel@brightwell.example", demo.password)
    expect(page.get_by_role("heading", name="Hello, Sam")).to_be_visible()
    expect(page.get_by_text("Tom Fletcher mentioned you on Sales")).to_be_visible()
    page.get_by_role("link", name=re.compile("^Notifications")).click()
    row = page.locator("li.unread", has_text="Tom Fletcher mentioned you on Sales")
    row.get_by_role("button", name="Open").click()
    expect(page).to_have_url(re.compile(r"/teams/\d+/$"))
    expect(page.locator(".comment").first).to_contain_text("can you call them today?")


def test_progress_bar_updates_itself_until_the_file_is_ready(page, demo, settings):
    admin = User.objects.get(email="alex.morgan@brightwell.example")
    job = Job.objects.create(
        owner=admin,
        kind="core.audit_export",
        title="Export of the audit log",
        status="running",
        total=200,
        done=50,
    )
    log_in(page, admin.email, demo.password)
    page.goto(f"/jobs/{job.pk}/")
    expect(page.get_by_text("Running · 25%")).to_be_visible()
    Job.objects.filter(pk=job.pk).update(done=150)
    expect(page.get_by_text("Running · 75%")).to_be_visible()  # no reload: htmx polled
    export = settings.MEDIA_ROOT / "exports" / "browser.csv"
    export.parent.mkdir(parents=True, exist_ok=True)
    export.write_text("id\n")
    Job.objects.filter(pk=job.pk).update(status="done", done=200, result_file="exports/browser.csv")
    expect(page.get_by_role("link", name="Download the file")).to_be_visible()


def test_admin_exports_the_audit_log_from_the_page(page, demo):
    log_in(page, "alex.morgan@brightwell.example", demo.password)
    page.get_by_role("link", name="Audit log", exact=True).click()
    expect(page.get_by_role("cell", name="referred the lead").first).to_be_visible()
    page.get_by_label("Event starts with").fill("comment.")
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_role("cell", name="comment.posted").first).to_be_visible()
    page.get_by_role("button", name="Export all to CSV").click()
    expect(page.get_by_role("link", name="Download the file")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the file").click()
    assert download.value.suggested_filename.startswith("audit-log-")


def test_a_head_manages_members_with_the_keyboard(page, demo):
    log_in(page, "priya.raman@brightwell.example", demo.password)
    page.goto("/teams/")
    page.get_by_role("link", name="Marketing", exact=True).click()
    email = page.get_by_label("Person's e-mail")
    email.focus()
    page.keyboard.type("grace.miller@brightwell.example")
    page.keyboard.press("Enter")
    expect(page.locator("#members").get_by_role("link", name="Grace Miller")).to_be_visible()
    email = page.get_by_label("Person's e-mail")
    email.fill("nobody@brightwell.example")
    email.press("Enter")
    expect(page.get_by_text("Nobody has this e-mail address")).to_be_visible()


def test_a_call_logged_from_the_contact_list_is_on_the_shared_timeline(page, demo):
    log_in(page, "sam.patel@brightwell.example", demo.password)
    page.get_by_role("link", name="Contacts", exact=True).click()
    page.get_by_placeholder("Search by name, e-mail or phone").fill("Ruth")
    expect(page.locator("#contact-rows tbody tr")).to_have_count(1)  # the search has answered
    row = page.locator("tr", has_text="Ruth Bailey")
    row.get_by_label("Subject for Ruth Bailey").fill("Booked the site survey for Tuesday")
    row.get_by_role("button", name="Log", exact=True).click()
    expect(row.get_by_text("Logged on")).to_be_visible()
    log_out(page)

    log_in(page, "tom.fletcher@brightwell.example", demo.password)
    page.goto("/contacts/")
    page.get_by_role("link", name="Ruth Bailey").click()
    timeline = page.locator("#timeline")
    expect(timeline).to_contain_text("Booked the site survey for Tuesday")
    expect(timeline).to_contain_text("Downloaded the commercial solar guide")
    timeline.get_by_role("link", name="Call", exact=True).click()
    expect(timeline).not_to_contain_text("Downloaded the commercial solar guide")
    expect(timeline).to_contain_text("Booked the site survey for Tuesday")


def test_a_web_form_submission_lands_next_to_the_reps_call(page, demo):
    from django.core.cache import cache

    from tandem.campaigns.models import Campaign

    cache.clear()
    webinar = Campaign.objects.get(name="Spring heat-pump webinar")
    # A visitor on the company's website: no login, no JavaScript needed.
    page.goto(f"/f/{webinar.form_key}/?utm_source=newsletter&utm_medium=email")
    page.get_by_label("E-mail", exact=True).fill("gareth.lloyd@penninefarms.example")
    page.get_by_label("First name").fill("Gareth")
    page.get_by_label("Send me news and offers by e-mail").check()
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("heading", name="Thank you")).to_be_visible()

    log_in(page, "sam.patel@brightwell.example", demo.password)
    page.goto("/contacts/?q=gareth")  # the rep looks the new contact up
    page.get_by_role("link", name="Gareth Lloyd").click()
    timeline = page.locator("#timeline")
    first = timeline.locator("article").first
    expect(first).to_contain_text("Touch")
    expect(first).to_contain_text("Form")
    expect(first).to_contain_text("Spring heat-pump webinar")
    expect(timeline).to_contain_text("Discovery call with Gareth")
    timeline.get_by_role("link", name="Activities", exact=True).click()
    expect(timeline).not_to_contain_text("Spring heat-pump webinar")
    expect(timeline).to_contain_text("Discovery call with Gareth")


def test_marketer_imports_a_hubspot_csv_and_gets_the_row_report(page, demo, tmp_path):
    export = tmp_path / "hubspot-contacts-export.csv"
    export.write_text(
        "First Name,Last Name,Email,Job Title,Company Name,Company Domain Name\n"
        "Olivia,Wright,olivia@ilkleylido.example,Trust Manager,Ilkley Lido Trust,"
        "ilkleylido.example\n"
        "No,Email,,,,\n"
        "Broken,Address,olivia@@ilkleylido,Lifeguard,Ilkley Lido Trust,ilkleylido.example\n"
        "Olivia,Again,OLIVIA@ilkleylido.example,,,\n",
        encoding="utf-8",
    )
    log_in(page, "tom.fletcher@brightwell.example", demo.password)
    page.goto("/contacts/")
    page.get_by_role("link", name="Import").click()
    page.get_by_label("File").set_input_files(str(export))
    page.get_by_role("button", name="Upload and check columns").click()
    expect(
        page.get_by_role("heading", name="Check the columns of hubspot-contacts-export.csv")
    ).to_be_visible()
    expect(page.get_by_label("Company Domain Name")).to_have_value("account_domain")
    page.get_by_role("button", name="Import").click()
    expect(page.get_by_text("2 contacts added")).to_be_visible()
    expect(page.get_by_text("2 rows rejected")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the rejected rows (CSV)").click()
    report = download.value.path().read_text()
    assert "row,column,reason" in report and "duplicate of row 2" in report
    assert "not a valid e-mail" in report
    page.goto("/contacts/?q=Wright")
    expect(page.locator("#contact-rows")).to_contain_text("Ilkley Lido Trust")


def test_a_rep_sets_a_task_on_the_timeline_and_marks_it_done(page, demo):
    log_in(page, "sam.patel@brightwell.example", demo.password)
    page.goto("/contacts/?q=ruth")
    page.get_by_role("link", name="Ruth Bailey").click()
    page.get_by_text("Log a call, e-mail, meeting, note or task").click()
    page.get_by_label("Kind", exact=True).select_option("task")
    page.get_by_label("Subject").fill("Send Ruth the battery quote")
    page.get_by_label("Due (tasks)").fill("2026-01-05T09:00")  # already past: overdue
    page.get_by_role("button", name="Log it").click()
    entry = page.locator("#timeline article", has_text="Send Ruth the battery quote")
    expect(entry).to_contain_text("overdue")
    entry.get_by_role("button", name="Mark done").click()  # htmx: only the line changes
    expect(entry).to_contain_text("Done")
    expect(entry.get_by_role("button", name="Mark done")).to_have_count(0)
    page.reload()
    expect(
        page.locator("#timeline article", has_text="Send Ruth the battery quote")
    ).to_contain_text("Done")


def test_a_marketer_targets_a_searched_list_in_a_campaign(page, demo):
    from tandem.campaigns.models import Campaign

    webinar = Campaign.objects.get(name="Spring heat-pump webinar")
    log_in(page, "tom.fletcher@brightwell.example", demo.password)
    page.goto("/contacts/")
    page.get_by_placeholder("Search by name, e-mail or phone").fill("ruth")
    expect(page.locator("#contact-rows tbody tr")).to_have_count(1)
    page.get_by_text("Target this contact in a campaign").click()
    page.get_by_label("Campaign").select_option(label=f"{webinar.name} (live)")
    page.get_by_role("button", name="Target them").click()
    expect(page.locator("#job-progress")).to_have_attribute("data-status", "done")
    expect(page.get_by_text("contacts targeted by Spring heat-pump webinar")).to_be_visible()
    page.goto("/contacts/?q=ruth")
    page.get_by_role("link", name="Ruth Bailey").click()
    expect(page.get_by_role("link", name="Spring heat-pump webinar")).to_be_visible()
    assert webinar.members.filter(contact__first_name="Ruth", contact__last_name="Bailey").exists()
