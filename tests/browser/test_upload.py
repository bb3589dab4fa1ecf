"""Uploads through the launchpad in Voila: a clear message, never a silent nothing."""

from __future__ import annotations

from playwright.sync_api import Page, expect

TIMEOUT = 60_000


def upload(page: Page, path) -> None:
    """Choose a file with the launchpad's Import CSV button (it opens a file chooser)."""
    with page.expect_file_chooser() as chooser:
        page.locator("button.pk-launchpad-upload").click()
    chooser.value.set_files(str(path))


def test_too_large_upload_gets_a_clear_message(page: Page, voila_server, tmp_path) -> None:
    """A 25 MB file must reach the kernel (voila.json raises the message limit) and be refused."""
    big = tmp_path / "Account.csv"
    row = b"001bm00001ZL8U9AAL,Edge Communications\n"
    big.write_bytes(b"Id,Name\n" + row * (25_000_000 // len(row)))
    page.goto("?account=001bm00001ZL8UA", timeout=TIMEOUT)
    expect(page.locator(".pk-launchpad")).to_be_visible(timeout=TIMEOUT)
    upload(page, big)
    report = page.locator(".pk-launchpad-import-report")
    expect(report).to_contain_text("too large", timeout=TIMEOUT)
    expect(page.locator(".pk-launchpad-status")).to_contain_text("Import had problems")


def test_upload_of_a_small_export_reports_counts(page: Page, voila_server, tmp_path) -> None:
    export = tmp_path / "Account.csv"
    export.write_text("Id,Name,Industry\n001bm00009ZZZZZAA5,Zeta Upload Test Ltd,Energy\n")
    page.goto("", timeout=TIMEOUT)
    expect(page.locator(".pk-launchpad")).to_be_visible(timeout=TIMEOUT)
    upload(page, export)
    report = page.locator(".pk-launchpad-import-report")
    expect(report).to_contain_text("1 imported", timeout=TIMEOUT)
    page.locator(".pk-launchpad-search input").fill("zeta upload")
    expect(page.locator(".pk-launchpad-facts")).to_contain_text("Zeta Upload Test Ltd")
