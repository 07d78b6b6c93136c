"""The web app: API answers, hostile requests, limits, and a real browser composing a piece."""

import json
import os
import re
import socket
import threading
import time
from pathlib import Path

import pytest
import uvicorn
from fastapi.testclient import TestClient

from tunesmith import limits
from tunesmith.abc import parse, validate
from tunesmith.composer import Composer
from tunesmith.web import Settings, create_app


@pytest.fixture(scope="module")
def composer(tiny_model):
    return Composer.load(tiny_model)


@pytest.fixture()
def served(composer, tmp_path):
    app = create_app(Settings(out=tmp_path / "out", time_limit=30), composer)
    with TestClient(app) as client:
        yield client, tmp_path / "out"


def test_generate_returns_valid_abc_and_working_file_links(served):
    client, out = served
    answer = client.post("/api/generate", json={"prompt": "a slip jig", "bars": 8, "seed": 4,
                                                "formats": ["mid", "svg", "musicxml"]})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    piece = body["pieces"][0]
    assert validate(parse(piece["abc"])) == [] and body["seed"] == 4
    assert body["controls"]["labels"]["form"] == "slip jig"
    assert set(piece["files"]) == {"abc", "mid", "svg", "musicxml"}
    midi = client.get(piece["files"]["mid"])
    assert midi.status_code == 200 and midi.content[:4] == b"MThd"
    svg = client.get(piece["files"]["svg"])
    assert svg.headers["content-type"].startswith("image/svg+xml") and b"<svg" in svg.content
    again = client.post("/api/generate", json={"prompt": "a slip jig", "bars": 8, "seed": 4})
    assert again.json()["pieces"][0]["abc"] == piece["abc"]  # the seed reproduces it


def test_a_request_without_bars_gets_pieces_as_long_as_their_styles_tunes(served):
    from tunesmith.abc.durations import written_bars

    client, _ = served
    answer = client.post("/api/generate", json={"prompt": "a reel", "seed": 3, "num": 2,
                                                "formats": []})
    assert answer.status_code == 200, answer.text
    for piece in answer.json()["pieces"]:
        bars = piece["controls"]["bars"]
        assert written_bars(parse(piece["abc"])) == bars <= limits.DEFAULT_BARS
        assert any(r.startswith(f"{bars} bars") and "its style" in r
                   for r in piece["remarks"])  # as long as, in the parts of, its style's tunes


def test_a_request_asking_seconds_gets_pieces_that_play_that_long(served):
    client, _ = served
    answer = client.post("/api/generate", json={"prompt": "a reel", "seconds": 40, "seed": 3,
                                                "formats": []})
    assert answer.status_code == 200, answer.text
    piece = answer.json()["pieces"][0]
    assert piece["controls"]["seconds"] == 40
    assert abs(piece["plays_seconds"] - 40) <= 0.2 * 40
    assert any(r.endswith("(0:40 asked)") for r in piece["remarks"])
    assert any(r.startswith("plays for") for r in piece["remarks"])


def test_each_piece_says_what_was_chosen_for_it(served):
    client, _ = served
    answer = client.post("/api/generate", json={"prompt": "a tune", "bars": 4, "seed": 1,
                                                "num": 4, "formats": []})
    assert answer.status_code == 200, answer.text
    pieces = answer.json()["pieces"]
    meters = [p["controls"]["meter"] for p in pieces]
    assert meters == [parse(p["abc"]).meter for p in pieces]
    assert len({(p["controls"]["meter"], parse(p["abc"]).key) for p in pieces}) > 1


def test_the_stream_tells_the_bars_written_then_gives_the_same_answer(served):
    client, _ = served
    body = {"prompt": "a reel", "bars": 8, "seed": 5, "formats": []}
    with client.stream("POST", "/api/generate/stream", json=body) as answer:
        assert answer.headers["content-type"] == "application/x-ndjson"
        lines = [json.loads(line) for line in answer.iter_lines() if line]
    *updates, last = lines
    assert updates and all(u["of"] == 8 for u in updates)
    counts = [u["bars"] for u in updates]
    assert counts == sorted(set(counts)) and counts[-1] <= 8  # each count once, rising
    plain = client.post("/api/generate", json=body).json()
    assert last["done"]["pieces"][0]["abc"] == plain["pieces"][0]["abc"]
    with client.stream("POST", "/api/generate/stream",
                       json={"start": "M:6/8\nK:D\nDFA dAF|GB dAF|", "bars": 8}) as bad:
        error = json.loads(list(bad.iter_lines())[-1])
    assert error["status"] == 422 and "bar 2 is 5/8 not 6/8" in error["error"]
    refused = client.post("/api/generate/stream", json={"bars": 0})
    assert refused.status_code == 422  # a bad field is refused before any line


def test_health_styles_openapi_and_page(served):
    client, _ = served
    assert client.get("/api/health").json()["status"] == "ok"
    styles = client.get("/api/styles").json()
    assert any(s["name"] == "classical" and "古典主义" in s["aliases"] for s in styles)
    assert "/api/generate" in client.get("/openapi.json").json()["paths"]
    page = client.get("/")
    assert page.status_code == 200 and 'id="generate"' in page.text
    # the page's limits are the API's (tunesmith.limits); bars left empty: its style's
    assert f'min="1" max="{limits.MAX_BARS}"\n' in page.text and 'value="32"' not in page.text
    assert f'max="{limits.TEMPO[1]}"' in page.text and f'max="{limits.MAX_VOICES}"' in page.text
    script = client.get("/static/app.js").text  # nothing fetched from the web
    assert "http" not in script.replace('"http://www.w3.org/2000/svg"', "")  # a name, no URL
    assert client.get("/static/vendor/abcjs-basic-min.js").text.startswith("/*! abcjs_basic")
    docs = client.get("/docs").text  # Swagger UI from the package: it works offline
    assert "cdn" not in docs and "/docs-assets/swagger-ui-bundle.js" in docs
    bundle = client.get("/docs-assets/swagger-ui-bundle.js")
    assert bundle.status_code == 200 and len(bundle.content) > 100_000


def _post(client, body: dict):
    """POST ``body`` as Python's json writes it: NaN, Infinity and lone surrogates included,
    as a hostile client may send them (httpx's own encoder refuses them)."""
    return client.post("/api/generate", content=json.dumps(body),
                       headers={"content-type": "application/json"})


@pytest.mark.parametrize("body, field", [
    ({"prompt": "x" * 501}, "prompt"),
    ({"bars": 257}, "bars"),
    ({"bars": "many"}, "bars"),
    ({"num": 17}, "num"),
    ({"seconds": 4}, "seconds"),
    ({"seconds": "two minutes"}, "seconds"),
    ({"prompt": 12}, "prompt"),
    ({"prompt": "\ud800 a jig"}, "prompt"),  # not text: a lone surrogate
    ({"key": "H#"}, "key"),
    ({"meter": "7/3"}, "meter"),
    ({"meter": "0/4"}, "meter"),
    ({"meter": "00/8"}, "meter"),
    ({"meter": "99/16"}, "meter"),
    ({"temperature": float("nan")}, "temperature"),
    ({"top_p": float("inf")}, "top_p"),
    ({"voices": 9}, "voices"),
    ({"guidance": 5.0}, "guidance"),
    ({"formats": ["exe"]}, "formats"),
    ({"unexpected": 1}, "unexpected"),
])
def test_invalid_requests_get_422_naming_the_field(served, body, field):
    client, out = served
    answer = _post(client, body)
    assert answer.status_code == 422
    assert any(field in map(str, d["loc"]) for d in answer.json()["detail"])
    assert not any(out.iterdir())  # nothing was written


def test_odd_text_never_gets_a_500_nor_a_server_path(served):
    client, _ = served
    assert "/" not in client.get("/api/health").json()["model"]
    for body in [{"prompt": "a\x00jig", "formats": ["svg"]},
                 {"prompt": "a reel", "key": "D major"}, {"prompt": "in 7/3 time"}]:
        answer = _post(client, {"bars": 2, "seed": 1, **body})
        assert answer.status_code == 200, (body, answer.text)
        tune = parse(answer.json()["pieces"][0]["abc"])
        assert validate(tune) == [] and "\x00" not in tune.abc
    assert parse(client.post("/api/generate", json={"bars": 2, "key": "D major"}).json()[
        "pieces"][0]["abc"]).key == "D"


def test_a_renderer_missing_on_the_server_still_returns_the_music(served, tmp_path,
                                                                  monkeypatch):
    import shutil

    client, out = served
    tools = tmp_path / "bin"  # abc2midi and no abcm2ps
    tools.mkdir()
    (tools / "abc2midi").symlink_to(shutil.which("abc2midi"))
    monkeypatch.setenv("PATH", str(tools))
    answer = client.post("/api/generate", json={"bars": 2, "formats": ["mid", "svg"]})
    assert answer.status_code == 200, answer.text
    piece = answer.json()["pieces"][0]
    assert set(piece["files"]) == {"abc", "mid"} and "abcm2ps" in piece["failed"]["svg"]
    assert str(out) not in answer.text and validate(parse(piece["abc"])) == []
    assert client.get(piece["files"]["abc"]).text == piece["abc"]


def test_hostile_paths_and_bodies_get_4xx_and_change_nothing(served, tmp_path):
    client, out = served
    secret = tmp_path / "secret.txt"
    secret.write_text("private")
    for path in ["/files/../secret.txt", "/files/..%2F..%2Fsecret.txt",
                 "/files/0123456789abcdef/../../secret.txt",
                 "/files/0123456789abcdef/piece-1.abc", "/files/ZZ/piece-1.abc",
                 "/files/0123456789abcdef/%2e%2e%2fsecret.txt", "/static/../web/app.py"]:
        answer = client.get(path)
        assert answer.status_code == 404, path
        assert b"private" not in answer.content
    huge = client.post("/api/generate", content=b'{"prompt": "' + b"x" * 100_000 + b'"}',
                       headers={"content-type": "application/json"})
    assert huge.status_code == 413

    def chunks():
        for _ in range(100):
            yield b"x" * 1000

    streamed = client.post("/api/generate", content=chunks(),
                           headers={"content-type": "application/json"})
    assert streamed.status_code == 413
    assert client.post("/api/generate", content=b"{not json",
                       headers={"content-type": "application/json"}).status_code == 422
    assert secret.read_text() == "private" and not any(out.iterdir())


def test_a_loopback_server_answers_only_loopback_host_names(composer, tmp_path):
    from tunesmith.web import LOOPBACK_HOSTS

    app = create_app(Settings(out=tmp_path / "o", hosts=LOOPBACK_HOSTS), composer)
    with TestClient(app, base_url="http://127.0.0.1:8000") as client:
        assert client.get("/api/health").status_code == 200
        for host in ("localhost:8000", "[::1]:8000"):
            assert client.get("/api/health", headers={"host": host}).status_code == 200
        # a DNS-rebinding page reaches the server under its own name
        assert client.get("/api/health", headers={"host": "evil.example"}).status_code == 400


def test_a_full_queue_answers_503_and_a_slow_request_504(composer, tmp_path):
    app = create_app(Settings(out=tmp_path / "o", queue=0), composer)
    with TestClient(app) as client:
        answer = client.post("/api/generate", json={"bars": 4})
        assert answer.status_code == 503 and answer.headers["retry-after"] == "5"
    app = create_app(Settings(out=tmp_path / "p", time_limit=0.05), composer)
    with TestClient(app) as client:
        answer = client.post("/api/generate", json={"bars": 256, "num": 8})
        assert answer.status_code == 504 and "fewer bars" in answer.json()["detail"]


def test_a_client_that_leaves_stops_its_generation(composer, tmp_path):
    """Through the ASGI app itself: the client sends a long request and hangs up 0.3 s
    later; the worker stops decoding instead of writing 8 pieces of 256 bars for no one."""
    import asyncio
    import time

    app = create_app(Settings(out=tmp_path / "o", time_limit=120), composer)
    body = json.dumps({"bars": 256, "num": 8}).encode()
    sent, asked = [], []

    async def call() -> float:
        leaves = time.monotonic() + 0.3

        async def receive():
            if not asked:
                asked.append(True)
                return {"type": "http.request", "body": body, "more_body": False}
            if time.monotonic() < leaves:  # a server's receive waits until the client acts
                await asyncio.sleep(leaves - time.monotonic())
            return {"type": "http.disconnect"}

        async def send(message):
            sent.append(message)

        scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
                 "method": "POST", "scheme": "http", "path": "/api/generate",
                 "raw_path": b"/api/generate", "query_string": b"", "root_path": "",
                 "headers": [(b"host", b"testserver"), (b"content-type", b"application/json"),
                             (b"content-length", str(len(body)).encode())],
                 "client": ("127.0.0.1", 5000), "server": ("testserver", 80)}
        start = time.monotonic()
        await app(scope, receive, send)
        return time.monotonic() - start

    seconds = asyncio.run(call())
    assert sent[0]["status"] == 499 and seconds < 10
    with TestClient(app) as client:
        health = client.get("/api/health").json()
    assert health["cancelled"] == 1 and health["running"] == 0 and health["served"] == 0


def test_old_outputs_are_removed(composer, tmp_path):
    out = tmp_path / "out"
    app = create_app(Settings(out=out, keep_minutes=1), composer)
    with TestClient(app) as client:
        first = client.post("/api/generate", json={"bars": 2, "formats": []}).json()["id"]
        old = time.time() - 3600
        os.utime(out / first, (old, old))
        client.post("/api/generate", json={"bars": 2, "formats": []})
    assert not (out / first).exists() and len(list(out.iterdir())) == 1


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


OPENING = "X:1\nT:My reel\nM:4/4\nL:1/8\nK:D\n|:DFAF dFAF|GBdB gBdB|\n"


DRAWN = "document.querySelector('#score svg').innerHTML"


def _changes(page, script: str, *action) -> None:
    """Do ``action`` (a page method's name and its arguments), then wait until ``script``
    (an expression) gives another value than it gave before."""
    before = page.evaluate(script)
    if action:
        getattr(page, action[0])(*action[1:])
    page.wait_for_function(f"({script}) !== {json.dumps(before)}", timeout=30_000)


def test_a_real_browser_continues_an_opening_edits_plays_and_transposes(composer, tmp_path):
    """Debian's chromium, headless, driven by Playwright, as a musician uses the page."""
    from playwright.sync_api import sync_playwright

    port = _free_port()
    app = create_app(Settings(out=tmp_path / "out", samples=tmp_path / "notes"), composer)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port,
                                           log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    shot = Path(os.environ.get("TUNESMITH_SCREENSHOT", tmp_path / "web.png"))
    notes = "#score svg .abcjs-note"
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path="/usr/bin/chromium",
                args=["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                      "--disable-background-networking", "--disable-component-update",
                      "--disable-sync", "--autoplay-policy=no-user-gesture-required",
                      "--mute-audio"])  # the synth still runs and times the cursor
            outside = []
            for size in ({"width": 1280, "height": 900}, {"width": 390, "height": 844}):
                page = browser.new_page(viewport=size)
                page.on("request", lambda r: outside.append(r.url)
                        if not r.url.startswith(f"http://127.0.0.1:{port}") else None)
                page.goto(f"http://127.0.0.1:{port}/")
                page.wait_for_selector("#suggestions button")  # styles arrived
                page.fill("#prompt", "a lively Irish reel in D")
                page.fill("#bars", "8")
                page.fill("#seed", "3")
                page.click("#opening-box summary")
                page.fill("#start", OPENING)  # typed opening, continued to 8 bars
                page.click("#generate")
                page.wait_for_selector(notes, timeout=60_000)
                abc = page.input_value("#abc")
                assert abc.startswith(OPENING.rstrip("\n")) and "K:D" in abc
                assert page.locator("#downloads a").count() == 5
                names = page.eval_on_selector_all("#downloads a", "as => as.map(a => a.download)")
                assert "my-reel-seed3.mid" in names  # named after the piece's title

                # edit one note in the text: the score is drawn again, the downloads follow
                _changes(page, DRAWN, "fill", "#abc", abc.replace("|:DFAF", "|:EFAF", 1))
                warnings = "document.querySelector('#abc-warnings').className"
                edited = page.input_value("#abc")
                _changes(page, warnings, "fill", "#abc", edited.replace("|:", '|:"Dm', 1))
                assert "closing quote" in page.text_content("#abc-warnings")  # said inline
                _changes(page, warnings, "fill", "#abc", edited)
                page.click("#refresh")
                page.wait_for_selector("#downloads a")
                mid = page.get_attribute("#downloads a[href$='.mid']", "href")
                assert page.request.get(f"http://127.0.0.1:{port}{mid}").body()[:4] == b"MThd"

                # play: the cursor moves over the notes, the sounding ones are marked
                page.click("#play")
                page.wait_for_selector("#score .cursor", state="attached", timeout=60_000)
                _changes(page, "document.querySelector('#score .cursor')?.getAttribute('x1')")
                assert page.locator("#score .playing").count() >= 1
                page.click("#stop")
                assert page.locator("#score .cursor").count() == 0

                # transpose up a semitone: the text, and so the score, is in E flat
                _changes(page, DRAWN, "click", "#up")
                assert "K:Eb" in page.input_value("#abc")
                page.fill("#play-tempo", "90")
                _changes(page, DRAWN, "dispatch_event", "#play-tempo", "change")
                assert "Q:1/4=90" in page.input_value("#abc")
                page.click(notes, force=True)  # abcjs hears clicks on the whole score
                chosen = page.evaluate("(a => a.value.slice(a.selectionStart, a.selectionEnd))"
                                       "(document.activeElement)")
                assert re.search(r"[A-Ga-g]", chosen), chosen  # the note's text, selected

                assert page.evaluate("document.documentElement.scrollWidth") <= size["width"]
                for part in ("#score svg", "#play", "#up", "#abc", "#generate"):
                    right = page.eval_on_selector(part, "e => e.getBoundingClientRect().right")
                    assert right <= size["width"], part
                name = shot if size["width"] > 390 else shot.with_name(shot.stem + "-phone.png")
                shot.parent.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(name), full_page=True)

                # a reload keeps the piece as edited; its link writes the first version again
                edited, link = page.input_value("#abc"), page.url
                assert "seed=3" in link and "prompt=a+lively" in link
                page.goto(f"http://127.0.0.1:{port}/")
                page.wait_for_selector("#history li")
                page.click("#history li:first-child a")
                assert page.input_value("#abc") == edited
                shared = browser.new_page(viewport=size)
                shared.goto(link)
                shared.wait_for_selector(notes, timeout=60_000)
                assert shared.input_value("#abc") == abc
                page.evaluate("localStorage.clear()")
                shared.close()
                page.close()
            browser.close()
    finally:
        server.should_exit = True
        thread.join(10)
    assert shot.stat().st_size > 10_000 and outside == []
