"""``tunesmith serve``: an HTTP API and a page to compose in the browser.

One ``Composer`` serves every request. Generation is CPU-bound, so at most ``workers`` run at
once and at most ``queue`` wait; past that the answer is 503 with ``Retry-After``, not a pile
of threads. Each request has a time limit (504 when it is passed). Files are written to a
fresh folder per request under ``out`` and served only by names this server made; folders
older than ``keep_minutes`` are removed. ``/api/generate/stream`` tells the bars written as
they come; the page's editor sends its ABC back to ``/api/render`` for downloads and plays it
with note samples from ``/soundfont/`` (``soundfont.py``), so the page needs no other site.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import secrets
import shutil
import tempfile
import threading
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, StreamingResponse
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, ConfigDict, Field, field_validator
from starlette.middleware.trustedhost import TrustedHostMiddleware
from swagger_ui_bundle import swagger_ui_path

from .. import limits
from ..abc import AbcError, parse_tune
from ..abc.opening import MAX_OPENING
from ..composer import Cancelled, Composer
from ..lyrics import MAX_CHARS as LYRICS_CHARS
from ..prompt import Controls
from ..render import RenderError, render
from ..styles import guidance_defaults
from ..tools import ToolError, user_cache
from . import soundfont

log = logging.getLogger("tunesmith.web")
STATIC = Path(__file__).parent / "static"
DISCONNECT_POLL = 0.25  # seconds between checks that the client still waits
MEDIA_TYPES = {"abc": "text/vnd.abc; charset=utf-8", "mid": "audio/midi", "wav": "audio/wav",
               "mp3": "audio/mpeg", "svg": "image/svg+xml",
               "musicxml": "application/vnd.recordare.musicxml+xml"}
_RUN_ID = re.compile(r"[0-9a-f]{16}")
_FILE_NAME = re.compile(r"piece-[1-8]\.(abc|mid|wav|mp3|svg|musicxml)")
MAX_ABC = 48_000  # characters of ABC sent back to render: a 256-bar piece in 6 voices
Format = Literal["mid", "wav", "mp3", "svg", "musicxml"]


class GenerateRequest(BaseModel):
    """What the page and API clients may ask for; anything else is a 422."""

    model_config = ConfigDict(extra="forbid", strict=True)

    prompt: str = Field("", max_length=500, description="the style, in English or Chinese")
    bars: int | None = Field(None, ge=1, le=limits.MAX_BARS,
                             description="none: as long as training tunes of its style, "
                             "a melody in their parts and repeats")
    seconds: float | None = Field(None, ge=limits.SECONDS[0], le=limits.SECONDS[1],
                                  allow_inf_nan=False,
                                  description="how long it plays, its repeats played: its "
                                  "style's parts, more or fewer of them; bars win over it")
    num: int = Field(1, ge=1, le=limits.MAX_NUM, description="pieces")
    seed: int | None = Field(None, ge=0, le=2**31 - 1, description="none: a random seed")
    key: str | None = Field(None, max_length=40, description="e.g. D, F#m, Ador, Bb mixolydian")
    meter: str | None = Field(None, max_length=20, description="e.g. 4/4, 6/8, 3/2, C")
    tempo: int | None = Field(None, ge=limits.TEMPO[0], le=limits.TEMPO[1])
    voices: int | None = Field(None, ge=1, le=limits.MAX_VOICES,
                               description="none: as the style is usually written")
    temperature: float = Field(1.0, gt=0, le=limits.MAX_TEMPERATURE, allow_inf_nan=False)
    top_p: float = Field(limits.DEFAULT_TOP_P, gt=0, le=1, allow_inf_nan=False)
    guidance: float | None = Field(None, ge=0, le=limits.MAX_GUIDANCE, allow_inf_nan=False,
                                   description="pull toward the asked style; 1 = off; none: "
                                   f"the style's own ({guidance_defaults()}; else 1)")
    start: str | None = Field(None, max_length=MAX_OPENING,
                              description="an opening to continue: ABC with its M: and K: "
                              "lines and whole bars of one voice, kept as written")
    lyrics: str | None = Field(None, max_length=LYRICS_CHARS,
                               description="words to set, English or Chinese, one line a "
                               "phrase: one note per syllable (the words set the length)")
    formats: list[Format] = Field(default_factory=lambda: ["mid", "wav", "svg"], max_length=5)

    @field_validator("key")
    @classmethod
    def _key(cls, value: str | None) -> str | None:
        return None if value is None else limits.checked_key(value)

    @field_validator("meter")
    @classmethod
    def _meter(cls, value: str | None) -> str | None:
        return None if value is None else limits.checked_meter(value)


class RenderRequest(BaseModel):
    """ABC edited in the page, to be written as files."""

    model_config = ConfigDict(extra="forbid", strict=True)

    abc: str = Field(..., min_length=1, max_length=MAX_ABC, description="a whole tune, X: to "
                     "the last bar")
    formats: list[Format] = Field(default_factory=lambda: ["mid", "wav", "svg"], max_length=5)


@dataclass
class Settings:
    model: Path | None = None  # checkpoint; None = the bundled default
    engine: str = "auto"  # what runs it: auto, onnx or torch (``tunesmith.engine``)
    out: Path | None = None  # where outputs go; None = a fresh temporary folder
    workers: int = 1  # generations at once
    queue: int = 16  # generations waiting
    time_limit: float = 60.0  # seconds per request, generation and rendering
    keep_minutes: float = 60.0
    max_body: int = 65_536  # bytes
    samples: Path | None = None  # the synth's note samples; None = ~/.cache/tunesmith/notes
    # Host headers answered; None answers any. A server bound to loopback answers only
    # loopback names, so a web page elsewhere cannot reach it by DNS rebinding.
    hosts: tuple[str, ...] | None = None


LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")


class BodyLimit:
    """Refuses request bodies over ``limit`` bytes with 413, whether announced by
    Content-Length or streamed in chunks, before the app sees them."""

    def __init__(self, app, limit: int):
        self.app, self.limit = app, limit

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        too_large = JSONResponse({"detail": f"request body over {self.limit} bytes"}, 413)
        length = dict(scope["headers"]).get(b"content-length", b"0")
        if not length.isdigit() or int(length) > self.limit:
            return await too_large(scope, receive, send)
        seen, started, refused = 0, False, False

        async def limited():
            nonlocal seen, refused
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.limit and not refused:
                refused = True
                if not started:
                    await too_large(scope, receive, send)
                return {"type": "http.disconnect"}  # the app stops reading and answers no one
            return message

        async def watch(message):
            nonlocal started
            if refused:
                return
            started = started or message["type"] == "http.response.start"
            await send(message)

        await self.app(scope, limited, watch)


class AccessLog:
    """One log line a request: method, path, status, milliseconds. Plain ASGI, not
    ``@app.middleware("http")``: Starlette's BaseHTTPMiddleware reads the client's messages
    in a task of its own, which hid a client's disconnect from ``Request.is_disconnected``."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        start, status = time.perf_counter(), [0]

        async def noted(message):
            if message["type"] == "http.response.start":
                status[0] = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, noted)
        finally:
            log.info("%s %s %d %.0f ms", scope["method"], scope["path"], status[0],
                     (time.perf_counter() - start) * 1000)


def create_app(settings: Settings | None = None, composer: Composer | None = None) -> FastAPI:
    settings = settings or Settings()
    composer = composer or Composer.load(settings.model, engine=settings.engine)
    out = (settings.out or Path(tempfile.mkdtemp(prefix="tunesmith-serve-"))).resolve()
    out.mkdir(parents=True, exist_ok=True)
    running = asyncio.Semaphore(settings.workers)
    samples = settings.samples or user_cache("notes")
    load = {"running": 0, "waiting": 0, "served": 0, "rejected": 0, "cancelled": 0}

    app = FastAPI(title="tunesmith", version="0.1.0", docs_url=None, redoc_url=None,
                  description="Style-conditioned music in ABC notation: a prompt in, "
                              "a score, MIDI and audio out.")

    app.add_middleware(AccessLog)
    app.add_middleware(BodyLimit, limit=settings.max_body)
    if settings.hosts is not None:
        app.add_middleware(TrustedHostMiddleware,
                           allowed_hosts=[f"[{h}]" if ":" in h else h for h in settings.hosts])

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        """422 naming each bad field. The input is not echoed: NaN or a lone surrogate in it
        cannot be written as JSON, which made the default handler fail with a 500."""
        return JSONResponse({"detail": [
            {"loc": [_text(str(part)) for part in e.get("loc", ())],
             "msg": _text(str(e.get("msg", ""))), "type": e.get("type", "")}
            for e in exc.errors()]}, 422)

    @app.get("/api/health")
    async def health() -> dict:
        return {"status": "ok", "model": composer.checkpoint.path.name, **load}

    @app.get("/api/styles")
    async def styles() -> list[dict]:
        """Every style label with its English and Chinese aliases and training tunes."""
        return composer.checkpoint.styles

    def refuse_when_full() -> None:
        if load["waiting"] >= settings.queue:
            load["rejected"] += 1
            raise HTTPException(503, "busy: too many requests waiting; try again shortly",
                                headers={"Retry-After": "5"})

    async def compose(request: GenerateRequest, http: Request,
                      progress: Callable[[int, int], None] | None = None) -> dict:
        """The answer to a request, in a worker once one is free; 503 when too many wait,
        504 past the time limit, 499 when the client left (its worker stops decoding)."""
        refuse_when_full()
        load["waiting"] += 1
        try:
            await running.acquire()
        finally:  # also when the client left while queued
            load["waiting"] -= 1
        load["running"] += 1
        cancel = threading.Event()  # set when the client leaves: the worker stops decoding
        work = asyncio.ensure_future(asyncio.to_thread(_compose, composer, request, out,
                                                       settings, cancel, progress))
        try:
            async with asyncio.timeout(settings.time_limit + 5):
                while not (await asyncio.wait({work}, timeout=DISCONNECT_POLL))[0]:
                    if not cancel.is_set() and await http.is_disconnected():
                        cancel.set()
                        load["cancelled"] += 1
                answer = work.result()
            load["served"] += 1
            return answer
        except TimeoutError as exc:
            cancel.set()  # the worker stops at its next token; its outcome is not wanted
            work.add_done_callback(lambda done: done.cancelled() or done.exception())
            raise HTTPException(504, str(exc) or "generation took too long") from None
        except asyncio.CancelledError:  # a stream whose client left
            cancel.set()
            load["cancelled"] += 1
            raise
        except Cancelled:
            raise HTTPException(499, "the client closed the request") from None
        finally:
            load["running"] -= 1
            running.release()

    @app.post("/api/generate")
    async def generate(request: GenerateRequest, http: Request) -> dict:
        """Pieces for a prompt: their ABC and links to the rendered files."""
        return await compose(request, http)

    @app.post("/api/generate/stream", response_class=StreamingResponse,
              responses={200: {"content": {"application/x-ndjson": {}}}})
    async def generate_stream(request: GenerateRequest, http: Request) -> StreamingResponse:
        """As ``/api/generate``, answered in lines of JSON as the work goes:
        ``{"bars": 5, "of": 32}`` while bars are written, then ``{"done": <the answer>}`` or
        ``{"error": "why", "status": 504}``. A full queue is still a 503 before any line."""
        refuse_when_full()
        loop = asyncio.get_running_loop()
        updates: asyncio.Queue[dict] = asyncio.Queue()
        said = [-1]

        def progress(done: int, bars: int) -> None:  # in the worker, once a token
            if done != said[0]:
                said[0] = done
                loop.call_soon_threadsafe(updates.put_nowait, {"bars": done, "of": bars})

        async def lines() -> AsyncIterator[str]:
            work = asyncio.ensure_future(compose(request, http, progress))
            try:
                while not work.done():
                    update = asyncio.ensure_future(updates.get())
                    await asyncio.wait({update, work}, return_when=asyncio.FIRST_COMPLETED)
                    if update.done():
                        yield json.dumps(update.result()) + "\n"
                    else:
                        update.cancel()
                try:
                    yield json.dumps({"done": work.result()}) + "\n"
                except HTTPException as exc:
                    yield json.dumps({"error": exc.detail, "status": exc.status_code}) + "\n"
            finally:  # the client left mid-stream: its worker stops at the next token
                work.cancel()

        return StreamingResponse(lines(), media_type="application/x-ndjson")

    @app.post("/api/render")
    async def render_edited(request: RenderRequest) -> dict:
        """Files (MIDI, audio, score …) of ABC edited in the page: the downloads follow the
        editor."""
        async with running:
            return await asyncio.to_thread(_render, request.abc, request.formats, out, settings)

    @app.get("/soundfont/{folder}/{name}")
    def note_sample(folder: str, name: str) -> FileResponse:
        """One note for the page's synth (abcjs asks ``<instrument>-mp3/<note>.mp3``),
        played by fluidsynth from the GM soundfont on first use, then from the cache."""
        instrument, mp3 = folder.removesuffix("-mp3"), folder.endswith("-mp3")
        note, ext = name.rsplit(".", 1) if "." in name else (name, "")
        try:
            path = soundfont.sample(samples, instrument, note) if mp3 and ext == "mp3" else None
        except ToolError as exc:
            raise HTTPException(500, f"no note sample: {exc}") from None
        if path is None:
            raise HTTPException(404, "no such note: ask <instrument>-mp3/<note>.mp3, an abcjs "
                                "instrument and a note from A0 to C8 such as Bb4")
        return FileResponse(path, media_type="audio/mpeg",
                            headers={"Cache-Control": "public, max-age=86400"})

    @app.get("/files/{run}/{name}")
    async def files(run: str, name: str) -> FileResponse:
        """A file this server wrote; any other path is a 404."""
        if not _RUN_ID.fullmatch(run) or not _FILE_NAME.fullmatch(name):
            raise HTTPException(404, "no such file")
        path = (out / run / name).resolve()
        if not path.is_relative_to(out) or not path.is_file():
            raise HTTPException(404, "no such file")
        return FileResponse(path, media_type=MEDIA_TYPES[path.suffix[1:]], filename=name)

    @app.get("/", response_class=HTMLResponse)
    async def page() -> str:
        return (STATIC / "index.html").read_text(encoding="utf-8")

    @app.get("/docs", include_in_schema=False)
    async def docs() -> HTMLResponse:
        """Swagger UI from the swagger-ui-bundle package: FastAPI's default loads it from a
        CDN, which leaves the page blank offline."""
        return get_swagger_ui_html(
            openapi_url="/openapi.json", title="tunesmith API",
            swagger_js_url="/docs-assets/swagger-ui-bundle.js",
            swagger_css_url="/docs-assets/swagger-ui.css",
            swagger_favicon_url="/docs-assets/favicon-32x32.png")

    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.mount("/docs-assets", StaticFiles(directory=str(swagger_ui_path)), name="docs-assets")
    app.state.out, app.state.settings = out, settings
    return app


def _compose(composer: Composer, request: GenerateRequest, out: Path, settings: Settings,
             cancel: threading.Event | None = None,
             progress: Callable[[int, int], None] | None = None) -> dict:
    """Generate and render one request (in a worker thread)."""
    start = time.monotonic()
    _clean(out, settings.keep_minutes)
    seed = request.seed if request.seed is not None else secrets.randbelow(2**31)
    try:
        pieces = composer.generate(request.prompt, bars=request.bars, num=request.num,
                                   seed=seed, key=request.key, meter=request.meter,
                                   tempo=request.tempo, temperature=request.temperature,
                                   top_p=request.top_p, voices=request.voices,
                                   guidance=request.guidance, time_limit=settings.time_limit,
                                   cancel=cancel, start=request.start,
                                   lyrics=request.lyrics, seconds=request.seconds,
                                   progress=progress)
    except ValueError as exc:
        raise HTTPException(422, str(exc)) from None
    run = secrets.token_hex(8)
    results = [{"abc": piece.abc, "title": piece.tune.get("T") or "", "seed": seed,
                "log_likelihood": piece.log_likelihood, "remarks": piece.remarks,
                "plays_seconds": piece.seconds,  # its repeats played
                "controls": _controls(piece.controls),  # each piece chose its own
                **_files(piece.abc, out, run, n, request.formats)}
               for n, piece in enumerate(pieces, 1)]
    return {"id": run, "seed": seed, "controls": _controls(pieces[0].controls),
            "pieces": results, "seconds": round(time.monotonic() - start, 3)}


def _controls(controls: Controls) -> dict:
    return {"labels": controls.labels, "key": controls.key, "meter": controls.meter,
            "tempo": controls.tempo, "bars": controls.bars, "seconds": controls.seconds}


def _render(abc: str, formats: list[str], out: Path, settings: Settings) -> dict:
    """Files of ABC edited in the page (in a worker thread)."""
    _clean(out, settings.keep_minutes)
    try:
        parse_tune(abc)
    except AbcError as exc:
        raise HTTPException(422, f"abc: {exc}") from None
    run = secrets.token_hex(8)
    return {"id": run, **_files(abc, out, run, 1, formats)}


def _files(abc: str, out: Path, run: str, n: int, formats: list[str]) -> dict:
    """Piece ``n``'s files under ``out/run`` as links; a renderer that fails is named and the
    others' files are still given."""
    failed: dict[str, str] = {}
    try:
        written = render(abc, out / run / f"piece-{n}", ["abc", *formats])
    except RenderError as exc:  # the music is never lost to a renderer
        written, failed = exc.written, exc.failed
    except ToolError as exc:  # the tools name their files: no server path goes out
        raise HTTPException(500, "rendering failed: " + str(exc).replace(str(out), "…")
                            ) from None
    return {"files": {fmt: f"/files/{run}/{path.name}" for fmt, path in written.items()},
            "failed": {fmt: why.replace(str(out), "…") for fmt, why in failed.items()}}


def _text(value: str) -> str:
    """``value`` with anything JSON-as-UTF-8 cannot carry (lone surrogates) replaced."""
    return value.encode("utf-8", "replace").decode("utf-8")


def _clean(out: Path, keep_minutes: float) -> None:
    """Remove output folders older than ``keep_minutes``."""
    cutoff = time.time() - keep_minutes * 60
    for run in out.iterdir():
        if run.is_dir() and _RUN_ID.fullmatch(run.name) and run.stat().st_mtime < cutoff:
            shutil.rmtree(run, ignore_errors=True)
