"""The calendar on another site: a page on another origin, with a strict Content-Security-
Policy, frames the embedded calendar; it shows the events, loads nothing from anyone else, and
links to the sign-up pages."""

import http.server
import threading
from urllib.parse import urlsplit

import pytest
from helpers import make_event
from playwright.sync_api import expect

from eventreg.extensions import db
from eventreg.models import EventKind


@pytest.fixture
def other_site(live_server):
    """A page on another port that only allows frames from the Kalendarium, and nothing else."""
    frame = f"{live_server}/inbaddat?typ=kurs&antal=5"
    html = (
        "<!doctype html><html lang='sv'><head><meta charset='utf-8'><title>Regionen</title></head>"
        f"<body><h1>Regionens webbplats</h1><iframe src='{frame}' title='Kurser' "
        "style='width:100%;height:600px;border:0'></iframe></body></html>"
    ).encode()

    class Page(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (the standard library's name)
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header(
                "Content-Security-Policy", f"default-src 'none'; frame-src {live_server}"
            )
            self.end_headers()
            self.wfile.write(html)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Page)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()
    server.server_close()


def test_another_site_shows_the_courses_and_links_to_sign_up(app, page, live_server, other_site):
    with app.app_context():
        course = make_event(title="Bokprat för unga läsare").id
        make_event(title="Inte en kurs", kind=EventKind.NETWORK_MEETING)
        db.session.commit()
    origins = set()
    page.on("request", lambda request: origins.add(urlsplit(request.url).netloc))
    blocked = []
    page.on(
        "console",
        lambda message: blocked.append(message.text) if "Refused" in message.text else None,
    )
    page.goto(other_site)
    calendar = page.frame_locator("iframe[title='Kurser']")
    expect(calendar.get_by_role("link", name="Bokprat för unga läsare")).to_be_visible()
    expect(calendar.get_by_text("Inte en kurs")).to_have_count(0)
    link = calendar.get_by_role("link", name="Bokprat för unga läsare")
    assert link.get_attribute("target") == "_top"
    assert origins == {urlsplit(other_site).netloc, urlsplit(live_server).netloc}
    assert blocked == []
    link.click()
    expect(page).to_have_url(f"{live_server}/evenemang/{course}")
