// The page talks only to this server: styles, generation, rendered files, the synth's note
// samples. Nothing else is fetched, so it works offline. abcjs (bundled from npm) draws the
// score from the ABC text area and plays it; the server renders the downloads.
"use strict";

const $ = (id) => document.getElementById(id);
const HISTORY = "tunesmith-history";  // the pieces made in this browser, kept across reloads
const KEPT = 50;
const FIELDS = ["prompt", "key", "meter", "bars", "seconds", "tempo", "voices", "seed", "lyrics",
  "start"];
const FORMATS = ["mid", "wav", "svg", "musicxml"];
const SOUNDS = "/soundfont/";  // this server plays abcjs's notes (its default is a CDN)
const TEMPO = /^Q:\s*(?:(\d+\/\d+)\s*=\s*)?(\d+)\s*$/m;
let shown = null;  // the entry on screen: { answer, piece, asked }
let playing = null;  // { synth, timer } while a piece plays

function slug(text) {
  return (text || "piece").toLowerCase().replace(/[^\p{L}\p{N}]+/gu, "-")
    .replace(/^-+|-+$/g, "").slice(0, 40) || "piece";
}

function stored() {
  try { return JSON.parse(localStorage.getItem(HISTORY) || "[]"); } catch { return []; }
}

async function loadStyles() {
  const response = await fetch("/api/styles");
  if (!response.ok) return;
  const styles = await response.json();
  const list = $("styles");
  for (const style of styles) {
    for (const name of [style.name, ...style.aliases]) {
      const option = document.createElement("option");
      option.value = name;
      list.append(option);
    }
  }
  const popular = styles.filter((s) => s.dimension !== "meter" && s.train_tunes > 0)
    .sort((a, b) => b.train_tunes - a.train_tunes).slice(0, 10);
  for (const style of popular) {
    const button = document.createElement("button");
    button.type = "button";
    const chinese = style.aliases.find((a) => /[\u4e00-\u9fff]/.test(a));
    button.textContent = chinese ? `${style.name} · ${chinese}` : style.name;
    button.addEventListener("click", () => {
      $("prompt").value = ($("prompt").value + " " + style.name).trim();
    });
    $("suggestions").append(button);
  }
}

function request() {
  const body = { prompt: $("prompt").value, formats: FORMATS };
  for (const name of ["key", "meter"]) if ($(name).value.trim()) body[name] = $(name).value.trim();
  for (const name of ["bars", "seconds", "tempo", "voices", "seed"]) if ($(name).value !== "") body[name] = Number($(name).value);
  if ($("start").value.trim()) body.start = $("start").value;
  if ($("lyrics").value.trim()) body.lyrics = $("lyrics").value;
  return body;
}

function show(entry) {
  stop();
  shown = entry;
  const { answer, piece } = entry;
  $("result").hidden = false;
  $("title").textContent = piece.title;
  const controls = piece.controls || answer.controls;  // each piece its own choices
  const labels = Object.entries(controls.labels).map(([d, v]) => `${d}=${v}`);
  const failed = Object.entries(piece.failed || {}).map(([f, why]) => `no ${f}: ${why}`);
  $("read-as").textContent = `seed ${piece.seed} · ${labels.join(", ")}` +
    [...piece.remarks, ...failed].map((n) => ` · ${n}`).join("");
  editor.editarea.setString(piece.abc);  // draws the score
  downloads(piece.files, piece);
}

function downloads(files, piece) {
  $("downloads").replaceChildren(...Object.entries(files).map(([format, url]) => {
    const link = document.createElement("a");
    link.href = url;
    link.download = `${slug(piece.title)}-seed${piece.seed}.${url.split(".").pop()}`;
    link.textContent = format.toUpperCase();
    return link;
  }));
}

// -- the editor: the text area is the piece; score, playback and downloads follow it --------

const editor = new ABCJS.Editor("abc", {
  canvas_id: "score", warnings_id: "abc-warnings",
  abcjsParams: { responsive: "resize", add_classes: true, clickListener: hear },
  onchange: edited,
  redrawCallback: (before) => {  // abcjs writes its warnings, or "No errors"
    if (!before) $("abc-warnings").className = editor.warnings?.length ? "error" : "";
  },
});
$("abc").addEventListener("input", () => editor.fireChanged());  // typing, pasting, dropping

function edited() {
  stop();
  const text = $("abc").value;
  const tempo = text.match(TEMPO);
  $("play-tempo").value = tempo ? tempo[2] : "";
  if (!shown || text === shown.piece.abc) return;
  shown.piece.abc = text;  // kept in the history as edited
  keep(shown);
  const refresh = document.createElement("button");
  refresh.type = "button";
  refresh.id = "refresh";
  refresh.textContent = "Make the downloads of this version";
  refresh.addEventListener("click", renderEdited);
  $("downloads").replaceChildren(refresh);
}

async function renderEdited() {
  const piece = shown.piece;
  $("refresh").disabled = true;
  try {
    const response = await fetch("/api/render", {
      method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ abc: piece.abc, formats: FORMATS }),
    });
    const answer = await response.json();
    if (!response.ok) throw new Error(problem(answer.detail));
    piece.files = answer.files;
    keep(shown);
    if (piece.abc === $("abc").value) downloads(answer.files, piece);
  } catch (error) {
    $("downloads").textContent = `could not make the files: ${error.message}`;
  }
}

function setText(text) {
  editor.editarea.setString(text);
}

function transpose(steps) {
  const text = $("abc").value;  // read afresh: the drawing waits for typing to pause
  setText(ABCJS.strTranspose(text, ABCJS.renderAbc("*", text), steps));
}

function setTempo() {
  const bpm = Number($("play-tempo").value);
  if (!(bpm >= 20 && bpm <= 300)) return;
  const text = $("abc").value;
  if (TEMPO.test(text)) {
    setText(text.replace(TEMPO, (_, unit) => `Q:${unit ? unit + "=" : ""}${bpm}`));
  } else {
    setText(text.replace(/^K:/m, `Q:1/4=${bpm}\nK:`));
  }
}

function hear(element) {  // a click on a note plays it, at the tempo of the score clicked
  if (!element.midiPitches) return;
  ABCJS.synth.playEvent(element.midiPitches, element.midiGraceNotePitches,
                        editor.tunes[0].millisecondsPerMeasure(), SOUNDS).catch(() => {});
}

async function play() {
  stop();
  $("play").disabled = true;
  $("play-status").textContent = "loading the sounds…";
  try {
    const tune = editor.tunes[0];  // as drawn, so the cursor finds its notes
    const synth = new ABCJS.synth.CreateSynth();
    await synth.init({ visualObj: tune, options: { soundFontUrl: SOUNDS } });
    await synth.prime();
    const timer = new ABCJS.TimingCallbacks(tune, { eventCallback: follow });
    playing = { synth, timer };
    synth.start();
    timer.start();
    $("stop").disabled = false;
    $("play-status").textContent = "playing";
  } catch (error) {
    $("play-status").textContent = `cannot play: ${error.message || error}`;
    $("play").disabled = false;
  }
}

function stop() {
  if (playing) {
    playing.synth.stop();
    playing.timer.stop();
    playing = null;
  }
  follow(null);
  $("play").disabled = false;
  $("stop").disabled = true;
  $("play-status").textContent = "";
}

function follow(event) {  // the cursor and the sounding notes
  for (const note of document.querySelectorAll("#score .playing")) note.classList.remove("playing");
  const svg = document.querySelector("#score svg");
  let cursor = document.querySelector("#score .cursor");
  if (!event) {
    cursor?.remove();
    if (playing) stop();
    return;
  }
  for (const group of event.elements || []) for (const note of group) note.classList.add("playing");
  if (!cursor && svg) {
    cursor = document.createElementNS("http://www.w3.org/2000/svg", "line");
    cursor.setAttribute("class", "cursor");
    svg.append(cursor);
  }
  if (!cursor) return;
  const x = String(event.left - 2);
  cursor.setAttribute("x1", x);
  cursor.setAttribute("x2", x);
  cursor.setAttribute("y1", String(event.top));
  cursor.setAttribute("y2", String(event.top + event.height));
}

$("play").addEventListener("click", play);
$("stop").addEventListener("click", stop);
$("down").addEventListener("click", () => transpose(-1));
$("up").addEventListener("click", () => transpose(1));
$("play-tempo").addEventListener("change", setTempo);

function listed(entry) {
  const item = document.createElement("li");
  const link = document.createElement("a");
  link.href = "#";
  link.textContent = `${entry.piece.title} (seed ${entry.piece.seed})`;
  link.addEventListener("click", (event) => { event.preventDefault(); show(entry); });
  item.append(link);
  $("history").prepend(item);
}

function keep(entry) {  // store it, or its edited version in its place
  const key = (e) => e.key || e.piece.files.abc;
  const kept = [...stored().filter((e) => key(e) !== key(entry)), entry];
  try { localStorage.setItem(HISTORY, JSON.stringify(kept.slice(-KEPT))); } catch { /* full */ }
}

function remember(answer, piece, asked) {
  const entry = { key: piece.files.abc, answer: { controls: answer.controls }, piece, asked };
  listed(entry);
  keep(entry);
  return entry;
}

// a piece's link: the request that made it, with the seed it got, in the URL's query
function share(asked, seed) {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries({ ...asked, seed })) {
    if (FIELDS.includes(name) && value !== undefined && value !== "") query.set(name, value);
  }
  history.replaceState(null, "", `?${query}`);
}

function problem(detail) {  // FastAPI's 422 lists each bad field
  return Array.isArray(detail)
    ? detail.map((d) => `${d.loc.slice(-1)[0]}: ${d.msg}`).join("; ") : detail;
}

// the answer of /api/generate/stream, telling the bars written while they come
async function composed(asked) {
  const response = await fetch("/api/generate/stream", {
    method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(asked),
  });
  if (!response.ok) return { error: problem((await response.json()).detail) };
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let pending = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return { error: "the server stopped before the piece was done" };
    pending += value;
    const lines = pending.split("\n");
    pending = lines.pop();
    for (const line of lines.filter(Boolean)) {
      const update = JSON.parse(line);
      if (update.done) return update.done;
      if (update.error) return { error: problem(update.error) };
      $("status").textContent = `composing… bar ${update.bars} of ${update.of}`;
    }
  }
}

$("compose").addEventListener("submit", async (event) => {
  event.preventDefault();
  $("generate").disabled = true;
  $("status").textContent = "composing…";
  $("status").className = "";
  try {
    const asked = request();
    const answer = await composed(asked);
    if (answer.error) {
      $("status").textContent = `could not compose: ${answer.error}`;
      $("status").className = "error";
      return;
    }
    $("status").textContent = `done in ${answer.seconds.toFixed(1)} s`;
    const entries = answer.pieces.map((piece) => remember(answer, piece, asked));
    share(asked, answer.seed);
    show(entries[0]);
  } catch (error) {
    $("status").textContent = `could not reach the server: ${error}`;
    $("status").className = "error";
  } finally {
    $("generate").disabled = false;
  }
});

loadStyles();
for (const entry of stored()) listed(entry);
// opened from a piece's link: the same request and seed, so the same piece
const linked = new URLSearchParams(location.search);
if (FIELDS.some((name) => linked.has(name))) {
  for (const name of FIELDS) if (linked.has(name)) $(name).value = linked.get(name);
  if (linked.has("lyrics")) $("lyrics-box").open = true;
  if (linked.has("start")) $("opening-box").open = true;
  $("compose").requestSubmit();
}
